// Unbounded walkers by saturation. With `unboundedWalks`, walkers take no steps of their
// own: after every transition each walker's TLB and walk cache get every entry a whole
// walk could fill at that moment (walk cache entries feed further walks until nothing new
// appears). Entries stay until a TLBI removes them and only add behaviours (a lookup may
// always walk instead), so the saturated state stands for every state in which some of
// those walks happened, at any moment and any number of times. Only under relaxed memory:
// there a walk spread over time reads what the same walk run whole at its end reads
// (explore/reduction.ts); under sc it does not.

import { A_AF, DESC_INVALID, DESC_TABLE } from '../arch/attrs.js';
import { Ev, FAULT_ACCESS_FLAG, FAULT_TRANSLATION } from './events.js';
import { MEM_ENTRY, P_EARLY, P_EARLY_FLOOR, W_UNINIT, W_META_MASK, WC_ENTRY } from './layout.js';
import { FRAME_FREED, type Machine } from './machine.js';
import { walkReadIdx } from './memory.js';
import { wcBase } from './tlb.js';
import { fillTlb, fillWalkCacheEntry, PENDING_VIEW, slotLoc, startOptions, walkerBase, walkFloor, WR_NOT_TABLE } from './walk.js';

const starts = new Int32Array(4 * 260);

/**
 * Whether a program step may have changed what walks can fill: only memory (a commit, an
 * atomic, an allocation's content), frames (alloc, free), TTBRs and the walk floor (an
 * isb) feed a walk. A TLBI completing or a store buffer committing always may.
 */
export function walksMayChange(m: Machine): boolean {
  const ev = m.events;
  for (let i = 0; i < ev.length; i++) {
    switch (ev.items[i]!.kind) {
      case Ev.Commit: case Ev.Rmw: case Ev.Alloc: case Ev.Free: case Ev.TtbrWrite: case Ev.Isb: case Ev.TlbiDone:
        return true;
    }
  }
  return false;
}

/** Fill every walker's TLB and walk cache with what walks made now could fill. */
export function saturateWalks(m: Machine, s: Int32Array): void {
  const L = m.layout;
  for (let c = 0; c < L.cpus; c++) {
    const walkers = m.cfg.walkers[c]!;
    for (let p = 0; p < L.probes; p++) if (walkers[p]) saturateWalker(m, s, c, p);
  }
}

function saturateWalker(m: Machine, s: Int32Array, cpu: number, probe: number): void {
  const pr = m.cfg.probes[probe]!;
  const wb = wcBase(m, cpu);
  const wcEnd = wb + 1 + m.layout.wcCap * WC_ENTRY;
  for (;;) {
    const before = s.slice(wb, wcEnd);
    const floor = walkFloor(m, s, cpu);
    const n = startOptions(m, s, cpu, pr.region, pr.vaPage, starts);
    const opts = starts.slice(0, n * 4); // walks below add walk-cache entries
    for (let i = 0; i < n; i++) {
      walkFrom(m, s, cpu, probe, opts[i * 4]!, opts[i * 4 + 1]!, opts[i * 4 + 2]!, Math.max(floor, opts[i * 4 + 3]!), floor, opts[i * 4 + 3] === PENDING_VIEW ? pr.region : -1);
    }
    if (same(s, wb, before)) return;
  }
}

/** Every way a walk can go on from frame/level at floor; `start` is its starting floor; `pendingRegion`: from the pending TTBR (-1: not). */
function walkFrom(m: Machine, s: Int32Array, cpu: number, probe: number, frame: number, level: number, attrs: number, floor: number, start: number, pendingRegion: number): void {
  if (frame < 0) return fault(m, s, cpu, probe, level, start, FAULT_TRANSLATION);
  const pr = m.cfg.probes[probe]!;
  const loc = slotLoc(m, frame, level, pr.vaPage);
  const b = m.layout.mem(loc);
  const status = s[m.layout.frameBase + frame]!;
  for (let i = walkReadIdx(m, s, cpu, loc, floor, pendingRegion); i < s[b]!; i++) {
    const at = b + 1 + i * MEM_ENTRY;
    const lo = s[at]!;
    const hi = s[at + 1]!;
    const ts = s[at + 2]!;
    const flags = s[at + 3]! & ~W_META_MASK;
    if (flags & W_UNINIT || status === FRAME_FREED) {
      badRead(m, cpu, probe, level, loc, lo, hi, flags, status);
      continue;
    }
    const kind = m.enc.descKind(lo, hi, level);
    if (kind === DESC_INVALID) {
      fault(m, s, cpu, probe, level, start, FAULT_TRANSLATION);
      continue;
    }
    const f = Math.max(floor, ts); // later levels are ordered after this read
    if (kind === DESC_TABLE) {
      const next = m.frameOfPfn(m.enc.descPfn(lo, hi));
      if (next < 0) {
        badRead(m, cpu, probe, level, loc, lo, hi, flags | WR_NOT_TABLE, status);
        continue;
      }
      const a = attrs | m.enc.tableAttrs(lo, hi);
      fillWalkCacheEntry(m, s, cpu, probe, level, next, a, f);
      walkFrom(m, s, cpu, probe, next, level + 1, a, f, start, pendingRegion);
      continue;
    }
    const a = m.enc.leafAttrs(lo, hi) | attrs;
    if (((a >> A_AF) & 1) === 0) {
      // With hardware AF the access sets it instead of faulting (access.ts hardwareUpdate).
      if (!m.cfg.hardwareAf[cpu]) fault(m, s, cpu, probe, level, start, FAULT_ACCESS_FLAG);
      continue;
    }
    fillTlb(m, s, cpu, probe, level, lo, hi, a);
  }
}

/** A fault result the CPU may use as an early translation; an event when it is new. */
function fault(m: Machine, s: Int32Array, cpu: number, probe: number, level: number, start: number, kind: number): void {
  const w = walkerBase(m, cpu, probe);
  const had = s[w + P_EARLY]!;
  if ((had & (1 << kind)) !== 0 && s[w + P_EARLY_FLOOR]! >= start) return;
  s[w + P_EARLY] = had | (1 << kind);
  if (had === 0 || s[w + P_EARLY_FLOOR]! < start) s[w + P_EARLY_FLOOR] = start;
  const ev = m.events.push(Ev.WalkFault, cpu);
  ev.probe = probe;
  ev.level = level;
}

/** A read the walk properties report (torn-walk, walk-after-free); the walk goes no further. */
function badRead(m: Machine, cpu: number, probe: number, level: number, loc: number, lo: number, hi: number, flags: number, status: number): void {
  const ev = m.events.push(Ev.WalkRead, cpu);
  ev.probe = probe;
  ev.level = level;
  ev.loc = loc;
  ev.lo = lo;
  ev.hi = hi;
  ev.a = flags;
  ev.b = status;
}

function same(s: Int32Array, from: number, copy: Int32Array): boolean {
  for (let i = 0; i < copy.length; i++) if (s[from + i] !== copy[i]) return false;
  return true;
}
