// A CPU's explicit operations: stores into the store buffer and their commit, loads that
// read their own buffered store or any write their floor allows, barriers, atomics.
// Each function is one step; `...Enabled` says whether the step may run now.

import { CapacityError } from './errors.js';
import { Ev } from './events.js';
import {
  C_EPOCH, C_TLBI_OUT, C_TLBI_OUT_LOCAL, C_VCSE, C_VDSB, C_VFLOOR, C_VR, C_VW, G_TIME, S_ATOMIC, S_RELEASE, SB_ENTRY,
  W_ATOMIC_MASK, W_ATOMIC_SHIFT, W_META_MASK,
} from './layout.js';
import type { Machine } from './machine.js';
import { commitWrite, loadFloorIdx, newestWrite, observe, writeAt } from './memory.js';

/** The result of a load: value halves, the view a dependent access inherits, write flags. */
export class ReadResult {
  lo = 0;
  hi = 0;
  view = 0;
  flags = 0;
}

export const DMB_ST = 1; // dmb(ishst), smp_wmb
export const DMB_LD = 2; // dmb(ishld), smp_rmb
export const DMB_FULL = 3; // dmb(ish), smp_mb
export const DSB_ST = 1; // dsb(ishst)
export const DSB_FULL = 2; // dsb(ish), dsb(sy)
export const DSB_NSH = 3; // dsb(nsh): local stores and local TLBIs

const max = (a: number, b: number): number => (a > b ? a : b);

export function sbCount(m: Machine, s: Int32Array, cpu: number): number {
  return s[m.layout.cpu(cpu) + m.layout.cSb]!;
}

function sbEntry(m: Machine, cpu: number, i: number): number {
  return m.layout.cpu(cpu) + m.layout.cSb + 1 + i * SB_ENTRY;
}

/** The location buffered store i of cpu writes. */
export function sbLoc(m: Machine, s: Int32Array, cpu: number, i: number): number {
  return s[sbEntry(m, cpu, i)]!;
}

/** Index of the newest buffered store of cpu to loc, or -1. */
export function sbFind(m: Machine, s: Int32Array, cpu: number, loc: number): number {
  for (let i = sbCount(m, s, cpu) - 1; i >= 0; i--) if (sbLoc(m, s, cpu, i) === loc) return i;
  return -1;
}

/** A plain or release store: into the store buffer (relaxed) or straight to memory (sc). */
export function store(m: Machine, s: Int32Array, cpu: number, loc: number, lo: number, hi: number, release = false): void {
  const ev = m.events.push(Ev.Store, cpu);
  ev.loc = loc;
  ev.lo = lo;
  ev.hi = hi;
  if (m.sc) {
    commitWrite(m, s, cpu, loc, lo, hi, 0);
    return;
  }
  bufferStore(m, s, cpu, loc, lo, hi, release ? S_RELEASE : 0);
}

function bufferStore(m: Machine, s: Int32Array, cpu: number, loc: number, lo: number, hi: number, flags: number): void {
  const c = m.layout.cpu(cpu);
  const n = s[c + m.layout.cSb]!;
  if (n === m.layout.sbCap) throw new CapacityError('machine.storeBufferDepth', `CPU${cpu}'s store buffer holds ${n} stores`);
  const e = sbEntry(m, cpu, n);
  s[e] = loc;
  s[e + 1] = lo;
  s[e + 2] = hi;
  s[e + 3] = s[c + C_EPOCH]!;
  s[e + 4] = flags;
  s[c + m.layout.cSb] = n + 1;
}

/** The CPU + 1 whose pending atomic write owns loc (its newest write is the one it read), or 0. */
function atomicOwner(m: Machine, s: Int32Array, loc: number): number {
  return (s[newestWrite(m, s, loc) + 3]! & W_ATOMIC_MASK) >>> W_ATOMIC_SHIFT;
}

/** Whether some CPU's store buffer holds a relaxed atomic's write. */
export function atomicPending(m: Machine, s: Int32Array): boolean {
  for (let c = 0; c < m.layout.cpus; c++) {
    for (let i = 0; i < sbCount(m, s, c); i++) if (s[sbEntry(m, c, i) + 4]! & S_ATOMIC) return true;
  }
  return false;
}

/**
 * Whether buffered store i may commit now: in order per location and across barriers; a
 * release store after every earlier store (later ones need not wait for it); tso: oldest first.
 */
export function canCommit(m: Machine, s: Int32Array, cpu: number, i: number): boolean {
  if (m.tso) return i === 0;
  const e = sbEntry(m, cpu, i);
  if (i > 0 && s[e + 4]! & S_RELEASE) return false;
  const loc = s[e]!;
  if (m.relaxedAtomics) {
    const owner = atomicOwner(m, s, loc);
    if (owner !== 0 && owner !== cpu + 1) return false; // another CPU's atomic is between its read and write
  }
  if (s[e + 3] !== s[sbEntry(m, cpu, 0) + 3]) return false; // an older barrier epoch is pending
  for (let j = 0; j < i; j++) if (s[sbEntry(m, cpu, j)] === loc) return false;
  return true;
}

/** Commit buffered store i of cpu to memory. */
export function commitStore(m: Machine, s: Int32Array, cpu: number, i: number): void {
  const e = sbEntry(m, cpu, i);
  const loc = s[e]!;
  const lo = s[e + 1]!;
  const hi = s[e + 2]!;
  const c = m.layout.cpu(cpu);
  const n = s[c + m.layout.cSb]!;
  s.copyWithin(e, e + SB_ENTRY, sbEntry(m, cpu, n));
  s.fill(0, sbEntry(m, cpu, n - 1), sbEntry(m, cpu, n));
  s[c + m.layout.cSb] = n - 1;
  if (n === 1) s[c + C_EPOCH] = 0; // epochs only order what is in the buffer
  if (s[e + 4]! & S_ATOMIC) {
    const w = newestWrite(m, s, loc); // the write the atomic read: others waited for it
    s[w + 3] = s[w + 3]! & ~W_ATOMIC_MASK;
  }
  commitWrite(m, s, cpu, loc, lo, hi, 0);
}

function hasRelease(m: Machine, s: Int32Array, cpu: number): boolean {
  for (let i = 0; i < sbCount(m, s, cpu); i++) if (s[sbEntry(m, cpu, i) + 4]! & S_RELEASE) return true;
  return false;
}

/** An acquire load waits for the CPU's earlier release stores (RCsc, as LDAR after STLR). */
export function loadEnabled(m: Machine, s: Int32Array, cpu: number, acquire: boolean): boolean {
  return !acquire || !hasRelease(m, s, cpu);
}

/** How many values a load of loc may return (its own buffered store, or the readable writes). */
export function loadChoices(m: Machine, s: Int32Array, cpu: number, loc: number, depView: number): number {
  if (sbFind(m, s, cpu, loc) >= 0) return 1;
  return s[m.layout.mem(loc)]! - loadFloorIdx(m, s, cpu, loc, depView);
}

/** Perform a load, picking the choice-th readable value (0 = the oldest allowed). */
export function load(
  m: Machine, s: Int32Array, cpu: number, loc: number, depView: number, choice: number, acquire: boolean, out: ReadResult,
): void {
  const c = m.layout.cpu(cpu);
  const floor = max(s[c + C_VFLOOR]!, depView);
  const buffered = sbFind(m, s, cpu, loc);
  if (buffered >= 0) {
    const e = sbEntry(m, cpu, buffered);
    out.lo = s[e + 1]!;
    out.hi = s[e + 2]!;
    out.flags = 0;
    out.view = floor;
  } else {
    const w = writeAt(m, loc, loadFloorIdx(m, s, cpu, loc, depView) + choice);
    out.lo = s[w]!;
    out.hi = s[w + 1]!;
    out.flags = s[w + 3]! & ~W_META_MASK;
    const ts = s[w + 2]!;
    observe(m, s, cpu, loc, ts);
    out.view = max(floor, ts);
  }
  if (acquire && s[c + C_VFLOOR]! < out.view) s[c + C_VFLOOR] = out.view;
  const ev = m.events.push(Ev.Read, cpu);
  ev.loc = loc;
  ev.lo = out.lo;
  ev.hi = out.hi;
  ev.a = out.flags;
}

export function dmbEnabled(m: Machine, s: Int32Array, cpu: number, kind: number): boolean {
  return kind !== DMB_FULL || sbCount(m, s, cpu) === 0;
}

/** dmb: ST orders buffered stores; LD orders later loads after earlier loads; full both and store->load. */
export function dmb(m: Machine, s: Int32Array, cpu: number, kind: number): void {
  const c = m.layout.cpu(cpu);
  if (kind === DMB_ST) {
    if (sbCount(m, s, cpu) > 0) s[c + C_EPOCH] = s[c + C_EPOCH]! + 1;
  } else {
    let v = s[c + C_VR]!;
    if (kind === DMB_FULL) v = max(v, s[c + C_VW]!);
    if (s[c + C_VFLOOR]! < v) s[c + C_VFLOOR] = v;
  }
  m.events.push(Ev.Dmb, cpu).a = kind;
}

/** dsb waits for the CPU's stores to commit; ish/sy also for its TLBIs on every CPU, nsh for its local TLBIs. */
export function dsbEnabled(m: Machine, s: Int32Array, cpu: number, kind: number): boolean {
  if (sbCount(m, s, cpu) !== 0) return false;
  const c = m.layout.cpu(cpu);
  if (kind === DSB_FULL) return s[c + C_TLBI_OUT] === 0;
  if (kind === DSB_NSH) return s[c + C_TLBI_OUT_LOCAL] === 0;
  return true;
}

export function dsb(m: Machine, s: Int32Array, cpu: number, kind: number): void {
  const c = m.layout.cpu(cpu);
  const v = kind === DSB_ST ? s[c + C_VW]! : max(s[c + C_VR]!, s[c + C_VW]!);
  if (s[c + C_VFLOOR]! < v) s[c + C_VFLOOR] = v;
  if (s[c + C_VDSB]! < v) s[c + C_VDSB] = v;
  s[c + C_EPOCH] = 0;
  m.events.push(Ev.Dsb, cpu).a = kind;
}

/** isb: context synchronisation. Later walks see what earlier DSBs ordered; early results go. */
export function isbCore(m: Machine, s: Int32Array, cpu: number): void {
  const c = m.layout.cpu(cpu);
  if (s[c + C_VCSE]! < s[c + C_VDSB]!) s[c + C_VCSE] = s[c + C_VDSB]!;
  m.events.push(Ev.Isb, cpu);
}

/**
 * Atomic read-modify-write outcomes. `ordered` is the kernel's fully ordered form (cmpxchg,
 * xchg, test_and_clear_bit): it needs an empty store buffer and acts as smp_mb on both sides.
 * A success reads the newest write; a failed cmpxchg is a plain load of any readable value
 * other than the expected one and orders nothing.
 */
export function rmwEnabled(m: Machine, s: Int32Array, cpu: number, loc: number, ordered: boolean): boolean {
  if (m.relaxedAtomics && atomicOwner(m, s, loc) !== 0) return false; // another atomic has read it and not yet written
  return ordered ? sbCount(m, s, cpu) === 0 : sbFind(m, s, cpu, loc) < 0;
}

/** Choices of a cmpxchg: [0] success if the newest value equals expected, then each failing read. */
export function cmpxchgChoices(
  m: Machine, s: Int32Array, cpu: number, loc: number, depView: number, expLo: number, expHi: number, ordered: boolean,
): number {
  let n = 0;
  const w = newestWrite(m, s, loc);
  if (rmwEnabled(m, s, cpu, loc, ordered) && s[w] === expLo && s[w + 1] === expHi) n++;
  return n + failingReads(m, s, cpu, loc, depView, expLo, expHi, -1);
}

/** Count (or, with pick >= 0, find the index of) readable writes whose value differs from expected. */
function failingReads(
  m: Machine, s: Int32Array, cpu: number, loc: number, depView: number, expLo: number, expHi: number, pick: number,
): number {
  if (sbFind(m, s, cpu, loc) >= 0) {
    const e = sbEntry(m, cpu, sbFind(m, s, cpu, loc));
    const differs = s[e + 1] !== expLo || s[e + 2] !== expHi;
    return pick >= 0 ? -1 : differs ? 1 : 0;
  }
  const n = s[m.layout.mem(loc)]!;
  let k = 0;
  for (let i = loadFloorIdx(m, s, cpu, loc, depView); i < n; i++) {
    const w = writeAt(m, loc, i);
    if (s[w] !== expLo || s[w + 1] !== expHi) {
      if (k === pick) return i;
      k++;
    }
  }
  return pick >= 0 ? -1 : k;
}

/**
 * Perform cmpxchg choice `choice`. Returns true on success. out holds the value read.
 */
export function cmpxchg(
  m: Machine, s: Int32Array, cpu: number, loc: number, depView: number,
  expLo: number, expHi: number, newLo: number, newHi: number, ordered: boolean, choice: number, out: ReadResult,
): boolean {
  const w = newestWrite(m, s, loc);
  const canSucceed = rmwEnabled(m, s, cpu, loc, ordered) && s[w] === expLo && s[w + 1] === expHi;
  if (canSucceed && choice === 0) {
    rmwWrite(m, s, cpu, loc, depView, newLo, newHi, ordered, out);
    return true;
  }
  const k = choice - (canSucceed ? 1 : 0);
  const idx = failingReads(m, s, cpu, loc, depView, expLo, expHi, k);
  if (idx < 0) {
    load(m, s, cpu, loc, depView, 0, false, out); // forwarded from the store buffer
  } else {
    load(m, s, cpu, loc, depView, idx - loadFloorIdx(m, s, cpu, loc, depView), false, out);
  }
  return false;
}

/**
 * An atomic that always writes (xchg, set_bit, ...): reads the newest write, writes
 * newLo/newHi. A fully ordered one commits at once. A relaxed one (`release`: a store-release
 * atomic, litmus SWPL) under relaxed memory puts its write in the store buffer, so later
 * stores may become visible first, as on Arm; until it commits, the write it read stays the
 * newest (it is marked, and other CPUs' commits and atomics to the location wait).
 */
export function rmwWrite(
  m: Machine, s: Int32Array, cpu: number, loc: number, depView: number, newLo: number, newHi: number, ordered: boolean, out: ReadResult,
  release = false,
): void {
  const c = m.layout.cpu(cpu);
  const w = newestWrite(m, s, loc);
  out.lo = s[w]!;
  out.hi = s[w + 1]!;
  out.flags = s[w + 3]! & ~W_META_MASK;
  const ev = m.events.push(Ev.Rmw, cpu);
  ev.loc = loc;
  ev.oldLo = out.lo;
  ev.oldHi = out.hi;
  ev.lo = newLo;
  ev.hi = newHi;
  ev.a = 1;
  if (!ordered && !m.readsNewest) {
    const ts = s[w + 2]!;
    s[w + 3] = s[w + 3]! | ((cpu + 1) << W_ATOMIC_SHIFT);
    observe(m, s, cpu, loc, ts);
    bufferStore(m, s, cpu, loc, newLo, newHi, S_ATOMIC | (release ? S_RELEASE : 0));
    ev.b = 1; // buffered
    out.view = max(max(s[c + C_VFLOOR]!, depView), ts);
    return;
  }
  commitWrite(m, s, cpu, loc, newLo, newHi, 0);
  void depView; // the write is the newest of all, so its view covers every other
  out.view = s[G_TIME]!;
  if (ordered) {
    const v = max(s[c + C_VR]!, s[c + C_VW]!);
    if (s[c + C_VFLOOR]! < v) s[c + C_VFLOOR] = v;
  }
}
