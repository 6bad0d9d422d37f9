// Fuzzing benchmark: for each strategy, runs/s and steps/s on the flagship scenarios (300
// runs that go on past violations; fast-check, which stops at its first failure, over its
// runs to that failure), and for each buggy scenario the median number of runs to the first
// violation of its expected kind over 20 seeds (a run budget each; "> budget" when most
// seeds do not find it). One thread: the figures compare strategies, not cores.
// Figures go to results/bench-fuzz.json (written whole or not at all).

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { campaign, STRATEGIES, type StrategyName } from '../src/explore/campaign.js';
import { load } from '../src/cli/run.js';
import { writeWhole } from '../src/cli/output.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCENARIOS: [string, string][] = [
  ['split-lockless-plain', 'leak'], ['split-lockless-lost-ro', 'final'], ['split-bbm0-forced', 'bbm'],
  ['split-lockless-cmpxchg', 'model-error'], ['split-lazy-nodsb', 'torn-walk'], ['repaint-ends', 'final'], ['split-mutex-sc', 'verified'],
];
const SEEDS = 20;
const BUDGET = 2000;

async function rate(name: string, strategy: StrategyName): Promise<{ runs: number; runsPerSecond: number; stepsPerSecond: number }> {
  const l = load(join(root, 'scenarios', `${name}.yaml`));
  const r = await campaign(l.session, strategy, strategy === 'fast-check' ? { seed: 1, runs: 300 } : { seed: 1, runs: 300, keepGoing: true });
  const s = Math.max(r.elapsedMs, 1) / 1000;
  return { runs: r.runs, runsPerSecond: Math.round(r.runs / s), stepsPerSecond: Math.round(r.steps / s) };
}

async function runsToFirst(name: string, kind: string, strategy: StrategyName): Promise<{ median: string; found: number }> {
  const l = load(join(root, 'scenarios', `${name}.yaml`));
  const runs: number[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    // keepGoing (not for fast-check): the first run of the expected kind, past other kinds.
    const r = await campaign(l.session, strategy, strategy === 'fast-check' ? { seed, runs: BUDGET } : { seed, runs: BUDGET, keepGoing: true });
    const k = r.kinds.get(kind);
    runs.push(k ? k.run + 1 : Infinity);
  }
  runs.sort((a, b) => a - b);
  const mid = runs[Math.floor((SEEDS - 1) / 2)]!;
  return { median: Number.isFinite(mid) ? String(mid) : `> ${BUDGET}`, found: runs.filter(Number.isFinite).length };
}

const rows = [];
for (const [name, expect] of SCENARIOS) {
  for (const strategy of STRATEGIES) {
    const r = await rate(name, strategy);
    const first = expect === 'verified' ? null : await runsToFirst(name, expect, strategy);
    rows.push({ scenario: name, expect, strategy, ...r, ...(first ? { medianRunsToFirst: first.median, seedsFound: `${first.found}/${SEEDS}` } : {}) });
    console.log(`  ${name} ${strategy}: ${r.runsPerSecond.toLocaleString('en-US')} runs/s, ${r.stepsPerSecond.toLocaleString('en-US')} steps/s` +
      (first ? `; median runs to the first ${expect}: ${first.median} (found by ${first.found} of ${SEEDS} seeds within ${BUDGET} runs)` : ''));
  }
}
writeWhole(join(root, 'results', 'bench-fuzz.json'), JSON.stringify({ benchmark: 'fuzz', date: new Date().toISOString(), node: process.version, seeds: SEEDS, budget: BUDGET, rows }, null, 2) + '\n');
console.log('  -> results/bench-fuzz.json');
