// The benchmark harness works end to end on its tiny tier: every section's figures are
// present and well-formed, the plots are SVG, bench.md has its sections, and the runs it
// compares agree (same verdicts and final states with 1 and 2 workers; where SPIN ran, its
// twin models reach as many states as ptmc without reduction). No speed is asserted.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../../bench/suite/result.js';

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
      for (const z of f.fuzz) expect(count(z.runsPerSecond) && count(z.stepsPerSecond)).toBe(true);
    }
    const bbm = b.flagship[0]!;
    expect(bbm.secondsToFirstCounterexample).toBe(bbm.check.seconds);
    for (const z of bbm.fuzz) {
      expect(z.seedsFound).toBeGreaterThan(0);
      expect(count(z.medianRunsToFirst)).toBe(true);
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
    for (const x of b.speedup.rows) expect(x.sameFinalStates).toBe(true);

    if (b.spin.available) {
      expect(b.spin.rows.map((x) => x.pair)).toEqual(['split-race', 'bbm']);
      // The twins encode ptmc's machine state for state (bench/spin/README.md): a machine
      // change that alters these state spaces must be carried into them.
      for (const x of b.spin.rows) expect(count(x.spin.unreduced.states) && x.equalUnreduced).toBe(true);
    } else expect(b.spin.note).toMatch(/SPIN/);

    expect(b.targets).toHaveLength(3);
    for (const [k, file] of Object.entries(b.plots)) {
      if (k === 'cpus' || k === 'walks') continue; // the tiny tier varies neither
      expect(readFileSync(join(out, file), 'utf8')).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    }
    const md = readFileSync(join(out, 'bench.md'), 'utf8');
    for (const h of ['## Targets', '## Flagship scenarios (seed 003): exhaustive check', '## Flagship scenarios: fuzzing', '## Side by side with SPIN', '## Scaling', '## Speedup against workers'])
      expect(md).toContain(h);
    expect(md).toContain('](bench-scaling-entries.svg)');
    expect(existsSync(join(out, 'bench-speedup.svg'))).toBe(true);
  }, 300_000);

  it('a wrong tier is refused with a one-line error and exit 2', () => {
    const r = spawnSync(process.execPath, [join(root, 'dist/bench/suite.js'), '--tier', 'huge'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("--tier: 'huge' is not one of tiny, quick, full");
  });
});
