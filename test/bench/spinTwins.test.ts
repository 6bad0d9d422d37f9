// The SPIN twins (bench/spin/) encode ptmc's machine state for state: without reduction,
// SPIN stores as many states for each twin as ptmc does for its scenario. This checks
// ptmc's side against SPIN's recorded counts, so that it runs where SPIN is not installed
// (CI): a machine change that alters these state spaces fails here until the twins follow.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SPIN_PAIRS } from '../../bench/suite/spin.js';

const root = join(import.meta.dirname, '..', '..');

describe('the SPIN twins still describe the machine', () => {
  for (const p of SPIN_PAIRS) {
    it(`${p.scenario}: ptmc without reduction stores the ${p.spinUnreducedStates} states SPIN stores for ${p.promela}`, () => {
      const r = spawnSync(process.execPath, [join(root, 'bin/ptmc.js'), 'check', p.scenario, '--no-reduction', '--workers', '1', '--json'], { cwd: root, encoding: 'utf8' });
      expect(r.status).toBe(0);
      const j = JSON.parse(r.stdout) as { verdict: string; states: number };
      expect(j.verdict).toBe('verified');
      expect(j.states).toBe(p.spinUnreducedStates);
    });
  }
});
