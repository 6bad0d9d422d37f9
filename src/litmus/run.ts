// Run one litmus test on the machine: explore every execution, collect the final states in
// herd's notation (the registers, memory and faults the condition and `locations` name,
// plus every fault taken), and judge the condition over them.

import { makeProperties } from '../check/index.js';
import { explore } from '../explore/dfs.js';
import { eagerSteps, NO_REDUCTION } from '../explore/reduction.js';
import { Session } from '../explore/session.js';
import { joinDesc } from '../arch/arm64/decode.js';
import { newestWrite } from '../machine/memory.js';
import type { Machine } from '../machine/machine.js';
import type { Cond, LitmusTest, Loc } from './ast.js';
import { FT_ACCESS_FLAG, FT_PERMISSION, FT_SVC, FT_TRANSLATION, FT_UNDEFINED, LitmusDriver, ST_DISCARDED, ST_ERROR } from './driver.js';
import { HardwareUpdates } from './hardwareUpdates.js';
import { prepare, type Prepared } from './setup.js';
import { encodeDesc, formatValue, LitmusUnsupported, ptePa, symbol, varPa } from './values.js';

export type Verdict = 'Allowed' | 'Forbidden' | 'Required';

export interface LitmusResult {
  name: string;
  /** Final states in herd's notation, sorted. */
  states: string[];
  /** How many of them satisfy the condition. */
  positive: number;
  verdict: Verdict;
  /** A break-before-make violation was seen (herd's `Flag Warning-BBM-expected`), if asked. */
  bbm?: boolean;
  /** Executions stopped by something the runner cannot express. */
  errors: string[];
  statesExplored: number;
  complete: boolean;
  ms: number;
}

export interface RunOptions {
  maxStates?: number;
  timeoutMs?: number;
  /** Also run with the bbm property to compare with herd's BBM flag. */
  bbm?: boolean;
  /** Register-only steps explored alone (default on; off to check the reduction). */
  reduction?: boolean;
  /** A machine with FEAT_ETS2. */
  ets2?: boolean;
}

const FAULT_NAMES: Record<number, string> = {
  [FT_TRANSLATION]: 'MMU:Translation', [FT_ACCESS_FLAG]: 'MMU:AccessFlag', [FT_PERMISSION]: 'MMU:Permission',
  [FT_UNDEFINED]: 'UndefinedInstruction', [FT_SVC]: 'SupervisorCall',
};

/** A final state: what the condition's atoms ask of it. */
class Final {
  constructor(private readonly p: Prepared, private readonly d: LitmusDriver, private readonly m: Machine, private readonly s: Int32Array) {}

  reg(thread: number, name: string): bigint {
    const t = this.p.threads[thread];
    const r = t?.regs.get(name.replace(/^W/, 'X'));
    if (r === undefined) return 0n;
    const v = this.d.reg(this.m, this.s, thread, r);
    return /^W/.test(name) ? v & 0xffff_ffffn : v;
  }

  mem(name: string): bigint {
    const sym = symbol(name);
    const i = this.p.vars.get(sym.v)!;
    const loc = this.m.locOfPa(sym.kind === 'pte' ? ptePa(i) : varPa(i));
    const w = newestWrite(this.m, this.s, loc);
    return joinDesc(this.s[w]!, this.s[w + 1]!);
  }

  faults(thread: number): { label?: string; loc?: string; type: string }[] {
    const t = this.p.threads[thread]!;
    return this.d.faults(this.m, this.s, thread).map((f) => ({
      label: [...t.labels].find(([, k]) => k === f.index)?.[0],
      loc: f.v >= 0 ? this.p.vars.names[f.v] : undefined,
      type: FAULT_NAMES[f.type]!,
    }));
  }
}

function holds(p: Prepared, f: Final, c: Cond): boolean {
  switch (c.kind) {
    case 'const': return c.value;
    case 'not': return !holds(p, f, c.arg);
    case 'and': return c.args.every((a) => holds(p, f, a));
    case 'or': return c.args.some((a) => holds(p, f, a));
    case 'atom': {
      const l = c.loc;
      if (l.kind === 'fault') {
        const type = l.type?.replace(/^D-/, '');
        return f.faults(l.thread).some((x) => (!l.label || x.label === l.label) && (!l.loc || x.loc === symbol(l.loc).v) && (!type || x.type === type));
      }
      // A PTE location's descriptor defaults its oa to the variable's own page (herd's add_oa_if_none).
      const own = l.kind === 'mem' && symbol(l.name).kind === 'pte' ? p.vars.get(symbol(l.name).v) : undefined;
      const want = c.value!.kind === 'desc' && own !== undefined ? encodeDesc(c.value!, p.vars, own) : p.value(c.value!);
      const got = l.kind === 'reg' ? f.reg(l.thread, l.reg) : f.mem(l.name);
      return got === BigInt.asUintN(64, want);
    }
  }
}

function condLocs(c: Cond | undefined, out: Loc[]): void {
  if (!c) return;
  if (c.kind === 'atom') out.push(c.loc);
  else if (c.kind === 'not') condLocs(c.arg, out);
  else if (c.kind === 'and' || c.kind === 'or') c.args.forEach((a) => condLocs(a, out));
}

/** herd's line for a final state: registers, then memory, then faults. */
function stateLine(p: Prepared, f: Final, locs: Loc[]): string {
  const labelName = (t: number, k: number): string | undefined => [...(p.threads[t]?.labels ?? [])].find(([, i]) => i === k)?.[0];
  const fmt = (v: bigint): string => formatValue(v, p.vars, labelName);
  const regs = new Map<string, string>();
  const mems = new Map<string, string>();
  for (const l of locs) {
    if (l.kind === 'reg') regs.set(`${l.thread}:${l.reg}`, `${l.thread}:${l.reg}=${fmt(f.reg(l.thread, l.reg))}`);
    else if (l.kind === 'mem') {
      const s = symbol(l.name);
      const name = s.kind === 'pte' ? `PTE(${s.v})` : s.kind === 'pa' ? `PA(${s.v})` : s.v;
      mems.set(name, `[${name}]=${fmt(f.mem(l.name))}`);
    }
  }
  const regKey = (k: string): number => {
    const [t, r] = k.split(':');
    return Number(t) * 1000 + Number(/\d+/.exec(r!)?.[0] ?? 999);
  };
  const parts = [...[...regs].sort((a, b) => regKey(a[0]) - regKey(b[0])).map(([, v]) => v), ...[...mems.values()].sort()];
  // herd shows the faults an atom of the condition or `locations` matches, each in full:
  // its instruction's label, its location, its type.
  const seen = new Set<string>();
  for (const l of locs) {
    if (l.kind !== 'fault') continue;
    const type = l.type?.replace(/^D-/, '');
    for (const x of f.faults(l.thread)) {
      if ((l.label && x.label !== l.label) || (l.loc && x.loc !== symbol(l.loc).v) || (type && x.type !== type)) continue;
      const text = `Fault(P${l.thread}${x.label ? ':' + x.label : ''}${x.loc ? ',' + x.loc : ''},${x.type})`;
      if (!seen.has(text)) parts.push(text);
      seen.add(text);
    }
  }
  return parts.map((x) => x + ';').join(' ');
}

/** Each thread's hardware updates when some thread has hardware AF; the first such thread makes the spontaneous ones. */
function hardwareUpdates(p: Prepared): HardwareUpdates[] | undefined {
  const ha = p.cfg.hardwareAf;
  if (!ha.some(Boolean)) return undefined;
  const ptes = p.vars.names.map((_, i) => p.addr.locOfPa.get(ptePa(i))!);
  const first = ha.indexOf(true);
  return ha.map((_, c) => new HardwareUpdates(ptes, c === first));
}

export function runLitmus(test: LitmusTest, opts: RunOptions = {}): LitmusResult {
  const t0 = performance.now();
  const p = prepare(test, opts.ets2 ?? false);
  const driver = new LitmusDriver(p.threads, p.initRegs, p.addr, p.faultMode, hardwareUpdates(p), p.el0);
  const session = new Session(p.cfg, driver, []);
  const m = session.m;
  for (const [pa, loc] of p.addr.locOfPa) if (m.locOfPa(pa) !== loc) throw new Error(`litmus layout: PA 0x${pa.toString(16)} is not location ${loc}`);
  const locs: Loc[] = [];
  condLocs(test.condition, locs);
  locs.push(...test.locations);
  const sat = new Map<string, boolean>();
  const res = explore(session, {
    reduction: opts.reduction === false ? NO_REDUCTION : eagerSteps(driver),
    maxStates: opts.maxStates ?? 2_000_000,
    timeoutMs: opts.timeoutMs ?? 60_000,
    keepGoing: true,
    observe: (s) => {
      for (let c = 0; c < p.threads.length; c++) {
        if (driver.status(m, s, c) === ST_ERROR) return '#error';
        if (driver.status(m, s, c) === ST_DISCARDED || driver.discarded(m, s, c)) return '#discarded';
      }
      const f = new Final(p, driver, m, s);
      if (test.filter && !holds(p, f, test.filter)) return '#filtered';
      const line = stateLine(p, f, locs);
      if (!sat.has(line)) sat.set(line, holds(p, f, test.condition));
      return line;
    },
  });
  const states = [...res.finals].filter((k) => !k.startsWith('#')).sort();
  const positive = states.filter((k) => sat.get(k)).length;
  const verdict: Verdict = test.quantifier === 'forall'
    ? positive === states.length ? 'Required' : positive > 0 ? 'Allowed' : 'Forbidden'
    : positive > 0 ? 'Allowed' : 'Forbidden';
  const out: LitmusResult = {
    name: test.name, states, positive, verdict, errors: [...driver.errors], statesExplored: res.states,
    complete: res.verdict !== 'incomplete', ms: 0,
  };
  if (res.finals.has('#error') && out.errors.length === 0) out.errors.push('an execution stopped with an error');
  if (states.length === 0 && out.errors.length === 0 && out.complete) out.errors.push('no execution reaches a final state');
  if (opts.bbm) out.bbm = bbmSeen(p, opts);
  out.ms = performance.now() - t0;
  return out;
}

/** Whether any execution breaks break-before-make (a second search with the bbm property). */
function bbmSeen(p: Prepared, opts: RunOptions): boolean {
  const driver = new LitmusDriver(p.threads, p.initRegs, p.addr, p.faultMode, hardwareUpdates(p), p.el0);
  const session = new Session(p.cfg, driver, makeProperties(p.cfg, ['bbm']));
  const res = explore(session, { maxStates: opts.maxStates ?? 2_000_000, timeoutMs: opts.timeoutMs ?? 60_000, keepGoing: true });
  return res.violations.has('bbm');
}

export { LitmusUnsupported };
