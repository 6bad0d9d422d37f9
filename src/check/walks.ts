// What a walker must never read: a slot of a table never written since its frame was
// allocated without zeroing, or memory that is not a page table (torn-walk); a freed
// frame, reached through a stale pointer or walk-cache entry (walk-after-free).

import { Ev, type EventBuffer } from '../machine/events.js';
import { FRAME_FREED, type Machine } from '../machine/machine.js';
import { WR_NOT_TABLE, WR_UNINIT } from '../machine/walk.js';
import { descName, locName, vaName } from './describe.js';
import type { Property, Violation } from './property.js';

export function tornWalkProperty(): Property {
  return {
    name: 'torn-walk',
    onEvents(m: Machine, _s: Int32Array, events: EventBuffer, out: Violation[]): void {
      for (let i = 0; i < events.length; i++) {
        const ev = events.items[i]!;
        if (ev.kind !== Ev.WalkRead) continue;
        if (ev.a & WR_UNINIT)
          out.push({ kind: 'torn-walk', message: `CPU${ev.cpu}'s walker, walking ${vaName(m, ev.probe)}, read the level-${ev.level} ${locName(m, ev.loc)} before it was initialised: the table was published before its entries were visible to walkers (a missing dsb(ishst)/smp_wmb between filling the table and populating the entry that points to it).` });
        else if (ev.a & WR_NOT_TABLE)
          out.push({ kind: 'torn-walk', message: `CPU${ev.cpu}'s walker, walking ${vaName(m, ev.probe)}, read ${descName(m, ev.lo, ev.hi, ev.level)} at the level-${ev.level} ${locName(m, ev.loc)}, a table descriptor pointing outside the page-table frames: it followed junk.` });
      }
    },
  };
}

export function walkAfterFreeProperty(): Property {
  return {
    name: 'walk-after-free',
    onEvents(m: Machine, _s: Int32Array, events: EventBuffer, out: Violation[]): void {
      for (let i = 0; i < events.length; i++) {
        const ev = events.items[i]!;
        if (ev.kind === Ev.WalkRead && ev.b === FRAME_FREED)
          out.push({ kind: 'walk-after-free', message: `CPU${ev.cpu}'s walker, walking ${vaName(m, ev.probe)}, read the level-${ev.level} ${locName(m, ev.loc)} in frame ${Math.floor(ev.loc / m.layout.entries)}, which has been freed (reached through a stale table pointer or walk-cache entry).` });
      }
    },
  };
}
