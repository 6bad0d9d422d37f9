// TLB and walk-cache contents as sorted sets of fixed-size tuples, so that equal contents
// are equal words whatever order the fills came in.

import { CapacityError } from './errors.js';
import { ET_ENTRY, TLB_ENTRY, WC_ENTRY } from './layout.js';
import type { Machine } from './machine.js';

// TLB tuple fields.
export const T_REGION = 0;
export const T_VABASE = 1;
export const T_SIZE = 2; // log2 pages
export const T_OA = 3; // page number of the first page
export const T_ATTRS = 4;
export const T_LEVEL = 5;
// Walk-cache tuple fields: a table descriptor read at `level`, for VAs whose page number
// shifted right by that level's page bits equals `prefix`.
export const W_REGION = 0;
export const W_LEVEL = 1;
export const W_PREFIX = 2;
export const W_FRAME = 3;
export const W_ATTRS = 4;
/** The view at which the table descriptor was read: a walk starting here reads no older. */
export const W_VIEW = 5;

export function tlbBase(m: Machine, cpu: number): number {
  return m.layout.cpu(cpu) + m.layout.cTlb;
}

export function wcBase(m: Machine, cpu: number): number {
  return m.layout.cpu(cpu) + m.layout.cWc;
}

export function etBase(m: Machine, cpu: number): number {
  return m.layout.cpu(cpu) + m.layout.cEt;
}

const etTuple = new Int32Array(ET_ENTRY);

/**
 * Keep the TLB tuple at t as an early translation of cpu, usable by accesses whose address
 * depends on nothing newer than floor; a tuple kept twice keeps the larger floor.
 */
export function keepEarly(m: Machine, s: Int32Array, cpu: number, t: number, floor: number): void {
  for (let k = 0; k < TLB_ENTRY; k++) etTuple[k] = s[t + k]!;
  insertEarly(m, s, cpu, floor);
}

/** Insert etTuple, with its floor, into cpu's early translations. */
function insertEarly(m: Machine, s: Int32Array, cpu: number, floor: number): void {
  etTuple[TLB_ENTRY] = floor;
  insertSorted(s, etBase(m, cpu), ET_ENTRY, m.layout.etCap, etTuple, `CPU${cpu}'s early translations`, 'machine.tlbEntries', TLB_ENTRY, true);
}

/**
 * Keep an early fault result of kind `kind` for the page at (region, vaPage) across a TLBI
 * that completed at view `floor`: like a removed TLB entry, it then serves only accesses
 * ordered no later than that (herd7's MP+DSB-TLBI-DSB+DMBLD Forbidden, coWRExpNExp+DSB-TLBI-DSB
 * Allowed). Stored as an early translation whose level is -kind.
 */
export function keepEarlyFault(m: Machine, s: Int32Array, cpu: number, region: number, vaPage: number, kind: number, floor: number): void {
  etTuple.fill(0);
  etTuple[T_REGION] = region;
  etTuple[T_VABASE] = vaPage;
  etTuple[T_LEVEL] = -kind;
  insertEarly(m, s, cpu, floor);
}

/** The TLB holds tuple t again: an early translation equal to it adds nothing, so it goes. */
export function forgetEarly(m: Machine, s: Int32Array, cpu: number, t: number): void {
  const base = etBase(m, cpu);
  if (s[base] === 0) return;
  removeWhere(s, base, ET_ENTRY, (e) => {
    for (let k = 0; k < TLB_ENTRY; k++) if (s[e + k] !== s[t + k]) return false;
    return true;
  });
}

/** An isb: the CPU's later accesses are translated after it, so early translations go. */
export function dropEarly(m: Machine, s: Int32Array, cpu: number): void {
  const base = etBase(m, cpu);
  const n = s[base]!;
  if (n === 0) return;
  s.fill(0, base, base + 1 + n * ET_ENTRY);
}

/**
 * Insert tuple t into the sorted set at base (count word, then tuples), ordered and
 * deduplicated on the first `key` fields; on a duplicate the trailing fields (a view) keep
 * their minimum, or with keepMax their maximum. Returns the new index, or -1 if the key
 * was present.
 */
function insertSorted(
  s: Int32Array, base: number, width: number, cap: number, t: ArrayLike<number>, what: string, option: string, key = width, keepMax = false,
): number {
  const n = s[base]!;
  let i = 0;
  for (; i < n; i++) {
    const e = base + 1 + i * width;
    let cmp = 0;
    for (let k = 0; k < key && cmp === 0; k++) cmp = s[e + k]! - t[k]!;
    if (cmp === 0) {
      for (let k = key; k < width; k++) if (keepMax ? t[k]! > s[e + k]! : t[k]! < s[e + k]!) s[e + k] = t[k]!;
      return -1;
    }
    if (cmp > 0) break;
  }
  if (n === cap) throw new CapacityError(option, `${what} is full (${cap} entries)`);
  const e = base + 1 + i * width;
  s.copyWithin(e + width, e, base + 1 + n * width);
  for (let k = 0; k < width; k++) s[e + k] = t[k]!;
  s[base] = n + 1;
  return i;
}

/** Remove every tuple for which drop(offset) holds; keeps order and zeroes the freed tail. */
export function removeWhere(s: Int32Array, base: number, width: number, drop: (e: number) => boolean): number {
  const n = s[base]!;
  let w = 0;
  for (let i = 0; i < n; i++) {
    const e = base + 1 + i * width;
    if (drop(e)) continue;
    if (w !== i) s.copyWithin(base + 1 + w * width, e, e + width);
    w++;
  }
  s.fill(0, base + 1 + w * width, base + 1 + n * width);
  s[base] = w;
  return n - w;
}

const tlbTuple = new Int32Array(TLB_ENTRY);
const wcTuple = new Int32Array(WC_ENTRY);

export function tlbInsert(
  m: Machine, s: Int32Array, cpu: number, region: number, vaBase: number, size: number, oa: number, attrs: number, level: number,
): number {
  tlbTuple[T_REGION] = region;
  tlbTuple[T_VABASE] = vaBase;
  tlbTuple[T_SIZE] = size;
  tlbTuple[T_OA] = oa;
  tlbTuple[T_ATTRS] = attrs;
  tlbTuple[T_LEVEL] = level;
  return insertSorted(s, tlbBase(m, cpu), TLB_ENTRY, m.layout.tlbCap, tlbTuple, `CPU${cpu}'s TLB`, 'machine.tlbEntries');
}

export function wcInsert(
  m: Machine, s: Int32Array, cpu: number, region: number, level: number, prefix: number, frame: number, attrs: number, view: number,
): number {
  wcTuple[W_REGION] = region;
  wcTuple[W_LEVEL] = level;
  wcTuple[W_PREFIX] = prefix;
  wcTuple[W_FRAME] = frame;
  wcTuple[W_ATTRS] = attrs;
  wcTuple[W_VIEW] = view;
  return insertSorted(s, wcBase(m, cpu), WC_ENTRY, m.layout.wcCap, wcTuple, `CPU${cpu}'s walk cache`, 'machine.walkCacheEntries', W_VIEW);
}

/** Whether TLB tuple at e translates page vaPage of region. */
export function tlbCovers(s: Int32Array, e: number, region: number, vaPage: number): boolean {
  if (s[e + T_REGION] !== region) return false;
  const base = s[e + T_VABASE]!;
  return vaPage >= base && vaPage < base + 2 ** s[e + T_SIZE]!;
}

/** Whether walk-cache tuple at e can start a walk for vaPage of region. */
export function wcCovers(m: Machine, s: Int32Array, e: number, region: number, vaPage: number): boolean {
  return s[e + W_REGION] === region && Math.floor(vaPage / 2 ** m.pagesLog2[s[e + W_LEVEL]!]!) === s[e + W_PREFIX];
}
