// Break-before-make, per VA (Arm ARM D8.16 "Translation table entry changes"; casemate's
// descriptor states). On each commit to a live descriptor, compare every probe VA's
// translation under the newest writes just before and just after:
//   valid -> valid with a different output address or memory attributes: violation;
//   valid -> valid with only a different size: needs BBM level 2-noabort;
//   valid -> invalid: the break starts; the descriptor is "invalid-unclean" until the
//     writer's dsb, a TLBI covering the VA, and the TLBI issuer's dsb(ish) have happened;
//   invalid -> valid while the break is not complete: violation.
// Permission-only changes are allowed.

import { DESC_TABLE, descKind } from '../arch/arm64/decode.js';
import { ATTR_MEMORY_MASK } from '../arch/arm64/decode.js';
import { DSB_FULL } from '../machine/cpu.js';
import { Ev, type EventBuffer, type MachineEvent } from '../machine/events.js';
import { liveStarts, Translation, translateLatest } from '../machine/latest.js';
import type { Machine } from '../machine/machine.js';
import type { MachineConfig } from '../machine/config.js';
import { TLBI_ALL, TLBI_VA_LAST } from '../machine/tlbi.js';
import { descName, hex, locName, vaName } from './describe.js';
import type { Property, Violation } from './property.js';

const CLEAN = 0;
const UNCLEAN = 1; // written invalid; needs the writer's dsb
const DSBD = 2; // needs a TLBI for the VA
const TLBID = 3; // needs the TLBI issuer's dsb(ish)
// Per-location record: state, writer, VA page, (level | region << 4 | wasTable << 5), TLBI issuer.
const REC = 5;
const STATE_NAMES = ['clean', 'invalid-unclean (no dsb yet)', 'invalid, dsb done, no TLBI yet', 'invalid, TLBI issued, no dsb(ish) after it'];

const before = new Translation();
const after = new Translation();

export function bbmProperty(cfg: MachineConfig): Property {
  const size = cfg.frames * cfg.geometry.entries * REC;
  return {
    name: 'bbm',
    regions: [{ name: 'bbm', size }],
    onEvents(m2: Machine, s: Int32Array, events: EventBuffer, out: Violation[]): void {
      const base = m2.layout.region('bbm');
      for (let i = 0; i < events.length; i++) {
        const ev = events.items[i]!;
        if (ev.kind === Ev.Commit && ev.loc < m2.layout.tableLocs) onCommit(m2, s, base, ev, out);
        else if (ev.kind === Ev.Dsb) onDsb(m2, s, base, ev);
        else if (ev.kind === Ev.TlbiIssue) onTlbi(m2, s, base, ev);
      }
    },
  };
}

function onCommit(m: Machine, s: Int32Array, base: number, ev: MachineEvent, out: Violation[]): void {
  const r = base + ev.loc * REC;
  for (let p = 0; p < m.layout.probes; p++) {
    const pr = m.cfg.probes[p]!;
    const starts = liveStarts(m, s, pr.region, pr.vaPage, p);
    for (let i = 0; i < starts.length; i += 3) {
      translateLatest(m, s, starts[i]!, starts[i + 1]!, starts[i + 2]!, pr.vaPage, ev.loc, ev.oldLo, ev.oldHi, before);
      if (!before.touched) continue;
      translateLatest(m, s, starts[i]!, starts[i + 1]!, starts[i + 2]!, pr.vaPage, ev.loc, ev.lo, ev.hi, after);
      const level = before.touchedLevel;
      const what = () =>
        `CPU${ev.cpu} wrote ${descName(ev.lo, ev.hi, level)} over ${descName(ev.oldLo, ev.oldHi, level)} at the level-${level} ${locName(m, ev.loc)}, live for ${vaName(m, p)}`;
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
          s[r + 2] = pr.vaPage;
          s[r + 3] = level | (pr.region << 4) | (descKind(ev.oldLo, ev.oldHi, level) === DESC_TABLE ? 32 : 0);
        }
      } else if (!before.valid && after.valid && s[r] !== CLEAN) {
        out.push({ kind: 'bbm', message: `${what()}: a valid entry was made before the break was complete (the descriptor is ${STATE_NAMES[s[r]!]}).` });
        return;
      }
    }
  }
}

function onDsb(m: Machine, s: Int32Array, base: number, ev: MachineEvent): void {
  for (let loc = 0; loc < m.layout.tableLocs; loc++) {
    const r = base + loc * REC;
    if (s[r] === UNCLEAN && s[r + 1] === ev.cpu) s[r] = DSBD;
    else if (s[r] === TLBID && s[r + 4] === ev.cpu && ev.a === DSB_FULL) {
      s.fill(0, r, r + REC);
    }
  }
}

function onTlbi(m: Machine, s: Int32Array, base: number, ev: MachineEvent): void {
  // A local TLBI reaches only its issuer: other CPUs may still hold the old entry.
  if (ev.c === 0 && m.layout.cpus > 1) return;
  for (let loc = 0; loc < m.layout.tableLocs; loc++) {
    const r = base + loc * REC;
    if (s[r] !== DSBD) continue;
    const info = s[r + 3]!;
    const level = info & 15;
    const region = (info >> 4) & 1;
    const wasTable = (info & 32) !== 0;
    if (ev.a !== TLBI_ALL) {
      if (ev.b !== region) continue;
      if (wasTable && ev.a === TLBI_VA_LAST) continue; // last-level TLBIs leave walk caches
      const sh = 2 ** m.pagesLog2[level]!;
      const base = Math.floor(s[r + 2]! / sh) * sh;
      if (!(ev.va < base + sh && base < ev.va + ev.level)) continue;
    }
    s[r] = TLBID;
    s[r + 4] = ev.cpu;
  }
}
