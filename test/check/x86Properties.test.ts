// The x86 properties on one-store machine programs: Intel's size-and-attribute rule
// (a size change alone, or an attribute change alone, is fine; both at once is not) and
// Xen PV's two rules (no writable mapping of a frame in use as a page table; no large pages).

import { describe, expect, it } from 'vitest';
import { __PAGE_KERNEL, __PAGE_KERNEL_EXEC, __PAGE_KERNEL_IDENT_LARGE_EXEC, __PAGE_KERNEL_LARGE, __PAGE_KERNEL_RO } from '../../src/arch/x86_64/bits.js';
import { makeProperties, type ViolationKind } from '../../src/check/index.js';
import { bruteForce } from '../../src/explore/bruteForce.js';
import { Session } from '../../src/explore/session.js';
import { resolveMachineConfig } from '../../src/machine/config.js';
import { ProgramDriver, type Program } from '../../src/machine/program.js';

const PFN_BASE = 0x10; // frames at PA 0x10000: frame f is at 0x10000 + f * 0x1000
const table = (f: number): bigint => BigInt((PFN_BASE + f) * 4096) | 0x63n; // _KERNPG_TABLE
const pages = (pa: number, prot: bigint): bigint[] => [0, 1, 2, 3].map((i) => BigInt(pa + i * 4096) | prot);

/** PML4 (frame 0) -> PDPT (1) -> PD (2), whose entry 0 is a 16 KiB ("2M") exec page at PA 0; frame 3 is a PT. */
function kinds(program: Program, names: ViolationKind[], pt: bigint[] = pages(0, __PAGE_KERNEL_EXEC), probes = [0x1000, 0x4000]): string[] {
  const cfg = resolveMachineConfig({
    profile: 'x86_64', cpus: 1, frames: 5, framePfnBase: PFN_BASE, ttbr1: 0, walksPerWalker: 0,
    probes: probes.map((va) => ({ va })),
    frameInit: {
      0: { init: 'zero', content: [table(1)] },
      1: { init: 'zero', content: [table(2)] },
      2: { init: 'zero', content: [0n | __PAGE_KERNEL_IDENT_LARGE_EXEC, 0n, 0n, 0n] },
      3: { init: 'zero', content: pt },
    },
  });
  const driver = new ProgramDriver(program, 1);
  const session = new Session(cfg, driver, makeProperties(cfg, names));
  return [...bruteForce(session, {}).violations.keys()].sort();
}

const store = (frame: number, index: number, val: bigint): Program => [[{ op: 'store', loc: { frame, index }, val }]];
const SIZE = ['size-and-attr-change' as const];
const XEN = ['xen-pt-writable' as const, 'xen-large-page' as const];

describe('size-and-attr-change', () => {
  it('a 2M page split into 4K pages of the same frames and attributes: allowed', () => {
    expect(kinds(store(2, 0, table(3)), SIZE)).toEqual([]);
  });
  it('the same split with NX added: reported', () => {
    expect(kinds(store(2, 0, table(3)), SIZE, pages(0, __PAGE_KERNEL))).toEqual(['size-and-attr-change']);
  });
  it('the same split onto other frames: reported', () => {
    expect(kinds(store(2, 0, table(3)), SIZE, pages(0x40000, __PAGE_KERNEL_EXEC))).toEqual(['size-and-attr-change']);
  });
  it('NX added at the same page size: allowed', () => {
    expect(kinds(store(2, 0, 0n | __PAGE_KERNEL_LARGE), SIZE)).toEqual([]);
  });
  it('a write to a table no root reaches: not a paging-structure change', () => {
    expect(kinds(store(4, 0, 0n | __PAGE_KERNEL_LARGE), SIZE)).toEqual([]);
  });
});

describe('Xen PV rules', () => {
  // PD entry 0 points at frame 3, a PT of 4K pages; VA 0x1000 is its slot 1.
  const viaPt: Program = [[{ op: 'store', loc: { frame: 2, index: 0 }, val: table(3) }]];
  it('a writable 4K mapping of a frame in use as a page table: xen-pt-writable', () => {
    expect(kinds([[...viaPt[0]!, { op: 'store', loc: { frame: 3, index: 1 }, val: BigInt((PFN_BASE + 1) * 4096) | __PAGE_KERNEL }]], XEN))
      .toEqual(['xen-pt-writable']);
  });
  it('the same read-only, or of a free frame: allowed', () => {
    expect(kinds([[...viaPt[0]!, { op: 'store', loc: { frame: 3, index: 1 }, val: BigInt((PFN_BASE + 1) * 4096) | __PAGE_KERNEL_RO }]], XEN)).toEqual([]);
    expect(kinds([[...viaPt[0]!, { op: 'store', loc: { frame: 3, index: 1 }, val: BigInt((PFN_BASE + 4) * 4096) | __PAGE_KERNEL }]], XEN)).toEqual([]);
  });
  it('a large page made live: xen-large-page', () => {
    expect(kinds(store(2, 1, 0x4000n | __PAGE_KERNEL_LARGE), XEN)).toEqual(['xen-large-page']);
    expect(kinds(store(2, 1, 0n), XEN)).toEqual([]);
  });
});
