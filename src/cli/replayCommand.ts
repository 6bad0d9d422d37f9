// `ptmc replay <trace.json>`: re-execute a counterexample step by step and check that the
// same violation happens. Exit 1 when it does, 3 when it does not, 2 for a stale trace.

import { readFileSync } from 'node:fs';
import { SEMANTICS_VERSION } from '../machine/index.js';
import { staleness, traceScenarioPath, type Trace } from '../trace/trace.js';
import { renderRun } from '../trace/render.js';
import { EXIT } from './exitCodes.js';
import { InputError, load, replaySteps } from './run.js';

/** Read a trace file, refusing one that is not a trace or is stale (exit 2). */
export function readTrace(path: string, verb = 'replay'): Trace {
  let t: Trace;
  try {
    t = JSON.parse(readFileSync(path, 'utf8')) as Trace;
  } catch (e) {
    throw new InputError(`${path}: cannot read the trace (${(e as Error).message.split('\n')[0]})`);
  }
  if (!t || !Array.isArray(t.steps) || typeof t.scenario !== 'string') throw new InputError(`${path}: not a ptmc trace`);
  const stale = staleness(t, SEMANTICS_VERSION);
  if (stale.length) throw new InputError(`${path}: refusing to ${verb} a stale trace: ${stale.join('; ')}`);
  return t;
}

export function runReplay(path: string): number {
  const t = readTrace(path);
  const l = load(traceScenarioPath(t), t.options as never);
  const found = replaySteps(l, t.steps); // checks every step is possible before anything is printed
  process.stdout.write(renderRun(l.session, t.steps).join('\n') + '\n');
  const same = found.find((v) => v.kind === t.violation.kind);
  if (same) {
    process.stdout.write(`\nreproduced: ${same.kind}\n  ${same.message}\n`);
    return EXIT.violation;
  }
  process.stdout.write(`\nNOT reproduced: expected ${t.violation.kind}, the replay ${found.length ? `found ${found.map((v) => v.kind).join(', ')}` : 'found no violation'}\n`);
  return EXIT.internal;
}
