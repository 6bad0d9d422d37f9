// System operations: TTBR writes and isb, lazy MMU mode's deferred barriers, and the
// page-table frame allocator.

import { CapacityError } from './errors.js';
import { Ev } from './events.js';
import { dsb, dsbEnabled, DSB_ST, isbCore, sbCount } from './cpu.js';
import { C_VDSB, C_VR, C_VW, C_LAZY, O_ALLOCATOR, C_LAZY_PENDING, C_TTBR, C_TTBR_DSB, C_TTBR_PENDING, G_TIME, MEM_ENTRY, P_EARLY, P_EARLY_FLOOR, P_WACTIVE, W_UNINIT, W_WRITER_SHIFT } from './layout.js';
import { FRAME_FREE, FRAME_FREED, FRAME_USED, type Machine } from './machine.js';
import { collect } from './memory.js';
import { cutWalk, walkerBase } from './walk.js';
import { dropEarly } from './tlb.js';

/** write_sysreg(v, ttbrN_el1): takes effect at the CPU's next isb; walks until then may use either. */
export function writeTtbr(m: Machine, s: Int32Array, cpu: number, region: number, frame: number): void {
  const c = m.layout.cpu(cpu);
  s[c + C_TTBR_PENDING + region] = frame + 2;
  // The write waited for the CPU's earlier dsb: walks from the new root see what it completed.
  s[c + C_TTBR_DSB + region] = s[c + C_VDSB]!;
  // A walk in flight may have started from the pending root this write replaces; it could
  // as well have finished before the write, so it is cut (as at an isb).
  for (let p = 0; p < m.layout.probes; p++) {
    const w = walkerBase(m, cpu, p);
    if (s[w + P_WACTIVE] !== 0) cutWalk(m, s, w);
  }
  const ev = m.events.push(Ev.TtbrWrite, cpu);
  ev.a = region;
  ev.b = frame;
}

/** isb: context synchronisation; pending TTBR writes take effect, early results are dropped. */
export function isb(m: Machine, s: Int32Array, cpu: number): void {
  const c = m.layout.cpu(cpu);
  for (let r = 0; r < 2; r++) {
    const p = s[c + C_TTBR_PENDING + r]!;
    if (p !== 0) {
      s[c + C_TTBR + r] = p - 1;
      s[c + C_TTBR_PENDING + r] = 0;
      s[c + C_TTBR_DSB + r] = 0;
    }
  }
  for (let p = 0; p < m.layout.probes; p++) {
    const w = walkerBase(m, cpu, p);
    s[w + P_EARLY] = 0;
    s[w + P_EARLY_FLOOR] = 0;
    // A walk in flight could as well have finished before the isb; cutting it keeps its
    // stale reads from becoming an early result after the context synchronisation.
    if (s[w + P_WACTIVE] !== 0) cutWalk(m, s, w);
  }
  dropEarly(m, s, cpu);
  isbCore(m, s, cpu);
}

export function ttbrFrame(m: Machine, s: Int32Array, cpu: number, region: number): number {
  return s[m.layout.cpu(cpu) + C_TTBR + region]! - 1;
}

/** arch_enter_lazy_mmu_mode(). */
export function lazyEnter(m: Machine, s: Int32Array, cpu: number): void {
  s[m.layout.cpu(cpu) + C_LAZY] = 1;
  m.events.push(Ev.Lazy, cpu).a = 1;
}

/**
 * The barrier tail of __set_pte/set_pmd/set_pud for a descriptor that needs one
 * (queue_pte_barriers): in lazy mode only mark it pending, else dsb(ishst); isb().
 */
export function pteBarrierEnabled(m: Machine, s: Int32Array, cpu: number): boolean {
  return s[m.layout.cpu(cpu) + C_LAZY] !== 0 || dsbEnabled(m, s, cpu, DSB_ST);
}

/** Whether queue_pte_barriers() runs its dsb and isb now (outside lazy MMU mode). */
export function pteBarrierRunsIsb(m: Machine, s: Int32Array, cpu: number): boolean {
  return s[m.layout.cpu(cpu) + C_LAZY] === 0;
}

/** Whether arch_leave_lazy_mmu_mode() runs a pending dsb and isb. */
export function lazyLeaveRunsIsb(m: Machine, s: Int32Array, cpu: number): boolean {
  return s[m.layout.cpu(cpu) + C_LAZY_PENDING] !== 0;
}

export function pteBarrier(m: Machine, s: Int32Array, cpu: number): void {
  const c = m.layout.cpu(cpu);
  if (s[c + C_LAZY] !== 0) {
    s[c + C_LAZY_PENDING] = 1;
    return;
  }
  dsb(m, s, cpu, DSB_ST);
  isb(m, s, cpu);
}

/** arch_leave_lazy_mmu_mode(): emits the pending barriers once. */
export function lazyLeaveEnabled(m: Machine, s: Int32Array, cpu: number): boolean {
  return s[m.layout.cpu(cpu) + C_LAZY_PENDING] === 0 || sbCount(m, s, cpu) === 0;
}

export function lazyLeave(m: Machine, s: Int32Array, cpu: number): void {
  const c = m.layout.cpu(cpu);
  if (s[c + C_LAZY_PENDING] !== 0) {
    dsb(m, s, cpu, DSB_ST);
    isb(m, s, cpu);
  }
  s[c + C_LAZY] = 0;
  s[c + C_LAZY_PENDING] = 0;
  m.events.push(Ev.Lazy, cpu).a = 0;
}

/** Ways an allocation can go: success, and failure when the scenario allows it. */
export function allocChoices(m: Machine, s: Int32Array): number {
  const free = firstFree(m, s) >= 0;
  if (!m.cfg.allocFailure) {
    if (!free) throw new CapacityError('machine.frames', 'the page-table frame pool is exhausted');
    return 1;
  }
  return free ? 2 : 1;
}

function firstFree(m: Machine, s: Int32Array): number {
  for (let f = 0; f < m.layout.frames; f++) if (s[m.layout.frameBase + f] === FRAME_FREE) return f;
  return -1;
}

/**
 * pagetable_alloc: choice 0 takes the lowest free frame (zeroed as __GFP_ZERO asks, else
 * every slot uninitialised), choice 1 fails. The new content is a committed write by this
 * CPU, not yet ordered before anything else: a walker of another CPU that reaches the frame
 * through a pointer published without a barrier may still read what was there before.
 * Returns the frame, or -1.
 */
export function alloc(m: Machine, s: Int32Array, cpu: number, zeroed: boolean, choice: number): number {
  const f = choice === 0 ? firstFree(m, s) : -1;
  const ev = m.events.push(Ev.Alloc, cpu);
  ev.a = f;
  ev.b = zeroed ? 1 : 0;
  if (f < 0) return -1;
  s[m.layout.frameBase + f] = FRAME_USED;
  const L = m.layout;
  if (m.tableProvenance && s[L.origin(f) + O_ALLOCATOR] === 0) s[L.origin(f) + O_ALLOCATOR] = cpu + 1; // not if a pointer reached it first
  const ts = s[G_TIME]! + 1;
  s[G_TIME] = ts;
  for (let i = 0; i < L.entries; i++) {
    const loc = f * L.entries + i;
    const b = L.mem(loc);
    let n = s[b]!;
    if (n === L.H) {
      // Nobody can have a floor inside a never-published free frame beyond its newest write.
      s.copyWithin(b + 1, b + 1 + (n - 1) * MEM_ENTRY, b + 1 + n * MEM_ENTRY);
      s.fill(0, b + 1 + MEM_ENTRY, b + 1 + n * MEM_ENTRY);
      n = 1;
    }
    const w = b + 1 + n * MEM_ENTRY;
    s[w] = 0;
    s[w + 1] = 0;
    s[w + 2] = ts;
    s[w + 3] = !zeroed ? W_UNINIT : m.ttbrFixed ? 0 : (cpu + 1) << W_WRITER_SHIFT; // zeroing: the CPU's own writes
    s[b] = n + 1;
    s[L.cpu(cpu) + L.cCoh + loc] = ts;
  }
  const c = L.cpu(cpu);
  if (s[c + C_VW]! < ts) s[c + C_VW] = ts;
  if (s[c + C_VR]! < ts) s[c + C_VR] = ts;
  collect(m, s);
  return f;
}

/** pagetable_free: the frame is freed and never reused, so a later walk into it is caught. */
export function free(m: Machine, s: Int32Array, cpu: number, frame: number): void {
  s[m.layout.frameBase + frame] = FRAME_FREED;
  m.events.push(Ev.Free, cpu).a = frame;
}
