// Deadlock: a state whose programs are not done and where nothing but walkers can move (a lock
// never released, a CPU waiting on a barrier that cannot complete).

import { atomicPending } from '../machine/cpu.js';
import type { Machine } from '../machine/machine.js';
import { A_WALK, programsDone, type ActionList, type CpuDriver } from '../machine/transitions.js';
import type { Violation } from './property.js';

export const DEADLOCK: Violation = {
  kind: 'deadlock',
  message: 'No CPU can take a step, and not every CPU has returned (a lock never released, or a CPU waiting on a barrier that cannot complete).',
};

/**
 * Whether state s, with these enabled actions, is deadlocked. A stuck state with a relaxed
 * atomic's write still buffered is not: atomics waiting on each other's locations (each
 * behind a barrier) is an execution whose order has a cycle, which no machine runs.
 */
export function isDeadlocked(m: Machine, d: CpuDriver, s: Int32Array, actions: ActionList): boolean {
  for (let i = 0; i < actions.length; i++) if (actions.kind(i) !== A_WALK) return false;
  return !programsDone(m, d, s) && !atomicPending(m, s);
}
