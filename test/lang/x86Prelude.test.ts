// The x86-64 prelude's TLB maintenance on the machine: after a PTE change, INVLPG
// (__flush_tlb_one) leaves no stale entry in its own CPU's TLB, the shootdown
// (flush_tlb_all) in none, and without either a stale entry may stay anywhere.

import { describe, expect, it } from 'vitest';
import { __PAGE_KERNEL } from '../../src/arch/x86_64/bits.js';
import { bruteForce } from '../../src/explore/bruteForce.js';
import { T_OA, tlbBase } from '../../src/machine/tlb.js';
import { TLB_ENTRY } from '../../src/machine/layout.js';
import type { Machine } from '../../src/machine/machine.js';
import { kernelSetup } from '../helpers/kernel.js';

const PFN_BASE = 16;
const table = (f: number): bigint => BigInt((PFN_BASE + f) * 4096) | 0x63n; // _KERNPG_TABLE
const PT_PA = (PFN_BASE + 3) * 4096;

/** Per CPU, whether its TLB still maps VA 0x1000 to the old page (PA 0x1000) at the end. */
function staleAtEnd(flush: string): Set<string> {
  const setup = kernelSetup({
    files: [], cpus: [`set_pte((pte_t *)0x${(PT_PA + 8).toString(16)}UL, pfn_pte(0x5, PAGE_KERNEL)); ${flush}`, null],
  }, {
    profile: 'x86_64', cpus: 2, frames: 4, framePfnBase: PFN_BASE, ttbr1: 0, probes: [{ va: 0x1000 }], walksPerWalker: 1,
    frameInit: {
      0: { init: 'zero', content: [table(1)] },
      1: { init: 'zero', content: [table(2)] },
      2: { init: 'zero', content: [table(3)] },
      3: { init: 'zero', content: [0x0000n | __PAGE_KERNEL, 0x1000n | __PAGE_KERNEL] },
    },
  });
  const stale = (m: Machine, s: Int32Array, cpu: number): boolean => {
    const b = tlbBase(m, cpu);
    for (let i = 0; i < s[b]!; i++) if (s[b + 1 + i * TLB_ENTRY + T_OA] === 1) return true;
    return false;
  };
  const m = setup.session.m;
  return bruteForce(setup.session, { observe: (s) => `${stale(m, s, 0)},${stale(m, s, 1)}` }).finals;
}

describe('x86-64 prelude: TLB maintenance', () => {
  it('without a flush, either CPU may keep the old translation', () => {
    expect(staleAtEnd('')).toEqual(new Set(['false,false', 'true,false', 'false,true', 'true,true']));
  });
  it('__flush_tlb_one (INVLPG) clears its own CPU only', () => {
    expect(staleAtEnd('__flush_tlb_one(0x1000);')).toEqual(new Set(['false,false', 'false,true']));
  });
  it('__flush_tlb_all clears its own CPU only', () => {
    expect(staleAtEnd('__flush_tlb_all();')).toEqual(new Set(['false,false', 'false,true']));
  });
  it('flush_tlb_all (the shootdown) has cleared every CPU when it returns', () => {
    expect(staleAtEnd('flush_tlb_all();')).toEqual(new Set(['false,false']));
  });
});
