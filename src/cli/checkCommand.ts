// `ptmc check <scenario>`: explore every interleaving; print the verdict with its model
// parameters and the search's figures; on a violation, write and print the trace.

import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import type { Overrides } from '../scenario/build.js';
import { EXIT } from './exitCodes.js';
import { writeWhole } from './output.js';
import { progressLine } from './progress.js';
import { wasInterrupted, whilePolled } from './interrupt.js';
import { formatBytes, type Resources } from './resources.js';
import { check, load } from './run.js';

export interface CheckArgs extends Overrides, Partial<Resources> {
  scenario: string;
  maxStates?: number;
  timeout?: number;
  reduction: boolean;
  json: boolean;
  out?: string;
}

export async function runCheck(a: CheckArgs): Promise<number> {
  const l = load(a.scenario, a);
  const progress = progressLine(!a.json);
  const t0 = Date.now();
  const outcome = await whilePolled(() => check(l, {
    ...a,
    observe: a.json,
    ...(a.timeout !== undefined ? { timeoutMs: a.timeout * 1000 } : {}),
    shouldStop: wasInterrupted,
    ...(progress ? { onProgress: (p) => progress.update(p) } : {}),
  }));
  progress?.stop();
  const r = outcome.result;
  const elapsed = (Date.now() - t0) / 1000;
  const mem = process.resourceUsage().maxRSS * 1024; // the peak, worker threads included
  let tracePath: string | undefined;
  if (outcome.trace) {
    tracePath = a.out ?? join('results', `${basename(a.scenario).replace(/\.ya?ml$/, '')}.trace.json`);
    writeWhole(tracePath, JSON.stringify(outcome.trace, null, 1) + '\n');
  }
  if (a.json) {
    process.stdout.write(JSON.stringify({
      scenario: a.scenario, verdict: r.verdict, parameters: l.built.parameters, violation: r.violation ?? null, cutoff: r.cutoff ?? null,
      states: r.states, transitions: r.transitions, finalStates: r.finalStates, finalStatesDigest: r.verdict === 'verified' ? digestOf(r.finals) : null, seconds: elapsed, statesPerSecond: Math.round(r.states / Math.max(elapsed, 1e-3)),
      workers: a.workers, workersUsed: r.workersUsed, workersSearched: r.workersSearched, visitedTableBytes: r.visitedBytes, neededBytes: r.neededBytes ?? null,
      peakRssBytes: mem, reduction: a.reduction ? 'eager-local' : 'none', transitionsSkipped: r.eagerSteps, trace: tracePath ?? null,
    }) + '\n');
  } else {
    const lines: string[] = [];
    if (r.verdict === 'verified') lines.push(`verified under the ${l.built.cfg.profile} machine with ${l.built.parameters}`);
    else if (r.verdict === 'violation') lines.push(`VIOLATION: ${r.violation!.kind}`, '', wrap(r.violation!.message), '');
    else lines.push(`INCOMPLETE: cut off at ${r.cutoff}; nothing was verified (${l.built.parameters})`);
    if (r.neededBytes !== undefined)
      lines.push(`  the visited table (${formatBytes(r.visitedBytes)}) holds ${r.states} states, and the search was still finding new ones: ` +
        `a complete run needs more than this; the next table size needs --memory ${formatOption(r.neededBytes)} (a lower bound: how many states remain is not known until they are seen)`);
    lines.push(`  states ${r.states}, transitions ${r.transitions}, final states ${r.finalStates}, max depth ${r.maxDepth}`);
    const perWorker = r.workersUsed > 1 ? ` (${r.workersUsed} workers, ${Math.round(r.states / Math.max(elapsed, 1e-3) / r.workersUsed)} states/s each)` : '';
    lines.push(`  ${elapsed.toFixed(2)} s, ${Math.round(r.states / Math.max(elapsed, 1e-3))} states/s${perWorker}, peak memory ${(mem / 2 ** 20).toFixed(0)} MiB`);
    lines.push(`  reduction: ${a.reduction ? `${outcome.reduction} (${r.eagerSteps} transitions not taken)` : 'none'}`);
    if (outcome.trace) {
      lines.push('', `trace (${outcome.trace.steps.length} steps), written to ${tracePath}; replay with: ptmc replay ${tracePath}`);
      lines.push(...outcome.trace.rendered, '', `violation: ${r.violation!.kind}`, wrap(r.violation!.message));
    }
    process.stdout.write(lines.join('\n') + '\n');
  }
  return r.verdict === 'verified' ? EXIT.ok : r.verdict === 'violation' ? EXIT.violation : EXIT.incomplete;
}

/** One hash of the set of final-state fingerprints: equal across worker counts and runs (only a complete search has them all). */
function digestOf(finals: ReadonlySet<string>): string {
  return createHash('sha256').update([...finals].sort().join('\n')).digest('hex').slice(0, 16);
}

/** A --memory value at least n bytes. */
function formatOption(n: number): string {
  return n > 2 ** 30 ? `${Math.ceil(n / 2 ** 30)}G` : `${Math.ceil(n / 2 ** 20)}M`;
}

function wrap(text: string, width = 100): string {
  const out: string[] = [];
  let line = '';
  for (const w of text.split(' ')) {
    if (line && line.length + w.length + 1 > width) {
      out.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(line);
  return out.map((l) => '  ' + l).join('\n');
}
