// What a commit to a page-table slot changes: for each probe VA and each place a walk for it
// may start now (liveStarts), its translation under the newest writes just before and just
// after the commit. The x86 properties look at these pairs.

import { Ev, type EventBuffer, type MachineEvent } from '../machine/events.js';
import { liveStarts, Translation, translateLatest } from '../machine/latest.js';
import type { Machine } from '../machine/machine.js';
import type { Property, Violation, ViolationKind } from './property.js';

const before = new Translation();
const after = new Translation();

/**
 * Call visit(probe, before, after) for every pair whose walk read the written slot; stop
 * (and return true) when visit returns true.
 */
export function someLiveChange(
  m: Machine, s: Int32Array, ev: MachineEvent, visit: (probe: number, before: Translation, after: Translation) => boolean,
): boolean {
  for (let p = 0; p < m.layout.probes; p++) {
    const pr = m.cfg.probes[p]!;
    const starts = liveStarts(m, s, pr.region, pr.vaPage, p);
    for (let i = 0; i < starts.length; i += 3) {
      translateLatest(m, s, starts[i]!, starts[i + 1]!, starts[i + 2]!, pr.vaPage, ev.loc, ev.oldLo, ev.oldHi, before);
      translateLatest(m, s, starts[i]!, starts[i + 1]!, starts[i + 2]!, pr.vaPage, ev.loc, ev.lo, ev.hi, after);
      if (after.touched && visit(p, before, after)) return true;
    }
  }
  return false;
}

/** What a live-change property does with one pair: report into out and return true to stop. */
export type ChangeRule = (
  m: Machine, s: Int32Array, ev: MachineEvent, probe: number, before: Translation, after: Translation, out: Violation[],
) => boolean;

/** A property that applies rule to every live change of every commit to a page-table slot. */
export function liveChangeProperty(name: ViolationKind, rule: ChangeRule): Property {
  return {
    name,
    onEvents(m: Machine, s: Int32Array, events: EventBuffer, out: Violation[]): void {
      for (let i = 0; i < events.length; i++) {
        const ev = events.items[i]!;
        if (ev.kind !== Ev.Commit || ev.loc >= m.layout.tableLocs) continue;
        if (someLiveChange(m, s, ev, (p, before, after) => rule(m, s, ev, p, before, after, out))) return;
      }
    },
  };
}
