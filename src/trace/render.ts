// Rendering a run as text: one line per step, one column per CPU for its program steps
// (with the kernel-C source line), walker and commit events in their own lane, descriptor
// values in hex with decoded flags.

import { DESC_TABLE } from '../arch/attrs.js';
import { C_TTBR, C_TTBR_PENDING } from '../machine/layout.js';
import { historyLength, writeAt } from '../machine/memory.js';
import type { Step } from '../explore/choicePath.js';
import type { Session } from '../explore/session.js';
import { Ev, type MachineEvent } from '../machine/events.js';
import { A_COMMIT, A_PROG, A_TLBI, A_WALK } from '../machine/transitions.js';
import { TLBI_NAMES } from '../machine/tlbi.js';
import type { Machine } from '../machine/machine.js';
import type { KernelDriver } from '../lang/runtime.js';
import { renderEndState } from './tree.js';

const hex = (n: number): string => '0x' + n.toString(16);

/**
 * The level of each table frame, as the run's end state links them (a frame that is
 * filled before it is published is only known from where it ends up).
 */
function frameLevels(m: Machine, s: Int32Array): Map<number, number> {
  const levels = new Map<number, number>();
  const visit = (f: number, level: number): void => {
    if (f < 0 || levels.has(f) || level > 3) return;
    levels.set(f, level);
    if (level === 3) return;
    for (let i = 0; i < m.layout.entries; i++) {
      const loc = f * m.layout.entries + i;
      for (let k = 0; k < historyLength(m, s, loc); k++) {
        const w = writeAt(m, loc, k);
        if (m.enc.descKind(s[w]!, s[w + 1]!, level) === DESC_TABLE) visit(m.frameOfPfn(m.enc.descPfn(s[w]!, s[w + 1]!)), level + 1);
      }
    }
  };
  for (let c = 0; c < m.layout.cpus; c++)
    for (let r = 0; r < 2; r++) {
      visit(s[m.layout.cpu(c) + C_TTBR + r]! - 1, m.cfg.geometry.rootLevel);
      visit(s[m.layout.cpu(c) + C_TTBR_PENDING + r]! - 2, m.cfg.geometry.rootLevel);
    }
  return levels;
}

function eventText(m: Machine, e: MachineEvent, levels: Map<number, number>): string | null {
  const pa = e.loc >= 0 ? hex(m.paOfLoc(e.loc)) : '';
  const val = (lo: number, hi: number, _hint: number): string => {
    const raw = '0x' + ((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString(16); // exact: descriptors exceed 2^53
    if (e.loc < 0 || e.loc >= m.layout.tableLocs) return raw;
    const level = levels.get(Math.floor(e.loc / m.layout.entries));
    return level === undefined ? raw : m.enc.describeDesc(lo, hi, level);
  };
  switch (e.kind) {
    case Ev.Store: return `store ${val(e.lo, e.hi, 3)} -> [${pa}] (buffered)`;
    case Ev.Commit: return `commit [${pa}] = ${val(e.lo, e.hi, 3)}`;
    case Ev.Read: return `load [${pa}] = ${val(e.lo, e.hi, 3)}`;
    case Ev.Rmw: return `atomic [${pa}]: read ${val(e.oldLo, e.oldHi, 3)}, ${e.b ? `write ${val(e.lo, e.hi, 3)} buffered` : `wrote ${val(e.lo, e.hi, 3)}`}`;
    case Ev.Dsb: return `dsb(${['', 'ishst', 'ish', 'nsh'][e.a]})`;
    case Ev.Dmb: return `dmb(${['', 'ishst', 'ishld', 'ish'][e.a]})`;
    case Ev.Isb: return 'isb';
    case Ev.TlbiIssue: return `tlbi ${TLBI_NAMES[e.a]}${e.c ? 'is' : ''} ${e.a === 3 ? '' : `VA ${hex(e.va * 4096)}${e.level > 1 ? ` (+${e.level} pages)` : ''}`}`;
    case Ev.TlbiDone: return `tlbi ${TLBI_NAMES[e.a]} from CPU${e.c} completes here`;
    case Ev.WalkRead: return `walk VA ${hex(m.cfg.probes[e.probe]!.va)}: level ${e.level} [${pa}] = ${m.enc.describeDesc(e.lo, e.hi, e.level)}`;
    case Ev.WalkFault: return `walk VA ${hex(m.cfg.probes[e.probe]!.va)}: fault at level ${e.level}`;
    case Ev.TlbFill: return `TLB fill VA ${hex(e.va * 4096)} -> PA ${hex(e.c * 4096)} (${2 ** e.b * 4} KiB)`;
    case Ev.Access: return `${e.a ? 'write' : 'read'} VA ${hex(m.cfg.probes[e.probe]!.va)}${e.b ? ` FAULT (${['', 'translation', 'access flag', 'permission'][e.b]})` : ''}`;
    case Ev.TtbrWrite: return `${m.cfg.profile === 'x86_64' ? 'CR3' : `TTBR${e.a}`} <- frame ${e.b}`;
    case Ev.Alloc: return e.a < 0 ? 'table allocation FAILS' : `allocate table frame ${e.a} at PA ${hex(m.framePa(e.a))}${e.b ? ' (zeroed)' : ' (not zeroed)'}`;
    case Ev.Free: return `free table frame ${e.a}`;
    case Ev.Lazy: return e.a ? 'enter lazy MMU mode' : 'leave lazy MMU mode';
    default: return null;
  }
}

const WALKER_EVENTS = new Set<number>([Ev.WalkRead, Ev.WalkFault, Ev.TlbFill, Ev.WalkCacheFill]);

/** Replay `steps` from the initial state, rendering each; calls onStep for checks. */
export function renderRun(session: Session, steps: readonly Step[]): string[] {
  const { m } = session;
  const d = session.driver as KernelDriver;
  const end = session.initialState();
  for (const st of steps) session.step(end, st.kind, st.cpu, st.arg, st.choice, []);
  const levels = frameLevels(m, end);
  const s = session.initialState();
  const lines: string[] = [];
  const cpus = m.layout.cpus;
  steps.forEach((st, i) => {
    const pos = st.kind === A_PROG && d.position ? d.position(m, s, st.cpu) : undefined;
    session.step(s, st.kind, st.cpu, st.arg, st.choice, []);
    const evs: string[] = [];
    for (let k = 0; k < m.events.length; k++) {
      const e = m.events.items[k]!;
      const t = eventText(m, e, levels);
      // Unbounded walkers fill on other actors' steps: name whose walker it was.
      const line = t && (st.kind !== A_WALK && WALKER_EVENTS.has(e.kind) ? `CPU${e.cpu} walker: ${t}` : t);
      if (line && !evs.includes(line)) evs.push(line); // walks along several paths may read the same slot
    }
    const lane = st.kind === A_PROG ? st.cpu : cpus;
    const who = st.kind === A_PROG ? `CPU${st.cpu}` : st.kind === A_WALK ? `CPU${st.cpu} walker` : st.kind === A_COMMIT ? `CPU${st.cpu} store buffer` : st.kind === A_TLBI ? `CPU${st.cpu} TLB` : '?';
    const where = pos ? `${pos.fn}() ${pos.file.split('/').pop()}:${pos.line}` : '';
    lines.push(`${String(i + 1).padStart(4)} ${' '.repeat(2 * lane)}${who}: ${where}${where && evs.length ? ' | ' : ''}${evs.join('; ')}`);
  });
  lines.push('', ...renderEndState(m, s));
  return lines;
}
