// The bbm property tracks the break per VA, as DESIGN.md states it: a break at one level
// followed by a make at another level is still a violation, and a TLBI only completes a
// break if its issuer's dsb'd view includes the invalid write. (Found by review; each
// case agrees with what the machine itself shows through tlb-conflict with more walks.)

import { describe, expect, it } from 'vitest';
import { PAGE_KERNEL, PROT_SECT_NORMAL } from '../../src/arch/arm64/bits.js';
import { makeProperties } from '../../src/check/index.js';
import type { ViolationKind } from '../../src/check/property.js';
import { bruteForce } from '../../src/explore/bruteForce.js';
import { Session } from '../../src/explore/session.js';
import { resolveMachineConfig, type MachineOptions } from '../../src/machine/config.js';
import { DSB_FULL, DSB_ST } from '../../src/machine/cpu.js';
import { ProgramDriver, type Program } from '../../src/machine/program.js';
import { TLBI_VA } from '../../src/machine/tlbi.js';

const fpa = (f: number): number => (16 + f) * 4096;
const table = (f: number): bigint => BigInt(fpa(f)) | 3n;
const A = 0x40000;
const B = 0x80000;

function kinds(opts: MachineOptions, program: Program, props: ViolationKind[]): string[] {
  const cfg = resolveMachineConfig(opts);
  const s = new Session(cfg, new ProgramDriver(program, cfg.cpus), makeProperties(cfg, props));
  return [...bruteForce(s).violations.keys()];
}

describe('bbm per VA', () => {
  const twoTables: MachineOptions = {
    geometry: { levels: 2, entries: 4 }, cpus: 2, frames: 3, framePfnBase: 16, ttbr1: 0, historyDepth: 8,
    frameInit: { 0: { init: 'zero', content: [table(1)] }, 1: { init: 'zero', content: [BigInt(A) | PAGE_KERNEL] }, 2: { init: 'zero', content: [BigInt(B) | PAGE_KERNEL] } },
    probes: [{ va: 0 }], walksPerWalker: 1, walkers: [[false], [true]], bbm: '2-noabort',
  };

  it('a break at the PTE and a make at the root (another output address) is a violation', () => {
    const p: Program = [[
      { op: 'store', loc: { frame: 1, index: 0 }, val: 0n }, { op: 'dsb', kind: DSB_ST },
      { op: 'store', loc: { frame: 0, index: 0 }, val: table(2) },
    ], []];
    expect(kinds(twoTables, p, ['bbm'])).toContain('bbm');
  });

  it('the same with the break completed (dsb, TLBI, dsb) is fine', () => {
    const p: Program = [[
      { op: 'store', loc: { frame: 1, index: 0 }, val: 0n }, { op: 'dsb', kind: DSB_FULL },
      { op: 'tlbi', kind: TLBI_VA, probe: 0 }, { op: 'dsb', kind: DSB_FULL },
      { op: 'store', loc: { frame: 0, index: 0 }, val: table(2) },
    ], []];
    expect(kinds(twoTables, p, ['bbm'])).toEqual([]);
  });

  const block = (pa: number): bigint => BigInt(pa) | PROT_SECT_NORMAL;
  const threeCpus: MachineOptions = {
    geometry: { levels: 2, entries: 4 }, cpus: 3, frames: 1, framePfnBase: 16, ttbr1: 0, historyDepth: 8,
    frameInit: { 0: { init: 'zero', content: [block(A)] } }, probes: [{ va: 0 }], walksPerWalker: 2,
    walkers: [[false], [false], [true]], bbm: '0',
  };
  const brk = [{ op: 'store', loc: { frame: 0, index: 0 }, val: 0n }, { op: 'dsb', kind: DSB_FULL }] as const;
  const tl = [{ op: 'tlbi', kind: TLBI_VA, probe: 0, broadcast: true }, { op: 'dsb', kind: DSB_FULL }] as const;
  const make = { op: 'store', loc: { frame: 0, index: 0 }, val: block(B) } as const;

  it('a TLBI issued by a CPU that has not seen the invalid write does not complete the break', () => {
    const p: Program = [[...brk, make], [...tl], []];
    expect(kinds(threeCpus, p, ['tlb-conflict'])).toContain('tlb-conflict'); // the machine shows the danger
    expect(kinds(threeCpus, p, ['bbm'])).toContain('bbm');
  });

  it('issued by the writer after its dsb, it does', () => {
    const p: Program = [[...brk, ...tl, make], [], []];
    expect(kinds(threeCpus, p, ['tlb-conflict'])).toEqual([]);
    expect(kinds(threeCpus, p, ['bbm'])).toEqual([]);
  });
});
