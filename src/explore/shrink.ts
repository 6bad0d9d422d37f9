// Shrinking a failing schedule: drop steps while the schedule stays possible and still
// shows a violation of the same kind (cut at the step that shows it). The result is
// 1-minimal: removing any single step loses the violation or makes the schedule impossible.
// Among such schedules it then prefers fewer context switches: it swaps neighbouring steps
// of different actors when that keeps the violation and lowers the count, and shrinks again.

import { contextSwitches, type Step } from './choicePath.js';
import { playSchedule } from './schedule.js';
import type { Session } from './session.js';

/** The prefix of steps that shows a violation of kind, or null. */
function stillFails(session: Session, steps: readonly Step[], kind: string): Step[] | null {
  const p = playSchedule(session, steps);
  if (p.impossibleAt >= 0 || !p.violations.some((v) => v.kind === kind)) return null;
  return steps.slice(0, p.at);
}

/** Drop steps (halving chunks, then single steps) until no single step can go. */
function dropSteps(session: Session, start: Step[], kind: string): Step[] {
  let cur = start;
  for (let size = Math.max(1, cur.length >> 1); ; size = Math.max(1, size >> 1)) {
    let changed = true;
    while (changed) {
      changed = false;
      for (let i = cur.length - size; i >= 0; i--) {
        const cand = stillFails(session, [...cur.slice(0, i), ...cur.slice(i + size)], kind);
        if (cand) {
          cur = cand;
          changed = true;
          i = Math.min(i, cur.length - size + 1);
        }
      }
    }
    if (size === 1) return cur;
  }
}

/** One pass of neighbour swaps that lower the context-switch count; null if none helped. */
function fewerSwitches(session: Session, cur: Step[], kind: string): Step[] | null {
  let best = cur;
  let improved = false;
  for (let i = 0; i + 1 < best.length; i++) {
    const cand = [...best];
    [cand[i], cand[i + 1]] = [cand[i + 1]!, cand[i]!];
    if (contextSwitches(cand) >= contextSwitches(best)) continue;
    const ok = stillFails(session, cand, kind);
    if (ok && ok.length <= best.length && contextSwitches(ok) < contextSwitches(best)) {
      best = ok;
      improved = true;
    }
  }
  return improved ? best : null;
}

export function shrink(session: Session, steps: readonly Step[], kind: string): Step[] {
  const first = stillFails(session, steps, kind);
  if (!first) throw new Error(`shrink: the schedule does not show a ${kind} violation`);
  let cur = dropSteps(session, first, kind);
  for (let round = 0; round < 50; round++) {
    const swapped = fewerSwitches(session, cur, kind);
    if (!swapped) break;
    cur = dropSteps(session, swapped, kind);
  }
  return cur;
}
