// A session: one machine, the CPU driver that runs its programs, and the properties
// checked on it, with the layout regions all of them need.

import type { Property, Violation } from '../check/property.js';
import type { MachineConfig } from '../machine/config.js';
import { Machine } from '../machine/machine.js';
import { saturateWalks } from '../machine/saturate.js';
import { markEarlyPointers } from '../machine/memory.js';
import { apply, type CpuDriver } from '../machine/transitions.js';

export class Session {
  readonly m: Machine;

  constructor(readonly cfg: MachineConfig, readonly driver: CpuDriver, readonly props: readonly Property[]) {
    this.m = new Machine(cfg, [...driver.regions, ...props.flatMap((p) => p.regions ?? [])]);
    for (let c = 0; c < cfg.cpus; c++) {
      this.m.translates[c] = driver.translates?.(c) === false ? 0 : 1;
      this.m.translatesWhenDone[c] = driver.translatesWhenDone?.(c) === false ? 0 : 1;
    }
    this.m.cpuDone = (s, c) => driver.done(this.m, s, c);
    this.m.ttbrFixed = Array.from({ length: cfg.cpus }, (_, c) => driver.writesTtbr?.(c) === false).every(Boolean);
    this.m.relaxedAtomics = driver.relaxedAtomics?.() ?? true;
    // Under sc and tso every read is of the newest write: there is nothing to bound.
    this.m.tableProvenance = (driver.tableProvenance?.() ?? false) && !this.m.readsNewest && cfg.eagerCollection;
  }

  /** Violations found while the CPUs ran their code up to their first machine step. */
  readonly initialViolations: Violation[] = [];

  initialState(): Int32Array {
    const s = this.m.initialState();
    this.driver.init(this.m, s);
    markEarlyPointers(this.m, s);
    this.initialViolations.length = 0;
    this.driver.takeViolations?.(this.initialViolations as { kind: string; message: string }[]);
    if (this.cfg.unboundedWalks) {
      this.m.events.clear();
      saturateWalks(this.m, s);
      for (const p of this.props) p.onEvents?.(this.m, s, this.m.events, this.initialViolations);
    }
    return s;
  }

  /** Apply an action in place and collect the violations its events show. */
  step(s: Int32Array, kind: number, cpu: number, arg: number, choice: number, out: Violation[]): void {
    apply(this.m, this.driver, s, kind, cpu, arg, choice);
    this.driver.takeViolations?.(out as { kind: string; message: string }[]);
    for (const p of this.props) p.onEvents?.(this.m, s, this.m.events, out);
  }

  finalViolations(s: Int32Array, out: Violation[]): void {
    for (const p of this.props) p.onFinal?.(this.m, s, out);
  }
}
