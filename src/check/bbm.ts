// Break-before-make, per VA (Arm ARM D8.16 "Translation table entry changes"; the break
// states follow casemate). On each commit to a live descriptor, compare every probe VA's
// translation under the newest writes just before and just after:
//   valid -> valid with a different output address or memory attributes: violation;
//   valid -> valid with only a different size: needs BBM level 2-noabort;
//   valid -> invalid: the VA's break starts; it is unclean until the writer's dsb, then a
//     TLBI covering the VA issued by a CPU whose dsb'd view includes the invalid write
//     (all levels if a table entry was broken), then that issuer's dsb(ish);
//   invalid -> valid while the VA's break is not complete: violation, whichever level the
//     new entry is written at.
// Permission-only changes are allowed.

import { ATTR_MEMORY_MASK, DESC_TABLE } from '../arch/attrs.js';
import type { MachineConfig } from '../machine/config.js';
import { DSB_FULL } from '../machine/cpu.js';
import { Ev, type EventBuffer, type MachineEvent } from '../machine/events.js';
import { liveStarts, Translation, translateLatest } from '../machine/latest.js';
import { C_VDSB, G_TIME } from '../machine/layout.js';
import type { Machine } from '../machine/machine.js';
import { TLBI_ALL, TLBI_VA_LAST } from '../machine/tlbi.js';
import { descName, hex, locName, vaName } from './describe.js';
import type { Property, Violation } from './property.js';

const CLEAN = 0;
const UNCLEAN = 1; // written invalid; needs the writer's dsb
const DSBD = 2; // needs a TLBI for the VA
const TLBID = 3; // needs the TLBI issuer's dsb(ish)
// Per probe VA: state, writer, wasTable, TLBI issuer, view of the invalid write.
const REC = 5;
const R_VIEW = 4;
const STATE_NAMES = ['clean', 'invalid-unclean (no dsb yet)', 'invalid, dsb done, no TLBI yet', 'invalid, TLBI issued, no dsb(ish) after it'];

const before = new Translation();
const after = new Translation();

export function bbmProperty(cfg: MachineConfig): Property {
  const probes = cfg.probes.length;
  return {
    name: 'bbm',
    // A TLBI counts if its issuer's dsb view is at least the break's: no older view may share its number.
    regions: [{ name: 'bbm', size: probes * REC, viewOffsets: viewOffsets(probes), exactBelowOffsets: viewOffsets(probes) }],
    onEvents(m: Machine, s: Int32Array, events: EventBuffer, out: Violation[]): void {
      const base = m.layout.region('bbm');
      for (let i = 0; i < events.length; i++) {
        const ev = events.items[i]!;
        if (ev.kind === Ev.Commit && ev.loc < m.layout.tableLocs) onCommit(m, s, base, ev, out);
        else if (ev.kind === Ev.Dsb) onDsb(m, s, base, ev);
        else if (ev.kind === Ev.TlbiIssue) onTlbi(m, s, base, ev);
      }
    },
  };
}

function viewOffsets(probes: number): number[] {
  return Array.from({ length: probes }, (_, p) => p * REC + R_VIEW);
}

function onCommit(m: Machine, s: Int32Array, base: number, ev: MachineEvent, out: Violation[]): void {
  for (let p = 0; p < m.layout.probes; p++) {
    const pr = m.cfg.probes[p]!;
    const r = base + p * REC;
    const starts = liveStarts(m, s, pr.region, pr.vaPage, p);
    for (let i = 0; i < starts.length; i += 3) {
      translateLatest(m, s, starts[i]!, starts[i + 1]!, starts[i + 2]!, pr.vaPage, ev.loc, ev.oldLo, ev.oldHi, before);
      if (!before.touched) continue;
      translateLatest(m, s, starts[i]!, starts[i + 1]!, starts[i + 2]!, pr.vaPage, ev.loc, ev.lo, ev.hi, after);
      const level = before.touchedLevel;
      const what = () =>
        `CPU${ev.cpu} wrote ${descName(m, ev.lo, ev.hi, level)} over ${descName(m, ev.oldLo, ev.oldHi, level)} at the level-${level} ${locName(m, ev.loc)}, live for ${vaName(m, p)}`;
      if (before.valid && after.valid) {
        if (before.oa !== after.oa || ((before.attrs ^ after.attrs) & ATTR_MEMORY_MASK) !== 0) {
          out.push({ kind: 'bbm', message: `${what()}: the VA's output address or memory attributes changed (PA ${hex(before.oa * 4096)} -> ${hex(after.oa * 4096)}) without break-before-make (invalid, dsb, TLBI, dsb first).` });
          return;
        }
        if (before.size !== after.size && m.cfg.bbm !== '2-noabort') {
          out.push({ kind: 'bbm', message: `${what()}: the mapping size changed (${2 ** before.size * 4} KiB -> ${2 ** after.size * 4} KiB) without break-before-make, which needs FEAT_BBM level 2 without aborts (the machine has BBM level ${m.cfg.bbm}).` });
          return;
        }
      } else if (before.valid && !after.valid) {
        if (s[r] === CLEAN) {
          s[r] = UNCLEAN;
          s[r + 1] = ev.cpu;
          s[r + 2] = m.enc.descKind(ev.oldLo, ev.oldHi, level) === DESC_TABLE ? 1 : 0;
          s[r + R_VIEW] = s[G_TIME]!; // the invalid write is the newest one
        }
      } else if (!before.valid && after.valid && s[r] !== CLEAN) {
        out.push({ kind: 'bbm', message: `${what()}: a valid entry was made before the break of this VA was complete (it is ${STATE_NAMES[s[r]!]}).` });
        return;
      }
    }
  }
}

function onDsb(m: Machine, s: Int32Array, base: number, ev: MachineEvent): void {
  for (let p = 0; p < m.layout.probes; p++) {
    const r = base + p * REC;
    if (s[r] === UNCLEAN && s[r + 1] === ev.cpu) s[r] = DSBD;
    else if (s[r] === TLBID && s[r + 3] === ev.cpu && ev.a === DSB_FULL) s.fill(0, r, r + REC);
  }
}

function onTlbi(m: Machine, s: Int32Array, base: number, ev: MachineEvent): void {
  // A local TLBI reaches only its issuer: other CPUs may still hold the old entry.
  if (ev.c === 0 && m.layout.cpus > 1) return;
  // The TLBI orders later walks only after what its issuer had ordered by a dsb.
  const issuerView = s[m.layout.cpu(ev.cpu) + C_VDSB]!;
  for (let p = 0; p < m.layout.probes; p++) {
    const r = base + p * REC;
    if (s[r] !== DSBD || issuerView < s[r + R_VIEW]!) continue;
    const pr = m.cfg.probes[p]!;
    if (ev.a !== TLBI_ALL) {
      if (ev.b !== pr.region) continue;
      if (s[r + 2] && ev.a === TLBI_VA_LAST) continue; // last-level TLBIs leave walk caches
      if (!(pr.vaPage >= ev.va && pr.vaPage < ev.va + ev.level)) continue;
    }
    s[r] = TLBID;
    s[r + 3] = ev.cpu;
  }
}
