// The reduction is sound on random small programs: the reduced search reaches exactly the
// final states and violation kinds of the brute-force enumerator. A deliberately wrong
// reduction (one that also runs loads eagerly) must be caught by the same comparison.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bruteForce } from '../../src/explore/bruteForce.js';
import { explore } from '../../src/explore/dfs.js';
import { eagerLocalSteps, type Reduction } from '../../src/explore/reduction.js';
import type { Program } from '../../src/machine/program.js';
import { CapacityError } from '../../src/machine/errors.js';
import { sameSet } from '../helpers/kernel.js';
import { observer, programArb, randomSession } from '../helpers/randomPrograms.js';

function agree(program: Program, reductionFor: (d: ReturnType<typeof randomSession>['driver']) => Reduction): boolean {
  const { session, driver } = randomSession(program);
  const observe = observer(session, driver);
  let oracle;
  try {
    oracle = bruteForce(session, { observe, maxStates: 40_000 });
  } catch (e) {
    if (e instanceof CapacityError) return true; // the program needs a bigger machine; not a reduction question
    if (e instanceof Error && /more than/.test(e.message)) {
      fc.pre(false); // too big for the oracle here: generate another
    }
    throw e;
  }
  const reduced = explore(session, { observe, keepGoing: true, reduction: reductionFor(driver) });
  return sameSet(oracle.finals, reduced.finals) && sameSet(new Set(oracle.violations.keys()), new Set(reduced.violations.keys()));
}

const sound = (d: ReturnType<typeof randomSession>['driver']): Reduction => eagerLocalSteps(d);
// Wrong on purpose: a load is not local (what it reads depends on other CPUs' commits).
const wrong = (d: ReturnType<typeof randomSession>['driver']): Reduction =>
  eagerLocalSteps({ isLocal: (m, s, c) => d.isLocal(m, s, c) || /"op":"load"/.test(d.describe(m, s, c)) });

describe('partial-order reduction', () => {
  it('reaches the same final states and violation kinds as the brute-force enumerator (200 random programs)', () => {
    fc.assert(fc.property(programArb, (p) => agree(p, sound)), { numRuns: 200, seed: 0x5eed });
  }, 600_000);

  it('a deliberately wrong independence relation is caught', () => {
    const out = fc.check(fc.property(programArb, (p) => agree(p, wrong)), { numRuns: 300, seed: 0x5eed });
    expect(out.failed).toBe(true);
  }, 600_000);

  it('stores fewer states than the plain search on a named program', () => {
    const program: Program = [
      [{ op: 'store', loc: { pa: 0x20000 }, val: 1n }, { op: 'store', loc: { pa: 0x21000 }, val: 1n }, { op: 'dmb', kind: 1 }, { op: 'store', loc: { frame: 1, index: 1 }, val: 0n }],
      [{ op: 'store', loc: { pa: 0x21000 }, val: 2n }, { op: 'store', loc: { pa: 0x20000 }, val: 2n }, { op: 'load', loc: { pa: 0x20000 }, dst: 0 }],
    ];
    const { session, driver } = randomSession(program);
    const plain = explore(session, {});
    const reduced = explore(session, { reduction: eagerLocalSteps(driver) });
    expect(reduced.verdict).toBe(plain.verdict);
    expect(reduced.states).toBeLessThan(plain.states);
    console.log(`reduction on the named program: ${plain.states} -> ${reduced.states} states (${(plain.states / reduced.states).toFixed(2)}x)`);
  });
});
