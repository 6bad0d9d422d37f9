// x86: Intel's TLB application note ("TLBs, Paging-Structure Caches, and Their
// Invalidation", and the SDM's "Recommended Invalidation", 4.10.4.2, 4.10.3.2 in rev. 032):
// "Software ... should not write to a paging-structure entry in a way that would change, for
// any linear address, both the page size and either the page frame, access rights, or other
// attributes." On each commit to a live entry,
// compare every probe VA's translation under the newest writes just before and just after.

import { A_AF, A_DBM } from '../arch/attrs.js';
import { descName, hex, locName, vaName } from './describe.js';
import { liveChangeProperty } from './liveChange.js';
import type { Property } from './property.js';

// The accessed and dirty state are not attributes in the note's sense.
const STATE_BITS = (1 << A_AF) | (1 << A_DBM);

export function sizeAndAttrChangeProperty(): Property {
  return liveChangeProperty('size-and-attr-change', (m, _s, ev, p, before, after, out) => {
    if (!before.valid || !after.valid || before.size === after.size) return false;
    const frame = before.oa !== after.oa;
    const attrs = ((before.attrs ^ after.attrs) & ~STATE_BITS) !== 0;
    if (!frame && !attrs) return false;
    const level = after.touchedLevel;
    const what = [
      frame ? `page frame (PA ${hex(before.oa * 4096)} -> ${hex(after.oa * 4096)})` : '',
      attrs ? `attributes (${m.enc.describeAttrs(before.attrs)} -> ${m.enc.describeAttrs(after.attrs)})` : '',
    ].filter(Boolean).join(' and ');
    out.push({
      kind: 'size-and-attr-change',
      message: `CPU${ev.cpu} wrote ${descName(m, ev.lo, ev.hi, level)} over ${descName(m, ev.oldLo, ev.oldHi, level)} at the level-${level} ${locName(m, ev.loc)}, live for ${vaName(m, p)}: ` +
        `the VA's page size changed (${2 ** before.size * 4} KiB -> ${2 ** after.size * 4} KiB) together with its ${what}. ` +
        "Intel's TLB application note: software should not write to a paging-structure entry in a way that would change, for any linear address, both the page size and either the page frame or attributes.",
    });
    return true;
  });
}
