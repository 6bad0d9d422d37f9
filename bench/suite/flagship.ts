// The flagship scenarios (seed 003): exhaustive check figures on one worker (states,
// transitions, states/s, time, peak memory, bytes per state), and for each fuzz strategy
// its runs/s and steps/s and, on each buggy scenario, the runs and time to the first
// violation of the expected kind (medians over seeds).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { load } from '../../src/cli/run.js';
import { campaign, STRATEGIES, type StrategyName } from '../../src/explore/campaign.js';
import type { Session } from '../../src/explore/session.js';
import { checkMedian, median, root, type CheckFigures } from './measure.js';
import type { Tier } from './tiers.js';

export interface FuzzFigures {
  strategy: StrategyName;
  /** Medians over the tier's repeats, after a warm-up campaign. */
  runsPerSecond: number;
  stepsPerSecond: number;
  /** Buggy scenarios only: medians over the seeds; null when half or more did not find it. */
  medianRunsToFirst: number | null;
  medianSecondsToFirst: number | null;
  seedsFound: number;
  /** fast-check only: seeds whose first failing run showed another kind (fast-check stops there). */
  seedsOtherKindFirst: number;
  seeds: number;
}

export interface FlagshipRow {
  scenario: string;
  /** The scenario file's own description. */
  description: string;
  expect: string;
  check: CheckFigures & { runs: number; bytesPerState: number; peakRssBytesPerState: number };
  /** Exhaustive search's time to the first counterexample (buggy scenarios), else null. */
  secondsToFirstCounterexample: number | null;
  fuzz: FuzzFigures[];
}

/**
 * Runs/s and steps/s of one campaign. fast-check stops at its first failing run, so its
 * property is made to pass every run (`passAll`): it is timed over the same number of runs.
 */
async function rate(session: Session, strategy: StrategyName, runs: number, seed: number): Promise<{ runsPerSecond: number; stepsPerSecond: number }> {
  const r = await campaign(session, strategy, strategy === 'fast-check' ? { seed, runs, passAll: true } : { seed, runs, keepGoing: true });
  const s = Math.max(r.elapsedMs, 0.001) / 1000;
  return { runsPerSecond: Math.round(r.runs / s), stepsPerSecond: Math.round(r.steps / s) };
}

async function fuzzFigures(session: Session, expect: string, strategy: StrategyName, t: Tier): Promise<FuzzFigures> {
  await rate(session, strategy, t.fuzzRateRuns, 0); // warm-up: the first campaign on a scenario pays for the JIT
  const rates = [];
  for (let i = 1; i <= t.repeats; i++) rates.push(await rate(session, strategy, t.fuzzRateRuns, i));
  const out: FuzzFigures = {
    strategy,
    runsPerSecond: median(rates.map((x) => x.runsPerSecond)),
    stepsPerSecond: median(rates.map((x) => x.stepsPerSecond)),
    medianRunsToFirst: null, medianSecondsToFirst: null, seedsFound: 0, seedsOtherKindFirst: 0, seeds: 0,
  };
  if (expect === 'verified') return out;
  const runs: number[] = [];
  const seconds: number[] = [];
  for (let seed = 1; seed <= t.fuzzSeeds; seed++) {
    if (strategy === 'fast-check') {
      // fast-check stops at its first failing run, then shrinks it: the time is to that run.
      const r = await campaign(session, strategy, { seed, runs: t.fuzzBudget });
      if (r.firstFailure?.kind === expect) { runs.push(r.runs); seconds.push(r.firstFailure.elapsedMs / 1000); }
      else if (r.firstFailure) out.seedsOtherKindFirst++;
      continue;
    }
    // Run i is seeded from (seed, i): the first run of the expected kind past other kinds,
    // and when it ended.
    const k = (await campaign(session, strategy, { seed, runs: t.fuzzBudget, keepGoing: true, stopAtKind: expect, workers: 1 })).kinds.get(expect);
    if (!k) continue;
    if (k.elapsedMs === undefined) throw new Error('bench: a one-thread campaign did not time its runs');
    runs.push(k.run + 1);
    seconds.push(k.elapsedMs / 1000);
  }
  out.seeds = t.fuzzSeeds;
  out.seedsFound = runs.length;
  if (runs.length * 2 > t.fuzzSeeds) {
    // Seeds that did not find it count as longer than any that did.
    const pad = (xs: number[]) => [...xs, ...Array<number>(t.fuzzSeeds - xs.length).fill(Infinity)];
    out.medianRunsToFirst = median(pad(runs));
    out.medianSecondsToFirst = median(pad(seconds));
  }
  return out;
}

function describe(file: string): string {
  const d = (parse(readFileSync(file, 'utf8')) as { description?: unknown }).description;
  return typeof d === 'string' ? d : '';
}

export async function runFlagship(t: Tier, log: (s: string) => void): Promise<FlagshipRow[]> {
  const rows: FlagshipRow[] = [];
  for (const [name, expect] of t.flagship) {
    const c = checkMedian([join(root, 'scenarios', `${name}.yaml`), '--workers', '1'], t.repeats);
    const got = c.violation ?? c.verdict;
    if (got !== expect) throw new Error(`scenarios/${name}.yaml gave ${got}, not ${expect}`);
    const fuzz: FuzzFigures[] = [];
    const session = load(join(root, 'scenarios', `${name}.yaml`)).session;
    for (const s of STRATEGIES) fuzz.push(await fuzzFigures(session, expect, s, t));
    rows.push({
      scenario: name, expect, description: describe(join(root, 'scenarios', `${name}.yaml`)),
      check: { ...c, bytesPerState: +(c.visitedTableBytes / c.states).toFixed(1), peakRssBytesPerState: +(c.peakRssBytes / c.states).toFixed(1) },
      secondsToFirstCounterexample: expect === 'verified' ? null : c.seconds,
      fuzz,
    });
    log(`  ${name}: ${got}, ${c.states.toLocaleString('en-US')} states, ${c.seconds} s, ${c.statesPerSecond.toLocaleString('en-US')} states/s; ` +
      fuzz.map((f) => `${f.strategy} ${f.runsPerSecond} runs/s${f.medianRunsToFirst !== null ? ` (first after ${f.medianRunsToFirst} runs, ${f.medianSecondsToFirst!.toFixed(4)} s)` : ''}`).join(', '));
  }
  return rows;
}
