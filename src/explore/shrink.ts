// Shrinking a failing schedule: drop steps while the schedule stays possible and still
// shows a violation of the same kind (cut at the step that shows it). The result is
// 1-minimal: removing any single step loses the violation or makes the schedule impossible.

import type { Step } from './choicePath.js';
import { playSchedule } from './schedule.js';
import type { Session } from './session.js';

/** The prefix of steps that shows a violation of kind, or null. */
function stillFails(session: Session, steps: readonly Step[], kind: string): Step[] | null {
  const p = playSchedule(session, steps);
  if (p.impossibleAt >= 0 || !p.violations.some((v) => v.kind === kind)) return null;
  return steps.slice(0, p.at);
}

export function shrink(session: Session, steps: readonly Step[], kind: string): Step[] {
  let cur = stillFails(session, steps, kind);
  if (!cur) throw new Error(`shrink: the schedule does not show a ${kind} violation`);
  // Drop chunks first (halving), then single steps, until no single step can go.
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
