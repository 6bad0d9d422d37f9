// The benchmark harness works end to end on its tiny tier: every section's figures are
// present and well-formed, the plots are SVG, bench.md has its sections, and the runs it
// compares agree (same verdicts and final states with 1 and 2 workers; where SPIN ran, its
// twin models reach as many states as ptmc without reduction). No speed is asserted.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { median } from '../../bench/suite/measure.js';
import { curve } from '../../bench/suite/plots.js';
import type { BenchResult } from '../../bench/suite/result.js';
import { workerCounts } from '../../bench/suite/scaling.js';
import { BASE } from '../../bench/suite/tiers.js';

const root = join(import.meta.dirname, '..', '..');
const count = (x: unknown): boolean => typeof x === 'number' && Number.isInteger(x) && x > 0;
const seconds = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x >= 0;

describe('npm run bench harness (tier tiny)', () => {
  it('writes bench.json, bench.md and the plots, with well-formed figures', () => {
    const out = mkdtempSync(join(tmpdir(), 'ptmc-bench-test-'));
    const r = spawnSync(process.execPath, [join(root, 'dist/bench/suite.js'), '--tier', 'tiny', '--out', out, '--no-install-spin'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const b = JSON.parse(readFileSync(join(out, 'bench.json'), 'utf8')) as BenchResult;

    expect(b.tier).toBe('tiny');
    expect(count(b.machine.cpus)).toBe(true);
    expect(b.flagship.map((f) => [f.scenario, f.check.violation ?? f.check.verdict])).toEqual([['split-bbm0-forced', 'bbm'], ['rework-ttbr1-safe', 'verified']]);
    for (const f of b.flagship) {
      expect(count(f.check.states) && count(f.check.transitions) && count(f.check.peakRssBytes)).toBe(true);
      expect(seconds(f.check.seconds) && f.check.statesPerSecond >= 0).toBe(true);
      expect(f.fuzz.map((z) => z.strategy)).toEqual(['random', 'pct', 'fast-check']);
      // Every strategy has a rate, fast-check too (timed with a property that passes every run).
      for (const z of f.fuzz) expect(count(z.runsPerSecond) && count(z.stepsPerSecond)).toBe(true);
      // Steps per run are of one order for every strategy: fast-check's steps are counted over all its runs.
      const perRun = (z: (typeof f.fuzz)[number]) => z.stepsPerSecond / z.runsPerSecond;
      for (const z of f.fuzz) expect(perRun(z), `${f.scenario} ${z.strategy}`).toBeGreaterThan(perRun(f.fuzz[0]!) / 10);
    }
    const bbm = b.flagship[0]!;
    // The exhaustive time to a counterexample is the buggy scenario's check; a verified one has none.
    expect(seconds(bbm.secondsToFirstCounterexample) && bbm.secondsToFirstCounterexample! > 0).toBe(true);
    expect(b.flagship[1]!.secondsToFirstCounterexample).toBeNull();
    expect(bbm.description).toMatch(/BBM level 0/);
    for (const z of bbm.fuzz) {
      expect(z.seedsFound).toBeGreaterThan(0);
      expect(z.medianRunsToFirst).toBeGreaterThanOrEqual(1);
      expect(seconds(z.medianSecondsToFirst)).toBe(true);
    }

    expect(b.scaling.map((s) => [s.cpus, s.entries, s.walks, s.memoryModel])).toEqual([[2, 4, 1, 'sc'], [2, 8, 1, 'sc'], [2, 4, 1, 'relaxed']]);
    for (const s of b.scaling) {
      expect(s.reduced.verdict).toBe('verified');
      // The reduction stores no more states than the plain search and ends in the same states.
      expect(s.reduced.states).toBeLessThanOrEqual(s.unreduced!.states);
      expect(s.reduced.finalStatesDigest).toBe(s.unreduced!.finalStatesDigest);
    }
    expect(b.speedup.rows.map((x) => x.workers)[0]).toBe(1);
    for (const x of b.speedup.rows) {
      expect(x.sameFinalStates).toBe(true);
      expect(x.workersSearched).toBe(x.workers); // the scenario is large enough to hand work to every worker
    }

    if (b.spin.available) {
      expect(b.spin.rows.map((x) => x.pair)).toEqual(['split-race', 'bbm']);
      // The twins encode ptmc's machine state for state (bench/spin/README.md): a machine
      // change that alters these state spaces must be carried into them.
      for (const x of b.spin.rows) expect(count(x.spin.unreduced.states) && x.equalUnreduced).toBe(true);
    } else expect(b.spin.note).toMatch(/SPIN/);

    // Reported, not asserted: met or not, but measured where the tier measures it.
    expect(b.targets.map((t) => t.met === null)).toEqual([true, !b.spin.available, false]);
    // Curves of two or more points only (the tiny tier varies entries and memory model), each
    // plot with a point mark per measured point (two per row when the unreduced search ran).
    expect(b.plots.map((p) => [p.key, p.points])).toEqual([['entries', 2], ['memoryModel', 2], ['speedup', b.speedup.rows.length]]);
    for (const p of b.plots) {
      const svg = readFileSync(join(out, p.file), 'utf8');
      expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      const points = svg.match(/aria-roledescription="point"/g) ?? [];
      expect(points.length).toBe(p.key === 'speedup' ? 2 * b.speedup.rows.length : 2 * 2 * p.points); // 2 panels x reduced/unreduced
    }
    // Each plotted point carries the figure measured for it.
    const entries = readFileSync(join(out, 'bench-scaling-entries.svg'), 'utf8');
    for (const x of b.scaling.filter((r) => r.memoryModel === 'sc'))
      expect(entries).toContain(`aria-label="entries per table: ${x.entries}; states stored: ${x.reduced.states}; search: reduced"`);
    expect(existsSync(join(out, 'bench-scaling-cpus.svg'))).toBe(false);
    const md = readFileSync(join(out, 'bench.md'), 'utf8');
    for (const h of ['## Targets', '## Flagship scenarios (seed 003): exhaustive check', '## Flagship scenarios: fuzzing', '## Side by side with SPIN', '## Scaling', '## Speedup against workers'])
      expect(md).toContain(h);
    expect(md).toContain('](bench-scaling-entries.svg)');
    // The tables carry bench.json's figures.
    for (const f of b.flagship) expect(md).toMatch(new RegExp(`^\\| ${f.scenario} +\\| ${f.expect} +\\| ${f.check.states.toLocaleString('en-US')} +\\|`, 'm'));
    for (const x of b.scaling) expect(md).toMatch(new RegExp(`^\\| ${x.cpus} +\\| ${x.entries} +\\| ${x.walks} +\\| ${x.memoryModel} +\\| ${x.reduced.states.toLocaleString('en-US')} +\\|`, 'm'));
  }, 300_000);

  it('bad options are refused with a one-line error and exit 2', () => {
    const suite = (...a: string[]) => spawnSync(process.execPath, [join(root, 'dist/bench/suite.js'), ...a], { cwd: root, encoding: 'utf8' });
    for (const tier of ['huge', 'constructor']) {
      const r = suite('--tier', tier);
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toBe(`--tier: '${tier}' is not one of tiny, quick, full`);
    }
    const r = suite('--tiers', 'quick');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^bench: Unknown option '--tiers'/);
  });
});

describe('the suite\'s arithmetic', () => {
  it('median of odd and even counts, unsorted input, Infinity padding', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([1, Infinity, Infinity])).toBe(Infinity);
    expect(median([1, 2, Infinity])).toBe(2);
  });

  it('a curve holds the points that differ from the base point in its parameter only', () => {
    const rows = [
      { ...BASE, walks: 3 }, { ...BASE, cpus: 3 }, BASE, { ...BASE, cpus: 3, memoryModel: 'relaxed' as const }, { ...BASE, cpus: 4 },
    ];
    expect(curve(rows, 'cpus', BASE)).toEqual([{ ...BASE, cpus: 3 }, BASE, { ...BASE, cpus: 4 }]);
    expect(curve(rows, 'walks', BASE)).toEqual([{ ...BASE, walks: 3 }, BASE]);
    expect(curve(rows, 'memoryModel', BASE)).toEqual([BASE]);
  });

  it('worker counts: 1, powers of two, the cores', () => {
    expect(workerCounts(1)).toEqual([1]);
    expect(workerCounts(2)).toEqual([1, 2]);
    expect(workerCounts(6)).toEqual([1, 2, 4, 6]);
    expect(workerCounts(8)).toEqual([1, 2, 4, 8]);
  });
});
