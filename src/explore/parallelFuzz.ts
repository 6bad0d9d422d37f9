// `fuzz` on several cores: N workers take run numbers from a shared counter; the result
// is the lowest failing run (or, with keepGoing, the lowest failing run of each kind),
// the same as one thread gives, so the trace does not depend on the number of workers.

import { hashState } from '../machine/hash.js';
import { createFuzzControl, FuzzControl, type FuzzTask, type FuzzWorkerResult } from './fuzzShare.js';
import { INTERRUPTED } from './dfs.js';
import type { FuzzOptions, FuzzResult } from './fuzz.js';
import { runOnWorkers } from './pool.js';
import type { SearchSource } from './searchSource.js';
import type { Session } from './session.js';

export interface ParallelFuzzOptions extends Omit<FuzzOptions, 'strategy'> {
  strategy: 'random' | 'pct';
  depth: number;
  reduction?: boolean;
  workers: number;
}

export async function fuzzParallel(session: Session, source: SearchSource, o: ParallelFuzzOptions): Promise<FuzzResult> {
  const t0 = Date.now();
  const control = createFuzzControl(o.runs);
  const ctl = new FuzzControl(control);
  const initial = hashState(session.initialState());
  const task: FuzzTask = {
    kind: 'fuzz', source, initial: [initial[0], initial[1]], control, strategy: o.strategy, depth: o.depth, seed: o.seed, runs: o.runs,
    maxSteps: o.maxSteps ?? 10_000, keepGoing: o.keepGoing ?? false, reduction: o.reduction ?? true,
  };
  const deadline = o.timeoutMs === undefined ? Infinity : t0 + o.timeoutMs;
  let stopWhy: string | undefined;
  const crashes: string[] = [];
  const settled = await runOnWorkers<FuzzTask, FuzzWorkerResult>(Array.from({ length: o.workers }, () => task), () => {
    const p = ctl.progress();
    o.onProgress?.({ runs: p.runs, steps: p.steps, elapsedMs: Date.now() - t0, best: p.best });
    if (stopWhy) return;
    if (o.shouldStop?.()) stopWhy = INTERRUPTED;
    else if (Date.now() > deadline) stopWhy = 'time limit';
    if (stopWhy) ctl.stop();
  }, (i, r) => {
    if (r.ok) return;
    crashes.push(`worker ${i} crashed: ${r.error}`);
    ctl.stop();
  });
  const res: FuzzResult = { verdict: 'clean', runs: 0, steps: 0, abandoned: 0, elapsedMs: 0, kinds: new Map() };
  const failures = [];
  for (const s of settled) {
    if (!s.ok) continue;
    res.runs += s.value.runs;
    res.steps += s.value.steps;
    res.abandoned += s.value.abandoned;
    failures.push(...s.value.failures);
  }
  failures.sort((a, b) => a.run - b.run);
  const lowest = failures[0];
  // Without keepGoing one thread stops at the lowest failure: runs above it played here are dropped.
  for (const f of o.keepGoing ? failures : failures.slice(0, 1)) if (!res.kinds.has(f.violation.kind)) res.kinds.set(f.violation.kind, f);
  if (lowest) Object.assign(res, { verdict: 'violation', violation: lowest.violation, path: lowest.path, run: lowest.run });
  if (crashes.length) {
    if (!lowest) res.verdict = 'incomplete';
    res.cutoff = `${crashes.join('; ')} (an internal error: rerun with --workers 1, and report it)`;
  } else if (stopWhy && (!lowest || o.keepGoing) && res.runs < o.runs) {
    if (!lowest) res.verdict = 'incomplete';
    res.cutoff = stopWhy;
  }
  res.elapsedMs = Date.now() - t0;
  return res;
}
