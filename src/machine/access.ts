// Explicit accesses through translation. An access may use any TLB entry for its VA, an
// early translation or early fault result (from before a TLBI, or a walk, since the
// CPU's last isb, that the access could have used), or a walk done now at the access's
// floor. Outcomes that give the same result are merged (a leaf that may need a hardware
// update also keeps which write it was), so the choice count is the number of results.

import { BIT } from '../arch/arm64/bits.js';
import { A_AF, A_DBM, A_RDONLY, DESC_INVALID, DESC_TABLE } from '../arch/attrs.js';
import { load, loadChoices, store, type ReadResult } from './cpu.js';
import { Ev, FAULT_ACCESS_FLAG, FAULT_NONE, FAULT_PERMISSION, FAULT_TRANSLATION } from './events.js';
import { C_VFLOOR, ET_ENTRY, G_VIEW_HELD, MEM_ENTRY, P_EARLY, P_EARLY_FLOOR, TLB_ENTRY, W_ATOMIC_MASK, W_UNINIT } from './layout.js';
import { FRAME_FREED, type Machine } from './machine.js';
import { commitWrite, newestWrite, walkReadIdx } from './memory.js';
import { etBase, T_ATTRS, T_LEVEL, T_OA, T_VABASE, tlbBase, tlbCovers } from './tlb.js';
import { alignDown, leafSizeLog2, PENDING_VIEW, slotLoc, startOptions, walkerBase, walkFloor, WR_NOT_TABLE } from './walk.js';

// Outcome tuple: fault kind, level, output page, attrs, bad loc (+1, 0 none), bad flags,
// and for CPUs with hardware AF/dirty updates the leaf's location (+1) and whether the walk
// read its newest write (only then can the update, an atomic read-modify-write, succeed).
const O = 8;
const MAX_OUTCOMES = 256;
const outcomes = new Int32Array(MAX_OUTCOMES * O);
let nOut = 0;
const starts = new Int32Array(4 * 260);
/** Hardware AF and dirty-state updates for the CPU of the current translation. */
let curHa = false;
let curHd = false;

/** outcomeFault: the access succeeds once the hardware has updated the leaf (hardwareUpdate). */
export const HW_UPDATE = -1;
/** outcomeFault: the update cannot succeed from this read (a newer write exists): the walk retries. */
export const HW_RETRY = -2;

function addOutcome(fault: number, level: number, oa: number, attrs: number, badLoc: number, badFlags: number, hwLoc = 0, newest = 0): void {
  for (let i = 0; i < nOut; i++) {
    const o = i * O;
    if (outcomes[o] === fault && outcomes[o + 1] === level && outcomes[o + 2] === oa && outcomes[o + 3] === attrs &&
      outcomes[o + 4] === badLoc && outcomes[o + 5] === badFlags && outcomes[o + 6] === hwLoc && outcomes[o + 7] === newest) return;
  }
  if (nOut === MAX_OUTCOMES) throw new Error('access: too many distinct translation outcomes');
  const o = nOut++ * O;
  outcomes[o] = fault;
  outcomes[o + 1] = level;
  outcomes[o + 2] = oa;
  outcomes[o + 3] = attrs;
  outcomes[o + 4] = badLoc;
  outcomes[o + 5] = badFlags;
  outcomes[o + 6] = hwLoc;
  outcomes[o + 7] = newest;
}

/** Walk now, atomically, enumerating every write each level may read. */
function walkNow(m: Machine, s: Int32Array, cpu: number, frame: number, level: number, attrs: number, vaPage: number, floor: number, pendingRegion: number): void {
  if (frame < 0) return addOutcome(FAULT_TRANSLATION, level, 0, 0, 0, 0);
  const loc = slotLoc(m, frame, level, vaPage);
  const b = m.layout.mem(loc);
  const n = s[b]!;
  const freed = s[m.layout.frameBase + frame] === FRAME_FREED;
  for (let i = walkReadIdx(m, s, cpu, loc, floor, pendingRegion); i < n; i++) {
    const w = b + 1 + i * MEM_ENTRY;
    const lo = s[w]!;
    const hi = s[w + 1]!;
    const ts = s[w + 2]!;
    if (freed || s[w + 3]! & W_UNINIT) {
      addOutcome(FAULT_TRANSLATION, level, 0, 0, loc + 1, (s[w + 3]! & W_UNINIT) | (freed ? 4 : 0));
      continue;
    }
    const kind = m.enc.descKind(lo, hi, level);
    if (kind === DESC_INVALID) addOutcome(FAULT_TRANSLATION, level, 0, 0, 0, 0);
    else if (kind === DESC_TABLE) {
      const next = m.frameOfPfn(m.enc.descPfn(lo, hi));
      if (next < 0) addOutcome(FAULT_TRANSLATION, level, 0, 0, loc + 1, WR_NOT_TABLE);
      else walkNow(m, s, cpu, next, level + 1, attrs | m.enc.tableAttrs(lo, hi), vaPage, Math.max(floor, ts), pendingRegion);
    } else {
      const a = m.enc.leafAttrs(lo, hi) | attrs;
      const af = ((a >> A_AF) & 1) !== 0;
      if (!af && !curHa) addOutcome(FAULT_ACCESS_FLAG, level, 0, 0, 0, 0);
      else {
        const size = leafSizeLog2(m, level, hi);
        const oa = alignDown(m.enc.descPfn(lo, hi), size) + (vaPage - alignDown(vaPage, size));
        // The leaf and whether it is the newest write matter only where an update may be needed.
        const mayUpdate = !af || (curHd && ((a >> A_RDONLY) & 1) !== 0 && ((a >> A_DBM) & 1) !== 0);
        // An update needs the newest write, and none while a relaxed atomic's write to it is pending.
        const updatable = i === n - 1 && (s[w + 3]! & W_ATOMIC_MASK) === 0;
        if (mayUpdate) addOutcome(af ? FAULT_NONE : FAULT_ACCESS_FLAG, level, oa, a, 0, 0, loc + 1, updatable ? 1 : 0);
        else addOutcome(FAULT_NONE, level, oa, a, 0, 0);
      }
    }
  }
}

/** Fill the outcome list for an access by cpu to probe. */
function translate(m: Machine, s: Int32Array, cpu: number, probe: number, depView: number): void {
  nOut = 0;
  curHa = m.cfg.hardwareAf[cpu]!;
  curHd = m.cfg.hardwareDirty[cpu]!;
  const pr = m.cfg.probes[probe]!;
  const tb = tlbBase(m, cpu);
  const tn = s[tb]!;
  for (let i = 0; i < tn; i++) {
    const e = tb + 1 + i * TLB_ENTRY;
    if (!tlbCovers(s, e, pr.region, pr.vaPage)) continue;
    addOutcome(FAULT_NONE, s[e + T_LEVEL]!, s[e + T_OA]! + pr.vaPage - s[e + T_VABASE]!, s[e + T_ATTRS]!, 0, 0);
  }
  // An early translation serves an access whose address, and every load a barrier (or
  // acquire) orders it after, saw nothing newer than the TLBI's completion (herd7's
  // S+shoot+dmb.sy_mmufault_db is Forbidden, S+shoot+po-mmufault_db Allowed).
  const eb = etBase(m, cpu);
  const en = s[eb]!;
  const ordered = Math.max(depView, s[m.layout.cpu(cpu) + C_VFLOOR]!);
  for (let i = 0; i < en; i++) {
    const e = eb + 1 + i * ET_ENTRY;
    if (s[e + TLB_ENTRY]! < ordered || !tlbCovers(s, e, pr.region, pr.vaPage)) continue;
    // A fault result kept across a TLBI (keepEarlyFault) has its kind as a negative level.
    if (s[e + T_LEVEL]! < 0) addOutcome(-s[e + T_LEVEL]!, -1, 0, 0, 0, 0);
    else addOutcome(FAULT_NONE, s[e + T_LEVEL]!, s[e + T_OA]! + pr.vaPage - s[e + T_VABASE]!, s[e + T_ATTRS]!, 0, 0);
  }
  const w = walkerBase(m, cpu, probe);
  // Early results keep their fault kinds as a mask (1 << kind). Under ETS2 a faulting walk
  // is ordered after what the access is ordered after, as an early translation is.
  const early = s[w + P_EARLY]!;
  if (early !== 0 && s[w + P_EARLY_FLOOR]! >= (m.cfg.ets2 ? ordered : depView)) {
    for (let k = FAULT_TRANSLATION; k <= FAULT_ACCESS_FLAG; k++) if (early & (1 << k)) addOutcome(k, -1, 0, 0, 0, 0);
  }
  const floor = Math.max(walkFloor(m, s, cpu), depView);
  const n = startOptions(m, s, cpu, pr.region, pr.vaPage, starts);
  for (let i = 0; i < n; i++) {
    walkNow(m, s, cpu, starts[i * 4]!, starts[i * 4 + 1]!, starts[i * 4 + 2]!, pr.vaPage, Math.max(floor, starts[i * 4 + 3]!), starts[i * 4 + 3] === PENDING_VIEW ? pr.region : -1);
  }
}

/**
 * The fault an outcome gives a read or a write, or HW_UPDATE / HW_RETRY where hardware
 * management changes it (herd7's order: invalid is a translation fault; with hardware AF a
 * write the leaf forbids is a permission fault; else AF clear is an access-flag fault).
 */
function faultOf(o: number, write: boolean): number {
  const f = outcomes[o]!;
  const hwLoc = outcomes[o + 6]!;
  if (f !== FAULT_NONE && (f !== FAULT_ACCESS_FLAG || hwLoc === 0)) return f;
  const a = outcomes[o + 3]!;
  const readOnly = write && ((a >> A_RDONLY) & 1) !== 0;
  const dirty = readOnly && curHd && ((a >> A_DBM) & 1) !== 0;
  if (readOnly && !dirty) return FAULT_PERMISSION; // here AF clear implies hardware AF
  if (!dirty && f === FAULT_NONE) return FAULT_NONE;
  // A TLB entry cannot be updated: the access walks again (the on-the-spot walk's outcomes).
  if (hwLoc === 0) return HW_RETRY;
  return outcomes[o + 7] === 1 ? HW_UPDATE : HW_RETRY;
}

/** For outcome i when it is HW_UPDATE: the leaf's location and what to set (1 AF, 2 the dirty state). */
export function outcomeUpdate(i: number, write: boolean): { loc: number; bits: number } {
  const o = i * O;
  const a = outcomes[o + 3]!;
  const db = write && curHd && ((a >> A_RDONLY) & 1) !== 0 && ((a >> A_DBM) & 1) !== 0;
  return { loc: outcomes[o + 6]! - 1, bits: (outcomes[o] === FAULT_ACCESS_FLAG ? 1 : 0) | (db ? 2 : 0) };
}

/**
 * Perform outcome i's hardware update: atomically set AF (and, for a write under HD, make
 * the leaf writable) in the newest write of the leaf, which the walk read.
 */
export function hardwareUpdate(m: Machine, s: Int32Array, i: number, write: boolean): void {
  const o = i * O;
  const loc = outcomes[o + 6]! - 1;
  const w = newestWrite(m, s, loc);
  let lo = s[w]! | (1 << BIT.AF);
  if (write && curHd) lo &= ~(1 << BIT.RDONLY);
  commitWrite(m, s, -1, loc, lo, s[w + 1]!, 0); // the hardware's write: no CPU's views move
}

function paOf(o: number, va: number): number {
  return outcomes[o + 2]! * 4096 + (va % 4096);
}

/** Number of ways a translated access can go (translation outcomes x values a load may read). */
export function accessChoices(m: Machine, s: Int32Array, cpu: number, probe: number, write: boolean, depView: number): number {
  translate(m, s, cpu, probe, depView);
  if (write && !curHa) return nOut;
  let k = 0;
  const va = m.cfg.probes[probe]!.va;
  for (let i = 0; i < nOut; i++) k += outcomeWays(m, s, cpu, i, write, va, depView);
  return k;
}

/** Ways outcome i can go: a fault or a write is one, a read one per readable value, a retry none. */
function outcomeWays(m: Machine, s: Int32Array, cpu: number, i: number, write: boolean, va: number, depView: number): number {
  const f = faultOf(i * O, write);
  if (f === HW_RETRY) return 0;
  if (write || (f !== FAULT_NONE && f !== HW_UPDATE)) return 1;
  const loc = m.locOfPa(paOf(i * O, va));
  return loc >= 0 ? loadChoices(m, s, cpu, loc, depView) : 1;
}


/**
 * Translation alone, for accesses whose memory operation the caller performs (litmus
 * atomics, acquire/release): the number of translation outcomes for cpu's access to probe.
 */
export function translateOutcomes(m: Machine, s: Int32Array, cpu: number, probe: number, depView: number): number {
  translate(m, s, cpu, probe, depView);
  return nOut;
}

/** Outcome i of the last translateOutcomes: its fault (0 none) for a read or a write. */
export function outcomeFault(i: number, write: boolean): number {
  return faultOf(i * O, write);
}

/** Outcome i's leaf attributes (leafAttrs bits; 0 for a fault without a leaf). */
export function outcomeAttrs(i: number): number {
  return outcomes[i * O + 3]!;
}

/** Outcome i's physical address for the probe's VA (when it does not fault). */
export function outcomePa(m: Machine, probe: number, i: number): number {
  return paOf(i * O, m.cfg.probes[probe]!.va);
}

/** Record outcome i of the last translation as cpu's access (the events properties see). */
export function accessEvent(m: Machine, cpu: number, probe: number, i: number, write: boolean, fault: number): void {
  const o = i * O;
  const ev = m.events.push(Ev.Access, cpu);
  ev.probe = probe;
  ev.a = write ? 1 : 0;
  ev.b = fault;
  ev.level = outcomes[o + 1]!;
  ev.c = outcomes[o + 3]!;
  ev.va = outcomes[o + 2]!;
  if (outcomes[o + 4] !== 0) {
    // The walk read an uninitialised or freed slot: report it like a walker's read.
    const r = m.events.push(Ev.WalkRead, cpu);
    r.probe = probe;
    r.loc = outcomes[o + 4]! - 1;
    r.level = outcomes[o + 1]!;
    r.a = outcomes[o + 5]! & (W_UNINIT | WR_NOT_TABLE);
    r.b = outcomes[o + 5]! & 4 ? FRAME_FREED : 1;
  }
}

export class AccessResult {
  fault = 0;
  level = 0;
  pa = 0;
}

/**
 * Perform access choice `choice`: translate, check permissions, then load (into rd) or store.
 * Returns the fault kind (0 none).
 */
export function access(
  m: Machine, s: Int32Array, cpu: number, probe: number, write: boolean, depView: number,
  lo: number, hi: number, choice: number, rd: ReadResult, res: AccessResult,
): number {
  translate(m, s, cpu, probe, depView);
  const va = m.cfg.probes[probe]!.va;
  let i = 0;
  let sub = 0;
  for (; i < nOut; i++) {
    const k = outcomeWays(m, s, cpu, i, write, va, depView);
    if (choice < k) {
      sub = choice;
      break;
    }
    choice -= k;
  }
  const o = i * O;
  const update = faultOf(o, write) === HW_UPDATE;
  const fault = update ? FAULT_NONE : faultOf(o, write);
  accessEvent(m, cpu, probe, i, write, fault);
  res.fault = fault;
  res.level = outcomes[o + 1]!;
  res.pa = fault === FAULT_NONE ? paOf(o, va) : 0;
  rd.lo = rd.hi = rd.flags = 0;
  rd.view = depView;
  if (fault !== FAULT_NONE) return fault;
  const loc = m.locOfPa(res.pa);
  if (loc >= 0) {
    if (write) store(m, s, cpu, loc, lo, hi);
    else load(m, s, cpu, loc, depView, sub, false, rd);
  } // else memory the scenario does not model: reads 0, writes vanish
  // After the access: committing renumbers timestamps, which the load's choice relies on,
  // and the result's view with them.
  if (update) {
    s[G_VIEW_HELD] = rd.view;
    hardwareUpdate(m, s, i, write);
    rd.view = s[G_VIEW_HELD]!;
    s[G_VIEW_HELD] = 0;
  }
  return FAULT_NONE;
}
