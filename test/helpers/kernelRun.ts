// Small kernel-C models for the language tests: one in-memory model file, one CPU's
// statements, and ways to run it and read its globals back from the machine state.

import type { Violation } from '../../src/check/property.js';
import { joinDesc } from '../../src/arch/arm64/decode.js';
import type { MachineOptions } from '../../src/machine/config.js';
import { MachineEvent } from '../../src/machine/events.js';
import { newestWrite } from '../../src/machine/memory.js';
import { A_COMMIT, A_PROG, A_TLBI, ActionList, enumerate, isFinal } from '../../src/machine/transitions.js';
import { kernelSetup, linearMapOptions, type KernelSetup } from './kernel.js';

export const MODEL_FILE = '/model.c';

/** A 1-CPU setup running `stmts` with `src` as the model file (linear-map machine, sc by default). */
export function setupModel(src: string, stmts: string, opts: MachineOptions = {}): KernelSetup {
  return kernelSetup({ files: [MODEL_FILE], memFiles: new Map([[MODEL_FILE, src]]), cpus: [stmts] }, linearMapOptions(opts));
}

/** Physical address of a global variable of the compiled model. */
export function globalPa(setup: KernelSetup, name: string): number {
  const g = setup.driver.program.globals.find((x) => x.name === name);
  if (!g) throw new Error(`the model has no global '${name}'`);
  return g.pa;
}

/** The newest value of a 64-bit location (table slot or data word), by its machine location. */
export function locValue(setup: KernelSetup, state: Int32Array, loc: number): bigint {
  const m = setup.session.m;
  const w = newestWrite(m, state, loc);
  return joinDesc(state[w]!, state[w + 1]!);
}

/** The newest value of a global variable (a 64-bit data word; ints are stored sign-extended). */
export function globalValue(setup: KernelSetup, state: Int32Array, name: string): bigint {
  const m = setup.session.m;
  return locValue(setup, state, m.dataLoc(globalPa(setup, name)));
}

/** A global read back as a signed 64-bit value. */
export function globalSigned(setup: KernelSetup, state: Int32Array, name: string): bigint {
  return BigInt.asIntN(64, globalValue(setup, state, name));
}

export interface StepRecord {
  kind: number;
  cpu: number;
  /** What the step did (copies of m.events). */
  events: MachineEvent[];
  /** The state right after the step (a copy). */
  after: Int32Array;
}

export interface RunResult {
  state: Int32Array;
  violations: Violation[];
  steps: StepRecord[];
  /** The state after init, before any step. */
  initial: Int32Array;
}

/**
 * Run CPU 0 to its end, one action at a time: its own program steps first (there must be
 * at most one way for each, unless `choose` picks among them), and only when it cannot
 * step, a store commit or a TLBI completion (the oldest first). Records every step's
 * events and the state after it.
 */
export function runRecorded(setup: KernelSetup, choose?: (step: number, ways: number) => number, limit = 10_000): RunResult {
  const { session, driver } = setup;
  const m = session.m;
  const s = session.initialState();
  const initial = s.slice();
  const list = new ActionList();
  const violations: Violation[] = [];
  // Local code runs up to the first machine op at init: what it found is reported there.
  violations.push(...((session as { initialViolations?: readonly Violation[] }).initialViolations ?? []));
  driver.takeViolations(violations as { kind: string; message: string }[]);
  const steps: StepRecord[] = [];
  while (!isFinal(m, driver, s) && violations.length === 0) {
    if (steps.length >= limit) throw new Error(`no end after ${limit} steps`);
    enumerate(m, driver, s, list);
    let pick = -1;
    for (const want of [A_PROG, A_COMMIT, A_TLBI]) {
      for (let i = 0; i < list.length && pick < 0; i++) if (list.kind(i) === want) pick = i;
      if (pick >= 0) break;
    }
    if (pick < 0) throw new Error('the CPU is blocked');
    const kind = list.kind(pick);
    if (kind === A_PROG) {
      let ways = 1;
      while (pick + ways < list.length && list.kind(pick + ways) === A_PROG) ways++;
      if (ways > 1) {
        if (!choose) throw new Error('a program step had more than one outcome');
        const c = choose(steps.length, ways);
        if (!(c >= 0 && c < ways)) throw new Error(`choice ${c} of ${ways}`);
        pick += c;
      }
    }
    session.step(s, kind, list.cpu(pick), list.arg(pick), list.choice(pick), violations);
    const events: MachineEvent[] = [];
    for (let i = 0; i < m.events.length; i++) events.push(m.events.items[i]!.copy());
    steps.push({ kind, cpu: list.cpu(pick), events, after: s.slice() });
  }
  return { state: s, violations, steps, initial };
}

/** The actions enabled in state s, as [kind, cpu] pairs. */
export function enabledActions(setup: KernelSetup, s: Int32Array): [number, number][] {
  const list = new ActionList();
  enumerate(setup.session.m, setup.driver, s, list);
  const out: [number, number][] = [];
  for (let i = 0; i < list.length; i++) out.push([list.kind(i), list.cpu(i)]);
  return out;
}
