// Parallel fuzzing reports what one thread reports: the lowest failing run (its number and
// schedule), or with keepGoing the lowest failing run of each kind, whatever the timing.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioSource } from '../../src/cli/scenarioSource.js';
import { load } from '../../src/cli/run.js';
import { campaign } from '../../src/explore/campaign.js';

const root = join(import.meta.dirname, '..', '..');
const at = (name: string) => join(root, 'scenarios', `${name}.yaml`);
const source = (name: string) => scenarioSource({ path: at(name), overrides: {}, reduction: false });

describe('parallel fuzzing', () => {
  it('random on split-lockless-lost-ro: 2 workers report the same lowest failing run and schedule as 1', async () => {
    // Its first violation (a model-error) comes at run 569 of seed 1.
    const l = load(at('split-lockless-lost-ro'));
    const one = await campaign(l.session, 'random', { seed: 1, runs: 1000 });
    const two = await campaign(l.session, 'random', { seed: 1, runs: 1000, workers: 2, source: source('split-lockless-lost-ro') });
    expect(one.verdict).toBe('violation');
    expect(one.run).toBeGreaterThan(10); // not the first run: the workers race for it
    expect(two.run).toBe(one.run);
    expect(two.path).toEqual(one.path);
    expect([...two.kinds.keys()]).toEqual([...one.kinds.keys()]);
  }, 120_000);

  it('pct with keepGoing: the same lowest failing run of each kind', async () => {
    const l = load(at('split-lockless-plain'));
    const one = await campaign(l.session, 'pct', { seed: 5, runs: 300, keepGoing: true });
    const two = await campaign(l.session, 'pct', { seed: 5, runs: 300, keepGoing: true, workers: 2, source: source('split-lockless-plain') });
    expect(one.kinds.size).toBeGreaterThan(0);
    expect(two.runs).toBe(300);
    const summary = (r: typeof one) => [...r.kinds.entries()].map(([k, v]) => [k, v.run, v.path]).sort();
    expect(summary(two)).toEqual(summary(one));
  }, 120_000);

  it('a clean campaign plays every run once across the workers', async () => {
    const l = load(at('init-code-write'));
    const r = await campaign(l.session, 'random', { seed: 2, runs: 500, workers: 2, source: source('init-code-write') });
    expect(r.verdict).toBe('clean');
    expect(r.runs).toBe(500);
  }, 120_000);
});
