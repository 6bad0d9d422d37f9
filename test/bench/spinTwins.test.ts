// The SPIN twins (bench/spin/) encode ptmc's machine state for state: without reduction,
// SPIN stores as many states for each twin as ptmc does for its scenario. This checks
// ptmc's side against SPIN's recorded counts, so that it runs where SPIN is not installed
// (CI): a machine change that alters these state spaces fails here until the twins follow.
// The twins collect memory at commits only (semantics 7): ptmc is run so too
// (eagerCollection off); its default, which also collects between commits, stores fewer.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SPIN_PAIRS, twinSession } from '../../bench/suite/spin.js';
import { explore } from '../../src/explore/dfs.js';

const root = join(import.meta.dirname, '..', '..');

describe('the SPIN twins still describe the machine', () => {
  for (const p of SPIN_PAIRS) {
    it(`${p.scenario}: ptmc without reduction, collecting at commits, stores the ${p.spinUnreducedStates} states SPIN stores for ${p.promela}`, () => {
      const r = explore(twinSession(join(root, p.scenario)));
      expect(r.verdict).toBe('verified');
      expect(r.states).toBe(p.spinUnreducedStates);
    });
  }
});
