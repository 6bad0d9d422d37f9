// The flagship scenarios (seed 003): exhaustive check figures on one worker (states,
// transitions, states/s, time, peak memory, bytes per state), and for each fuzz strategy
// its runs/s and steps/s and, on each buggy scenario, the runs and time to the first
// violation of the expected kind (medians over seeds).

import { join } from 'node:path';
import { load } from '../../src/cli/run.js';
import { campaign, STRATEGIES, type StrategyName } from '../../src/explore/campaign.js';
import { checkMedian, median, root, type CheckFigures } from './measure.js';
import type { Tier } from './tiers.js';

export interface FuzzFigures {
  strategy: StrategyName;
  runsPerSecond: number;
  stepsPerSecond: number;
  /** Buggy scenarios only: medians over the seeds that found it; null when half or more did not. */
  medianRunsToFirst: number | null;
  medianSecondsToFirst: number | null;
  seedsFound: number;
  seeds: number;
}

export interface FlagshipRow {
  scenario: string;
  expect: string;
  check: CheckFigures & { runs: number; bytesPerState: number; peakRssBytesPerState: number };
  /** Exhaustive search's time to the first counterexample (buggy scenarios), else null. */
  secondsToFirstCounterexample: number | null;
  fuzz: FuzzFigures[];
}

async function fuzzFigures(name: string, expect: string, strategy: StrategyName, t: Tier): Promise<FuzzFigures> {
  const l = load(join(root, 'scenarios', `${name}.yaml`));
  // fast-check stops at its first failure and shrinks; the others go on past violations.
  const rate = await campaign(l.session, strategy, strategy === 'fast-check' ? { seed: 1, runs: t.fuzzRateRuns } : { seed: 1, runs: t.fuzzRateRuns, keepGoing: true });
  const s = Math.max(rate.elapsedMs, 1) / 1000;
  const out: FuzzFigures = {
    strategy, runsPerSecond: Math.round(rate.runs / s), stepsPerSecond: Math.round(rate.steps / s),
    medianRunsToFirst: null, medianSecondsToFirst: null, seedsFound: 0, seeds: 0,
  };
  if (expect === 'verified') return out;
  const runs: number[] = [];
  const seconds: number[] = [];
  for (let seed = 1; seed <= t.fuzzSeeds; seed++) {
    if (strategy === 'fast-check') {
      // fast-check stops at its first failing run, then shrinks it: the time is to that run.
      const r = await campaign(l.session, strategy, { seed, runs: t.fuzzBudget });
      if (r.firstFailure?.kind === expect) { runs.push((r.run ?? r.runs - 1) + 1); seconds.push(r.firstFailure.elapsedMs / 1000); }
      continue;
    }
    // Run i is seeded from (seed, i): find the first run of the expected kind past other
    // kinds, then time a campaign of exactly that many runs.
    const k = (await campaign(l.session, strategy, { seed, runs: t.fuzzBudget, keepGoing: true })).kinds.get(expect);
    if (!k) continue;
    const timed = await campaign(l.session, strategy, { seed, runs: k.run + 1, keepGoing: true });
    runs.push(k.run + 1);
    seconds.push(timed.elapsedMs / 1000);
  }
  out.seeds = t.fuzzSeeds;
  out.seedsFound = runs.length;
  if (runs.length * 2 > t.fuzzSeeds) {
    // Seeds that did not find it count as longer than any that did.
    const pad = (xs: number[]) => [...xs, ...Array<number>(t.fuzzSeeds - xs.length).fill(Infinity)];
    out.medianRunsToFirst = median(pad(runs));
    out.medianSecondsToFirst = +median(pad(seconds)).toFixed(4);
  }
  return out;
}

export async function runFlagship(t: Tier, log: (s: string) => void): Promise<FlagshipRow[]> {
  const rows: FlagshipRow[] = [];
  for (const [name, expect] of t.flagship) {
    const c = checkMedian([join(root, 'scenarios', `${name}.yaml`), '--workers', '1'], t.repeats);
    const got = c.violation ?? c.verdict;
    if (got !== expect) throw new Error(`scenarios/${name}.yaml gave ${got}, not ${expect}`);
    const fuzz: FuzzFigures[] = [];
    for (const s of STRATEGIES) fuzz.push(await fuzzFigures(name, expect, s, t));
    rows.push({
      scenario: name, expect,
      check: { ...c, bytesPerState: +(c.visitedTableBytes / c.states).toFixed(1), peakRssBytesPerState: +(c.peakRssBytes / c.states).toFixed(1) },
      secondsToFirstCounterexample: expect === 'verified' ? null : c.seconds,
      fuzz,
    });
    log(`  ${name}: ${got}, ${c.states.toLocaleString('en-US')} states, ${c.seconds} s, ${c.statesPerSecond.toLocaleString('en-US')} states/s; ` +
      fuzz.map((f) => `${f.strategy} ${f.runsPerSecond} runs/s${f.medianRunsToFirst !== null ? ` (first after ${f.medianRunsToFirst} runs, ${f.medianSecondsToFirst} s)` : ''}`).join(', '));
  }
  return rows;
}
