// `check` on several cores. The main thread searches alone first (a small scenario never
// starts a worker, and its result is exactly the one-thread result); past `handoffAfter`
// states it hands its unexplored edges to the shared work queue and N workers search on,
// sharing one visited table. The main thread keeps the clock: progress, Ctrl-C, the time
// and state cut-offs, a crashed worker.

import { hashState } from '../machine/hash.js';
import { emptyResult, exploreAsync, INTERRUPTED, type ExploreOptions, type ExploreResult } from './dfs.js';
import { runOnWorkers } from './pool.js';
import type { SearchSetup, SearchSource } from './searchSource.js';
import { createSharedTable, memoryFor, SharedVisitedSet } from './sharedVisited.js';
import type { CheckTask, WorkerCheckResult } from './workerTask.js';
import { createQueue, WorkQueue } from './workQueue.js';

export interface ParallelCheckOptions extends Omit<ExploreOptions, 'visited' | 'worker' | 'reduction' | 'observe' | 'handoffAfter'> {
  workers: number;
  /** Bytes for the visited table. */
  memoryBytes: number;
  /** States the main thread stores before it hands off to workers (default 10,000). */
  handoffAfter?: number;
}

export interface ParallelCheckResult extends ExploreResult {
  /** Workers that searched (0: the main thread finished alone). */
  workersUsed: number;
  /** Of those, the workers that stored at least one state. */
  workersSearched: number;
  /** Bytes a table for a complete run is estimated to need, when it filled. */
  neededBytes?: number;
}

export async function checkParallel(setup: SearchSetup, source: SearchSource, o: ParallelCheckOptions): Promise<ParallelCheckResult> {
  const t0 = Date.now();
  const table = createSharedTable(o.memoryBytes);
  const visited = new SharedVisitedSet(table, 0);
  const base: ExploreOptions = {
    reduction: setup.reduction, visited,
    ...(setup.observe ? { observe: setup.observe } : {}),
    ...(o.maxStates !== undefined ? { maxStates: o.maxStates } : {}),
    ...(o.maxDepth !== undefined ? { maxDepth: o.maxDepth } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.keepGoing ? { keepGoing: true } : {}),
    ...(o.shouldStop ? { shouldStop: o.shouldStop } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  };
  const first = await exploreAsync(setup.session, { ...base, ...(o.workers > 1 ? { handoffAfter: o.handoffAfter ?? 10_000 } : {}) });
  if (!first.handoff) return withNeeded({ ...first, workersUsed: 0, workersSearched: 0 }, visited.total());

  const L = setup.session.m.layout;
  const q = createQueue(L.size, Math.max(256, first.handoff.length * 2), o.workers);
  const queue = new WorkQueue(q);
  for (const e of first.handoff) if (!queue.push(e)) throw new Error('an edge does not fit the work queue (a path deeper than its slots, or a step beyond its packing)');
  const initial = hashState(setup.session.initialState());
  visited.setParticipants(o.workers); // the main thread stores nothing more
  const tasks: CheckTask[] = Array.from({ length: o.workers }, (_, index) => ({
    kind: 'check', source, table, queue: q, index, initial: [initial[0], initial[1]],
    ...(o.maxDepth !== undefined ? { maxDepth: o.maxDepth } : {}), ...(o.keepGoing ? { keepGoing: true } : {}),
  }));
  const deadline = o.timeoutMs === undefined ? Infinity : t0 + o.timeoutMs;
  let stopWhy: string | undefined;
  const stop = (why: string): void => {
    if (stopWhy !== undefined) return;
    stopWhy = why;
    queue.stop();
    visited.abort();
  };
  const crashes: string[] = [];
  const settled = await runOnWorkers<CheckTask, WorkerCheckResult>(tasks, () => {
    const p = queue.progress();
    const states = first.states + p.states;
    o.onProgress?.({ states, transitions: first.transitions + p.transitions, depth: p.depth, elapsedMs: Date.now() - t0 });
    if (o.shouldStop?.()) stop(INTERRUPTED);
    else if (Date.now() > deadline) stop('time limit');
    else if (o.maxStates !== undefined && states >= o.maxStates) stop(`${o.maxStates} states`);
  }, (i, r) => {
    if (r.ok) return;
    crashes.push(`worker ${i} crashed: ${r.error}`);
    stop('a worker crashed');
  });

  const res: ParallelCheckResult = { ...emptyResult(), ...first, violations: new Map(first.violations), finals: new Set(first.finals), workersUsed: o.workers, workersSearched: 0 };
  delete res.handoff;
  for (const s of settled) {
    if (!s.ok) continue;
    const w = s.value;
    res.states += w.states;
    if (w.states > 0) res.workersSearched++;
    res.transitions += w.transitions;
    res.finalStates += w.finalStates;
    res.eagerSteps += w.eagerSteps;
    res.maxDepth = Math.max(res.maxDepth, w.maxDepth);
    for (const f of w.finals) res.finals.add(f);
    for (const [k, v] of w.violations) if (!res.violations.has(k)) res.violations.set(k, v);
    if (w.verdict === 'violation' && !res.violation) Object.assign(res, { violation: w.violation, path: w.path });
    if (w.cutoff && w.cutoff !== 'stopped' && res.cutoff === undefined) res.cutoff = w.cutoff;
  }
  // Never "verified" with work left: the workers ended while edges were still queued.
  if (!queue.stopped && queue.count > 0) crashes.push(`${queue.count} edges were left unexplored`);
  if (crashes.length) res.cutoff = `${crashes.join('; ')} (an internal error: rerun with --workers 1, and report it)`;
  else if (stopWhy && stopWhy !== 'a worker crashed') res.cutoff ??= stopWhy;
  res.verdict = res.violation ? 'violation' : res.cutoff !== undefined ? 'incomplete' : 'verified';
  if (res.verdict !== 'violation') {
    res.violations.clear();
    delete res.violation;
    delete res.path;
  }
  res.elapsedMs = Date.now() - t0;
  res.visitedBytes = visited.bytes();
  return withNeeded(res, visited.total());
}

/**
 * When the table filled: the memory the next size of table needs, for twice the states
 * stored. A lower bound, not a forecast: a depth-first search's progress says nothing
 * reliable about the size of what it has not seen (a progress estimate that counts each
 * action as an equal share of its state's subtree was off by 20 orders of magnitude on
 * split-mutex-sc, whose first branches hold nearly every state).
 */
function withNeeded<T extends ExploreResult & { neededBytes?: number }>(r: T, stored: number): T {
  if (r.cutoff?.startsWith('the visited table is full')) r.neededBytes = memoryFor(2 * stored);
  return r;
}
