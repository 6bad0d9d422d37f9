// `ptmc fuzz <scenario>`: random schedules (run i seeded from (seed, i)) until one shows a
// violation; shrink it to a 1-minimal schedule, write and print the trace. A clean
// campaign exits 0 and says that it proves nothing; one cut short by --time exits 4.

import { basename, join } from 'node:path';
import { campaign, type StrategyName } from '../explore/campaign.js';
import type { FuzzProgress } from '../explore/fuzz.js';
import { shrink } from '../explore/shrink.js';
import type { Overrides } from '../scenario/build.js';
import { EXIT } from './exitCodes.js';
import { wasInterrupted, whilePolled } from './interrupt.js';
import { writeWhole } from './output.js';
import { fuzzProgressLine } from './progress.js';
import { InputError, load, makeTrace } from './run.js';
import { scenarioSource } from './scenarioSource.js';

export interface FuzzArgs extends Overrides {
  scenario: string;
  strategy: StrategyName;
  /** PCT's bug depth d. */
  depth: number;
  seed: number;
  runs: number;
  time?: number;
  maxSteps?: number;
  shrink: boolean;
  keepGoing: boolean;
  /** random: take the eager steps alone (--no-reduction: choose among all enabled actions). */
  reduction: boolean;
  workers: number;
  out?: string;
  /** fast-check: the counterexample path of an earlier campaign (its trace's fcPath) to replay. */
  fcPath?: string;
}

export async function runFuzz(a: FuzzArgs): Promise<number> {
  const l = load(a.scenario, a);
  const progress = fuzzProgressLine(true);
  if (a.keepGoing && a.strategy === 'fast-check')
    throw new InputError('ptmc: --keep-going: not with --strategy fast-check (fast-check stops at its first failure)');
  if (a.fcPath !== undefined && a.strategy !== 'fast-check') throw new InputError('ptmc: --fc-path: only with --strategy fast-check');
  if (a.fcPath !== undefined && !/^\d+(:\d+)*$/.test(a.fcPath)) throw new InputError(`ptmc: --fc-path: '${a.fcPath}' is not a fast-check path (numbers separated by ':')`);
  const common = {
    seed: a.seed, runs: a.runs, shouldStop: wasInterrupted, keepGoing: a.keepGoing, ...(a.fcPath !== undefined ? { fcPath: a.fcPath } : {}),
    ...(a.time !== undefined ? { timeoutMs: a.time * 1000 } : {}),
    ...(a.maxSteps !== undefined ? { maxSteps: a.maxSteps } : {}),
    ...(progress ? { onProgress: (p: FuzzProgress) => progress.update(p) } : {}),
  };
  const overrides: Overrides = { ...(a.memoryModel ? { memoryModel: a.memoryModel } : {}), ...(a.bbm ? { bbm: a.bbm } : {}), ...(a.walks !== undefined ? { walks: a.walks } : {}) };
  const workers = a.strategy === 'fast-check' ? 1 : a.workers;
  const source = scenarioSource({ path: l.path, overrides, reduction: false });
  const r = await whilePolled(() => campaign(l.session, a.strategy, { ...common, depth: a.depth, workers, source, reduction: a.reduction }));
  progress?.stop();
  const secs = (r.elapsedMs / 1000).toFixed(2);
  const figures = `  ${r.runs} runs, ${r.steps} steps, ${r.abandoned} abandoned at --max-steps or a machine bound; ${secs} s, ` +
    `${Math.round(r.runs / Math.max(r.elapsedMs, 1) * 1000)} runs/s (strategy ${a.strategy}${a.strategy === 'pct' ? `, depth ${a.depth}` : ''}, seed ${a.seed}, ` +
    `${workers} worker${workers > 1 ? 's' : ''}${a.strategy === 'fast-check' && a.workers > 1 ? ': fast-check runs its own loop on one' : ''})`;
  if (r.verdict !== 'violation') {
    const head = r.verdict === 'clean'
      ? `no violation found in ${r.runs} ${a.strategy} runs (${l.built.parameters}); this is not a proof`
      : `INCOMPLETE: cut off at ${r.cutoff} after ${r.runs} of ${a.runs} runs; no violation found, nothing was verified`;
    process.stdout.write(`${head}\n${figures}\n`);
    return r.verdict === 'clean' ? EXIT.ok : EXIT.incomplete;
  }
  const base = a.out ?? join('results', `${basename(a.scenario).replace(/\.ya?ml$/, '')}.fuzz.trace.json`);
  const lines: string[] = [];
  // The lowest failing run's trace first; with --keep-going, one more trace per other kind.
  const kinds = [...r.kinds.values()].sort((x, y) => x.run - y.run);
  kinds.forEach((k, n) => {
    const steps = a.shrink ? shrink(l.session, k.path, k.violation.kind) : k.path;
    const trace = makeTrace(l, k.violation, steps, a, a.seed, {
      strategy: a.strategy, ...(a.strategy === 'pct' ? { depth: a.depth } : {}), ...(a.strategy === 'random' && !a.reduction ? { reduction: false } : {}), run: k.run, foundSteps: k.path.length, shrunk: a.shrink,
      ...(r.fcPath !== undefined ? { fcPath: r.fcPath } : {}), ...(a.maxSteps !== undefined ? { maxSteps: a.maxSteps } : {}),
    });
    const tracePath = n === 0 ? base : base.replace(/(\.trace)?\.json$/, `.${k.violation.kind}.trace.json`);
    writeWhole(tracePath, JSON.stringify(trace, null, 1) + '\n');
    if (n === 0) {
      lines.push(`VIOLATION: ${k.violation.kind} (run ${k.run} of seed ${a.seed})`, '', `  ${k.violation.message}`, '', figures);
      if (a.keepGoing) lines.push(`  kinds found: ${kinds.map((x) => `${x.violation.kind} (run ${x.run})`).join(', ')}`);
      if (r.cutoff) lines.push(`  cut off at ${r.cutoff} after ${r.runs} of ${a.runs} runs: other kinds may remain`);
    }
    lines.push(
      `  ${k.violation.kind}: schedule of ${k.path.length} steps${a.shrink ? `, shrunk to ${steps.length} (1-minimal: removing any step loses the violation or is impossible)` : ''}; trace written to ${tracePath}`,
    );
    if (n === 0) lines.push(`  replay with: ptmc replay ${tracePath}`, ...trace.rendered, '', `violation: ${trace.violation.kind}`, `  ${trace.violation.message}`, '');
  });
  process.stdout.write(lines.join('\n') + '\n');
  return EXIT.violation;
}
