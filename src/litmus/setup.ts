// A parsed test made into a machine and a driver: variables numbered in order of first
// mention, their pages and PTEs laid out (values.ts), registers and memory initialised,
// threads assembled. What the machine cannot run is refused here with the reason.

import { resolveMachineConfig, type MachineConfig } from '../machine/config.js';
import { assembleThread, regIndex, type ThreadCode } from './assemble.js';
import type { Cond, LitmusTest, Loc, Value } from './ast.js';
import type { AddressMap, FaultMode } from './driver.js';
import {
  defaultPte, encodeDesc, encodeValue, ENTRIES, FRAME_PFN_BASE, LEAF_FRAME, LitmusUnsupported, ptePa, ROOT_FRAME, symbol, varPa,
  varsOf, varVa, Vars,
} from './values.js';

export interface Prepared {
  test: LitmusTest;
  vars: Vars;
  threads: ThreadCode[];
  initRegs: [number, bigint][][];
  addr: AddressMap;
  faultMode: FaultMode;
  /** Threads at EL0 (`EL0=P0,P2`). */
  el0: boolean[];
  /** A value of the test as a number (a label names P<n>'s instruction; an unknown one is refused). */
  value: (v: Value) => bigint;
  cfg: MachineConfig;
}

/**
 * herd's Variant= tokens for fault handling. Without one, a test with a fault-handler
 * column handles faults (the kvm tests rely on it) and any other test stops the thread.
 */
function faultMode(test: LitmusTest): FaultMode {
  const v = [...test.header].find(([k]) => k.toLowerCase() === 'variant')?.[1] ?? '';
  let mode: FaultMode = test.threads.some((t) => t.handler) ? 'handled' : 'fatal';
  for (const tok of v.split(/[,\s]+/).map((t) => t.toLowerCase()).filter(Boolean)) {
    if (tok === 'vmsa') continue;
    else if (tok === 'precise' || tok === 'fatal') mode = 'fatal';
    else if (tok === 'imprecise' || tok === 'handled') mode = 'handled';
    else if (tok === 'skip' || tok === 'faulttonext') mode = 'skip';
    else throw new LitmusUnsupported(`Variant=${tok}`);
  }
  return mode;
}

function memVar(name: string, vars: Vars): { kind: 'data' | 'pte'; i: number } {
  const s = symbol(name);
  return { kind: s.kind === 'pte' ? 'pte' : 'data', i: vars.add(s.v) };
}

function condVars(c: Cond | undefined, vars: Vars): void {
  if (!c) return;
  if (c.kind === 'atom') {
    locVars(c.loc, vars);
    varsOf(c.value, vars);
  } else if (c.kind === 'not') condVars(c.arg, vars);
  else if (c.kind === 'and' || c.kind === 'or') c.args.forEach((a) => condVars(a, vars));
}

function locVars(l: Loc, vars: Vars): void {
  if (l.kind === 'mem') memVar(l.name, vars);
  if (l.kind === 'fault' && l.loc) vars.add(symbol(l.loc).v);
}

/** `TTHM=HA`, `HD`, `HA HD`, `P0:HA P1:HD`: which threads' walks update AF and dirty state. */
function hardwareManagement(v: string, threads: number): { ha: boolean[]; hd: boolean[] } {
  const ha = Array<boolean>(threads).fill(false);
  const hd = Array<boolean>(threads).fill(false);
  for (const tok of v.split(/[\s,]+/).filter(Boolean)) {
    const m = /^(?:P(\d+):)?(HA|HD)$/i.exec(tok);
    if (!m) throw new LitmusUnsupported(`TTHM=${v}`);
    for (let t = 0; t < threads; t++) {
      if (m[1] !== undefined && Number(m[1]) !== t) continue;
      if (m[2]!.toUpperCase() === 'HD') hd[t] = true;
      ha[t] = true;
    }
  }
  return { ha, hd };
}

/** The machine for a test; `ets2` gives it FEAT_ETS2 (herd7's `-variant vmsa,ets2`). */
export function prepare(test: LitmusTest, ets2 = false): Prepared {
  const mode = faultMode(test);
  const vars = new Vars();
  for (const it of test.init) {
    locVars(it.loc, vars);
    varsOf(it.value, vars);
  }
  condVars(test.condition, vars);
  condVars(test.filter, vars);
  test.locations.forEach((l) => locVars(l, vars));

  const procs = [...new Set(test.threads.map((t) => t.proc))].sort((a, b) => a - b);
  procs.forEach((p, k) => {
    if (p !== k) throw new LitmusUnsupported(`thread P${p} without P${k}`);
  });
  const threads = procs.map((p) => {
    const main = test.threads.find((t) => t.proc === p && !t.handler)!;
    const h = test.threads.find((t) => t.proc === p && t.handler);
    return assembleThread(main.code, main.endLabels, h?.code, h?.endLabels ?? []);
  });
  const threadIndex = (name: string): number => Number(/^P?(\d+)/.exec(name)?.[1] ?? -1);
  const labelIndex = (t: number, l: string): number => {
    const k = threads[t]?.labels.get(l);
    if (k === undefined) throw new LitmusUnsupported(`label ${l} is not in P${t}`);
    return k;
  };
  const value = (v: Value): bigint => encodeValue(v, vars, threadIndex, labelIndex);

  const initRegs: [number, bigint][][] = threads.map(() => []);
  const data = new Map<number, bigint>();
  const ptes = new Map<number, bigint>();
  for (const it of test.init) {
    if (it.loc.kind === 'reg') {
      const t = threads[it.loc.thread];
      if (!t) throw new LitmusUnsupported(`${it.at.line}:${it.at.col}: register of a thread the test does not have`);
      const name = it.loc.reg.replace(/^W/, 'X');
      initRegs[it.loc.thread]!.push([regIndex(t, name), it.value ? value(it.value) : 0n]);
    } else if (it.loc.kind === 'mem') {
      const mv = memVar(it.loc.name, vars);
      if (mv.kind === 'pte') {
        const v = it.value;
        ptes.set(mv.i, v?.kind === 'desc' ? encodeDesc(v, vars, mv.i) : v ? value(v) : defaultPte(mv.i));
      } else data.set(mv.i, it.value ? value(it.value) : 0n);
    }
  }
  // Registers the condition reads exist even if no instruction names them.
  const regLocs = (c: Cond | undefined): void => {
    if (!c) return;
    if (c.kind === 'atom' && c.loc.kind === 'reg' && threads[c.loc.thread]) regIndex(threads[c.loc.thread]!, c.loc.reg.replace(/^W/, 'X'));
    if (c.kind === 'not') regLocs(c.arg);
    if (c.kind === 'and' || c.kind === 'or') c.args.forEach(regLocs);
  };
  regLocs(test.condition);
  regLocs(test.filter);
  for (const l of test.locations) if (l.kind === 'reg' && threads[l.thread]) regIndex(threads[l.thread]!, l.reg.replace(/^W/, 'X'));

  const hw = hardwareManagement(test.header.get('TTHM') ?? '', threads.length);
  const n = vars.names.length;
  const leaf = Array.from({ length: ENTRIES }, (_, k) => (k >= 1 && k <= n ? ptes.get(k - 1) ?? defaultPte(k - 1) : 0n));
  const addr: AddressMap = { probeOfVa: new Map(), locOfPa: new Map() };
  for (let i = 0; i < n; i++) {
    addr.probeOfVa.set(varVa(i), i);
    addr.locOfPa.set(ptePa(i), LEAF_FRAME * ENTRIES + i + 1);
    addr.locOfPa.set(varPa(i), 2 * ENTRIES + i);
  }
  const cfg = resolveMachineConfig({
    geometry: { levels: 2, entries: ENTRIES },
    cpus: threads.length,
    frames: 2,
    frameInit: {
      [ROOT_FRAME]: { init: 'zero', content: [BigInt((FRAME_PFN_BASE + LEAF_FRAME) * 4096) | 3n] },
      [LEAF_FRAME]: { init: 'zero', content: leaf },
    },
    framePfnBase: FRAME_PFN_BASE,
    dataWords: vars.names.map((_, i) => varPa(i)),
    dataInit: vars.names.map((_, i) => data.get(i) ?? 0n),
    probes: vars.names.map((_, i) => ({ va: varVa(i), ttbr: 0 as const })),
    ttbr0: ROOT_FRAME,
    unboundedWalks: true,
    // Loops that rewrite a PTE with hardware updates keep more than the default 4 writes readable.
    historyDepth: 8,
    tlbEntries: 32,
    walkCacheEntries: 16,
    bbm: '0',
    memoryModel: 'relaxed',
    hardwareAf: hw.ha,
    hardwareDirty: hw.hd,
    ets2,
  }, 'litmus');
  const el0 = threads.map(() => false);
  for (const tok of (test.header.get('EL0') ?? '').split(/[,\s]+/).filter(Boolean)) {
    const m = /^P(\d+)$/.exec(tok);
    if (!m || Number(m[1]) >= threads.length) throw new LitmusUnsupported(`EL0=${test.header.get('EL0')}`);
    el0[Number(m[1])] = true;
  }
  return { test, vars, threads, initRegs, addr, faultMode: mode, el0, value, cfg };
}
