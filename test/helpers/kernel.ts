// Running kernel-C models in tests: build the machine and the compiled model together,
// and run one CPU alone to its end (sequential: sc memory, no walkers, every step must
// have exactly one outcome).

import { PROT_SECT_NORMAL } from '../../src/arch/arm64/bits.js';
import type { Violation } from '../../src/check/property.js';
import { Session } from '../../src/explore/session.js';
import { resolveMachineConfig, type MachineConfig, type MachineOptions } from '../../src/machine/config.js';
import { A_PROG, ActionList, enumerate, isFinal } from '../../src/machine/transitions.js';
import { compileModel, type ModelSpec } from '../../src/lang/model.js';
import { KernelDriver } from '../../src/lang/runtime.js';
import type { Machine } from '../../src/machine/machine.js';
import { newestWrite } from '../../src/machine/memory.js';

export interface KernelSetup {
  cfg: MachineConfig;
  driver: KernelDriver;
  session: Session;
}

export function kernelSetup(spec: ModelSpec, opts: MachineOptions): KernelSetup {
  const base = resolveMachineConfig(opts);
  const { program } = compileModel(spec, base);
  const cfg = resolveMachineConfig({
    ...opts,
    dataWords: [...(opts.dataWords ?? []), ...program.globals.map((g) => g.pa)],
    dataInit: [...(opts.dataWords ?? []).map((_, i) => opts.dataInit?.[i] ?? 0n), ...program.globals.map((g) => g.init)],
  });
  const driver = new KernelDriver(program, cfg.cpus);
  return { cfg, driver, session: new Session(cfg, driver, []) };
}

/** The linear map as one PUD-level block at VA 0 -> PA 0 (3 levels), in frame 0. */
export function linearMapOptions(extra: MachineOptions = {}): MachineOptions {
  return {
    geometry: { levels: 3, entries: 4 },
    cpus: 1,
    frames: 8,
    frameInit: { 0: { init: 'zero', content: [PROT_SECT_NORMAL] } },
    ttbr1: 0,
    memoryModel: 'sc',
    ...extra,
  };
}

/** Run CPU 0 alone to its end; returns the final state and any violations on the way. */
export function runSequential(setup: KernelSetup): { state: Int32Array; violations: Violation[]; steps: number } {
  const { session } = setup;
  const m = session.m;
  const s = session.initialState();
  const list = new ActionList();
  const violations: Violation[] = [];
  let steps = 0;
  while (!isFinal(m, setup.driver, s) && violations.length === 0) {
    enumerate(m, setup.driver, s, list);
    let i = 0;
    while (i < list.length && list.kind(i) !== A_PROG) i++;
    if (i === list.length) throw new Error('the CPU is blocked');
    if (i + 1 < list.length && list.kind(i + 1) === A_PROG && list.cpu(i + 1) === list.cpu(i)) throw new Error('a sequential step had more than one outcome');
    session.step(s, A_PROG, list.cpu(i), 0, list.choice(i), violations);
    steps++;
  }
  return { state: s, violations, steps };
}

/** What a final state shows of memory: the newest value of every location. */
export function memoryObserver(m: Machine): (s: Int32Array) => string {
  return (s) => {
    const parts: string[] = [];
    for (let l = 0; l < m.layout.locs; l++) {
      const w = newestWrite(m, s, l);
      parts.push(`${s[w]}.${s[w + 1]}`);
    }
    return parts.join(' ');
  };
}

/** Two sets of final states (or violation kinds) are the same. */
export function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}
