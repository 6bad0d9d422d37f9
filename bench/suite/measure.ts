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
 * Up to `repeats` runs of a deterministic search (one if the first takes LONG_RUN_SECONDS
 * or more): the first run's figures with the median of `medianOf` (seconds always), and
 * states/s from them. Every run must store as many states, else `what` is not deterministic.
 */
export function repeated<T extends { states: number; seconds: number; statesPerSecond: number }>(
  what: string, repeats: number, once: () => T, medianOf: readonly (keyof T & string)[] = [],
): T & { runs: number } {
  const runs = [once()];
  while (runs.length < repeats && runs[0]!.seconds < LONG_RUN_SECONDS) runs.push(once());
  const first = runs[0]!;
  for (const r of runs) if (r.states !== first.states) throw new Error(`${what} is not deterministic: ${first.states} then ${r.states} states`);
  const out: T & { runs: number } = { ...first, runs: runs.length };
  for (const k of ['seconds', ...medianOf] as const) (out as Record<string, unknown>)[k] = median(runs.map((r) => r[k] as number));
  out.statesPerSecond = Math.round(first.states / Math.max(out.seconds, 1e-3));
  return out;
}

/** `ptmc check` repeated (see `repeated`), with the median time and peak memory. */
export function checkMedian(args: readonly string[], repeats: number): CheckFigures & { runs: number } {
  return repeated(`ptmc check ${args.join(' ')}`, repeats, () => ptmcCheck(args), ['peakRssBytes']);
}
