// Hardware translation table walks: one level per transition, each read like a load but
// never from a store buffer. A walk starts from a TTBR (the current one, or one written
// but not yet synchronised) or from a walk-cache entry; table descriptors fill the walk
// cache, a valid leaf fills the TLB, an invalid one ends the walk with a fault that the CPU
// may still use as an early translation result until its next isb.

import { A_AF, DESC_INVALID, DESC_TABLE } from '../arch/attrs.js';
import { Ev, FAULT_ACCESS_FLAG, FAULT_TRANSLATION } from './events.js';
import {
  C_TTBR, C_TTBR_PENDING, C_VCSE, C_VTLBI, MEM_ENTRY, P_EARLY, P_EARLY_FLOOR, P_WACTIVE, P_WATTRS, P_WDONE,
  P_WFILLS, P_WFLOOR, P_WFRAME, P_WLEVEL, P_WSTART, TLB_ENTRY, W_UNINIT, W_META_MASK, WALK_ACTIVE, WALK_FROM_PENDING, WC_ENTRY,
  WFILL_ENTRY,
} from './layout.js';
import { FRAME_FREED, type Machine } from './machine.js';
import { walkReadIdx } from './memory.js';
import { forgetEarly, tlbBase, tlbInsert, wcBase, wcCovers, wcInsert, W_ATTRS, W_FRAME, W_LEVEL, W_VIEW } from './tlb.js';

/** Flags of a WalkRead event (a): the slot was never written since allocation. */
export const WR_UNINIT = W_UNINIT;
/** Flags of a WalkRead event (a): the walk followed a table pointer out of the frame pool. */
export const WR_NOT_TABLE = 2;

/** The view of a start option from a TTBR written but not yet synchronised (max() ignores it). */
export const PENDING_VIEW = -1;

/**
 * Start options of a walk: (frame, level, attrs, view) quadruples; frame -1 = no table
 * (fault). A walk from a walk-cache entry reads no older than the entry's table pointer;
 * one from the pending TTBR has view PENDING_VIEW (memory.ts walkReadIdx).
 */
export function startOptions(m: Machine, s: Int32Array, cpu: number, region: number, vaPage: number, out: Int32Array): number {
  const c = m.layout.cpu(cpu);
  const root = m.cfg.geometry.rootLevel;
  let n = 0;
  const cur = s[c + C_TTBR + region]! - 1;
  out[0] = cur;
  out[1] = root;
  out[2] = 0;
  out[3] = 0;
  n = 1;
  const pend = s[c + C_TTBR_PENDING + region]!;
  if (pend !== 0 && pend - 2 !== cur) {
    out[4] = pend - 2;
    out[5] = root;
    out[6] = 0;
    out[7] = PENDING_VIEW;
    n = 2;
  }
  const wb = wcBase(m, cpu);
  const wn = s[wb]!;
  for (let i = 0; i < wn; i++) {
    const e = wb + 1 + i * WC_ENTRY;
    if (!wcCovers(m, s, e, region, vaPage)) continue;
    out[n * 4] = s[e + W_FRAME]!;
    out[n * 4 + 1] = s[e + W_LEVEL]! + 1;
    out[n * 4 + 2] = s[e + W_ATTRS]!;
    out[n * 4 + 3] = s[e + W_VIEW]!;
    n++;
  }
  return n;
}

export function slotLoc(m: Machine, frame: number, level: number, vaPage: number): number {
  const idx = Math.floor(vaPage / 2 ** m.pagesLog2[level]!) & (m.layout.entries - 1);
  return frame * m.layout.entries + idx;
}

/** How many writes cpu's walk at floor may read at frame/level for vaPage (1 for a missing root). */
export function readCount(m: Machine, s: Int32Array, cpu: number, frame: number, level: number, vaPage: number, floor: number, pendingRegion: number): number {
  if (frame < 0) return 1;
  const loc = slotLoc(m, frame, level, vaPage);
  return s[m.layout.mem(loc)]! - walkReadIdx(m, s, cpu, loc, floor, pendingRegion);
}

export function walkerBase(m: Machine, cpu: number, probe: number): number {
  return m.layout.probe(cpu, probe);
}

export function walkFloor(m: Machine, s: Int32Array, cpu: number): number {
  const c = m.layout.cpu(cpu);
  return Math.max(s[c + C_VCSE]!, s[c + C_VTLBI]!);
}

const starts = new Int32Array(4 * 260);

/** Number of ways the walker of cpu for probe can take its next step (0 = none). */
export function walkerChoices(m: Machine, s: Int32Array, cpu: number, probe: number): number {
  if (!m.cfg.walkers[cpu]![probe] || m.cfg.unboundedWalks) return 0; // saturate.ts walks those
  const w = walkerBase(m, cpu, probe);
  const pr = m.cfg.probes[probe]!;
  if (s[w + P_WACTIVE] !== 0) return readCount(m, s, cpu, s[w + P_WFRAME]!, s[w + P_WLEVEL]!, pr.vaPage, s[w + P_WFLOOR]!, s[w + P_WACTIVE] === WALK_FROM_PENDING ? pr.region : -1);
  if (s[w + P_WDONE]! >= m.cfg.walksPerWalker) return 0;
  const floor = walkFloor(m, s, cpu);
  const n = startOptions(m, s, cpu, pr.region, pr.vaPage, starts);
  let k = 0;
  for (let i = 0; i < n; i++) k += readCount(m, s, cpu, starts[i * 4]!, starts[i * 4 + 1]!, pr.vaPage, Math.max(floor, starts[i * 4 + 3]!), starts[i * 4 + 3] === PENDING_VIEW ? pr.region : -1);
  return k;
}

/** Take walker step `choice` (in the order walkerChoices counts them). */
export function walkerStep(m: Machine, s: Int32Array, cpu: number, probe: number, choice: number): void {
  const w = walkerBase(m, cpu, probe);
  const pr = m.cfg.probes[probe]!;
  if (s[w + P_WACTIVE] === 0) {
    const floor = walkFloor(m, s, cpu);
    const n = startOptions(m, s, cpu, pr.region, pr.vaPage, starts);
    let i = 0;
    for (; i < n; i++) {
      const k = readCount(m, s, cpu, starts[i * 4]!, starts[i * 4 + 1]!, pr.vaPage, Math.max(floor, starts[i * 4 + 3]!), starts[i * 4 + 3] === PENDING_VIEW ? pr.region : -1);
      if (choice < k) break;
      choice -= k;
    }
    s[w + P_WACTIVE] = starts[i * 4 + 3] === PENDING_VIEW ? WALK_FROM_PENDING : WALK_ACTIVE;
    s[w + P_WFRAME] = starts[i * 4]!;
    s[w + P_WLEVEL] = starts[i * 4 + 1]!;
    s[w + P_WATTRS] = starts[i * 4 + 2]!;
    s[w + P_WFLOOR] = Math.max(floor, starts[i * 4 + 3]!);
    s[w + P_WSTART] = floor;
  }
  const frame = s[w + P_WFRAME]!;
  const level = s[w + P_WLEVEL]!;
  if (frame < 0) return endWalkFault(m, s, cpu, probe, level, FAULT_TRANSLATION);
  const loc = slotLoc(m, frame, level, pr.vaPage);
  const at = m.layout.mem(loc) + 1 + (walkReadIdx(m, s, cpu, loc, s[w + P_WFLOOR]!, s[w + P_WACTIVE] === WALK_FROM_PENDING ? pr.region : -1) + choice) * MEM_ENTRY;
  const lo = s[at]!;
  const hi = s[at + 1]!;
  const ts = s[at + 2]!;
  const ev = m.events.push(Ev.WalkRead, cpu);
  ev.probe = probe;
  ev.level = level;
  ev.loc = loc;
  ev.lo = lo;
  ev.hi = hi;
  ev.a = s[at + 3]! & ~W_META_MASK;
  ev.b = s[m.layout.frameBase + frame]!;
  if (s[w + P_WFLOOR]! < ts) s[w + P_WFLOOR] = ts; // later levels are ordered after this read
  if (ev.a & WR_UNINIT || ev.b === FRAME_FREED) return endWalk(m, s, cpu, probe);
  const kind = m.enc.descKind(lo, hi, level);
  if (kind === DESC_INVALID) return endWalkFault(m, s, cpu, probe, level, FAULT_TRANSLATION);
  if (kind === DESC_TABLE) {
    const next = m.frameOfPfn(m.enc.descPfn(lo, hi));
    const attrs = s[w + P_WATTRS]! | m.enc.tableAttrs(lo, hi);
    if (next < 0) {
      ev.a |= WR_NOT_TABLE;
      return endWalk(m, s, cpu, probe);
    }
    // The walk cache is filled when the walk ends (fillWalkCache): a walk cut on the way
    // leaves nothing, so a walk run whole at one moment stands for it (explore/reduction.ts).
    const f = w + P_WFILLS + (level - m.cfg.geometry.rootLevel) * WFILL_ENTRY;
    s[f] = next + 1;
    s[f + 1] = attrs;
    s[f + 2] = s[w + P_WFLOOR]!;
    s[w + P_WFRAME] = next;
    s[w + P_WLEVEL] = level + 1;
    s[w + P_WATTRS] = attrs;
    return;
  }
  const attrs = m.enc.leafAttrs(lo, hi) | s[w + P_WATTRS]!;
  if (((attrs >> A_AF) & 1) === 0) {
    // With hardware AF the access sets it instead of faulting (access.ts hardwareUpdate).
    if (m.cfg.hardwareAf[cpu]) return endWalk(m, s, cpu, probe);
    return endWalkFault(m, s, cpu, probe, level, FAULT_ACCESS_FLAG);
  }
  fillTlb(m, s, cpu, probe, level, lo, hi, attrs);
  endWalk(m, s, cpu, probe);
}

/** Fill cpu's TLB from leaf lo/hi read at level for probe; a TlbFill event if the entry is new. */
export function fillTlb(m: Machine, s: Int32Array, cpu: number, probe: number, level: number, lo: number, hi: number, attrs: number): void {
  const pr = m.cfg.probes[probe]!;
  const size = leafSizeLog2(m, level, hi);
  const vaBase = alignDown(pr.vaPage, size);
  const oa = alignDown(m.enc.descPfn(lo, hi), size);
  const i = tlbInsert(m, s, cpu, pr.region, vaBase, size, oa, attrs, level);
  if (i < 0) return;
  forgetEarly(m, s, cpu, tlbBase(m, cpu) + 1 + i * TLB_ENTRY);
  const f = m.events.push(Ev.TlbFill, cpu);
  f.probe = probe;
  f.level = level;
  f.va = vaBase;
  f.b = size;
  f.c = oa;
  f.a = attrs;
  f.lo = lo;
  f.hi = hi;
}

/** Fill cpu's walk cache with a table pointer read at level for probe; an event if it is new. */
export function fillWalkCacheEntry(m: Machine, s: Int32Array, cpu: number, probe: number, level: number, next: number, attrs: number, view: number): void {
  const pr = m.cfg.probes[probe]!;
  if (wcInsert(m, s, cpu, pr.region, level, Math.floor(pr.vaPage / 2 ** m.pagesLog2[level]!), next, attrs, view) < 0) return;
  const e = m.events.push(Ev.WalkCacheFill, cpu);
  e.probe = probe;
  e.level = level;
  e.a = next;
}

/** log2 of the pages a leaf at level covers, Cont included. */
export function leafSizeLog2(m: Machine, level: number, hi: number): number {
  const cont = m.cfg.geometry.contEntries[level]!;
  return m.pagesLog2[level]! + (cont > 1 && m.enc.isCont(hi) ? Math.log2(cont) : 0);
}

export function alignDown(page: number, log2: number): number {
  const sz = 2 ** log2;
  return page - (page % sz);
}

function endWalkFault(m: Machine, s: Int32Array, cpu: number, probe: number, level: number, kind: number): void {
  const w = walkerBase(m, cpu, probe);
  const start = s[w + P_WSTART]!;
  if (s[w + P_EARLY] === 0 || s[w + P_EARLY_FLOOR]! < start) s[w + P_EARLY_FLOOR] = start;
  s[w + P_EARLY] |= 1 << kind;
  const ev = m.events.push(Ev.WalkFault, cpu);
  ev.probe = probe;
  ev.level = level;
  endWalk(m, s, cpu, probe);
}

function endWalk(m: Machine, s: Int32Array, cpu: number, probe: number): void {
  const w = walkerBase(m, cpu, probe);
  fillWalkCache(m, s, cpu, probe);
  const done = s[w + P_WDONE]! + 1;
  cutWalk(m, s, w);
  s[w + P_WDONE] = done;
}

/** The walk-cache entries for the table descriptors the ending walk read, root first. */
function fillWalkCache(m: Machine, s: Int32Array, cpu: number, probe: number): void {
  const w = walkerBase(m, cpu, probe);
  const root = m.cfg.geometry.rootLevel;
  for (let l = 0; l < m.cfg.geometry.levels - 1; l++) {
    const f = w + P_WFILLS + l * WFILL_ENTRY;
    if (s[f] === 0) continue;
    fillWalkCacheEntry(m, s, cpu, probe, root + l, s[f]! - 1, s[f + 1]!, s[f + 2]!);
  }
}

/**
 * Cut an in-flight walk (an isb, a TLBI completing): it never happened, fills nothing and
 * does not count against walksPerWalker.
 */
export function cutWalk(m: Machine, s: Int32Array, w: number): void {
  s.fill(0, w + P_WFILLS, w + P_WFILLS + (m.cfg.geometry.levels - 1) * WFILL_ENTRY);
  s[w + P_WACTIVE] = 0;
  s[w + P_WLEVEL] = 0;
  s[w + P_WFRAME] = 0;
  s[w + P_WFLOOR] = 0;
  s[w + P_WATTRS] = 0;
  s[w + P_WSTART] = 0;
}

