// The reduction as the product uses it (KernelDriver.isLocal, which also runs the local
// code after each step) reaches exactly the final states and violation kinds of the
// brute-force enumerator on random small kernel-C programs: stores, loads with and without
// address dependencies, barriers, lazy MMU mode with __set_pte, a lock, BUG_ON.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Mop } from '../../src/lang/ir.js';
import { bruteForce } from '../../src/explore/bruteForce.js';
import { explore } from '../../src/explore/dfs.js';
import { eagerSteps } from '../../src/explore/reduction.js';
import { kernelSetup, linearMapOptions, memoryObserver, sameSet } from '../helpers/kernel.js';

const MODEL = `
unsigned long x, y, r0, r1, r2, r3;
DEFINE_MUTEX(lk);
`;

const stmt = fc.constantFrom(
  'WRITE_ONCE(x, 1);', 'WRITE_ONCE(y, 2);', 'x = 3;',
  'r0 = READ_ONCE(x);', 'r1 = READ_ONCE(y);', 'r2 = *(&x + (READ_ONCE(y) & 0));',
  'dmb(ishst);', 'smp_rmb();', 'smp_mb();', 'dsb(ishst);', 'isb();',
  'arch_enter_lazy_mmu_mode(); __set_pte((pte_t *)&y, 0x60000000001703UL); arch_leave_lazy_mmu_mode();',
  'mutex_lock(&lk); r3 = r3 + 1; mutex_unlock(&lk);',
  'BUG_ON(READ_ONCE(x) == 3 && READ_ONCE(y) == 2);',
);

const programs = fc.array(fc.array(stmt, { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 2 })
  .map((cpus) => cpus.map((s) => s.join(' ')));

function agree(cpus: string[], wrong = false): boolean {
  const { session, driver } = kernelSetup(
    { files: ['/model.c'], memFiles: new Map([['/model.c', MODEL]]), cpus },
    linearMapOptions({ cpus: 2, memoryModel: 'relaxed', historyDepth: 8 }),
  );
  const m = session.m;
  const observe = memoryObserver(m);
  const oracle = bruteForce(session, { observe, maxStates: 100_000 });
  // Wrong on purpose when asked: a load is not local (what it reads depends on other CPUs).
  const classify = wrong
    ? { isLocal: (mm: typeof m, st: Int32Array, c: number) => driver.isLocal(mm, st, c) || driver.current(mm, st, c)?.mop === Mop.Load }
    : driver;
  const reduced = explore(session, { observe, keepGoing: true, reduction: eagerSteps(classify) });
  return sameSet(oracle.finals, reduced.finals) && sameSet(new Set(oracle.violations.keys()), new Set(reduced.violations.keys()));
}

describe('reduction with the kernel-C driver', () => {
  it('agrees with the brute-force enumerator on 200 random two-CPU kernel-C programs', () => {
    fc.assert(fc.property(programs, (p) => agree(p)), { numRuns: 200, seed: 0xc0de });
  }, 300_000);

  it('and catches a deliberately wrong one (loads taken as local)', () => {
    expect(fc.check(fc.property(programs, (p) => agree(p, true)), { numRuns: 200, seed: 0xc0de }).failed).toBe(true);
  }, 300_000);
});

