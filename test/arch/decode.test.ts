// arm64 descriptor decoding (src/arch/arm64/decode.ts) against the VMSAv8-64 4K-granule
// layout: real bit positions, what a walker makes of a descriptor at each level, the
// packed leaf/table attributes, the output address, and the lo/hi split the machine keeps.
// The reference model below works on the 64-bit bigint, bit by bit, independently of the
// 32-bit-halves code under test.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BIT, PAGE_KERNEL, PAGE_KERNEL_RO, PAGE_KERNEL_ROX, PMD_SECT_CONT, PMD_SECT_PXN, PMD_SECT_UXN, PMD_TABLE_PXN,
  PMD_TABLE_UXN, PMD_TYPE_SECT, PMD_TYPE_TABLE, PROT_SECT_NORMAL, PTE_ADDR_LOW, PTE_AF, PTE_CONT, PTE_NG, PTE_PXN,
  PTE_RDONLY, PTE_SHARED, PTE_TYPE_PAGE, PTE_USER, PTE_UXN, PTE_VALID, PUD_TABLE_PXN, PUD_TABLE_UXN, PGD_TABLE_PXN,
  PGD_TABLE_UXN,
} from '../../src/arch/arm64/bits.js';
import {
  A_AF, A_ATTRINDX, A_DBM, A_NG, A_PXN, A_RDONLY, A_SH, A_USER, A_UXN, ATTR_MEMORY_MASK, DESC_INVALID, DESC_LEAF,
  DESC_TABLE, descKind, descPfn, describeDesc, isCont, joinDesc, leafAttrs, splitDesc, tableAttrs,
} from '../../src/arch/arm64/decode.js';

const bit = (v: bigint, n: number): number => Number((v >> BigInt(n)) & 1n);
const kind = (v: bigint, level: number): number => descKind(...splitDesc(v), level);
const leaf = (v: bigint): number => leafAttrs(...splitDesc(v));
const table = (v: bigint): number => tableAttrs(...splitDesc(v));
const pfn = (v: bigint): number => descPfn(...splitDesc(v));

/** Reference: the walker's reading of descriptor v at Arm level `level` (4K granule, no LPA2). */
function refKind(v: bigint, level: number): number {
  if (bit(v, 0) === 0) return DESC_INVALID;
  const b1 = bit(v, 1);
  if (level === 3) return b1 ? DESC_LEAF : DESC_INVALID;
  if (b1) return DESC_TABLE;
  return level === 0 ? DESC_INVALID : DESC_LEAF;
}

function refLeaf(v: bigint): number {
  const f = (n: number, width: number): number => Number((v >> BigInt(n)) & ((1n << BigInt(width)) - 1n));
  return (f(2, 3) << A_ATTRINDX) | (f(8, 2) << A_SH) | (bit(v, 11) << A_NG) | (bit(v, 10) << A_AF) |
    (bit(v, 7) << A_RDONLY) | (bit(v, 6) << A_USER) | (bit(v, 53) << A_PXN) | (bit(v, 54) << A_UXN) | (bit(v, 51) << A_DBM);
}

const refTable = (v: bigint): number => (bit(v, 59) << A_PXN) | (bit(v, 60) << A_UXN);
const refPfn = (v: bigint): number => Number((v >> 12n) & ((1n << 36n) - 1n));

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
/** Random descriptors biased towards the interesting bits being set in many combinations. */
const desc = fc.oneof(
  u64,
  fc.tuple(u64, fc.constantFrom(0n, 1n, 2n, 3n)).map(([v, t]) => (v & ~3n) | t),
  fc.tuple(fc.bigInt({ min: 0n, max: (1n << 36n) - 1n }), fc.array(fc.constantFrom(0, 1, 6, 7, 10, 11, 51, 52, 53, 54, 59, 60), { maxLength: 8 }))
    .map(([oa, bits]) => bits.reduce((v, b) => v | (1n << BigInt(b)), (oa << 12n) | 3n)),
);
const level = fc.integer({ min: 0, max: 3 });

describe('real arm64 bit positions', () => {
  it('descriptor bits are where VMSAv8-64 puts them', () => {
    expect(PTE_VALID).toBe(0x1n);
    expect(PTE_TYPE_PAGE).toBe(0x3n);
    expect(PTE_USER).toBe(0x40n); // AP[1], bit 6
    expect(PTE_RDONLY).toBe(0x80n); // AP[2], bit 7
    expect(PTE_SHARED).toBe(0x300n); // SH[1:0], bits 9:8
    expect(PTE_AF).toBe(0x400n); // bit 10
    expect(PTE_NG).toBe(0x800n); // bit 11
    expect(PTE_CONT).toBe(0x0010_0000_0000_0000n); // bit 52
    expect(PTE_PXN).toBe(0x0020_0000_0000_0000n); // bit 53
    expect(PTE_UXN).toBe(0x0040_0000_0000_0000n); // bit 54
    expect(PMD_TABLE_PXN).toBe(0x0800_0000_0000_0000n); // bit 59
    expect(PMD_TABLE_UXN).toBe(0x1000_0000_0000_0000n); // bit 60
    expect(PTE_ADDR_LOW).toBe(0x0000_ffff_ffff_f000n); // OA[47:12]
    expect([BIT.CONT, BIT.PXN, BIT.UXN, BIT.PXN_TABLE, BIT.UXN_TABLE]).toEqual([52, 53, 54, 59, 60]);
    expect([BIT.RDONLY, BIT.AF, BIT.NG, BIT.USER, BIT.SH, BIT.ATTRINDX]).toEqual([7, 10, 11, 6, 8, 2]);
  });

  it('the PMD/PUD/PGD spellings agree with the PTE ones', () => {
    expect(PMD_SECT_CONT).toBe(PTE_CONT);
    expect(PMD_SECT_PXN).toBe(PTE_PXN);
    expect(PMD_SECT_UXN).toBe(PTE_UXN);
    expect(PUD_TABLE_PXN).toBe(PMD_TABLE_PXN);
    expect(PGD_TABLE_UXN).toBe(PMD_TABLE_UXN);
    expect(PGD_TABLE_PXN).toBe(PMD_TABLE_PXN);
    expect(PUD_TABLE_UXN).toBe(PMD_TABLE_UXN);
    expect(PMD_TYPE_TABLE).toBe(3n);
    expect(PMD_TYPE_SECT).toBe(1n);
  });
});

describe('descKind at each level', () => {
  it('levels 0-2: 0b11 is a table, 0b01 a block (levels 1, 2 only), bit 0 clear is invalid', () => {
    for (const l of [0, 1, 2]) {
      expect(kind(0b11n, l)).toBe(DESC_TABLE);
      expect(kind(0b00n, l)).toBe(DESC_INVALID);
      expect(kind(0b10n, l)).toBe(DESC_INVALID);
    }
    expect(kind(0b01n, 0)).toBe(DESC_INVALID); // no level-0 blocks with 4K pages (no LPA2)
    expect(kind(0b01n, 1)).toBe(DESC_LEAF);
    expect(kind(0b01n, 2)).toBe(DESC_LEAF);
  });

  it('level 3: 0b11 is a page, 0b01 is reserved (invalid)', () => {
    expect(kind(0b11n, 3)).toBe(DESC_LEAF);
    expect(kind(0b01n, 3)).toBe(DESC_INVALID);
    expect(kind(0b00n, 3)).toBe(DESC_INVALID);
    expect(kind(0b10n, 3)).toBe(DESC_INVALID);
  });

  it('kernel protections decode as expected', () => {
    const oa = 0x4000_0000n;
    expect(kind(oa | PAGE_KERNEL, 3)).toBe(DESC_LEAF);
    expect(kind(oa | PROT_SECT_NORMAL, 2)).toBe(DESC_LEAF);
    expect(kind(oa | PROT_SECT_NORMAL, 1)).toBe(DESC_LEAF);
    expect(kind(oa | PROT_SECT_NORMAL, 0)).toBe(DESC_INVALID);
    expect(kind(oa | PROT_SECT_NORMAL, 3)).toBe(DESC_INVALID); // a block descriptor in a PTE table
    expect(kind(oa | PAGE_KERNEL, 2)).toBe(DESC_TABLE); // a page descriptor in a PMD table points to a table
  });

  it('only bits 1:0 decide, whatever else is set (fast-check)', () => {
    fc.assert(fc.property(desc, level, (v, l) => {
      expect(kind(v, l)).toBe(refKind(v, l));
    }), { numRuns: 2000 });
  });
});

describe('leafAttrs and tableAttrs', () => {
  it('each permission bit lands in its own attribute bit', () => {
    const base = 0x1000n | PTE_TYPE_PAGE;
    expect(leaf(base)).toBe(0);
    expect(leaf(base | PTE_AF)).toBe(1 << A_AF);
    expect(leaf(base | PTE_RDONLY)).toBe(1 << A_RDONLY);
    expect(leaf(base | PTE_USER)).toBe(1 << A_USER);
    expect(leaf(base | PTE_NG)).toBe(1 << A_NG);
    expect(leaf(base | PTE_PXN)).toBe(1 << A_PXN);
    expect(leaf(base | PTE_UXN)).toBe(1 << A_UXN);
    expect(leaf(base | (1n << 51n))).toBe(1 << A_DBM); // DBM: hardware dirty-state management
    expect(leaf(base | PTE_SHARED)).toBe(3 << A_SH);
    expect(leaf(base | (5n << 2n))).toBe(5 << A_ATTRINDX);
    // Cont, table-level XN bits, software bits and the OA are not leaf attributes
    expect(leaf(base | PTE_CONT | PMD_TABLE_PXN | PMD_TABLE_UXN | (1n << 55n) | 0xffff_ffff_f000n)).toBe(0);
  });

  it('the memory-attribute byte holds AttrIndx, SH and nG; permissions lie above it', () => {
    expect(ATTR_MEMORY_MASK).toBe(0xff);
    for (const b of [A_AF, A_RDONLY, A_USER, A_PXN, A_UXN, A_DBM]) expect((1 << b) & ATTR_MEMORY_MASK).toBe(0);
    expect(leaf(PTE_TYPE_PAGE | PTE_SHARED | (7n << 2n) | PTE_NG) & ~ATTR_MEMORY_MASK).toBe(0);
  });

  it('PAGE_KERNEL is AF, PXN, UXN, writable; the RO forms are read-only; ROX is executable', () => {
    const k = leaf(PAGE_KERNEL);
    expect((k >> A_AF) & 1).toBe(1);
    expect((k >> A_PXN) & 1).toBe(1);
    expect((k >> A_UXN) & 1).toBe(1);
    expect((k >> A_RDONLY) & 1).toBe(0);
    expect((leaf(PAGE_KERNEL_RO) >> A_RDONLY) & 1).toBe(1);
    expect((leaf(PAGE_KERNEL_ROX) >> A_RDONLY) & 1).toBe(1);
    expect((leaf(PAGE_KERNEL_ROX) >> A_PXN) & 1).toBe(0);
  });

  it('tableAttrs: PXNTable and UXNTable map onto PXN and UXN; leaf XN bits do not count', () => {
    const t = 0x5000n | 3n;
    expect(table(t)).toBe(0);
    expect(table(t | PMD_TABLE_PXN)).toBe(1 << A_PXN);
    expect(table(t | PMD_TABLE_UXN)).toBe(1 << A_UXN);
    expect(table(t | PMD_TABLE_PXN | PMD_TABLE_UXN)).toBe((1 << A_PXN) | (1 << A_UXN));
    expect(table(t | PTE_PXN | PTE_UXN | PTE_AF | PTE_RDONLY | PTE_NG)).toBe(0);
  });

  it('isCont reads bit 52 of the high half', () => {
    expect(isCont(splitDesc(PTE_CONT)[1])).toBe(true);
    expect(isCont(splitDesc(PTE_PXN | PTE_UXN | (1n << 51n))[1])).toBe(false);
  });

  it('match the bit-by-bit reference on random descriptors (fast-check)', () => {
    fc.assert(fc.property(desc, (v) => {
      expect(leaf(v)).toBe(refLeaf(v));
      expect(table(v)).toBe(refTable(v));
      expect(isCont(splitDesc(v)[1])).toBe(bit(v, 52) === 1);
    }), { numRuns: 2000 });
  });
});

describe('descPfn', () => {
  it('is OA[47:12]', () => {
    expect(pfn(0x0000_8765_4321_3000n | 3n)).toBe(0x8_7654_3213);
    expect(pfn(0x0000_ffff_ffff_f000n)).toBe(2 ** 36 - 1);
    expect(pfn(0xffff_0000_0000_0fffn)).toBe(0); // attributes and bits 63:48 are not address
    expect(pfn(0x1000n)).toBe(1);
    expect(pfn(0x0000_0001_0000_0000n)).toBe(0x10_0000); // bit 32: the first OA bit in the high half
  });

  it('matches the reference on random descriptors (fast-check)', () => {
    fc.assert(fc.property(desc, (v) => {
      expect(pfn(v)).toBe(refPfn(v));
    }), { numRuns: 2000 });
  });
});

describe('splitDesc / joinDesc', () => {
  it('round-trip any 64-bit value, and halves are int32 words', () => {
    fc.assert(fc.property(u64, (v) => {
      const [lo, hi] = splitDesc(v);
      expect(lo).toBe(lo | 0);
      expect(hi).toBe(hi | 0);
      expect(BigInt(lo >>> 0)).toBe(v & 0xffff_ffffn);
      expect(BigInt(hi >>> 0)).toBe(v >> 32n);
      expect(joinDesc(lo, hi)).toBe(v);
    }), { numRuns: 5000 });
  });

  it('round-trip any pair of int32 halves', () => {
    fc.assert(fc.property(fc.integer(), fc.integer(), (lo, hi) => {
      expect(splitDesc(joinDesc(lo, hi))).toEqual([lo, hi]);
    }), { numRuns: 5000 });
  });

  it('negative and wide bigints wrap to 64 bits', () => {
    expect(joinDesc(...splitDesc(-1n))).toBe(0xffff_ffff_ffff_ffffn);
    expect(joinDesc(...splitDesc((1n << 64n) | 5n))).toBe(5n);
    expect(splitDesc(0x8000_0000_8000_0000n)).toEqual([-0x8000_0000, -0x8000_0000]);
  });
});

describe('describeDesc (trace rendering)', () => {
  it('prints real hex and the decoded meaning', () => {
    const page = 0x4000_0000n | PAGE_KERNEL | PTE_CONT;
    const s = describeDesc(...splitDesc(page), 3);
    expect(s).toContain('0x' + page.toString(16).padStart(16, '0'));
    expect(s).toContain('page 0x40000000');
    expect(s).toContain('CONT');
    expect(s).toContain('PXN');
    expect(describeDesc(...splitDesc(0x4000_0000n | PROT_SECT_NORMAL), 3)).toContain('(invalid)');
    expect(describeDesc(...splitDesc(0x5000n | 3n | PMD_TABLE_UXN), 2)).toMatch(/table -> 0x5000.*UXN/);
  });
});
