// What a commit to a page-table slot changes: for each probe VA and each place a walk for it
// may start now (liveStarts), its translation under the newest writes just before and just
// after the commit. The x86 properties look at these pairs.

import type { MachineEvent } from '../machine/events.js';
import { liveStarts, Translation, translateLatest } from '../machine/latest.js';
import type { Machine } from '../machine/machine.js';

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
