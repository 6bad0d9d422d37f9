// The benchmark suite: `npm run bench` (tier quick), `npm run bench:full` (tier full).
// Runs the flagship checks and fuzz strategies, SPIN on the same problems, the scaling
// family and the speedup curve (and in quick/full the micro-benchmarks; in full the
// litmus catalogue), then writes <out>/bench.json, <out>/bench.md and the SVG plots (and the
// micro-benchmarks' and litmus report's own files), each whole or not at all. Options: --tier tiny|quick|full, --out DIR (default results),
// --no-install-spin (do not try to install SPIN when it is missing).

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeWhole } from '../src/cli/output.js';
import { runFlagship } from './suite/flagship.js';
import { root } from './suite/measure.js';
import { curve, DIMENSIONS, scalingPlot, speedupPlot } from './suite/plots.js';
import { renderReport } from './suite/report.js';
import type { BenchResult, Target } from './suite/result.js';
import { pointName, runScaling, runSpeedup, workerCounts, writeFamilyScenario } from './suite/scaling.js';
import { spinSection } from './suite/spin.js';
import { BASE, TIERS, type TierName } from './suite/tiers.js';

const values = options();
if (!Object.hasOwn(TIERS, values.tier)) {
  console.error(`--tier: '${values.tier}' is not one of ${Object.keys(TIERS).join(', ')}`);
  process.exit(2);
}
const tier = TIERS[values.tier as TierName];
const out = resolve(values.out!);
const log = (s: string): void => console.log(s);
const t0 = performance.now();
const commit = gitCommit(); // at the start: what the figures were measured on
const work = mkdtempSync(join(tmpdir(), 'ptmc-bench-'));

try {
  log(`ptmc benchmark suite, tier ${tier.name} -> ${out}`);
  log('flagship scenarios:');
  const flagship = await runFlagship(tier, log);
  log('SPIN:');
  const spin = spinSection({ install: !values['no-install-spin'], repeats: tier.spinRepeats, workDir: join(work, 'spin') });
  log(spin.available ? spin.rows.map((r) => `  ${r.pair}: ptmc ${r.ptmc.unreduced.states} / SPIN ${r.spin.unreduced.states} states unreduced, ${r.ptmc.reduced.states} / ${r.spin.reduced.states} reduced; states/s ratio ${r.ratios.statesPerSecond.toFixed(2)}`).join('\n') : `  not run: ${spin.note}`);
  log('scaling:');
  const scaling = runScaling(tier.scaling, { workDir: join(work, 'scaling'), repeats: tier.repeats, unreduced: tier.scalingUnreduced, log });
  const speedupScenario = typeof tier.speedup === 'string' ? tier.speedup : pointName(tier.speedup);
  const speedupFile = typeof tier.speedup === 'string' ? tier.speedup : writeFamilyScenario(tier.speedup, join(work, 'scaling'));
  const speedupRows = runSpeedup(speedupFile, workerCounts(availableParallelism()), log);
  const micro = tier.micro ? runMicro() : null;
  const litmus = tier.litmus ? runLitmus() : null;

  const plots: BenchResult['plots'] = [
    ...DIMENSIONS.map((d) => ({ key: d.key, file: `bench-scaling-${d.key}.svg`, title: `states and time against ${d.title}`, points: curve(scaling, d.key, BASE).length }))
      .filter((p) => p.points > 1),
    { key: 'speedup', file: 'bench-speedup.svg', title: 'speedup against workers', points: speedupRows.length },
  ];
  const result: BenchResult = {
    benchmark: 'ptmc', tier: tier.name, command: tier.name === 'quick' ? 'npm run bench' : tier.name === 'full' ? 'npm run bench:full' : `node dist/bench/suite.js --tier ${tier.name}`,
    date: new Date().toISOString(), commit, seconds: +((performance.now() - t0) / 1000).toFixed(1),
    machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model.trim() ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, os: `${platform()} ${release()}` },
    repeats: tier.repeats, fuzzSeeds: tier.fuzzSeeds, fuzzBudget: tier.fuzzBudget,
    targets: [], flagship, spin, scaling, scalingBase: BASE, speedup: { scenario: speedupScenario, rows: speedupRows }, plots, micro, litmus,
  };
  result.targets = targets(result);
  for (const p of plots) {
    const d = DIMENSIONS.find((x) => x.key === p.key);
    writeWhole(join(out, p.file), d ? await scalingPlot(scaling, d.key, d.title, BASE) : await speedupPlot(speedupRows, speedupScenario));
  }
  writeWhole(join(out, 'bench.json'), JSON.stringify(result, null, 1) + '\n');
  writeWhole(join(out, 'bench.md'), renderReport(result));
  log(`targets:\n${result.targets.map((t) => `  ${t.met === null ? '-' : t.met ? 'met' : 'NOT met'}: ${t.target}: ${t.value}`).join('\n')}`);
  log(`-> ${join(out, 'bench.json')}, ${join(out, 'bench.md')} (${result.seconds} s)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

function options(): { tier: string; out: string; 'no-install-spin': boolean } {
  try {
    const { values: v } = parseArgs({ options: { tier: { type: 'string', default: 'quick' }, out: { type: 'string', default: 'results' }, 'no-install-spin': { type: 'boolean', default: false } } });
    return { tier: v.tier!, out: v.out!, 'no-install-spin': v['no-install-spin']! };
  } catch (e) {
    console.error(`bench: ${(e as Error).message} (options: --tier tiny|quick|full, --out DIR, --no-install-spin)`);
    process.exit(2);
  }
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** bench/machine.ts and bench/kernel.ts in their own processes; their figures from their JSON files. */
function runMicro(): NonNullable<BenchResult['micro']> {
  for (const f of ['machine', 'kernel']) {
    log(`micro-benchmark ${f}:`);
    const r = spawnSync(process.execPath, [join(root, 'dist/bench', `${f}.js`), out], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`bench/${f}.ts exited ${r.status}`);
  }
  const machine = JSON.parse(readFileSync(join(out, 'bench-machine.json'), 'utf8')) as { randomWalk: { transitionsPerSecond: number }; hashClone: { perSecond: number } };
  const kernel = JSON.parse(readFileSync(join(out, 'bench-kernel.json'), 'utf8')) as { seedSequential: { stepsPerSecond: number } };
  return { transitionsPerSecond: machine.randomWalk.transitionsPerSecond, hashClonesPerSecond: machine.hashClone.perSecond, seedStepsPerSecond: kernel.seedSequential.stepsPerSecond };
}

/** The whole herd7 VMSA catalogue (exit 1 means disagreements, which the figures report). */
function runLitmus(): NonNullable<BenchResult['litmus']> {
  log('litmus catalogue:');
  const report = join(out, 'litmus-agreement');
  const r = spawnSync(process.execPath, [join(root, 'bin/ptmc.js'), 'litmus', 'test/litmus/herd7-vmsa/aarch64-VMSA', '--report', report], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`ptmc litmus exited ${r.status}: ${r.stderr.trim()}`);
  writeWhole(join(out, 'litmus-agreement.txt'), r.stdout);
  const j = JSON.parse(readFileSync(`${report}.json`, 'utf8')) as { tests: unknown[]; expressible: number; agree: number; missed: number; spurious: number; ms: number };
  log(`  ${j.tests.length} tests, ${j.expressible} expressible, ${j.agree} agree, ${j.missed} missed, ${j.spurious} spurious`);
  return { tests: j.tests.length, expressible: j.expressible, agree: j.agree, missed: j.missed, spurious: j.spurious, seconds: +(j.ms / 1000).toFixed(1) };
}

function targets(r: BenchResult): Target[] {
  const out: Target[] = [];
  // States/s on the flagships large enough to measure (small ones end before the JIT warms up).
  const large = r.flagship.filter((f) => f.check.states >= 1_000_000);
  const spinRate = r.spin.rows.length ? ` (SPIN on its twins, unreduced, one core: ${r.spin.rows.map((x) => `${x.spin.unreduced.statesPerSecond.toLocaleString('en-US')}`).join(' and ')} states/s)` : '';
  out.push(large.length
    ? { target: 'at least 1,000,000 states/s per core on the flagship scenarios', met: large.every((f) => f.check.statesPerSecond >= 1e6),
      value: large.map((f) => `${f.check.statesPerSecond.toLocaleString('en-US')} states/s on ${f.scenario} (${f.check.states.toLocaleString('en-US')} states, one worker)`).join('; ') + spinRate }
    : { target: 'at least 1,000,000 states/s per core on the flagship scenarios', met: null, value: 'no flagship of a million states or more in this tier' + spinRate });
  out.push(r.spin.rows.length
    ? { target: 'fewer states than SPIN on the same problem (with reduction on both sides)', met: r.spin.rows.every((x) => x.ptmc.reduced.states < x.spin.reduced.states),
      value: r.spin.rows.map((x) => `${x.pair}: ${x.ptmc.reduced.states.toLocaleString('en-US')} vs ${x.spin.reduced.states.toLocaleString('en-US')}`).join('; ') }
    : { target: 'fewer states than SPIN on the same problem (with reduction on both sides)', met: null, value: `SPIN not run: ${r.spin.note}` });
  const buggy = r.flagship.filter((f) => f.expect !== 'verified');
  const times = buggy.flatMap((f) => [
    { what: `${f.scenario} (check)`, s: f.secondsToFirstCounterexample ?? Infinity },
    ...f.fuzz.map((z) => ({ what: `${f.scenario} (${z.strategy}${z.medianSecondsToFirst === null && z.seedsOtherKindFirst * 2 >= z.seeds ? ': stopped at another kind first' : ''})`, s: z.medianSecondsToFirst ?? Infinity })),
  ]);
  const worst = times.sort((a, b) => b.s - a.s)[0];
  const say = (t: { what: string; s: number }) => `${t.what}, ${Number.isFinite(t.s) ? `${t.s.toFixed(3)} s` : `not found by half the seeds (${r.fuzzBudget} runs each)`}`;
  const slow = times.filter((t) => t.s >= 1);
  out.push(worst
    ? { target: 'the first counterexample of every buggy flagship in under a second (check, and each fuzz strategy\'s median)', met: worst.s < 1,
      value: slow.length ? `over a second: ${slow.map(say).join('; ')}` : `slowest: ${say(worst)}` }
    : { target: 'the first counterexample of every buggy flagship in under a second', met: null, value: 'no buggy flagship run' });
  return out;
}
