// Xen PV's rules for a guest's page tables, as the hypervisor enforces them when it
// validates an update (seed 004, Jeremy Fitzhardinge's "quick rules for keeping Xen
// happy"): a page-table frame is never mapped writable, and there are no large pages.
// On each commit to a live entry, look at every probe VA's translation just after it.

import { A_RDONLY } from '../arch/attrs.js';
import { FRAME_USED } from '../machine/machine.js';
import { descName, hex, locName, vaName } from './describe.js';
import { liveChangeProperty } from './liveChange.js';
import type { Property } from './property.js';

const LAST_LEVEL = 3;

type Rule = 'xen-pt-writable' | 'xen-large-page';

export function xenProperty(rule: Rule): Property {
  return liveChangeProperty(rule, (m, s, ev, p, _before, after, out) => {
    if (!after.valid) return false;
    const wrote = `CPU${ev.cpu} wrote ${descName(m, ev.lo, ev.hi, after.touchedLevel)} at the level-${after.touchedLevel} ${locName(m, ev.loc)}, live for ${vaName(m, p)}`;
    if (rule === 'xen-large-page' && after.level < LAST_LEVEL) {
      out.push({ kind: rule, message: `${wrote}: the VA is now mapped by a level-${after.level} large page; Xen never uses large pages and fails the update.` });
      return true;
    }
    const frame = m.frameOfPfn(after.oa);
    if (rule === 'xen-pt-writable' && ((after.attrs >> A_RDONLY) & 1) === 0 && frame >= 0 && s[m.layout.frameBase + frame] === FRAME_USED) {
      out.push({ kind: rule, message: `${wrote}: the VA now maps page-table frame ${frame} (PA ${hex(after.oa * 4096)}) writable; Xen requires every page-table page to be mapped read-only and fails the update.` });
      return true;
    }
    return false;
  });
}
