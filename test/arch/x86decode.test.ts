// x86-64 paging-entry decoding (src/arch/x86_64/decode.ts) against the Intel SDM's
// 4-level layout, with a reference that works on the 64-bit bigint bit by bit; and the
// protections against the kernel's own identities (the CPA patch's BUILD_BUG_ON).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  A_AF, A_ATTRINDX, A_NG, A_PXN, A_RDONLY, A_USER, A_UXN, DESC_INVALID, DESC_LEAF, DESC_TABLE,
} from '../../src/arch/attrs.js';
import { splitDesc } from '../../src/arch/arm64/decode.js';
import {
  __PAGE_KERNEL, __PAGE_KERNEL_IDENT_LARGE_EXEC, __PAGE_KERNEL_LARGE, _KERNPG_TABLE, _PAGE_NX, _PAGE_PSE, _PAGE_RW,
  PTE_PFN_MASK,
} from '../../src/arch/x86_64/bits.js';
import { descKind, descPfn, describeDesc, leafAttrs, tableAttrs } from '../../src/arch/x86_64/decode.js';
import { x86Encoding } from '../../src/arch/x86_64/encoding.js';

const bit = (v: bigint, n: number): number => Number((v >> BigInt(n)) & 1n);

/** Reference: P clear is not present; PS makes a leaf at the PDPT and PD; PS in the PML4 is reserved. */
function refKind(v: bigint, level: number): number {
  if (!bit(v, 0)) return DESC_INVALID;
  if (level === 3) return DESC_LEAF;
  if (bit(v, 7)) return level === 0 ? DESC_INVALID : DESC_LEAF;
  return DESC_TABLE;
}

function refLeaf(v: bigint): number {
  const nx = bit(v, 63);
  return (bit(v, 3) << A_ATTRINDX) | (bit(v, 4) << (A_ATTRINDX + 1)) | ((bit(v, 8) ^ 1) << A_NG) | (1 << A_AF) |
    ((bit(v, 1) ^ 1) << A_RDONLY) | (bit(v, 2) << A_USER) | (nx << A_PXN) | (nx << A_UXN);
}

const desc = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

describe('x86-64 entry decoding', () => {
  it('kind, leaf and table attributes, and the frame match the bit-by-bit reference', () => {
    fc.assert(fc.property(desc, fc.integer({ min: 0, max: 3 }), (v, level) => {
      const [lo, hi] = splitDesc(v);
      expect(descKind(lo, hi, level)).toBe(refKind(v, level));
      expect(leafAttrs(lo, hi)).toBe(refLeaf(v));
      expect(tableAttrs(lo, hi)).toBe(((bit(v, 1) ^ 1) << A_RDONLY) | (bit(v, 63) * ((1 << A_PXN) | (1 << A_UXN))));
      expect(descPfn(lo, hi)).toBe(Number((v & PTE_PFN_MASK) >> 12n));
    }), { numRuns: 2000, seed: 86 });
  });

  it('reads the kernel protections as the SDM says', () => {
    const [lo, hi] = splitDesc(0x200000n | __PAGE_KERNEL_LARGE);
    expect(descKind(lo, hi, 2)).toBe(DESC_LEAF);
    expect(descKind(lo, hi, 0)).toBe(DESC_INVALID); // no PS in the PML4
    expect(describeDesc(lo, hi, 2)).toBe('0x80000000002001e3 (large page 0x200000 RW NX G)');
    const [tlo, thi] = splitDesc(0x5000n | _KERNPG_TABLE);
    expect(descKind(tlo, thi, 1)).toBe(DESC_TABLE);
    expect(tableAttrs(tlo, thi)).toBe(0);
    const [rlo, rhi] = splitDesc((0x5000n | _KERNPG_TABLE) & ~_PAGE_RW);
    expect((tableAttrs(rlo, rhi) >> A_RDONLY) & 1).toBe(1); // RW clear above restricts every leaf below
  });

  it('the early identity protection differs from PAGE_KERNEL_LARGE in NX only (the patch BUILD_BUG_ON)', () => {
    expect(__PAGE_KERNEL_LARGE & ~__PAGE_KERNEL_IDENT_LARGE_EXEC).toBe(_PAGE_NX);
    expect(__PAGE_KERNEL | _PAGE_PSE).toBe(__PAGE_KERNEL_LARGE);
  });

  it('builds leaves with PS at the large levels and without at the last', () => {
    expect(x86Encoding.leafDesc(0x4000n, __PAGE_KERNEL, 2, false) & _PAGE_PSE).toBe(_PAGE_PSE);
    expect(x86Encoding.leafDesc(0x4000n, __PAGE_KERNEL_LARGE, 3, false) & _PAGE_PSE).toBe(0n);
  });
});
