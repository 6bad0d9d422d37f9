// Playing a schedule: a list of steps from the initial state, each of which must be
// enabled where it is taken. Replay, the fuzzers and the shrinker all judge a schedule
// this way: it is possible or not, and it shows a violation at some step (or at the state
// it ends in: final-state properties, deadlock) or none.

import { DEADLOCK, isDeadlocked } from '../check/deadlock.js';
import type { Violation } from '../check/property.js';
import { CapacityError } from '../machine/errors.js';
import { ActionList, enumerate, isFinal } from '../machine/transitions.js';
import type { Step } from './choicePath.js';
import type { Session } from './session.js';

export interface Played {
  /** Index of the first step that was not enabled, or -1 (the schedule is possible). */
  impossibleAt: number;
  /** The violations seen, and after how many steps (0: the initial state). */
  violations: Violation[];
  at: number;
}

const list = new ActionList();

function enabled(session: Session, s: Int32Array, st: Step): boolean {
  enumerate(session.m, session.driver, s, list);
  for (let k = 0; k < list.length; k++)
    if (list.kind(k) === st.kind && list.cpu(k) === st.cpu && list.arg(k) === st.arg && list.choice(k) === st.choice) return true;
  return false;
}

/** Play steps; stop at the first step that shows a violation. */
export function playSchedule(session: Session, steps: readonly Step[]): Played {
  const s = session.initialState();
  if (session.initialViolations.length) return { impossibleAt: -1, violations: [...session.initialViolations], at: 0 };
  const found: Violation[] = [];
  for (let i = 0; i < steps.length; i++) {
    const st = steps[i]!;
    if (!enabled(session, s, st)) return { impossibleAt: i, violations: [], at: i };
    try {
      session.step(s, st.kind, st.cpu, st.arg, st.choice, found);
    } catch (e) {
      // A step past a bound of the state layout cannot be played within this machine.
      if (e instanceof CapacityError) return { impossibleAt: i, violations: [], at: i };
      throw e;
    }
    if (found.length) return { impossibleAt: -1, violations: found, at: i + 1 };
  }
  const { m, driver } = session;
  if (isFinal(m, driver, s)) session.finalViolations(s, found);
  else {
    enumerate(m, driver, s, list);
    if (isDeadlocked(m, driver, s, list)) found.push(DEADLOCK);
  }
  return { impossibleAt: -1, violations: found, at: steps.length };
}
