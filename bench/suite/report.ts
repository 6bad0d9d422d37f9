// results/bench.md: the suite's figures readable on their own (what was measured, on what
// machine, the tables, the plots, the ratio to SPIN, where ptmc stands against each target).

import { markdownTable } from 'markdown-table';
import type { BenchResult } from './result.js';

const n = (x: number): string => x.toLocaleString('en-US');
const s = (x: number | null): string => (x === null ? '–' : x < 0.001 ? '< 0.001' : x < 10 ? x.toFixed(3) : x.toFixed(1));
/** The visited table starts at 1 MiB: its bytes per state mean something only for large runs. */
const LARGE_RUN = 1_000_000;
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;

export function renderReport(r: BenchResult): string {
  const out: string[] = [];
  const m = r.machine;
  out.push('# ptmc benchmarks', '');
  out.push(`Tier \`${r.tier}\` (\`${r.command}\`), ${r.date}, commit ${r.commit ?? 'unknown'}, ${s(r.seconds)} s in all.`);
  out.push(`Machine: ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}.`, '');
  out.push('Every `ptmc check` below runs in its own process on one worker unless a column says otherwise (fuzz campaigns run in',
    `the suite's own process, one thread); times are medians of the tier's repeats (${r.repeats}; a run of 30 s or more is not`,
    'repeated). These machines are noisy: compare figures within this file, as ratios, not with another run\'s.', '');

  out.push('## Targets', '', markdownTable([
    ['target', 'where ptmc stands', 'met'],
    ...r.targets.map((t) => [t.target, t.value, t.met === null ? 'not measured' : t.met ? 'yes' : 'no']),
  ]), '');

  out.push('## Flagship scenarios (seed 003): exhaustive check', '',
    'Seed 003 is the mail thread of arm64\'s lockless `split_leaf_mapping()` (BBML2 splits of the linear map); these are its',
    'scenarios under `scenarios/`, each buggy variant with the violation it must show and the fixed one verified:', '',
    ...r.flagship.map((f) => `- \`${f.scenario}\`: ${f.description}`), '', markdownTable([
    ['scenario', 'verdict', 'states', 'transitions', 'states/s', 'time (s)', 'peak memory', 'visited-table bytes/state', 'first counterexample (s)'],
    ...r.flagship.map((f) => [f.scenario, f.expect, n(f.check.states), n(f.check.transitions), f.check.states >= 10_000 ? n(f.check.statesPerSecond) : '–',
      s(f.check.seconds), mib(f.check.peakRssBytes), f.check.states >= LARGE_RUN ? String(f.check.bytesPerState) : '–', s(f.secondsToFirstCounterexample)]),
  ]), '', 'Time is `ptmc check`\'s own (from the start of the search, after the model is compiled, to the verdict, the trace rendered',
    'for a violation); for a buggy scenario that is the time to its counterexample. Peak memory is the whole process. States/s',
    'is left out below 10,000 states (the run is over before the JIT warms up) and the visited table\'s bytes per state below',
    'a million (the table starts at 1 MiB).', '');

  out.push('## Flagship scenarios: fuzzing', '', markdownTable([
    ['scenario', 'strategy', 'runs/s', 'steps/s', 'median runs to the first violation', 'median time to it (s)', 'seeds that found it'],
    ...r.flagship.flatMap((f) => f.fuzz.map((z) => [f.scenario, z.strategy, n(z.runsPerSecond), n(z.stepsPerSecond),
      f.expect === 'verified' ? '–' : z.medianRunsToFirst !== null ? String(z.medianRunsToFirst)
        : z.seedsOtherKindFirst * 2 >= z.seeds ? 'stopped at another kind' : `> ${r.fuzzBudget}`,
      f.expect === 'verified' ? '–' : z.medianSecondsToFirst === null ? '–' : s(z.medianSecondsToFirst),
      f.expect === 'verified' ? '–' : `${z.seedsFound}/${z.seeds}${z.seedsOtherKindFirst ? ` (${z.seedsOtherKindFirst} stopped at another kind first)` : ''}`])),
  ]), '', `Medians over ${r.fuzzSeeds} seeds with a budget of ${r.fuzzBudget} runs each, of the first violation of the expected kind (fast-check: its first failing run, when that run shows the expected kind; the time is to that run, before shrinking). Runs/s: the median of the tier's repeats after a warm-up; fast-check is timed with a property that passes every run, as it would stop at its first failure.`, '');

  out.push('## Side by side with SPIN', '');
  if (!r.spin.available) out.push(`SPIN was not run: ${r.spin.note}`, '');
  else {
    out.push(r.spin.note, '');
    out.push(markdownTable([
      ['problem', 'search', 'ptmc states', 'SPIN states', 'equal', 'ptmc time (s)', 'SPIN time (s)', 'ptmc states/s', 'SPIN states/s', 'ptmc/SPIN states/s', 'ptmc/SPIN states'],
      ...r.spin.rows.flatMap((x) => (['unreduced', 'reduced'] as const).map((k) => [
        `${x.pair} (\`${x.scenario}\`, \`${x.promela}\`)`, k === 'unreduced' ? 'no reduction (-DNOREDUCE)' : 'reduced (ptmc\'s; SPIN\'s POR)',
        n(x.ptmc[k].states), n(x.spin[k].states), k === 'reduced' ? '–' : x.ptmc[k].states === x.spin[k].states ? 'yes' : 'no',
        s(x.ptmc[k].seconds), s(x.spin[k].seconds), n(x.ptmc[k].statesPerSecond), n(x.spin[k].statesPerSecond),
        (x.ptmc[k].statesPerSecond / Math.max(x.spin[k].statesPerSecond, 1)).toFixed(2), (x.ptmc[k].states / Math.max(x.spin[k].states, 1)).toFixed(3)])),
    ]), '', 'One core each; times are each tool\'s own search. `bench/spin/README.md` says how each Promela model encodes its scenario',
    'and how the unreduced state spaces were shown equal state for state.', '');
  }

  out.push('## Scaling', '', 'The family (`bench/suite/scaling.ts`): CPU0 runs `set_memory_ro(0, PTRS_PER_PTE)` under the mutex while the other',
    'CPUs read VA 0x1000 through their walkers; one parameter varies at a time from 2 CPUs, 4 entries, 1 walk per walker, `sc`.', '');
  out.push(markdownTable([
    ['CPUs', 'entries', 'walks', 'memory', 'states', 'time (s)', 'states/s', 'peak memory', 'states, no reduction', 'time, no reduction (s)'],
    ...r.scaling.map((x) => [String(x.cpus), String(x.entries), String(x.walks), x.memoryModel, n(x.reduced.states), s(x.reduced.seconds), n(x.reduced.statesPerSecond),
      mib(x.reduced.peakRssBytes), x.unreduced ? n(x.unreduced.states) : '–', x.unreduced ? s(x.unreduced.seconds) : '–']),
  ]), '');
  for (const p of r.plots) if (p.key !== 'speedup') out.push(`![${p.title}](${p.file})`, '');

  out.push('## Speedup against workers', '', markdownTable([
    ['workers', 'workers that searched', 'states', 'time (s)', 'states/s', 'speedup', 'same verdict and final states'],
    ...r.speedup.rows.map((x) => [String(x.workers), String(x.workersSearched), n(x.states), s(x.seconds), n(x.statesPerSecond), `${x.speedup}x`, x.sameFinalStates ? 'yes' : 'NO']),
  ]), '', `\`ptmc check ${r.speedup.scenario}\`, one run each.`, '', ...r.plots.filter((p) => p.key === 'speedup').map((p) => `![${p.title}](${p.file})`), '');

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
