// Decoding a descriptor held as two 32-bit halves (lo = bits 31:0, hi = bits 63:32):
// what a walker sees at a given level. No allocation: results are small integers.

import { BIT } from './bits.js';
import { LAST_LEVEL } from './geometry.js';
import {
  A_AF, A_NG, A_PXN, A_RDONLY, A_SH, A_USER, A_UXN, A_DBM, DESC_INVALID, DESC_LEAF, DESC_TABLE,
} from '../attrs.js';

export { DESC_INVALID, DESC_TABLE, DESC_LEAF } from '../attrs.js';
export { ATTR_MEMORY_MASK, A_ATTRINDX, A_SH, A_NG, A_AF, A_RDONLY, A_USER, A_PXN, A_UXN, A_DBM } from '../attrs.js';

/** What a walker does with descriptor (lo, hi) read at Arm level `level`. */
export function descKind(lo: number, hi: number, level: number): number {
  void hi;
  if ((lo & 1) === 0) return DESC_INVALID;
  const tableBit = (lo >>> BIT.TABLE) & 1;
  if (level === LAST_LEVEL) return tableBit ? DESC_LEAF : DESC_INVALID; // 0b01 at level 3 is reserved
  if (tableBit) return DESC_TABLE;
  return level >= 1 ? DESC_LEAF : DESC_INVALID; // no level-0 blocks with 4K pages (no LPA2)
}

/** Output address page number, OA[47:12]. */
export function descPfn(lo: number, hi: number): number {
  return (hi & 0xffff) * 0x100000 + (lo >>> 12);
}

export function leafAttrs(lo: number, hi: number): number {
  return (
    ((lo >>> BIT.ATTRINDX) & 7) |
    (((lo >>> BIT.SH) & 3) << A_SH) |
    (((lo >>> BIT.NG) & 1) << A_NG) |
    (((lo >>> BIT.AF) & 1) << A_AF) |
    (((lo >>> BIT.RDONLY) & 1) << A_RDONLY) |
    (((lo >>> BIT.USER) & 1) << A_USER) |
    (((hi >>> (BIT.PXN - 32)) & 1) << A_PXN) |
    (((hi >>> (BIT.UXN - 32)) & 1) << A_UXN) |
    (((hi >>> (BIT.DBM - 32)) & 1) << A_DBM)
  );
}

/** Hierarchical controls a table descriptor adds to every leaf below it (PXNTable, UXNTable). */
export function tableAttrs(lo: number, hi: number): number {
  void lo;
  return (((hi >>> (BIT.PXN_TABLE - 32)) & 1) << A_PXN) | (((hi >>> (BIT.UXN_TABLE - 32)) & 1) << A_UXN);
}

export function isCont(hi: number): boolean {
  return ((hi >>> (BIT.CONT - 32)) & 1) === 1;
}

/** A short flag list for traces: "V T AF RO PXN UXN CONT nG". */
export function describeAttrs(a: number): string {
  const f: string[] = [`AttrIndx=${a & 7}`];
  if ((a >> A_SH) & 3) f.push(`SH=${(a >> A_SH) & 3}`);
  if ((a >> A_NG) & 1) f.push('nG');
  if ((a >> A_AF) & 1) f.push('AF');
  f.push((a >> A_RDONLY) & 1 ? 'RO' : 'RW');
  if ((a >> A_USER) & 1) f.push('USER');
  if ((a >> A_PXN) & 1) f.push('PXN');
  if ((a >> A_UXN) & 1) f.push('UXN');
  return f.join(' ');
}

/** Hex of a descriptor with its decoded flags, as traces print it. */
export function describeDesc(lo: number, hi: number, level: number): string {
  const hex = '0x' + ((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString(16).padStart(16, '0');
  const k = descKind(lo, hi, level);
  if (k === DESC_INVALID) return `${hex} (invalid)`;
  const pa = '0x' + (descPfn(lo, hi) * 4096).toString(16);
  if (k === DESC_TABLE) return `${hex} (table -> ${pa}${tableAttrs(lo, hi) ? ' ' + describeAttrs(tableAttrs(lo, hi)).replace(/AttrIndx=0 RW ?/, '') : ''})`;
  return `${hex} (${level === LAST_LEVEL ? 'page' : 'block'} ${pa} ${describeAttrs(leafAttrs(lo, hi))}${isCont(hi) ? ' CONT' : ''})`;
}

/** Split a bigint descriptor into the halves the machine stores. */
export function splitDesc(v: bigint): [lo: number, hi: number] {
  const u = BigInt.asUintN(64, v);
  return [Number(u & 0xffffffffn) | 0, Number(u >> 32n) | 0];
}

export function joinDesc(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}
