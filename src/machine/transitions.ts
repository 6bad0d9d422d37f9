// The machine's transitions from a state: a CPU's program step (through a CpuDriver, which
// the language or a test program provides), a store commit, a TLBI completing on a CPU, a
// walker step. Enumeration order is fixed, so a choice index names a successor and a list
// of them replays a run.

import { canCommit, commitStore, sbCount } from './cpu.js';
import { collectAfterStep, floorSum, retireViews } from './memory.js';
import { P_WACTIVE, type ExtraRegion } from './layout.js';
import type { Machine } from './machine.js';
import { saturateWalks, walksMayChange } from './saturate.js';
import { tlbiComplete, tlbiPending } from './tlbi.js';
import { walkerChoices, walkerStep } from './walk.js';

export interface CpuDriver {
  /** Layout regions the driver keeps its per-CPU state in (pc, registers, stack). */
  readonly regions: readonly ExtraRegion[];
  init(m: Machine, s: Int32Array): void;
  /** The CPU has returned from everything it runs. */
  done(m: Machine, s: Int32Array, cpu: number): boolean;
  /** Ways the CPU's next step can go; 0 when it is blocked or done. */
  choices(m: Machine, s: Int32Array, cpu: number): number;
  step(m: Machine, s: Int32Array, cpu: number, choice: number): void;
  /** One line on what the CPU's next step is, for traces. */
  describe?(m: Machine, s: Int32Array, cpu: number): string;
  /** Whether the CPU's program may ever make a translated access (default: yes). */
  translates?(cpu: number): boolean;
  /** Whether code run over the CPU's state after it returned (a final predicate) may (default: yes). */
  translatesWhenDone?(cpu: number): boolean;
  /** Whether the CPU's program may ever write a TTBR (default: yes). */
  writesTtbr?(cpu: number): boolean;
  /** Whether any CPU's program may make a relaxed atomic read-modify-write (default: yes). */
  relaxedAtomics?(): boolean;
  /** Whether explicit accesses reach a table allocated in the run only through a pointer read from memory, and fail otherwise (default: no). */
  tableProvenance?(): boolean;
  /** Move the violations the last step found in the program itself (assert, model-error) into out. */
  takeViolations?(out: { kind: string; message: string }[]): void;
}

export const A_PROG = 1;
export const A_COMMIT = 2;
export const A_TLBI = 3;
export const A_WALK = 4;
/** How a CPU's next step bears on walkers (the reduction's postponed walk starts): on none, */
export const WALKS_NONE = 0;
/** on what its own walks read or fill (isb, TTBR write, translated access), */
export const WALKS_OWN = 1;
/** or on what every walker may read (it allocates or frees a frame). */
export const WALKS_ALL = 2;
export const ACTION_NAMES: Record<number, string> = { [A_PROG]: 'step', [A_COMMIT]: 'commit', [A_TLBI]: 'tlbi-complete', [A_WALK]: 'walk' };

/** A growable list of actions: (kind, cpu, arg, choice) quadruples. */
export class ActionList {
  data = new Int32Array(256);
  length = 0;

  clear(): void {
    this.length = 0;
  }

  push(kind: number, cpu: number, arg: number, choice: number): void {
    if ((this.length + 1) * 4 > this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    const o = this.length++ * 4;
    this.data[o] = kind;
    this.data[o + 1] = cpu;
    this.data[o + 2] = arg;
    this.data[o + 3] = choice;
  }

  kind(i: number): number { return this.data[i * 4]!; }
  cpu(i: number): number { return this.data[i * 4 + 1]!; }
  arg(i: number): number { return this.data[i * 4 + 2]!; }
  choice(i: number): number { return this.data[i * 4 + 3]!; }
}

export function enumerate(m: Machine, d: CpuDriver, s: Int32Array, out: ActionList): void {
  out.clear();
  const L = m.layout;
  for (let c = 0; c < L.cpus; c++) {
    const k = d.choices(m, s, c);
    for (let i = 0; i < k; i++) out.push(A_PROG, c, 0, i);
    const n = sbCount(m, s, c);
    for (let i = 0; i < n; i++) if (canCommit(m, s, c, i)) out.push(A_COMMIT, c, i, 0);
    if (tlbiPending(m, s, c) > 0) out.push(A_TLBI, c, 0, 0);
    for (let p = 0; p < L.probes; p++) {
      const w = walkerChoices(m, s, c, p);
      for (let i = 0; i < w; i++) out.push(A_WALK, c, p, i);
    }
  }
}

/** Apply an action to s in place; m.events holds what happened. */
export function apply(m: Machine, d: CpuDriver, s: Int32Array, kind: number, cpu: number, arg: number, choice: number): void {
  m.events.clear();
  // Under sc and tso only the newest write is kept: no floor drops anything.
  const collects = m.cfg.eagerCollection && m.compactMemory && !m.readsNewest && (kind === A_PROG || kind === A_TLBI);
  const floors = collects ? floorSum(m, s, cpu) : 0;
  m.floorsRose = false;
  switch (kind) {
    case A_PROG: d.step(m, s, cpu, choice); break;
    case A_COMMIT: commitStore(m, s, cpu, arg); break;
    case A_TLBI: tlbiComplete(m, s, cpu); break;
    case A_WALK: walkerStep(m, s, cpu, arg, choice); break;
    default: throw new Error(`apply: unknown action kind ${kind}`);
  }
  if (m.compactMemory && (kind === A_PROG || kind === A_COMMIT) && d.done(m, s, cpu)) retireViews(m, s, cpu, kind === A_PROG);
  else if (collects) collectAfterStep(m, s, cpu, floors);
  if (m.cfg.unboundedWalks && (kind !== A_PROG || walksMayChange(m))) saturateWalks(m, s);
}

/** Every CPU has returned and every store buffer is empty (walkers may still move). */
export function programsDone(m: Machine, d: CpuDriver, s: Int32Array): boolean {
  for (let c = 0; c < m.layout.cpus; c++) if (!d.done(m, s, c) || sbCount(m, s, c) !== 0) return false;
  return true;
}

/**
 * Final: the programs are done and no walk is in flight (a walk in flight only reads
 * memory; the state it ends in shows the same memory, so final checks wait for it).
 */
export function isFinal(m: Machine, d: CpuDriver, s: Int32Array): boolean {
  if (!programsDone(m, d, s)) return false;
  const L = m.layout;
  for (let c = 0; c < L.cpus; c++) for (let p = 0; p < L.probes; p++) if (s[L.probe(c, p) + P_WACTIVE] !== 0) return false;
  return true;
}
