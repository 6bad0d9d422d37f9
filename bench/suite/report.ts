// results/bench.md: the suite's figures readable on their own (what was measured, on what
// machine, the tables, the plots, the ratio to SPIN, where ptmc stands against each target).

import { markdownTable } from 'markdown-table';
import type { BenchResult } from './result.js';
import { curve, DIMENSIONS } from './plots.js';

const n = (x: number): string => x.toLocaleString('en-US');
const s = (x: number | null): string => (x === null ? '–' : x < 0.01 ? x.toFixed(4) : x < 10 ? x.toFixed(3) : x.toFixed(1));
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;

export function renderReport(r: BenchResult): string {
  const out: string[] = [];
  const m = r.machine;
  out.push('# ptmc benchmarks', '');
  out.push(`Tier \`${r.tier}\` (\`${r.command}\`), ${r.date}, commit ${r.commit ?? 'unknown'}, ${s(r.seconds)} s in all.`);
  out.push(`Machine: ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}.`, '');
  out.push('Every check below runs in its own process on one worker unless a column says otherwise; times are medians of the',
    `tier's repeats (${r.repeats}; a run of 30 s or more is not repeated). These machines are noisy: compare figures within this file, as ratios, not with another run's.`, '');

  out.push('## Targets', '', markdownTable([
    ['target', 'where ptmc stands', 'met'],
    ...r.targets.map((t) => [t.target, t.value, t.met === null ? 'not measured' : t.met ? 'yes' : 'no']),
  ]), '');

  out.push('## Flagship scenarios (seed 003): exhaustive check', '', markdownTable([
    ['scenario', 'verdict', 'states', 'transitions', 'states/s', 'time (s)', 'peak memory', 'visited-set bytes/state', 'first counterexample (s)'],
    ...r.flagship.map((f) => [f.scenario, f.expect, n(f.check.states), n(f.check.transitions), n(f.check.statesPerSecond), s(f.check.seconds),
      mib(f.check.peakRssBytes), String(f.check.bytesPerState), s(f.secondsToFirstCounterexample)]),
  ]), '', 'Time is the search alone (the model is compiled before the clock starts); peak memory is the whole process.', '');

  out.push('## Flagship scenarios: fuzzing', '', markdownTable([
    ['scenario', 'strategy', 'runs/s', 'steps/s', 'median runs to the first violation', 'median time to it (s)', 'seeds that found it'],
    ...r.flagship.flatMap((f) => f.fuzz.map((z) => [f.scenario, z.strategy, n(z.runsPerSecond), n(z.stepsPerSecond),
      f.expect === 'verified' ? '–' : z.medianRunsToFirst === null ? `> ${r.fuzzBudget}` : String(z.medianRunsToFirst),
      f.expect === 'verified' ? '–' : z.medianSecondsToFirst === null ? '–' : s(z.medianSecondsToFirst),
      f.expect === 'verified' ? '–' : `${z.seedsFound}/${z.seeds}`])),
  ]), '', `Medians over ${r.fuzzSeeds} seeds with a budget of ${r.fuzzBudget} runs each, of the first violation of the expected kind (fast-check: its first failing run, when that run shows the expected kind; the time is to that run, before shrinking).`, '');

  out.push('## Side by side with SPIN', '');
  if (!r.spin.available) out.push(`SPIN was not run: ${r.spin.note}`, '');
  else {
    out.push(r.spin.note, '');
    out.push(markdownTable([
      ['problem', 'ptmc states (no reduction)', 'SPIN states (-DNOREDUCE)', 'equal', 'ptmc states (reduced)', 'SPIN states (POR)', 'ptmc states/s', 'SPIN states/s', 'ptmc/SPIN states/s', 'ptmc/SPIN states, reduced'],
      ...r.spin.rows.map((x) => [`${x.pair} (\`${x.scenario}\`, \`${x.promela}\`)`, n(x.ptmc.unreduced.states), n(x.spin.unreduced.states), x.equalUnreduced ? 'yes' : 'no (see bench/spin/README.md)',
        n(x.ptmc.reduced.states), n(x.spin.reduced.states), n(x.ptmc.unreduced.statesPerSecond), n(x.spin.unreduced.statesPerSecond),
        x.ratios.statesPerSecond.toFixed(2), x.ratios.statesReduced.toFixed(3)]),
    ]), '', 'States/s are of the unreduced searches, one core each; `bench/spin/README.md` says how each Promela model encodes the scenario.', '');
  }

  out.push('## Scaling', '', 'The family (`bench/suite/scaling.ts`): CPU0 runs `set_memory_ro(0, PTRS_PER_PTE)` under the mutex while the other',
    'CPUs read VA 0x1000 through their walkers; one parameter varies at a time from 2 CPUs, 4 entries, 1 walk per walker, `sc`.', '');
  out.push(markdownTable([
    ['CPUs', 'entries', 'walks', 'memory', 'states', 'time (s)', 'states/s', 'peak memory', 'states, no reduction', 'time, no reduction (s)'],
    ...r.scaling.map((x) => [String(x.cpus), String(x.entries), String(x.walks), x.memoryModel, n(x.reduced.states), s(x.reduced.seconds), n(x.reduced.statesPerSecond),
      mib(x.reduced.peakRssBytes), x.unreduced ? n(x.unreduced.states) : '–', x.unreduced ? s(x.unreduced.seconds) : '–']),
  ]), '');
  for (const d of DIMENSIONS) if (curve(r.scaling, d.key).length > 1) out.push(`![states and time against ${d.title}](${r.plots[d.key]})`, '');

  out.push('## Speedup against workers', '', markdownTable([
    ['workers', 'states', 'time (s)', 'states/s', 'speedup', 'same verdict and final states'],
    ...r.speedup.rows.map((x) => [String(x.workers), n(x.states), s(x.seconds), n(x.statesPerSecond), `${x.speedup}x`, x.sameFinalStates ? 'yes' : 'NO']),
  ]), '', `\`ptmc check ${r.speedup.scenario}\`, one run each.`, '', `![speedup against workers](${r.plots.speedup})`, '');

  if (r.micro) {
    out.push('## Machine and kernel-C micro-benchmarks', '', markdownTable([
      ['figure', 'value'],
      ['machine transitions/s (seeded random walk, bench/machine.ts)', n(r.micro.transitionsPerSecond)],
      ['state clone + hash/s', n(r.micro.hashClonesPerSecond)],
      ['compiled split_leaf_mapping steps/s, one CPU (bench/kernel.ts)', n(r.micro.seedStepsPerSecond)],
    ]), '');
  }
  if (r.litmus) {
    out.push('## The herd7 VMSA litmus catalogue', '', markdownTable([
      ['tests', 'expressible', 'agree', 'missed', 'spurious', 'time (s)'],
      [String(r.litmus.tests), String(r.litmus.expressible), String(r.litmus.agree), String(r.litmus.missed), String(r.litmus.spurious), s(r.litmus.seconds)],
    ]), '', 'Per test: `results/litmus-agreement.md`.', '');
  }
  return out.join('\n');
}
