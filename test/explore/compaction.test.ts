// Memory compaction (merging timestamps no reader can tell apart, dropping writes only a
// CPU that will never walk again could read) changes no outcome: on random programs the
// compacted search reaches exactly the final states and violation kinds of the brute-force
// enumerator on the uncompacted machine (final states include every CPU's TLB).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PAGE_KERNEL } from '../../src/arch/arm64/bits.js';
import { makeProperties } from '../../src/check/index.js';
import { bruteForce } from '../../src/explore/bruteForce.js';
import { explore } from '../../src/explore/dfs.js';
import { eagerSteps } from '../../src/explore/reduction.js';
import { Session } from '../../src/explore/session.js';
import { CapacityError } from '../../src/machine/errors.js';
import type { Program } from '../../src/machine/program.js';
import { kernelSetup, linearMapOptions, memoryObserver, sameSet } from '../helpers/kernel.js';
import { observer, programArb, randomSession, withCaches } from '../helpers/randomPrograms.js';


/** What walkers did shows too: every CPU's TLB (a sorted set, so equal sets print equal). */
/** Oracle: the plain machine, every interleaving. Candidate: compacted, reduced search. */
function agreeMachine(program: Program): boolean {
  const plain = randomSession(program, true, { compactMemory: false });
  const compact = randomSession(program, true, { compactMemory: true });
  let oracle;
  try {
    oracle = bruteForce(plain.session, { observe: withCaches(plain.session, observer(plain.session, plain.driver)), maxStates: 40_000 });
  } catch (e) {
    if (e instanceof CapacityError) return true;
    if (e instanceof Error && /more than/.test(e.message)) fc.pre(false);
    throw e;
  }
  let got;
  try {
    got = explore(compact.session, { observe: withCaches(compact.session, observer(compact.session, compact.driver)), keepGoing: true, reduction: eagerSteps(compact.driver) });
  } catch (e) {
    if (e instanceof CapacityError) return false;
    throw e;
  }
  return sameSet(oracle.finals, got.finals) && sameSet(new Set(oracle.violations.keys()), new Set(got.violations.keys()));
}

const MODEL = `
unsigned long x, y, z, r0, r1, r2, r3;
DEFINE_MUTEX(lk);
`;
const stmt = fc.constantFrom(
  'WRITE_ONCE(x, 1);', 'WRITE_ONCE(x, 2);', 'WRITE_ONCE(y, 2);', 'x = 3;', 'xchg_relaxed(&z, 1);', 'smp_wmb();',
  'r1 = READ_ONCE(x) * 4 + READ_ONCE(y);',
  'r0 = READ_ONCE(x);', 'r1 = READ_ONCE(y);', 'r2 = *(&x + (READ_ONCE(y) & 0));',
  'dmb(ishst);', 'smp_rmb();', 'smp_mb();', 'dsb(ishst);', 'isb();',
  'r3 = __ptmc_read_va(0x1000);',
  'mutex_lock(&lk); r3 = r3 + 1; mutex_unlock(&lk);',
);
const kernelPrograms = fc.array(fc.array(stmt, { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 2 })
  .map((cpus) => cpus.map((s) => s.join(' ')));

function agreeKernel(cpus: string[]): boolean {
  const setup = (compactMemory: boolean) => kernelSetup(
    { files: ['/model.c'], memFiles: new Map([['/model.c', MODEL]]), cpus },
    linearMapOptions({ cpus: 2, memoryModel: 'relaxed', historyDepth: 8, probes: [{ va: 0x1000 }], compactMemory }),
  );
  const plain = setup(false);
  const compact = setup(true);
  const observe = memoryObserver;
  const oracle = bruteForce(plain.session, { observe: observe(plain.session.m), maxStates: 100_000 });
  const got = explore(compact.session, { observe: observe(compact.session.m), keepGoing: true, reduction: eagerSteps(compact.driver) });
  return sameSet(oracle.finals, got.finals) && sameSet(new Set(oracle.violations.keys()), new Set(got.violations.keys()));
}

describe('memory compaction', () => {
  it('changes no final state or violation kind (200 random machine programs)', () => {
    fc.assert(fc.property(programArb, (p) => agreeMachine(p)), { numRuns: 200, seed: 0xc0a1 });
  }, 600_000);

  it('changes no final state or violation kind (100 random kernel-C programs)', () => {
    fc.assert(fc.property(kernelPrograms, (p) => agreeKernel(p)), { numRuns: 100, seed: 0xc0a2 });
  }, 600_000);

  it('keeps a write that is not its location\'s oldest apart when its timestamp is shared (regression)', () => {
    // Two merges leave one timestamp on x's newer write and z's oldest: merging it down
    // again lost CPU1's chance to read x = 1 after its xchgs, and with it the assert.
    const model = `unsigned long x, y, z;
void w(void) { WRITE_ONCE(x, 1); WRITE_ONCE(x, 2); smp_wmb(); WRITE_ONCE(y, 1); }
void r(void) { unsigned long a, b, c; a = READ_ONCE(x); b = READ_ONCE(y); xchg_relaxed(&z, 1); xchg_relaxed(&z, 2); c = READ_ONCE(x); BUG_ON(a == 1 && b == 1 && c == 1); }
`;
    const verdict = (compactMemory: boolean): string[] => {
      const k = kernelSetup({ files: ['/model.c'], memFiles: new Map([['/model.c', model]]), cpus: ['w();', 'r();'] },
        linearMapOptions({ cpus: 2, memoryModel: 'relaxed', historyDepth: 8, probes: [{ va: 0x1000 }], walksPerWalker: 0, compactMemory }));
      return [...explore(k.session, { keepGoing: true }).violations.keys()];
    };
    expect(verdict(false)).toEqual(['assert']);
    expect(verdict(true)).toEqual(['assert']);
  });

  it('keeps a view newer than an exact view apart from it (regression: a missed bbm)', () => {
    // CPU0 breaks VA 0 twice, so the second invalid write lets the first, whose timestamp
    // the break recorded, be dropped. Merging that timestamp down to CPU1's dsb view made
    // CPU1's TLBI, issued before it saw the break, count towards it.
    const pte = BigInt(0x7f000000) | PAGE_KERNEL;
    const model = `unsigned long x, y;
#define L0 ((unsigned long *)0x11000UL)
void w(void) { WRITE_ONCE(*L0, 0); WRITE_ONCE(*L0, 0); dsb(ish); WRITE_ONCE(x, 1); while (!READ_ONCE(y)) ; WRITE_ONCE(*L0, 0x${pte.toString(16)}UL); }
void i(void) { while (READ_ONCE(x) != 1) ; smp_rmb(); WRITE_ONCE(x, 2); smp_mb(); __tlbi_range(vaae1is, 0, 0x1000); dsb(ish); WRITE_ONCE(y, 1); }
`;
    const verdict = (compactMemory: boolean): string[] => {
      const { cfg, driver } = kernelSetup({ files: ['/model.c'], memFiles: new Map([['/model.c', model]]), cpus: ['w();', 'i();'] }, {
        geometry: { levels: 2, entries: 4 }, cpus: 2, frames: 4, framePfnBase: 16,
        frameInit: { 0: { init: 'zero', content: [BigInt(17 * 4096) | 3n] }, 1: { init: 'zero', content: [pte] } },
        ttbr1: 0, memoryModel: 'relaxed', historyDepth: 6, probes: [{ va: 0x0 }], walkers: [[false], [false]], bbm: '0', compactMemory,
      });
      const session = new Session(cfg, driver, makeProperties(cfg, ['bbm']));
      return [...explore(session, { keepGoing: true, reduction: eagerSteps(driver) }).violations.keys()];
    };
    expect(verdict(false)).toEqual(['bbm']);
    expect(verdict(true)).toEqual(['bbm']);
  }, 120_000);

  it('renumbers a load\'s view that its own hardware access-flag update outlives (regression)', () => {
    // CPU0 reads D0 = 2 through VA 0, whose leaf has AF clear: the hardware sets AF, and that
    // commit renumbered the timestamps under the load's result view, which then ordered the
    // dependent load of the leaf after the update: "r3 = 2, leaf still AF clear" was lost.
    const leaf = (BigInt(0x20000) | PAGE_KERNEL) & ~(1n << 10n);
    const program: Program = [
      [{ op: 'loadVA', probe: 0, dst: 3 }, { op: 'load', loc: { frame: 1, index: 0 }, dst: 1, dep: 3 }],
      [{ op: 'store', loc: { pa: 0x20000 }, val: 1n }, { op: 'store', loc: { pa: 0x20000 }, val: 2n }],
    ];
    const finals = (compactMemory: boolean): string[] => {
      const { session, driver } = randomSession(program, false, {
        frameInit: { 0: { init: 'zero', content: [BigInt(17 * 4096) | 3n] }, 1: { init: 'zero', content: [leaf] } },
        walkers: [[false, false], [false, false]], hardwareAf: [true, true], compactMemory,
      });
      const r = bruteForce(session, { observe: observer(session, driver) });
      return [...new Set([...r.finals].map((f) => f.split(' ')[0]!))].sort();
    };
    const raw = finals(false);
    expect(raw).toContain('0,68000000020303,0,2,0/0'); // CPU0: r1 = the leaf with AF clear, r3 = 2
    expect(finals(true)).toEqual(raw);
  });

  it('makes the commit orders of one CPU that nobody can observe one state', () => {
    // One CPU, no walks: without compaction every commit order of its stores is a state.
    const run = (compactMemory: boolean) => kernelSetup(
      { files: ['/model.c'], memFiles: new Map([['/model.c', SPLIT_ONLY]]), cpus: ['go();'] },
      linearMapOptions({ cpus: 1, memoryModel: 'relaxed', historyDepth: 8, storeBufferDepth: 16, walksPerWalker: 0, compactMemory }),
    );
    const small = explore(run(true).session, { reduction: eagerSteps(run(true).driver) });
    expect(small.verdict).toBe('verified');
    const big = explore(run(false).session, { reduction: eagerSteps(run(false).driver) });
    console.log(`compaction on four unordered stores: ${big.states} -> ${small.states} states, ${big.finalStates} -> ${small.finalStates} final states`);
    expect(small.finalStates).toBe(1);
    expect(big.finalStates).toBe(24); // 4! commit orders
  }, 120_000);
});

const SPLIT_ONLY = `
unsigned long a, b, c, d;
void go(void) { WRITE_ONCE(a, 1); WRITE_ONCE(b, 1); WRITE_ONCE(c, 1); WRITE_ONCE(d, 1); dsb(ish); }
`;
