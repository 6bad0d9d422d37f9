// Unbounded walks (machine/saturate.ts) against walkers that take steps: on random small
// programs, the saturated search reaches every final state (registers and memory) and
// violation kind that bounded walkers reach, and nothing that enough bounded walks do not.
// Each property is checked alone: a run stops at its first violation, and a saturated step
// may show two at once where bounded walkers need two steps.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bruteForce, type BruteForceResult } from '../../src/explore/bruteForce.js';
import { explore } from '../../src/explore/dfs.js';
import { eagerSteps } from '../../src/explore/reduction.js';
import { CapacityError } from '../../src/machine/errors.js';
import type { Program } from '../../src/machine/program.js';
import { observer, programArb, RANDOM_PROPERTIES, randomSession } from '../helpers/randomPrograms.js';

type Props = boolean | readonly (typeof RANDOM_PROPERTIES)[number][];

function bounded(program: Program, walks: number, props: Props): BruteForceResult | null {
  const { session, driver } = randomSession(program, props, { walksPerWalker: walks });
  try {
    return bruteForce(session, { observe: observer(session, driver), maxStates: 15_000 });
  } catch (e) {
    if (e instanceof CapacityError) return null;
    if (e instanceof Error && /more than/.test(e.message)) return null;
    throw e;
  }
}

function saturated(program: Program, props: Props): { finals: Set<string>; kinds: Set<string> } | null {
  const { session, driver } = randomSession(program, props, { unboundedWalks: true });
  try {
    const r = explore(session, { observe: observer(session, driver), keepGoing: true, reduction: eagerSteps(driver) });
    return { finals: r.finals, kinds: new Set(r.violations.keys()) };
  } catch (e) {
    if (e instanceof CapacityError) return null;
    throw e;
  }
}

const subset = <T>(a: Set<T>, b: Set<T>): boolean => [...a].every((x) => b.has(x));

describe('unbounded walks by saturation', () => {
  it('cover everything one or two bounded walks per walker reach, and no more than three reach (60 random programs, each property alone)', () => {
    fc.assert(fc.property(programArb, (p) => {
      for (const props of [false, ...RANDOM_PROPERTIES.map((n) => [n])] as Props[]) {
        const sat = saturated(p, props);
        const one = bounded(p, 1, props);
        const three = bounded(p, 3, props);
        fc.pre(sat !== null && one !== null && three !== null);
        const two = bounded(p, 2, props)!;
        // Final states only without properties: a saturated run meets a violation on paths
        // where bounded walkers may still end cleanly.
        const finals = props === false;
        for (const b of [one!, two]) {
          if ((finals && !subset(b.finals, sat!.finals)) || !subset(new Set(b.violations.keys()), sat!.kinds)) return false;
        }
        if ((finals && !subset(sat!.finals, three!.finals)) || !subset(sat!.kinds, new Set(three!.violations.keys()))) return false;
      }
      return true;
    }), { numRuns: 60, seed: 0x5a7 });
  }, 600_000);

  it('find what a late walk finds: a walk through a table published before its entries', () => {
    // CPU0 allocates a table without zeroing it and publishes it; a walk may read the
    // uninitialised slot only after the publish commits, long after the program started.
    const program: Program = [
      [{ op: 'alloc', dst: 4, zeroed: false }, { op: 'store', loc: { frame: 0, index: 0 }, val: { table: 4 } }],
      [{ op: 'dsb', kind: 1 }],
    ];
    const sat = saturated(program, ['torn-walk'])!;
    expect(sat.kinds).toContain('torn-walk');
  });
});
