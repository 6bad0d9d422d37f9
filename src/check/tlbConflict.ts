// TLB conflicts (Arm ARM D8.16.1 "TLB conflict aborts"; FEAT_BBM): two entries in one
// CPU's TLB that translate a common VA. Different output address or memory attributes
// conflict at every BBM level; a difference in size alone conflicts at level 0, may raise
// a TLB conflict abort at level 2, and is fine at level 2-noabort. Permission-only
// differences are stale entries, not conflicts.

import { ATTR_MEMORY_MASK } from '../arch/attrs.js';
import { Ev, type EventBuffer } from '../machine/events.js';
import { TLB_ENTRY } from '../machine/layout.js';
import type { Machine } from '../machine/machine.js';
import { T_ATTRS, T_LEVEL, T_OA, T_REGION, T_SIZE, T_VABASE, tlbBase } from '../machine/tlb.js';
import { tlbEntryName, tlbTupleName, vaName } from './describe.js';
import type { Property, Violation } from './property.js';

export function tlbConflictProperty(): Property {
  return {
    name: 'tlb-conflict',
    onEvents(m: Machine, s: Int32Array, events: EventBuffer, out: Violation[]): void {
      for (let i = 0; i < events.length; i++) {
        const ev = events.items[i]!;
        if (ev.kind !== Ev.TlbFill) continue;
        const region = m.cfg.probes[ev.probe]!.region;
        const tb = tlbBase(m, ev.cpu);
        for (let j = 0; j < s[tb]!; j++) {
          const e = tb + 1 + j * TLB_ENTRY;
          if (s[e + T_REGION] !== region) continue;
          const b2 = s[e + T_VABASE]!;
          const s2 = s[e + T_SIZE]!;
          if (b2 === ev.va && s2 === ev.b && s[e + T_OA] === ev.c && s[e + T_ATTRS] === ev.a && s[e + T_LEVEL] === ev.level) continue;
          const overlap = ev.va >= b2 ? ev.va < b2 + 2 ** s2 : b2 < ev.va + 2 ** ev.b;
          if (!overlap) continue;
          const sameOa = ev.c - ev.va === s[e + T_OA]! - b2;
          const sameMem = ((ev.a ^ s[e + T_ATTRS]!) & ATTR_MEMORY_MASK) === 0;
          const sameSize = ev.b === s2 && ev.level === s[e + T_LEVEL];
          const pair = `${tlbTupleName(m, region, ev.va, ev.b, ev.c, ev.a, ev.level)} (filled now by a walk for ${vaName(m, ev.probe)}) and ${tlbEntryName(m, s, e)}`;
          if (!sameOa || !sameMem) {
            out.push({ kind: 'tlb-conflict', message: `CPU${ev.cpu}'s TLB holds ${pair}, which translate a common VA to ${sameOa ? 'different memory attributes' : 'different output addresses'}: a TLB conflict at every BBM level.` });
            return;
          }
          if (!sameSize && m.cfg.bbm === '0') {
            out.push({ kind: 'tlb-conflict', message: `CPU${ev.cpu}'s TLB holds ${pair}, which differ only in size: a TLB conflict without FEAT_BBM level 2 (the machine has level 0).` });
            return;
          }
          if (!sameSize && m.cfg.bbm === '2') {
            out.push({ kind: 'tlb-conflict-abort', message: `CPU${ev.cpu}'s TLB holds ${pair}, which differ only in size: at BBM level 2 an access may take a TLB conflict abort (only BBML2_NOABORT makes this safe).` });
            return;
          }
        }
      }
    },
  };
}
