// Three litmus tests for relaxed atomics and store-release (test/litmus/atomics/, verdicts
// by Arm's model in its kinds.txt), each a bug a review found in ptmc's first version of
// buffered atomic writes: the machine must agree with each.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { litmusFiles, runOne } from '../../src/litmus/catalogue.js';

describe('relaxed atomics and store-release on the litmus runner', () => {
  for (const f of litmusFiles(join(import.meta.dirname, 'atomics'))) {
    it(f.replace(/.*\//, ''), () => {
      const r = runOne(f, { maxStates: 300_000, timeoutMs: 600_000 });
      expect(r.outcome, `${r.verdict} against ${r.expected}`).toBe('agree');
    });
  }
});
