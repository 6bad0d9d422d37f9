// The tso memory model (x86): stores commit from the store buffer oldest first, loads read
// their own newest buffered store or the newest write in memory. Classic litmus shapes,
// each against what x86-TSO allows (Owens, Sarkar, Sewell, "A better x86 memory model:
// x86-TSO", TPHOLs 2009), and against relaxed and sc where they differ.

import { describe, expect, it } from 'vitest';
import { bruteForce } from '../../src/explore/bruteForce.js';
import { Session } from '../../src/explore/session.js';
import { resolveMachineConfig, type MemoryModel } from '../../src/machine/config.js';
import { DMB_FULL } from '../../src/machine/cpu.js';
import { ProgramDriver, type Program } from '../../src/machine/program.js';

const X = 0x10000;
const Y = 0x20000;
const x = { pa: X };
const y = { pa: Y };

/** The set of final register tuples "cpu:reg=value ..." a program can end with. */
function outcomes(program: Program, memoryModel: MemoryModel, regs: [cpu: number, reg: number][]): Set<string> {
  const cfg = resolveMachineConfig({ cpus: program.length, frames: 1, dataWords: [X, Y], memoryModel });
  const driver = new ProgramDriver(program, cfg.cpus);
  const session = new Session(cfg, driver, []);
  const res = bruteForce(session, { observe: (s) => regs.map(([c, r]) => driver.reg(session.m, s, c, r).toString()).join(',') });
  return res.finals;
}

const MP: Program = [
  [{ op: 'store', loc: x, val: 1n }, { op: 'store', loc: y, val: 1n }],
  [{ op: 'load', loc: y, dst: 0 }, { op: 'load', loc: x, dst: 1 }],
];
const SB = (fence: boolean): Program => [
  [{ op: 'store', loc: x, val: 1n }, ...(fence ? [{ op: 'dmb' as const, kind: DMB_FULL }] : []), { op: 'load', loc: y, dst: 0 }],
  [{ op: 'store', loc: y, val: 1n }, ...(fence ? [{ op: 'dmb' as const, kind: DMB_FULL }] : []), { op: 'load', loc: x, dst: 0 }],
];

describe('tso memory', () => {
  it('MP: stores commit in order and loads do not pass loads (1,0 forbidden; allowed under relaxed)', () => {
    expect(outcomes(MP, 'tso', [[1, 0], [1, 1]]).has('1,0')).toBe(false);
    expect(outcomes(MP, 'relaxed', [[1, 0], [1, 1]]).has('1,0')).toBe(true);
    expect(outcomes(MP, 'tso', [[1, 0], [1, 1]])).toEqual(new Set(['0,0', '0,1', '1,1']));
  });

  it('SB: a load may pass an earlier store to another location (0,0 allowed; forbidden under sc)', () => {
    expect(outcomes(SB(false), 'tso', [[0, 0], [1, 0]]).has('0,0')).toBe(true);
    expect(outcomes(SB(false), 'sc', [[0, 0], [1, 0]]).has('0,0')).toBe(false);
  });

  it('SB+mfences: a full fence drains the store buffer (0,0 forbidden)', () => {
    expect(outcomes(SB(true), 'tso', [[0, 0], [1, 0]]).has('0,0')).toBe(false);
  });

  it('a CPU reads its own buffered store before others can (store forwarding)', () => {
    const p: Program = [
      [{ op: 'store', loc: x, val: 1n }, { op: 'load', loc: x, dst: 0 }, { op: 'load', loc: y, dst: 1 }],
      [{ op: 'store', loc: y, val: 1n }, { op: 'load', loc: y, dst: 0 }, { op: 'load', loc: x, dst: 1 }],
    ];
    // x86-TSO's n6-like shape: each reads its own store, then the other's location as 0.
    expect(outcomes(p, 'tso', [[0, 0], [0, 1], [1, 0], [1, 1]]).has('1,0,1,0')).toBe(true);
  });

  it('IRIW: stores become visible to all CPUs at once (readers never disagree on the order)', () => {
    const p: Program = [
      [{ op: 'store', loc: x, val: 1n }],
      [{ op: 'store', loc: y, val: 1n }],
      [{ op: 'load', loc: x, dst: 0 }, { op: 'load', loc: y, dst: 1 }],
      [{ op: 'load', loc: y, dst: 0 }, { op: 'load', loc: x, dst: 1 }],
    ];
    expect(outcomes(p, 'tso', [[2, 0], [2, 1], [3, 0], [3, 1]]).has('1,0,1,0')).toBe(false);
  });
});
