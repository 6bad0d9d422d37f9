// Deadlock: a state that is not final and where nothing but walkers can move (a lock
// never released, a CPU waiting on a barrier that cannot complete).

import { A_WALK, type ActionList } from '../machine/transitions.js';
import type { Violation } from './property.js';

export const DEADLOCK: Violation = {
  kind: 'deadlock',
  message: 'No CPU can take a step, and not every CPU has returned (a lock never released, or a CPU waiting on a barrier that cannot complete).',
};

/** Whether a non-final state with these enabled actions is deadlocked. */
export function isDeadlocked(actions: ActionList): boolean {
  for (let i = 0; i < actions.length; i++) if (actions.kind(i) !== A_WALK) return false;
  return true;
}
