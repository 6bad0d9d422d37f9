// Small machines for the rule tests (test/machine/rules.test.ts): a 2-level, 4-entry
// arm64 machine whose root table (frame 0) is TTBR1 for every CPU. A level-2 entry maps a
// 16 KiB block of 4 pages; frames are pages 16.. (PA 0x10000..), data lives above them.

import { PAGE_KERNEL, PROT_SECT_NORMAL } from '../../src/arch/arm64/bits.js';
import { makeProperties, type PropertyParams, type Violation, type ViolationKind } from '../../src/check/index.js';
import { bruteForce } from '../../src/explore/bruteForce.js';
import { Session } from '../../src/explore/session.js';
import { resolveMachineConfig, type MachineOptions } from '../../src/machine/config.js';
import type { Machine } from '../../src/machine/machine.js';
import { ProgramDriver, type Program } from '../../src/machine/program.js';

/** Frame f's physical address (framePfnBase 16). */
export const framePa = (f: number): number => (16 + f) * 4096;
/** Two 16 KiB-aligned output regions outside the frame pool. */
export const PA_A = 0x40000;
export const PA_B = 0x80000;
/** A data word used as a flag. */
export const FLAG_PA = 0x20000;

/** A level-2 block descriptor (PROT_SECT_NORMAL) for 16 KiB at pa. */
export const block = (pa: number, extra = 0n): bigint => BigInt(pa) | PROT_SECT_NORMAL | extra;
/** A level-3 page descriptor (PAGE_KERNEL) for pa. */
export const page = (pa: number, extra = 0n): bigint => BigInt(pa) | PAGE_KERNEL | extra;
/** A level-2 table descriptor pointing at frame f. */
export const table = (f: number): bigint => BigInt(framePa(f)) | 3n;
/** The root slot that maps VAs 0x0-0x3fff. */
export const ROOT0 = { frame: 0, index: 0 } as const;

/** The base machine: root frame 0 holding rootSlot0 in slot 0, more frames as given. */
export function ruleOptions(rootSlot0: bigint, more: MachineOptions = {}): MachineOptions {
  return {
    geometry: { levels: 2, entries: 4 },
    cpus: 2,
    frames: 3,
    framePfnBase: 16,
    ttbr1: 0,
    probes: [{ va: 0x0 }],
    walksPerWalker: 1,
    ...more,
    frameInit: { 0: { init: 'zero', content: [rootSlot0] }, ...more.frameInit },
  };
}

export interface RuleView {
  m: Machine;
  driver: ProgramDriver;
  s: Int32Array;
}

export interface RuleResult {
  kinds: Set<ViolationKind>;
  violations: Map<ViolationKind, Violation>;
  finals: Set<string>;
  states: number;
}

/** Enumerate every run of program on the machine, checking the named properties. */
export function runRule(
  opts: MachineOptions, program: Program, props: readonly ViolationKind[],
  extra: { params?: PropertyParams; observe?: (v: RuleView) => string } = {},
): RuleResult {
  const cfg = resolveMachineConfig(opts);
  const driver = new ProgramDriver(program, cfg.cpus);
  const session = new Session(cfg, driver, makeProperties(cfg, props, extra.params));
  const m = session.m;
  const observe = extra.observe;
  const res = bruteForce(session, observe ? { observe: (s) => observe({ m, driver, s }) } : {});
  const violations = new Map([...res.violations].map(([k, v]) => [k, v.violation] as const));
  return { kinds: new Set(res.violations.keys()), violations, finals: res.finals, states: res.states };
}
