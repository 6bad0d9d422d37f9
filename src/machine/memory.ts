// Memory with views (after Promising-Arm, Pulte et al., PLDI 2019, without promises):
// each location keeps its committed writes in commit order, each stamped with a global
// timestamp; a CPU reads any write not older than its floor allows. A view is a timestamp:
// "latest(loc, v)" is the newest write to loc stamped at or before v.
//
// After every commit, writes that no reader can reach any more are dropped and the live
// timestamps are renumbered densely (the initial writes keep 0), merging those no reader
// can tell apart, so that states that differ only in how many writes came and went, or in
// the order of writes nobody can still read around, are the same state.

import { CapacityError } from './errors.js';
import { Ev } from './events.js';
import {
  C_TTBR, C_TTBR_DSB, C_TTBR_PENDING, ET_ENTRY, O_ALLOCATOR, O_PUBLISHED, ORIGIN_ENTRY, C_VCSE, C_VFLOOR, C_VR, C_VTLBI, C_VW, G_TIME, MEM_ENTRY, P_WACTIVE, P_WDONE, P_WFLOOR,
  P_WFILLS, P_WFRAME, WC_ENTRY, WFILL_ENTRY, W_WRITER_MASK, W_WRITER_SHIFT,
} from './layout.js';
import { FRAME_FREE, type Machine } from './machine.js';

// Marks of a timestamp in renumber().
const T_WRITE = 1;
const T_NEWER_WRITE = 2;
const T_VIEW = 4;
const T_EXACT = 8;
const T_BELOW = 16;
import { wcBase, W_FRAME } from './tlb.js';

/** Index (0-based, oldest first) of the newest write to loc stamped at or before view. */
export function latestIdx(m: Machine, s: Int32Array, loc: number, view: number): number {
  const b = m.layout.mem(loc);
  const n = s[b]!;
  for (let i = n - 1; i > 0; i--) if (s[b + 1 + i * MEM_ENTRY + 2]! <= view) return i;
  return 0;
}

export function historyLength(m: Machine, s: Int32Array, loc: number): number {
  return s[m.layout.mem(loc)]!;
}

/** Offset of write i of loc (lo at +0, hi +1, ts +2, flags +3). */
export function writeAt(m: Machine, loc: number, i: number): number {
  return m.layout.mem(loc) + 1 + i * MEM_ENTRY;
}

export function newestWrite(m: Machine, s: Int32Array, loc: number): number {
  return writeAt(m, loc, s[m.layout.mem(loc)]! - 1);
}

/** Oldest index an explicit load by cpu may read, given the view its address depends on. */
export function loadFloorIdx(m: Machine, s: Int32Array, cpu: number, loc: number, depView: number): number {
  const c = m.layout.cpu(cpu);
  const n = s[m.layout.mem(loc)]!;
  if (m.readsNewest) return n - 1;
  const floor = Math.max(s[c + C_VFLOOR]!, depView);
  return Math.max(latestIdx(m, s, loc, floor), latestIdx(m, s, loc, s[c + m.layout.cCoh + loc]!));
}

/** Oldest index a translation table walk may read at the given floor view. */
export function walkFloorIdx(m: Machine, s: Int32Array, loc: number, floor: number): number {
  if (m.readsNewest) return s[m.layout.mem(loc)]! - 1;
  return latestIdx(m, s, loc, floor);
}

/**
 * Oldest index a walk from cpu's pending TTBR for `pendingRegion` may read (-1: any other
 * walk, at floor). The TTBR write executed after the CPU's earlier dsb completed, so such a
 * walk reads no older than the CPU's own newest write to loc before that dsb (the dsb view
 * recorded at the write). Own writes only: the dsb's view also covers other CPUs' writes,
 * which it does not make visible (deviation 23).
 */
export function walkReadIdx(m: Machine, s: Int32Array, cpu: number, loc: number, floor: number, pendingRegion: number): number {
  const i = walkFloorIdx(m, s, loc, floor);
  if (pendingRegion < 0 || m.readsNewest) return i;
  const b = m.layout.mem(loc);
  const dsbView = s[m.layout.cpu(cpu) + C_TTBR_DSB + pendingRegion]!;
  const tag = (cpu + 1) << W_WRITER_SHIFT;
  for (let j = s[b]! - 1; j > i; j--) {
    const w = b + 1 + j * MEM_ENTRY;
    if (s[w + 2]! <= dsbView && (s[w + 3]! & W_WRITER_MASK) === tag) return j;
  }
  return i;
}

/** Record that cpu has read or written write ts of loc: coherence and read view. */
export function observe(m: Machine, s: Int32Array, cpu: number, loc: number, ts: number): void {
  const c = m.layout.cpu(cpu);
  const k = c + m.layout.cCoh + loc;
  if (s[k]! < ts) {
    s[k] = ts;
    // Writes older than the one read may now be beyond every reader (collectAfterStep).
    if (s[m.layout.mem(loc)]! > 1) m.floorsRose = true;
  }
  if (s[c + C_VR]! < ts) s[c + C_VR] = ts;
}

/**
 * After a step that raised a floor some read is bounded by (a load's coherence view, a
 * barrier's load floor, an isb's or a completed TLBI's walk floor), drop what no reader can
 * reach any more at once, as a commit would: otherwise states differ only in writes
 * nobody can read until the next commit, and in how those were numbered.
 */
export function collectAfterStep(m: Machine, s: Int32Array, cpu: number, floors: number): void {
  if (m.floorsRose || floors !== floorSum(m, s, cpu)) collect(m, s);
  m.floorsRose = false;
}

/** What collectAfterStep compares: a floor only rises (or is renumbered by a commit, which collects anyway). */
export function floorSum(m: Machine, s: Int32Array, cpu: number): number {
  const c = m.layout.cpu(cpu);
  return s[c + C_VFLOOR]! + s[c + C_VCSE]! + s[c + C_VTLBI]!;
}

/**
 * Append a write to loc's history with a new timestamp; cpu (or -1 for none) observes it.
 * Emits a Commit event with the previous newest value. Returns the new timestamp (before
 * renumbering; callers that need it must read the newest write afterwards).
 */
export function commitWrite(m: Machine, s: Int32Array, cpu: number, loc: number, lo: number, hi: number, flags: number): void {
  const L = m.layout;
  const b = L.mem(loc);
  if (s[b]! === L.H) {
    collect(m, s);
    if (s[b]! === L.H)
      throw new CapacityError('machine.historyDepth', `location 0x${m.paOfLoc(loc).toString(16)} has ${L.H} writes that some CPU may still read`);
  }
  const n = s[b]!;
  const prev = b + 1 + (n - 1) * MEM_ENTRY;
  const ev = m.events.push(Ev.Commit, cpu < 0 ? 0 : cpu);
  ev.loc = loc;
  ev.lo = lo;
  ev.hi = hi;
  ev.oldLo = s[prev]!;
  ev.oldHi = s[prev + 1]!;
  ev.a = flags;
  const ts = s[G_TIME]! + 1;
  s[G_TIME] = ts;
  const w = b + 1 + n * MEM_ENTRY;
  s[w] = lo;
  s[w + 1] = hi;
  s[w + 2] = ts;
  s[w + 3] = cpu >= 0 && !m.ttbrFixed ? flags | ((cpu + 1) << W_WRITER_SHIFT) : flags;
  s[b] = n + 1;
  if (m.tableProvenance) published(m, s, pointedFrame(m, lo, hi), ts);
  if (cpu >= 0) {
    observe(m, s, cpu, loc, ts);
    const c = L.cpu(cpu);
    if (s[c + C_VW]! < ts) s[c + C_VW] = ts;
  }
  collect(m, s);
}

/**
 * Drop writes no reader can reach and renumber timestamps densely. A write is reachable
 * if it is at or after some reader's floor: a CPU's explicit-load floor (its load floor
 * view, its coherence), its walks' floor (context synchronisation, completed TLBIs), or
 * an in-flight walk's floor.
 */
export function collect(m: Machine, s: Int32Array): void {
  const L = m.layout;
  const reach = walkerReach(m, s);
  // A TTBR write could make any table a root, read with no pointer: then no bound.
  const provenance = m.tableProvenance && m.compactMemory && m.ttbrFixed;
  for (let loc = 0; loc < L.locs; loc++) {
    const b = L.mem(loc);
    const n = s[b]!;
    if (n === 1) continue;
    let keep = n - 1;
    // The oldest write a read through a pointer to the table can see (0: any; unprovenRead).
    const f = loc < L.tableLocs && provenance ? Math.floor(loc / L.entries) : -1;
    const frame = f >= 0 && s[L.origin(f) + O_ALLOCATOR]! > 0 ? f : -1;
    const pub = frame < 0 ? 0 : s[L.origin(frame) + O_PUBLISHED]!;
    const viaPointer = frame < 0 ? 0 : latestIdx(m, s, loc, pub);
    // Under sc and tso every read is of the newest write: nothing older is ever needed.
    for (let cpu = 0; cpu < L.cpus && keep > 0 && !m.readsNewest; cpu++) {
      const c = L.cpu(cpu);
      // A CPU whose program has returned makes no more loads (its buffered stores still
      // commit, but a commit reads nothing). Before a table is published no bounded CPU
      // can load from it.
      const viaOwn = frame < 0 || !bounded(m, s, frame, cpu) ? -1 : viaPointer;
      if ((!m.compactMemory || !m.cpuDone(s, cpu)) && (viaOwn < 0 || pub !== 0)) {
        const coh = latestIdx(m, s, loc, s[c + L.cCoh + loc]!);
        const ld = Math.max(coh, latestIdx(m, s, loc, s[c + C_VFLOOR]!), viaOwn);
        if (ld < keep) keep = ld;
      }
      // Every walk reaches a table allocated in the run through a pointer.
      if (reach[Math.floor(loc / L.entries)] === 1 && mayWalkAt(m, s, cpu, loc)) {
        const wk = Math.max(viaPointer, latestIdx(m, s, loc, Math.max(s[c + C_VCSE]!, s[c + C_VTLBI]!)));
        if (wk < keep) keep = wk;
      }
      for (let p = 0; p < L.probes; p++) {
        const pr = c + L.cProbe + p * L.probeStride;
        if (s[pr + P_WACTIVE]! !== 0 && readsSlot(m, p, loc)) {
          const f = latestIdx(m, s, loc, s[pr + P_WFLOOR]!);
          if (f < keep) keep = f;
        }
      }
    }
    if (keep > 0) {
      s.copyWithin(b + 1, b + 1 + keep * MEM_ENTRY, b + 1 + n * MEM_ENTRY);
      s.fill(0, b + 1 + (n - keep) * MEM_ENTRY, b + 1 + n * MEM_ENTRY);
      s[b] = n - keep;
    }
  }
  renumber(m, s);
}

/**
 * Forget the past: keep only the newest write of each location, as the initial write, and
 * reset every view. Used after a scenario's init code, which every CPU must see.
 */
export function settleMemory(m: Machine, s: Int32Array): void {
  const L = m.layout;
  for (let loc = 0; loc < L.locs; loc++) {
    const b = L.mem(loc);
    const n = s[b]!;
    if (n > 1) {
      s.copyWithin(b + 1, b + 1 + (n - 1) * MEM_ENTRY, b + 1 + n * MEM_ENTRY);
      s.fill(0, b + 1 + MEM_ENTRY, b + 1 + n * MEM_ENTRY);
      s[b] = 1;
    }
    s[b + 1 + 2] = 0;
  }
  const vs = L.viewSlots;
  for (let i = 0; i < vs.length; i++) s[vs[i]!] = 0;
  s.fill(0, L.originBase, L.originBase + L.frames * ORIGIN_ENTRY); // tables made by init code count as initial
  s[G_TIME] = 0;
  markEarlyPointers(m, s);
}

/**
 * Pointer provenance. Model code reaches a table allocated in the run only through a
 * pointer to it read from memory (a descriptor, or any value that may be one), and that
 * read's view orders the access after the pointer's write: no access but the allocator's
 * reads the table older than the first pointer to it ever written. collect() relies on
 * that; unprovenRead() catches a program that breaks it (an address made up, or passed in
 * a form that is no descriptor), which the CPU driver reports as a model error.
 */
function published(m: Machine, s: Int32Array, frame: number, ts: number): void {
  if (frame < 0) return;
  const o = m.layout.origin(frame);
  // A pointer to a frame not yet allocated: walks may follow it before the allocation.
  if (s[m.layout.frameBase + frame] === FRAME_FREE) s[o + O_ALLOCATOR] = NO_BOUND;
  else if (s[o + O_ALLOCATOR]! > 0 && s[o + O_PUBLISHED] === 0) s[o + O_PUBLISHED] = ts;
}

/** The table frame a value may point to (a descriptor, or anything shaped like one), or -1. */
function pointedFrame(m: Machine, lo: number, hi: number): number {
  return m.enc.mayPointToTable(lo) ? m.frameOfPfn(m.enc.descPfn(lo, hi)) : -1;
}

/**
 * Whether reads by cpu of a table in frame f are bounded by its published view: it was
 * allocated in the run by another CPU, and cpu makes no translated access (a leaf may map
 * the frame as data). collect() applies the bound; unprovenRead() checks it is kept.
 */
function bounded(m: Machine, s: Int32Array, frame: number, cpu: number): boolean {
  const allocator = s[m.layout.origin(frame) + O_ALLOCATOR]!;
  return allocator > 0 && allocator !== cpu + 1 && m.translates[cpu] === 0;
}

/** O_ALLOCATOR of a frame some pointer reached before it was allocated: never bounded. */
export const NO_BOUND = -1;

/** Mark the free frames the newest value of some location already points to (initial tables, init code). */
export function markEarlyPointers(m: Machine, s: Int32Array): void {
  if (!m.tableProvenance) return;
  for (let loc = 0; loc < m.layout.locs; loc++) {
    const w = newestWrite(m, s, loc);
    published(m, s, pointedFrame(m, s[w]!, s[w + 1]!), 0);
  }
}

/** Whether cpu's explicit read of loc at depView could see a write older than its table's first pointer (see above). */
export function unprovenRead(m: Machine, s: Int32Array, cpu: number, loc: number, depView: number): boolean {
  const L = m.layout;
  if (!m.tableProvenance || loc >= L.tableLocs) return false;
  const frame = Math.floor(loc / L.entries);
  if (!bounded(m, s, frame, cpu)) return false;
  const pub = s[L.origin(frame) + O_PUBLISHED]!;
  const c = L.cpu(cpu);
  return pub === 0 || Math.max(s[c + C_VFLOOR]!, depView, s[c + L.cCoh + loc]!) < pub;
}

/**
 * Frames a walk may still reach: TTBRs (current and pending), walk-cache entries, walks in
 * flight, and every table descriptor any location still holds in its history. A frame no
 * walk can reach can only be reached later through a pointer written later, whose
 * timestamp puts the walk's floor past every write the frame holds now. (Unless a program
 * can write a TTBR: then any frame may become a root, and all count.)
 */
export function walkerReach(m: Machine, s: Int32Array): Uint8Array {
  const L = m.layout;
  const reach = m.frameReach;
  if (!m.compactMemory || !m.ttbrFixed) return reach.fill(1);
  reach.fill(0);
  const mark = (f: number): void => {
    if (f >= 0 && f < L.frames) reach[f] = 1;
  };
  for (let cpu = 0; cpu < L.cpus; cpu++) {
    const c = L.cpu(cpu);
    for (let r = 0; r < 2; r++) {
      mark(s[c + C_TTBR + r]! - 1);
      mark(s[c + C_TTBR_PENDING + r]! - 2);
    }
    const wb = wcBase(m, cpu);
    for (let i = 0; i < s[wb]!; i++) mark(s[wb + 1 + i * WC_ENTRY + W_FRAME]!);
    for (let p = 0; p < L.probes; p++) {
      const pr = c + L.cProbe + p * L.probeStride;
      if (s[pr + P_WACTIVE]! === 0) continue;
      mark(s[pr + P_WFRAME]!);
      // The walk-cache fills it makes when it ends (walk.ts).
      for (let l = 0; l < m.cfg.geometry.levels - 1; l++) mark(s[pr + P_WFILLS + l * WFILL_ENTRY]! - 1);
    }
  }
  for (let loc = 0; loc < L.tableLocs; loc++) {
    const b = L.mem(loc);
    for (let i = 0; i < s[b]!; i++) {
      mark(pointedFrame(m, s[b + 1 + i * MEM_ENTRY]!, s[b + 2 + i * MEM_ENTRY]!));
    }
  }
  return reach;
}

/**
 * Whether some walk, of any CPU, may read location loc (a table slot) now or later without a new
 * pointer being written first: its frame is in reach (walkerReach) and some probe VA
 * selects its index. A write to any other slot changes no walk, no walk-cache lookup and
 * no property's view of a translation (bbm, the x86 rules).
 */
export function walkMayRead(m: Machine, reach: Uint8Array, loc: number): boolean {
  if (loc >= m.layout.tableLocs || reach[Math.floor(loc / m.layout.entries)] !== 1) return false;
  for (let p = 0; p < m.layout.probes; p++) if (readsSlot(m, p, loc)) return true;
  return false;
}

/** Whether a walk for probe p can read loc (a table slot at the probe's index for some level). */
function readsSlot(m: Machine, p: number, loc: number): boolean {
  if (!m.compactMemory) return true;
  return loc < m.layout.tableLocs && m.probeSlots[p]![loc % m.layout.entries] === 1;
}

/**
 * Whether a walk cpu may still start can read loc: one for a translated access (to any
 * probe VA) while its program runs, or one of a walker with walks left.
 */
function mayWalkAt(m: Machine, s: Int32Array, cpu: number, loc: number): boolean {
  if (!m.compactMemory) return true;
  const walkers = m.cfg.walkers[cpu]!;
  const translates = m.translates[cpu] === 1 && (m.translatesWhenDone[cpu] === 1 || !m.cpuDone(s, cpu));
  for (let p = 0; p < m.layout.probes; p++) {
    if (!readsSlot(m, p, loc)) continue;
    if (translates || (walkers[p] && (m.cfg.unboundedWalks || s[m.layout.probe(cpu, p) + P_WDONE]! < m.cfg.walksPerWalker))) return true;
  }
  return false;
}

/**
 * Renumber timestamps densely, merging those no reader can tell apart. A view between two
 * writes reads what the older one's timestamp reads, so it takes that write's number; a
 * write that is the oldest its location keeps can share the number of the timestamp
 * before it (every view below it reads that write anyway: latestIdx clamps to the oldest).
 * Views compared with other views keep the order that comparison sees: nothing newer than
 * an exact view (layout.exactViewSlots: "is v at most e?") shares its number, and nothing
 * older than an exact-below view (layout.exactBelowSlots: "is v at least e?") shares its.
 * This makes states that differ only in the commit order of writes nobody can still read
 * around one state.
 */
function renumber(m: Machine, s: Int32Array): void {
  if (!m.compactMemory) return; // raw timestamps: the oracle the compaction tests compare with
  const L = m.layout;
  const time = s[G_TIME]!;
  if (time + 1 > m.tsScratch.length) throw new Error('renumber: timestamp out of range');
  const rank = m.tsScratch;
  const mark = m.tsMarks;
  mark.fill(0, 0, time + 1);
  for (let loc = 0; loc < L.locs; loc++) {
    const b = L.mem(loc);
    const n = s[b]!;
    // Merged timestamps can stamp writes of several locations: combine, never overwrite.
    for (let i = 0; i < n; i++) mark[s[b + 1 + i * MEM_ENTRY + 2]!]! |= i === 0 ? T_WRITE : T_WRITE | T_NEWER_WRITE;
  }
  const vs = L.viewSlots;
  for (let i = 0; i < vs.length; i++) {
    const v = s[vs[i]!]!;
    mark[v > time ? time : v] |= T_VIEW;
  }
  const ex = L.exactViewSlots;
  for (let i = 0; i < ex.length; i++) {
    const v = s[ex[i]!]!;
    mark[v > time ? time : v] |= T_EXACT;
  }
  const eb = L.exactBelowSlots;
  for (let i = 0; i < eb.length; i++) {
    const v = s[eb[i]!]!;
    mark[v > time ? time : v] |= T_BELOW;
  }
  let cur = 0;
  // Whether the current number holds an exact view: the next timestamp in use takes a new one.
  let closed = (mark[0]! & T_EXACT) !== 0;
  rank[0] = 0;
  for (let t = 1; t <= time; t++) {
    const k = mark[t]!;
    if (k !== 0) {
      // A write needs a new number unless every write stamped t is the oldest its location keeps.
      const newWrite = (k & T_WRITE) !== 0 && (k & T_NEWER_WRITE) !== 0;
      if (closed || newWrite || (k & T_BELOW) !== 0) cur++;
      closed = (k & T_EXACT) !== 0;
    }
    rank[t] = cur;
  }
  if (cur === time) return; // already dense, nothing merged
  for (let loc = 0; loc < L.locs; loc++) {
    const b = L.mem(loc);
    const n = s[b]!;
    for (let i = 0; i < n; i++) {
      const k = b + 1 + i * MEM_ENTRY + 2;
      s[k] = rank[s[k]!]!;
    }
  }
  for (let i = 0; i < vs.length; i++) {
    const k = vs[i]!;
    const v = s[k]!;
    if (v !== 0) s[k] = rank[v > time ? time : v]!;
  }
  s[G_TIME] = cur;
}

/**
 * A CPU whose program has returned makes no more loads, stores or barriers: its read,
 * write, load-floor and coherence views are dead, and zeroing them lets states that
 * differ only there meet. Its dsb view (bbm compares it) and walk floors stay.
 */
export function retireViews(m: Machine, s: Int32Array, cpu: number, collectNow: boolean): void {
  const c = m.layout.cpu(cpu);
  s[c + C_VR] = 0;
  s[c + C_VW] = 0;
  s[c + C_VFLOOR] = 0;
  s.fill(0, c + m.layout.cCoh, c + m.layout.cCoh + m.layout.locs);
  // Early translations serve only the CPU's own later accesses.
  if (m.translatesWhenDone[cpu] === 0) s.fill(0, c + m.layout.cEt, c + m.layout.cEt + 1 + m.layout.etCap * ET_ENTRY);
  // What only this CPU could still read goes now, not at the next commit (there may be none).
  if (collectNow) collect(m, s);
}
