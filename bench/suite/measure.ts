// Measuring one run: `ptmc check --json` in a child process (so each peak memory is its
// own run's), repeated, with medians. These machines are noisy: the suite compares figures
// measured in the same run, as ratios.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface CheckFigures {
  verdict: string;
  /** The violation kind, or null. */
  violation: string | null;
  states: number;
  transitions: number;
  finalStates: number;
  /** Null unless verified (only a complete search has every final state). */
  finalStatesDigest: string | null;
  seconds: number;
  statesPerSecond: number;
  peakRssBytes: number;
  visitedTableBytes: number;
  /** Workers that stored at least one state (0: the main thread finished before handing off). */
  workersSearched: number;
}

/** Where the checks' traces go: not the user's results/. */
const traces = mkdtempSync(join(tmpdir(), 'ptmc-bench-traces-'));
process.on('exit', () => rmSync(traces, { recursive: true, force: true }));

/**
 * One `ptmc check <args> --json` in its own process. A run cut off (verdict incomplete) is
 * an error: its figures would be plotted and compared as if the search had ended.
 */
export function ptmcCheck(args: readonly string[]): CheckFigures {
  const r = spawnSync(process.execPath, [join(root, 'bin/ptmc.js'), 'check', ...args, '--json', '--out', join(traces, 'trace.json')], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status === null || r.status >= 2) throw new Error(`ptmc check ${args.join(' ')} exited ${r.status}${r.status === 4 ? ' (incomplete: cut off)' : ''}: ${r.stderr.trim()}`);
  const j = JSON.parse(r.stdout) as Omit<CheckFigures, 'violation'> & { violation: { kind: string } | null };
  return {
    verdict: j.verdict, violation: j.violation?.kind ?? null, states: j.states, transitions: j.transitions,
    finalStates: j.finalStates, finalStatesDigest: j.finalStatesDigest, seconds: j.seconds,
    statesPerSecond: j.statesPerSecond, peakRssBytes: j.peakRssBytes, visitedTableBytes: j.visitedTableBytes, workersSearched: j.workersSearched,
  };
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A run this long is not repeated: its noise is small next to it, and the tier's time is not. */
const LONG_RUN_SECONDS = 30;

/**
 * Up to `repeats` runs of `ptmc check` (one if the first takes LONG_RUN_SECONDS or more);
 * the first run's counts (every run must give the same verdict and states: a check is
 * deterministic on one worker) with the median time.
 */
export function checkMedian(args: readonly string[], repeats: number): CheckFigures & { runs: number } {
  const runs = [ptmcCheck(args)];
  while (runs.length < repeats && runs[0]!.seconds < LONG_RUN_SECONDS) runs.push(ptmcCheck(args));
  const first = runs[0]!;
  for (const r of runs) if (r.states !== first.states || r.verdict !== first.verdict) throw new Error(`ptmc check ${args.join(' ')} is not deterministic: ${first.states} then ${r.states} states`);
  const seconds = median(runs.map((r) => r.seconds));
  return {
    ...first, runs: runs.length, seconds, statesPerSecond: Math.round(first.states / Math.max(seconds, 1e-3)),
    peakRssBytes: median(runs.map((r) => r.peakRssBytes)),
  };
}
