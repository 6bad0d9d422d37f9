// `ptmc fuzz <scenario>`: random schedules (run i seeded from (seed, i)) until one shows a
// violation; shrink it to a 1-minimal schedule, write and print the trace. A clean
// campaign exits 0 and says that it proves nothing; one cut short by --time exits 4.

import { basename, join } from 'node:path';
import { fuzz } from '../explore/fuzz.js';
import { shrink } from '../explore/shrink.js';
import type { Overrides } from '../scenario/build.js';
import { EXIT } from './exitCodes.js';
import { wasInterrupted } from './interrupt.js';
import { writeWhole } from './output.js';
import { fuzzProgressLine } from './progress.js';
import { load, makeTrace } from './run.js';

export interface FuzzArgs extends Overrides {
  scenario: string;
  strategy: 'random';
  seed: number;
  runs: number;
  time?: number;
  maxSteps?: number;
  shrink: boolean;
  out?: string;
}

export async function runFuzz(a: FuzzArgs): Promise<number> {
  const l = load(a.scenario, a);
  const progress = fuzzProgressLine(true);
  const r = await fuzz(l.session, {
    seed: a.seed, runs: a.runs, shouldStop: wasInterrupted,
    ...(a.time !== undefined ? { timeoutMs: a.time * 1000 } : {}),
    ...(a.maxSteps !== undefined ? { maxSteps: a.maxSteps } : {}),
    ...(progress ? { onProgress: (p) => progress.update(p) } : {}),
  });
  progress?.stop();
  const secs = (r.elapsedMs / 1000).toFixed(2);
  const figures = `  ${r.runs} runs, ${r.steps} steps, ${r.abandoned} abandoned at --max-steps or a machine bound; ${secs} s, ` +
    `${Math.round(r.runs / Math.max(r.elapsedMs, 1) * 1000)} runs/s (strategy ${a.strategy}, seed ${a.seed})`;
  if (r.verdict !== 'violation') {
    const head = r.verdict === 'clean'
      ? `no violation found in ${r.runs} random runs (${l.built.parameters}); this is not a proof`
      : `INCOMPLETE: cut off at ${r.cutoff} after ${r.runs} of ${a.runs} runs; no violation found, nothing was verified`;
    process.stdout.write(`${head}\n${figures}\n`);
    return r.verdict === 'clean' ? EXIT.ok : EXIT.incomplete;
  }
  const found = r.path!.length;
  const steps = a.shrink ? shrink(l.session, r.path!, r.violation!.kind) : r.path!;
  const trace = makeTrace(l, r.violation!, steps, a, a.seed, { strategy: a.strategy, run: r.run!, foundSteps: found, shrunk: a.shrink });
  const tracePath = a.out ?? join('results', `${basename(a.scenario).replace(/\.ya?ml$/, '')}.fuzz.trace.json`);
  writeWhole(tracePath, JSON.stringify(trace, null, 1) + '\n');
  process.stdout.write([
    `VIOLATION: ${r.violation!.kind} (run ${r.run} of seed ${a.seed})`, '', `  ${r.violation!.message}`, '', figures,
    `  schedule: ${found} steps${a.shrink ? `, shrunk to ${steps.length} (1-minimal: removing any step loses the violation)` : ''}`,
    '', `trace written to ${tracePath}; replay with: ptmc replay ${tracePath}`, ...trace.rendered, '',
    `violation: ${trace.violation.kind}`, `  ${trace.violation.message}`,
  ].join('\n') + '\n');
  return EXIT.violation;
}
