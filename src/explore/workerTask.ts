// What a worker thread runs: the same explorer and fuzz loop as the main thread, over a
// search it builds from a SearchSource, sharing the visited table and the work queue (or
// the run counter) through SharedArrayBuffers. Results come back as plain data.

import type { Violation } from '../check/property.js';
import { hashState } from '../machine/hash.js';
import type { Step } from './choicePath.js';
import { explore, type ExploreResult } from './dfs.js';
import { fuzzWorker, type FuzzTask, type FuzzWorkerResult } from './fuzzShare.js';
import { openSource, type SearchSetup, type SearchSource } from './searchSource.js';
import { SharedVisitedSet, type SharedTable } from './sharedVisited.js';
import { WorkQueue, type QueueBuffers } from './workQueue.js';

export interface CheckTask {
  kind: 'check';
  source: SearchSource;
  table: SharedTable;
  queue: QueueBuffers;
  /** 0-based worker number (the visited table's counter is index + 1: 0 is the main thread). */
  index: number;
  /** The main thread's initial-state fingerprint: the worker must build the same machine. */
  initial: [number, number];
  maxDepth?: number;
  keepGoing?: boolean;
}

/** ExploreResult as structured-clone data. */
export interface WorkerCheckResult extends Omit<ExploreResult, 'violations' | 'finals' | 'handoff'> {
  violations: [string, { violation: Violation; path: Step[] }][];
  finals: string[];
}

export async function runTask(task: CheckTask | FuzzTask): Promise<WorkerCheckResult | FuzzWorkerResult> {
  if (task.kind === 'fuzz') return fuzzWorker((await openSetup(task)).session, task);
  const queue = new WorkQueue(task.queue);
  const visited = new SharedVisitedSet(task.table, task.index + 1);
  let r;
  try {
    const setup = await openSetup(task);
    r = explore(setup.session, {
      reduction: setup.reduction, visited, worker: { queue, index: task.index },
      ...(task.maxDepth !== undefined ? { maxDepth: task.maxDepth } : {}),
      ...(task.keepGoing ? { keepGoing: true } : {}),
      ...(setup.observe ? { observe: setup.observe } : {}),
    });
  } catch (e) {
    queue.stop(); // the others stop too: the run is incomplete whatever they find
    visited.abort();
    throw e;
  } finally {
    visited.leave(); // a grow barrier no longer waits for this thread
  }
  queue.report(task.index, r.states, r.transitions, 0);
  // A violation (unless collecting every kind) or a full table ends the whole search.
  if ((r.verdict === 'violation' && !task.keepGoing) || r.cutoff?.startsWith('the visited table is full')) queue.stop();
  const { violations, finals, handoff: _h, ...rest } = r;
  return { ...rest, violations: [...violations], finals: [...finals] };
}

/** Build the search and check that it is the main thread's. */
async function openSetup(task: CheckTask | FuzzTask): Promise<SearchSetup> {
  const setup = await openSource(task.source);
  const h = hashState(setup.session.initialState());
  if (h[0] !== task.initial[0] || h[1] !== task.initial[1])
    throw new Error('the worker built a different initial state than the main thread (a stale build? run npm run build)');
  return setup;
}
