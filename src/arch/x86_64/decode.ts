// Decoding an x86-64 paging entry held as two 32-bit halves into the shared vocabulary of
// attrs.ts. Levels are numbered as on arm64 (0 = PML4, 1 = PDPT, 2 = PD, 3 = PT).

import {
  A_AF, A_ATTRINDX, A_NG, A_PXN, A_RDONLY, A_USER, A_UXN, DESC_INVALID, DESC_LEAF, DESC_TABLE,
} from '../attrs.js';
import { XBIT } from './bits.js';

const LAST_LEVEL = 3;
const NX_HI = XBIT.NX - 32;

/** PS at the PML4 level is reserved (a reserved-bit fault): read as invalid. */
export function descKind(lo: number, hi: number, level: number): number {
  void hi;
  if ((lo & 1) === 0) return DESC_INVALID;
  if (level === LAST_LEVEL) return DESC_LEAF;
  if ((lo >>> XBIT.PSE) & 1) return level >= 1 ? DESC_LEAF : DESC_INVALID;
  return DESC_TABLE;
}

/** Physical page number, bits 51:12 (a large page's PAT bit 12 lies below its alignment). */
export function descPfn(lo: number, hi: number): number {
  return (hi & 0xfffff) * 0x100000 + (lo >>> 12);
}

/**
 * RW clear is read-only, NX forbids execution at every privilege, G clear is "not global".
 * A is always reported set: the walker sets it instead of faulting (not modelled as a write).
 */
export function leafAttrs(lo: number, hi: number): number {
  return (
    (((lo >>> XBIT.PWT) & 3) << A_ATTRINDX) |
    ((((lo >>> XBIT.GLOBAL) & 1) ^ 1) << A_NG) |
    (1 << A_AF) |
    ((((lo >>> XBIT.RW) & 1) ^ 1) << A_RDONLY) |
    (((lo >>> XBIT.USER) & 1) << A_USER) |
    (((hi >>> NX_HI) & 1) * ((1 << A_PXN) | (1 << A_UXN)))
  );
}

/** RW clear or NX set in a table entry restricts every leaf below it. */
export function tableAttrs(lo: number, hi: number): number {
  return ((((lo >>> XBIT.RW) & 1) ^ 1) << A_RDONLY) | (((hi >>> NX_HI) & 1) * ((1 << A_PXN) | (1 << A_UXN)));
}

export function describeAttrs(a: number): string {
  const f: string[] = [(a >> A_RDONLY) & 1 ? 'RO' : 'RW'];
  if ((a >> A_USER) & 1) f.push('US');
  if ((a >> A_PXN) & 1) f.push('NX');
  if (!((a >> A_NG) & 1)) f.push('G');
  if (a & 1) f.push('PWT');
  if (a & 2) f.push('PCD');
  return f.join(' ');
}

export function describeDesc(lo: number, hi: number, level: number): string {
  const hex = '0x' + ((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString(16).padStart(16, '0');
  const k = descKind(lo, hi, level);
  if (k === DESC_INVALID) return `${hex} (${lo & 1 ? 'PS at the PML4 level: reserved' : 'not present'})`;
  const pa = '0x' + (descPfn(lo, hi) * 4096).toString(16);
  if (k === DESC_TABLE) {
    const t = tableAttrs(lo, hi);
    const f = [(t >> A_RDONLY) & 1 ? ' RO' : '', (t >> A_PXN) & 1 ? ' NX' : ''].join('');
    return `${hex} (table -> ${pa}${f})`;
  }
  return `${hex} (${level === LAST_LEVEL ? 'page' : 'large page'} ${pa} ${describeAttrs(leafAttrs(lo, hi))})`;
}
