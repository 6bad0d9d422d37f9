// The eleven probes of test/probes/ as machine programs: a 2-level machine where x is a
// TTBR0 VA whose PTE starts invalid, and y (the flag) is a data word accessed by PA.

import { PAGE_KERNEL, PTE_USER } from '../../src/arch/arm64/bits.js';
import { resolveMachineConfig, type MachineOptions } from '../../src/machine/config.js';
import { DMB_ST, DSB_FULL } from '../../src/machine/cpu.js';
import { ProgramDriver, type Op, type Program } from '../../src/machine/program.js';
import { Session } from '../../src/explore/session.js';
import { bruteForce } from '../../src/explore/bruteForce.js';

export const X_VA = 0x1000;
export const X_PA = 0x10000;
export const Y_PA = 0x20000;
/** x's PTE: level-3 table (frame 1), slot 1. */
export const PTE_X = { frame: 1, index: 1 } as const;
export const X_DESC = BigInt(X_PA) | PAGE_KERNEL | PTE_USER;

export function probeOptions(memoryModel: 'relaxed' | 'sc' | 'tso'): MachineOptions {
  return {
    geometry: { levels: 2, entries: 4 },
    cpus: 2,
    frames: 2,
    frameInit: { 0: { init: 'zero', content: [BigInt((16 + 1) * 4096) | 3n] }, 1: { init: 'zero' } },
    framePfnBase: 16,
    dataWords: [X_PA, Y_PA],
    probes: [{ va: X_VA, ttbr: 0 }],
    ttbr0: 0,
    walksPerWalker: 1,
    memoryModel,
  };
}

const mpPte = (barrier: Op[], dep: boolean): Program => [
  [{ op: 'store', loc: PTE_X, val: X_DESC }, ...barrier, { op: 'store', loc: { pa: Y_PA }, val: 1n }],
  [{ op: 'load', loc: { pa: Y_PA }, dst: 2 }, { op: 'loadVA', probe: 0, dst: 4, ...(dep ? { dep: 2 } : {}) }],
];
const sameT = (barrier: Op[]): Program => [[{ op: 'store', loc: PTE_X, val: X_DESC }, ...barrier, { op: 'loadVA', probe: 0, dst: 4 }]];
const mpData = (dep: boolean): Program => [
  [{ op: 'store', loc: { pa: X_PA }, val: 1n }, { op: 'dmb', kind: DMB_ST }, { op: 'store', loc: { pa: Y_PA }, val: 1n }],
  [{ op: 'load', loc: { pa: Y_PA }, dst: 2 }, { op: 'load', loc: { pa: X_PA }, dst: 4, ...(dep ? { dep: 2 } : {}) }],
];

export interface ProbeCase {
  program: Program;
  /** The probe's exists-condition on a final state. */
  exists: (d: ProbeObs) => boolean;
}

export interface ProbeObs {
  reg: (cpu: number, r: number) => bigint;
  faulted: (cpu: number) => boolean;
}

const faultP1 = (o: ProbeObs): boolean => o.reg(1, 2) === 1n && o.faulted(1);

export const PROBES: Record<string, ProbeCase> = {
  'MPpte-po': { program: mpPte([], true), exists: faultP1 },
  'MPpte-dmb': { program: mpPte([{ op: 'dmb', kind: DMB_ST }], true), exists: faultP1 },
  'MPpte-dmb-nodep': { program: mpPte([{ op: 'dmb', kind: DMB_ST }], false), exists: faultP1 },
  'MPpte-dsb': { program: mpPte([{ op: 'dsb', kind: DSB_FULL }], true), exists: faultP1 },
  'MPpte-dsbisb': { program: mpPte([{ op: 'dsb', kind: DSB_FULL }, { op: 'isb' }], true), exists: faultP1 },
  'SameT-po': { program: sameT([]), exists: (o) => o.faulted(0) },
  'SameT-dsb': { program: sameT([{ op: 'dsb', kind: DSB_FULL }]), exists: (o) => o.faulted(0) },
  'SameT-dsbisb': { program: sameT([{ op: 'dsb', kind: DSB_FULL }, { op: 'isb' }]), exists: (o) => o.faulted(0) },
  'MPdata-dmb-po': { program: mpData(false), exists: (o) => o.reg(1, 2) === 1n && o.reg(1, 4) === 0n },
  'MPdata-dmb-addr': { program: mpData(true), exists: (o) => o.reg(1, 2) === 1n && o.reg(1, 4) === 0n },
  'SB-po': {
    program: [
      [{ op: 'store', loc: { pa: X_PA }, val: 1n }, { op: 'load', loc: { pa: Y_PA }, dst: 2 }],
      [{ op: 'store', loc: { pa: Y_PA }, val: 1n }, { op: 'load', loc: { pa: X_PA }, dst: 2 }],
    ],
    exists: (o) => o.reg(0, 2) === 0n && o.reg(1, 2) === 0n,
  },
};

/** Run a probe with the brute-force enumerator: is its condition observable? */
export function runProbe(name: string, memoryModel: 'relaxed' | 'sc' | 'tso'): { observed: boolean; finals: number; states: number } {
  const pc = PROBES[name]!;
  const cfg = resolveMachineConfig(probeOptions(memoryModel));
  const driver = new ProgramDriver(pc.program, cfg.cpus);
  const session = new Session(cfg, driver, []);
  const m = session.m;
  const res = bruteForce(session, {
    observe: (s) => {
      const o: ProbeObs = { reg: (c, r) => driver.reg(m, s, c, r), faulted: (c) => driver.fault(m, s, c).kind !== 0 };
      return pc.exists(o) ? 'yes' : 'no';
    },
  });
  return { observed: res.finals.has('yes'), finals: res.finals.size, states: res.states };
}
