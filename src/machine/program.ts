// Machine programs: straight-line per-CPU operation lists over the machine API, for the
// litmus probes, the rule tests and the reduction tests. A CpuDriver runs them; pc,
// registers (value halves and the view a dependent access inherits) and the fault record
// live in the flat state.

import { splitDesc } from '../arch/arm64/decode.js';
import { access, accessChoices, AccessResult } from './access.js';
import {
  cmpxchg, cmpxchgChoices, dmb, dmbEnabled, DMB_ST, dsb, dsbEnabled, load, loadChoices, loadEnabled, ReadResult, store,
} from './cpu.js';
import type { ExtraRegion } from './layout.js';
import type { Machine } from './machine.js';
import { walkerReach, walkMayRead } from './memory.js';
import {
  alloc, allocChoices, free, isb, lazyEnter, lazyLeave, lazyLeaveEnabled, lazyLeaveRunsIsb, pteBarrier, pteBarrierEnabled, pteBarrierRunsIsb, writeTtbr,
} from './sys.js';
import { tlbi } from './tlbi.js';
import { WALKS_ALL, WALKS_NONE, WALKS_OWN, type CpuDriver } from './transitions.js';

export const REGS = 8;

/** A value: a constant, a register, or a table descriptor pointing at the frame a register holds. */
export type Val = bigint | { reg: number } | { table: number; attrs?: bigint };
/** A location: a table slot (fixed frame, or the frame a register holds) or a data word by PA. */
export type Loc = { frame: number; index: number } | { frameReg: number; index: number } | { pa: number };

export type Op =
  | { op: 'store'; loc: Loc; val: Val; release?: boolean }
  | { op: 'load'; loc: Loc; dst: number; dep?: number; acquire?: boolean }
  | { op: 'loadVA'; probe: number; dst: number; dep?: number }
  | { op: 'storeVA'; probe: number; val: Val; dep?: number }
  | { op: 'cmpxchg'; loc: Loc; expect: Val; val: Val; dst: number; ordered?: boolean }
  | { op: 'dmb'; kind: number }
  | { op: 'dsb'; kind: number }
  | { op: 'isb' }
  | { op: 'tlbi'; kind: number; probe?: number; broadcast?: boolean }
  | { op: 'ttbr'; region: 0 | 1; frame: number | { reg: number } }
  | { op: 'alloc'; dst: number; zeroed?: boolean }
  | { op: 'free'; frame: number | { reg: number } }
  | { op: 'lazyEnter' }
  | { op: 'lazyLeave' }
  | { op: 'pteBarrier' }
  | { op: 'mov'; dst: number; val: Val };

export type Program = readonly (readonly Op[])[];

// Per-CPU record: pc, fault (kind, or 0), fault pc, then REGS x (lo, hi, view).
const R_PC = 0;
const R_FAULT = 1;
const R_FAULT_PC = 2;
const R_REGS = 3;
const CPU_WORDS = R_REGS + REGS * 3;

export class ProgramDriver implements CpuDriver {
  readonly regions: readonly ExtraRegion[];
  private readonly rd = new ReadResult();
  private readonly ar = new AccessResult();

  constructor(readonly program: Program, cpus: number) {
    if (program.length > cpus) throw new Error(`program has ${program.length} threads for ${cpus} CPUs`);
    const views: number[] = [];
    for (let c = 0; c < cpus; c++) for (let r = 0; r < REGS; r++) views.push(c * CPU_WORDS + R_REGS + r * 3 + 2);
    this.regions = [{ name: 'program', size: cpus * CPU_WORDS, viewOffsets: views }];
  }

  private base(m: Machine, cpu: number): number {
    return m.layout.region('program') + cpu * CPU_WORDS;
  }

  init(): void {}

  writesTtbr(cpu: number): boolean {
    return (this.program[cpu] ?? []).some((o) => o.op === 'ttbr');
  }

  relaxedAtomics(): boolean {
    return this.program.some((ops) => ops.some((o) => o.op === 'cmpxchg' && o.ordered === false));
  }

  translates(cpu: number): boolean {
    return (this.program[cpu] ?? []).some((o) => o.op === 'loadVA' || o.op === 'storeVA');
  }

  done(m: Machine, s: Int32Array, cpu: number): boolean {
    const b = this.base(m, cpu);
    return s[b + R_FAULT] !== 0 || s[b + R_PC]! >= (this.program[cpu]?.length ?? 0);
  }

  pc(m: Machine, s: Int32Array, cpu: number): number {
    return s[this.base(m, cpu) + R_PC]!;
  }

  /** The fault kind that stopped the CPU (0 none), and at which op. */
  fault(m: Machine, s: Int32Array, cpu: number): { kind: number; pc: number } {
    const b = this.base(m, cpu);
    return { kind: s[b + R_FAULT]!, pc: s[b + R_FAULT_PC]! };
  }

  reg(m: Machine, s: Int32Array, cpu: number, r: number): bigint {
    const b = this.base(m, cpu) + R_REGS + r * 3;
    return (BigInt(s[b + 1]! >>> 0) << 32n) | BigInt(s[b]! >>> 0);
  }

  private op(m: Machine, s: Int32Array, cpu: number): Op | undefined {
    if (this.done(m, s, cpu)) return undefined;
    return this.program[cpu]![this.pc(m, s, cpu)];
  }

  private depView(m: Machine, s: Int32Array, cpu: number, r: number | undefined): number {
    return r === undefined ? 0 : s[this.base(m, cpu) + R_REGS + r * 3 + 2]!;
  }

  private val(m: Machine, s: Int32Array, cpu: number, v: Val): [number, number] {
    if (typeof v === 'bigint') return splitDesc(v);
    const b = this.base(m, cpu) + R_REGS;
    if ('reg' in v) return [s[b + v.reg * 3]!, s[b + v.reg * 3 + 1]!];
    const frame = s[b + v.table * 3]!;
    return splitDesc(m.enc.tableDesc(BigInt(m.framePa(frame))) | (v.attrs ?? 0n));
  }

  private loc(m: Machine, s: Int32Array, cpu: number, l: Loc): number {
    let loc: number;
    if ('pa' in l) loc = m.dataLoc(l.pa);
    else {
      const frame = 'frame' in l ? l.frame : s[this.base(m, cpu) + R_REGS + l.frameReg * 3]!;
      loc = frame >= 0 && frame < m.layout.frames ? frame * m.layout.entries + l.index : -1;
    }
    if (loc < 0) throw new Error(`program: CPU${cpu} names a location the machine does not have: ${JSON.stringify(l)}`);
    return loc;
  }

  private setReg(m: Machine, s: Int32Array, cpu: number, r: number, lo: number, hi: number, view: number): void {
    const b = this.base(m, cpu) + R_REGS + r * 3;
    s[b] = lo;
    s[b + 1] = hi;
    s[b + 2] = view;
  }

  private frameArg(m: Machine, s: Int32Array, cpu: number, f: number | { reg: number }): number {
    return typeof f === 'number' ? f : s[this.base(m, cpu) + R_REGS + f.reg * 3]!;
  }

  choices(m: Machine, s: Int32Array, cpu: number): number {
    const o = this.op(m, s, cpu);
    if (!o) return 0;
    switch (o.op) {
      case 'load':
        return loadEnabled(m, s, cpu, !!o.acquire) ? loadChoices(m, s, cpu, this.loc(m, s, cpu, o.loc), this.depView(m, s, cpu, o.dep)) : 0;
      case 'loadVA':
        return accessChoices(m, s, cpu, o.probe, false, this.depView(m, s, cpu, o.dep));
      case 'storeVA':
        return accessChoices(m, s, cpu, o.probe, true, this.depView(m, s, cpu, o.dep));
      case 'cmpxchg': {
        const [el, eh] = this.val(m, s, cpu, o.expect);
        return cmpxchgChoices(m, s, cpu, this.loc(m, s, cpu, o.loc), 0, el, eh, o.ordered ?? true);
      }
      case 'dmb': return dmbEnabled(m, s, cpu, o.kind) ? 1 : 0;
      case 'dsb': return dsbEnabled(m, s, cpu, o.kind) ? 1 : 0;
      case 'alloc': return allocChoices(m, s);
      case 'lazyLeave': return lazyLeaveEnabled(m, s, cpu) ? 1 : 0;
      case 'pteBarrier': return pteBarrierEnabled(m, s, cpu) ? 1 : 0;
      default: return 1;
    }
  }

  step(m: Machine, s: Int32Array, cpu: number, choice: number): void {
    const o = this.op(m, s, cpu)!;
    const b = this.base(m, cpu);
    const rd = this.rd;
    switch (o.op) {
      case 'store': {
        const [lo, hi] = this.val(m, s, cpu, o.val);
        store(m, s, cpu, this.loc(m, s, cpu, o.loc), lo, hi, !!o.release);
        break;
      }
      case 'load':
        load(m, s, cpu, this.loc(m, s, cpu, o.loc), this.depView(m, s, cpu, o.dep), choice, !!o.acquire, rd);
        this.setReg(m, s, cpu, o.dst, rd.lo, rd.hi, rd.view);
        break;
      case 'loadVA':
      case 'storeVA': {
        const [lo, hi] = o.op === 'storeVA' ? this.val(m, s, cpu, o.val) : [0, 0];
        const f = access(m, s, cpu, o.probe, o.op === 'storeVA', this.depView(m, s, cpu, o.dep), lo, hi, choice, rd, this.ar);
        if (f !== 0) {
          s[b + R_FAULT] = f;
          s[b + R_FAULT_PC] = s[b + R_PC]!;
          return; // a fault stops the CPU (herd's default, "fatal")
        }
        if (o.op === 'loadVA') this.setReg(m, s, cpu, o.dst, rd.lo, rd.hi, rd.view);
        break;
      }
      case 'cmpxchg': {
        const [el, eh] = this.val(m, s, cpu, o.expect);
        const [nl, nh] = this.val(m, s, cpu, o.val);
        cmpxchg(m, s, cpu, this.loc(m, s, cpu, o.loc), 0, el, eh, nl, nh, o.ordered ?? true, choice, rd);
        this.setReg(m, s, cpu, o.dst, rd.lo, rd.hi, rd.view);
        break;
      }
      case 'dmb': dmb(m, s, cpu, o.kind); break;
      case 'dsb': dsb(m, s, cpu, o.kind); break;
      case 'isb': isb(m, s, cpu); break;
      case 'tlbi': {
        const pr = o.probe === undefined ? undefined : m.cfg.probes[o.probe]!;
        tlbi(m, s, cpu, o.kind, pr?.region ?? 1, pr?.vaPage ?? 0, o.broadcast ?? true);
        break;
      }
      case 'ttbr': writeTtbr(m, s, cpu, o.region, this.frameArg(m, s, cpu, o.frame)); break;
      case 'alloc': {
        const f = alloc(m, s, cpu, o.zeroed ?? true, choice);
        this.setReg(m, s, cpu, o.dst, f, f < 0 ? -1 : 0, 0);
        break;
      }
      case 'free': free(m, s, cpu, this.frameArg(m, s, cpu, o.frame)); break;
      case 'lazyEnter': lazyEnter(m, s, cpu); break;
      case 'lazyLeave': lazyLeave(m, s, cpu); break;
      case 'pteBarrier': pteBarrier(m, s, cpu); break;
      case 'mov': {
        const [lo, hi] = this.val(m, s, cpu, o.val);
        this.setReg(m, s, cpu, o.dst, lo, hi, 0);
        break;
      }
    }
    s[b + R_PC] = s[b + R_PC]! + 1;
  }

  /**
   * Whether the CPU's next step only touches its own private state (for the reduction):
   * a store entering the store buffer, a dmb(ishst), entering lazy mode, a register move,
   * or a page-table barrier that lazy mode only marks pending.
   */
  isLocal(m: Machine, s: Int32Array, cpu: number): boolean {
    const o = this.op(m, s, cpu);
    if (!o) return false;
    switch (o.op) {
      case 'store': return !m.sc;
      case 'dmb': return o.kind === DMB_ST;
      case 'lazyEnter': case 'mov': return true;
      case 'pteBarrier': return !pteBarrierRunsIsb(m, s, cpu);
      default: return false;
    }
  }

  /** How the CPU's next step bears on walkers (reduction.ts walkEffect). */
  walkEffect(m: Machine, s: Int32Array, cpu: number): number {
    const o = this.op(m, s, cpu);
    if (!o) return WALKS_NONE;
    switch (o.op) {
      case 'isb': case 'ttbr': return WALKS_OWN;
      case 'loadVA': case 'storeVA': return m.cfg.hardwareAf[cpu] || m.cfg.hardwareDirty[cpu] ? WALKS_ALL : WALKS_OWN;
      case 'pteBarrier': return pteBarrierRunsIsb(m, s, cpu) ? WALKS_OWN : WALKS_NONE;
      case 'lazyLeave': return lazyLeaveRunsIsb(m, s, cpu) ? WALKS_OWN : WALKS_NONE;
      case 'alloc': case 'free': return WALKS_ALL;
      // An atomic may write a table slot at once, and bbm checks that against every walk cache.
      case 'cmpxchg': {
        try {
          return walkMayRead(m, walkerReach(m, s), this.loc(m, s, cpu, o.loc)) ? WALKS_ALL : WALKS_NONE;
        } catch {
          return WALKS_ALL; // a bad location: the step itself reports it
        }
      }
      default: return WALKS_NONE;
    }
  }

  describe(m: Machine, s: Int32Array, cpu: number): string {
    const o = this.op(m, s, cpu);
    return o ? JSON.stringify(o, (_, v) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v)) : 'done';
  }
}
