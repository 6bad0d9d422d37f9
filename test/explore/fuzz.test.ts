// Fuzzing and shrinking: with fixed seeds, random schedules find the flagship violations
// within a stated run budget; the shrunk schedule replays to the same violation kind and
// is 1-minimal (each single-step removal loses it or is impossible); a verified scenario
// fuzzes clean; a campaign depends on its seed only.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fuzz } from '../../src/explore/fuzz.js';
import { playSchedule } from '../../src/explore/schedule.js';
import { shrink } from '../../src/explore/shrink.js';
import { load } from '../../src/cli/run.js';

const root = join(import.meta.dirname, '..', '..');
const scenario = (name: string) => load(join(root, 'scenarios', `${name}.yaml`));

describe('fuzz (random strategy)', () => {
  // Budgets have margin: each of these is found in its first few runs with seed 1.
  const buggy: [string, string, number][] = [
    ['split-lockless-plain', 'leak', 200],
    ['split-bbm0-forced', 'bbm', 200],
    ['split-lockless-cmpxchg', 'model-error', 200],
    ['repaint-ends', 'final', 50],
    ['init-code-write-ro', 'translation', 50],
  ];
  for (const [name, kind, runs] of buggy) {
    it(`finds ${name}'s ${kind} within ${runs} runs; the shrunk schedule is 1-minimal and replays`, async () => {
      const l = scenario(name);
      const r = await fuzz(l.session, { seed: 1, runs });
      expect(r.verdict).toBe('violation');
      expect(r.violation!.kind).toBe(kind);
      const small = shrink(l.session, r.path!, kind);
      expect(small.length).toBeLessThanOrEqual(r.path!.length);
      const replay = playSchedule(l.session, small);
      expect(replay.impossibleAt).toBe(-1);
      expect(replay.violations.map((v) => v.kind)).toContain(kind);
      for (let i = 0; i < small.length; i++) {
        const p = playSchedule(l.session, [...small.slice(0, i), ...small.slice(i + 1)]);
        expect(p.impossibleAt >= 0 || !p.violations.some((v) => v.kind === kind), `removing step ${i + 1} keeps the violation`).toBe(true);
      }
    }, 120_000);
  }

  it('a verified scenario fuzzes clean (100 runs of split-mutex-sc)', async () => {
    const r = await fuzz(scenario('split-mutex-sc').session, { seed: 1, runs: 100 });
    expect(r.verdict).toBe('clean');
    expect(r.runs).toBe(100);
  }, 120_000);

  it('a campaign depends on its seed only', async () => {
    const a = await fuzz(scenario('split-lockless-plain').session, { seed: 7, runs: 50 });
    const b = await fuzz(scenario('split-lockless-plain').session, { seed: 7, runs: 50 });
    expect(b.run).toBe(a.run);
    expect(b.path).toEqual(a.path);
  });
});
