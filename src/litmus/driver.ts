// Runs assembled AArch64 threads on the machine (a CpuDriver). Registers carry their value
// and the view an address-dependent access inherits; every explicit access to a variable's
// VA goes through the machine's TLB and walks, page-table entries and PAs are accessed
// untranslated (as herd does). Faults are recorded with the instruction that took them.

import { A_USER, joinDesc, splitDesc } from '../arch/arm64/decode.js';
import { accessEvent, HW_RETRY, HW_UPDATE, outcomeAttrs, outcomeFault, outcomePa, outcomeUpdate, translateOutcomes } from '../machine/access.js';
import { FAULT_ACCESS_FLAG, FAULT_PERMISSION, FAULT_TRANSLATION } from '../machine/events.js';
import { HW_AF, HW_DB, HW_PHANTOM, HW_VIEW_OFFSETS, HW_WORDS, type HardwareUpdates } from './hardwareUpdates.js';
import {
  cmpxchg, cmpxchgChoices, dmb, DMB_FULL, DMB_LD, DMB_ST, dsb, dsbEnabled, DSB_FULL, DSB_NSH, DSB_ST, load, loadChoices,
  loadEnabled, ReadResult, rmwEnabled, rmwWrite, sbCount, sbFind, store,
} from '../machine/cpu.js';
import { C_VFLOOR, W_ATOMIC_MASK, type ExtraRegion } from '../machine/layout.js';
import { newestWrite } from '../machine/memory.js';
import type { Machine } from '../machine/machine.js';
import { isb } from '../machine/sys.js';
import { tlbi, TLBI_ALL, TLBI_VA, TLBI_VA_LAST } from '../machine/tlbi.js';
import type { CpuDriver } from '../machine/transitions.js';
import { alu, atomic, compareFlags, holds, nzcv } from './alu.js';
import { Alu, AtomicOp, isAccess, isWrite, Op, ZR, type Ins, type ThreadCode } from './assemble.js';
import { labelIndexOf, labelValue } from './values.js';
import { earlyWrites, type EarlyWrite } from './earlyWrites.js';
import { earlyStores, type EarlyStore } from './earlyStores.js';
import { RegistersAhead } from './registersAhead.js';

export type FaultMode = 'fatal' | 'handled' | 'skip';

// Fault types: the machine's translation faults, then the instruction-generated ones.
export const FT_TRANSLATION = FAULT_TRANSLATION;
export const FT_ACCESS_FLAG = FAULT_ACCESS_FLAG;
export const FT_PERMISSION = FAULT_PERMISSION;
export const FT_UNDEFINED = 4;
export const FT_SVC = 5;

// Per-CPU record: pc, status, NZCV, exclusive monitor (loc + 1, view of the write read),
// fault count, the hardware updates it owes, the writes translated early, FAULTS x (instruction index, variable + 1,
// type), then registers x (lo, hi, view).
const R_PC = 0;
const R_STATUS = 1;
const R_FLAGS = 2;
const R_EXCL_LOC = 3;
const R_EXCL_TS = 4;
const R_NFAULT = 5;
/**
 * The view every later access is ordered after once it cannot be speculative: the
 * address dependencies of earlier accesses and the sources of earlier branches (Promising
 * Arm's vCAP). A fault taken, or an isb, orders later loads after it.
 */
const R_VCAP = 6;
/** The view of the flags (the registers CMP and ANDS read). */
const R_FLAGSV = 7;
/** The flags' view with pick dependencies (see REG_WORDS). */
const R_FLAGSP = 8;
/** Hardware updates the thread owes (hardwareUpdates.ts). */
const R_HW = 9;
/**
 * A register: lo, hi, the view an access whose address or data depends on it inherits, and
 * that view with pick dependencies (CSEL/CSET on flags a load set). herd7: a pick
 * dependency does not order a later access's translation (S+shoot+pickaddr_mmufault_db),
 * but the fault the access takes waits for it, as for any address it depends on
 * (MP+rel+pickaddr-mmufault-po), and so does a branch on it.
 */
const REG_WORDS = 4;
/**
 * Accesses translated early, per slot: the instruction index + 1, the location its
 * translation gave, and 1 when it is a store already performed (earlyStores.ts). Writes
 * whose translation makes a dirty-state update (earlyWrites.ts) and the accesses an early
 * store passes are translated early; the machine's early translations give the others.
 */
const R_EARLY = R_HW + HW_WORDS;
const SLOT_WORDS = 3;
export const FAULTS = 3;

export const ST_RUNNING = 0;
export const ST_STOPPED = 1;
/** The thread did something the runner cannot express (an address out of every page...). */
export const ST_ERROR = 2;
/** An execution herd does not count (a fault inside a fault handler). */
export const ST_DISCARDED = 3;

/** Where an address goes: a variable's VA (probe), or a location accessed untranslated. */
export interface AddressMap {
  probeOfVa: Map<number, number>;
  /** Untranslated locations by physical address (PTEs, data pages). */
  locOfPa: Map<number, number>;
}

export class LitmusDriver implements CpuDriver {
  readonly regions: readonly ExtraRegion[];
  private readonly rd = new ReadResult();
  private readonly offsets: number[] = [];
  /** Early slots per thread: one per memory instruction of the longest thread, so none runs out. */
  private readonly earlySlots: number;
  private readonly rFaults: number;
  private readonly rRegs: number;
  /** Per thread and instruction, the later writes that may be translated before it runs. */
  private readonly early: EarlyWrite[][][];
  /** Per thread and instruction, the later stores that may go before it. */
  private readonly stores: EarlyStore[][][];
  private readonly ahead = new RegistersAhead();
  readonly errors: string[] = [];

  constructor(
    readonly threads: readonly ThreadCode[],
    private readonly initRegs: readonly (readonly [number, bigint][])[],
    private readonly addr: AddressMap,
    private readonly faultMode: FaultMode,
    /** Per thread, its hardware updates (TTHM), or none without hardware management. */
    private readonly hw?: readonly HardwareUpdates[],
    /** Threads that run at EL0 (herd7's `EL0=`); their fault handlers run at EL1. */
    private readonly el0: readonly boolean[] = [],
  ) {
    const memOps = (t: ThreadCode): number => t.code.filter(isAccess).length;
    this.earlySlots = Math.max(1, ...threads.map(memOps));
    this.rFaults = R_EARLY + this.earlySlots * SLOT_WORDS;
    this.rRegs = this.rFaults + FAULTS * 3;
    let off = 0;
    const views: number[] = [];
    const exact: number[] = [];
    for (let c = 0; c < threads.length; c++) {
      this.offsets.push(off);
      views.push(off + R_EXCL_TS, off + R_VCAP, off + R_FLAGSV, off + R_FLAGSP);
      exact.push(off + R_EXCL_TS, ...HW_VIEW_OFFSETS.map((o) => off + R_HW + o));
      views.push(...HW_VIEW_OFFSETS.map((o) => off + R_HW + o));
      for (let r = 0; r < threads[c]!.regs.size; r++) views.push(off + this.rRegs + r * REG_WORDS + 2, off + this.rRegs + r * REG_WORDS + 3);
      off += this.rRegs + threads[c]!.regs.size * REG_WORDS;
    }
    this.regions = [{ name: 'litmus', size: off, viewOffsets: views, exactOffsets: exact }];
    this.early = threads.map(earlyWrites);
    this.stores = threads.map(earlyStores);
  }

  private base(m: Machine, cpu: number): number {
    return m.layout.region('litmus') + this.offsets[cpu]!;
  }

  init(m: Machine, s: Int32Array): void {
    this.threads.forEach((_, c) => {
      for (const [r, v] of this.initRegs[c] ?? []) {
        const [lo, hi] = splitDesc(BigInt.asUintN(64, v));
        this.setReg(m, s, c, r, lo, hi, 0);
      }
    });
  }

  translates(): boolean {
    return true;
  }

  writesTtbr(): boolean {
    return false;
  }

  /** The final condition reads registers and memory, never through translation. */
  translatesWhenDone(): boolean {
    return false;
  }

  done(m: Machine, s: Int32Array, cpu: number): boolean {
    if (!this.finished(m, s, cpu)) return false;
    const hw = this.hw?.[cpu];
    const b = this.base(m, cpu) + R_HW;
    // An owed update another write overtook can never be made: the execution is over (discarded).
    return !hw || !hw.owes(s, b) || hw.overtaken(m, s, b);
  }

  /** An execution herd would not have: an owed hardware update was overtaken by another write. */
  discarded(m: Machine, s: Int32Array, cpu: number): boolean {
    return this.hw?.[cpu]?.overtaken(m, s, this.base(m, cpu) + R_HW) ?? false;
  }

  /** The thread runs no more instructions (a spurious AF update may still be pending). */
  private finished(m: Machine, s: Int32Array, cpu: number): boolean {
    const b = this.base(m, cpu);
    if (s[b + R_STATUS] !== ST_RUNNING) return true;
    return s[b + R_PC]! >= this.threads[cpu]!.code.length;
  }

  /** A software write to a PTE may be followed by a spurious AF update: each way goes twice. */
  private phantomFactor(m: Machine, i: Ins, loc: number): number {
    return this.hw && isWrite(i) && loc >= 0 && loc < m.layout.tableLocs ? 2 : 1;
  }

  status(m: Machine, s: Int32Array, cpu: number): number {
    return s[this.base(m, cpu) + R_STATUS]!;
  }

  /** Faults taken, in order: instruction index, variable index (-1 none), type. */
  faults(m: Machine, s: Int32Array, cpu: number): { index: number; v: number; type: number }[] {
    const b = this.base(m, cpu);
    const out = [];
    for (let i = 0; i < s[b + R_NFAULT]!; i++) {
      const f = b + this.rFaults + i * 3;
      out.push({ index: s[f]!, v: s[f + 1]! - 1, type: s[f + 2]! });
    }
    return out;
  }

  reg(m: Machine, s: Int32Array, cpu: number, r: number): bigint {
    const b = this.base(m, cpu) + this.rRegs + r * REG_WORDS;
    return joinDesc(s[b]!, s[b + 1]!);
  }

  private ins(m: Machine, s: Int32Array, cpu: number): Ins | undefined {
    if (this.finished(m, s, cpu)) return undefined;
    return this.threads[cpu]!.code[s[this.base(m, cpu) + R_PC]!];
  }

  private setReg(m: Machine, s: Int32Array, cpu: number, r: number, lo: number, hi: number, view: number, pick = view): void {
    if (r === ZR) return;
    const b = this.base(m, cpu) + this.rRegs + r * REG_WORDS;
    s[b] = lo;
    s[b + 1] = hi;
    s[b + 2] = view;
    s[b + 3] = Math.max(view, pick);
  }

  private val(m: Machine, s: Int32Array, cpu: number, r: number, w: boolean): bigint {
    if (r === ZR) return 0n;
    const v = this.reg(m, s, cpu, r);
    return w ? v & 0xffff_ffffn : v;
  }

  private view(m: Machine, s: Int32Array, cpu: number, r: number): number {
    return r === ZR ? 0 : s[this.base(m, cpu) + this.rRegs + r * REG_WORDS + 2]!;
  }

  /** The register's view with pick dependencies. */
  private pick(m: Machine, s: Int32Array, cpu: number, r: number): number {
    return r === ZR ? 0 : s[this.base(m, cpu) + this.rRegs + r * REG_WORDS + 3]!;
  }

  /** An access's address view with pick dependencies. */
  private addressPick(m: Machine, s: Int32Array, cpu: number, i: Ins): number {
    return Math.max(this.pick(m, s, cpu, i.rn), this.pick(m, s, cpu, i.rm));
  }

  private put(m: Machine, s: Int32Array, cpu: number, r: number, v: bigint, w: boolean, view: number, pick = view): void {
    const [lo, hi] = splitDesc(BigInt.asUintN(w ? 32 : 64, v));
    this.setReg(m, s, cpu, r, lo, hi, view, pick);
  }

  /** Operand 2: the immediate, or the register shifted or sign-extended. */
  private op2(m: Machine, s: Int32Array, cpu: number, i: Ins): bigint {
    if (i.rm === ZR) return i.imm;
    if (i.shift === -1) return BigInt.asIntN(32, this.val(m, s, cpu, i.rm, true));
    return this.val(m, s, cpu, i.rm, i.w) << BigInt(i.shift);
  }

  /** The address an access uses, and the view its address depends on. */
  private address(m: Machine, s: Int32Array, cpu: number, i: Ins): { a: number; dep: number } {
    const a = this.val(m, s, cpu, i.rn, false) + this.op2(m, s, cpu, i);
    return { a: Number(BigInt.asUintN(48, a)), dep: Math.max(this.view(m, s, cpu, i.rn), this.view(m, s, cpu, i.rm)) };
  }

  // ---- memory operations, shared by translated and untranslated accesses ----

  private exclusiveHolds(m: Machine, s: Int32Array, cpu: number, loc: number): boolean {
    const b = this.base(m, cpu);
    if (s[b + R_EXCL_LOC] !== loc + 1 || sbFind(m, s, cpu, loc) >= 0) return false;
    const w = newestWrite(m, s, loc);
    // Not while another CPU's relaxed atomic has read that write and not yet written.
    return s[w + 2] === s[b + R_EXCL_TS] && (s[w + 3]! & W_ATOMIC_MASK) === 0;
  }

  /** Ways the memory operation can go on loc (-1: memory no variable has, read as 0). */
  private ways(m: Machine, s: Int32Array, cpu: number, i: Ins, loc: number, dep: number): number {
    if (loc < 0) return 1;
    switch (i.op) {
      case Op.Ldr: case Op.Ldxr: return loadChoices(m, s, cpu, loc, dep);
      case Op.Str: return 1;
      case Op.Stxr: return 1 + (this.exclusiveHolds(m, s, cpu, loc) ? 1 : 0);
      case Op.Swp: case Op.LdOp: return rmwEnabled(m, s, cpu, loc, i.release) ? 1 : 0;
      case Op.Cas: {
        const [el, eh] = splitDesc(this.val(m, s, cpu, i.rs, i.w));
        return cmpxchgChoices(m, s, cpu, loc, dep, el, eh, i.release);
      }
      default: return 0;
    }
  }

  private perform(m: Machine, s: Int32Array, cpu: number, i: Ins, loc: number, dep: number, sub: number): void {
    const rd = this.rd;
    const b = this.base(m, cpu);
    if (loc < 0) {
      if (i.op === Op.Ldr || i.op === Op.Ldxr) this.put(m, s, cpu, i.rd, 0n, i.w, dep);
      if (i.op === Op.Stxr) this.put(m, s, cpu, i.rs, 1n, true, 0);
      return;
    }
    switch (i.op) {
      case Op.Ldr: case Op.Ldxr: {
        load(m, s, cpu, loc, dep, sub, i.acquire, rd);
        this.put(m, s, cpu, i.rd, joinDesc(rd.lo, rd.hi), i.w, rd.view);
        if (i.op === Op.Ldxr) {
          const buffered = sbFind(m, s, cpu, loc) >= 0;
          s[b + R_EXCL_LOC] = buffered ? 0 : loc + 1;
          s[b + R_EXCL_TS] = buffered ? 0 : s[newestWrite(m, s, loc) + 2]!;
          // Only a read of the newest write can be followed by a successful store-exclusive.
          if (!buffered && rd.view < s[b + R_EXCL_TS]!) s[b + R_EXCL_LOC] = 0;
        }
        return;
      }
      case Op.Str: {
        const [lo, hi] = splitDesc(this.val(m, s, cpu, i.rd, i.w));
        store(m, s, cpu, loc, lo, hi, i.release);
        return;
      }
      case Op.Stxr: {
        if (sub === 0) {
          this.put(m, s, cpu, i.rs, 1n, true, 0);
        } else {
          const [lo, hi] = splitDesc(this.val(m, s, cpu, i.rd, i.w));
          rmwWrite(m, s, cpu, loc, dep, lo, hi, false, rd);
          this.put(m, s, cpu, i.rs, 0n, true, 0);
        }
        s[b + R_EXCL_LOC] = 0;
        return;
      }
      case Op.Swp: case Op.LdOp: {
        const ordered = i.acquire && i.release;
        const src = this.val(m, s, cpu, i.rs, i.w);
        // Read the newest value first (rmwWrite reads it too) to compute the new one.
        const nw = newestWrite(m, s, loc);
        const old = BigInt.asUintN(i.w ? 32 : 64, joinDesc(s[nw]!, s[nw + 1]!));
        const next = i.op === Op.Swp ? src : atomic(i.kind as AtomicOp, old, src);
        const [lo, hi] = splitDesc(BigInt.asUintN(i.w ? 32 : 64, next));
        rmwWrite(m, s, cpu, loc, dep, lo, hi, ordered, rd, i.release && !ordered);
        if (i.acquire) this.raise(s, m.layout.cpu(cpu) + C_VFLOOR, rd.view);
        this.put(m, s, cpu, i.rd, old, i.w, rd.view);
        return;
      }
      case Op.Cas: {
        const [el, eh] = splitDesc(this.val(m, s, cpu, i.rs, i.w));
        const [nl, nh] = splitDesc(this.val(m, s, cpu, i.rd, i.w));
        cmpxchg(m, s, cpu, loc, dep, el, eh, nl, nh, i.release, sub, rd);
        // An acquire orders later loads after the value it read, whether the CAS wrote or not.
        if (i.acquire) this.raise(s, m.layout.cpu(cpu) + C_VFLOOR, rd.view);
        this.put(m, s, cpu, i.rs, joinDesc(rd.lo, rd.hi), i.w, rd.view);
        return;
      }
    }
  }

  /** Whether the thread runs at EL0 now (its handler runs at EL1). */
  private atEl0(m: Machine, s: Int32Array, cpu: number): boolean {
    const t = this.threads[cpu]!;
    return this.el0[cpu] === true && !(t.handler >= 0 && s[this.base(m, cpu) + R_PC]! >= t.handler);
  }

  /** Outcome o's fault for this thread: at EL0 a page without el0 (AP[1]) is a permission fault. */
  private faultOf(m: Machine, s: Int32Array, cpu: number, o: number, write: boolean): number {
    const f = outcomeFault(o, write);
    // Checked before any hardware update (herd: a permission fault needs no update).
    if ((f === 0 || f === HW_UPDATE || f === HW_RETRY) && this.atEl0(m, s, cpu) && ((outcomeAttrs(o) >> A_USER) & 1) === 0) return FAULT_PERMISSION;
    return f;
  }

  /** Ways translation outcome o goes: a fault one, a retried hardware update none. */
  private outcomeWays(m: Machine, s: Int32Array, cpu: number, i: Ins, probe: number, o: number, write: boolean, dep: number): number {
    const f = this.faultOf(m, s, cpu, o, write);
    if (f === HW_RETRY) return 0;
    if (f !== 0 && f !== HW_UPDATE) return 1;
    const loc = m.locOfPa(outcomePa(m, probe, o));
    const k = this.ways(m, s, cpu, i, loc, dep);
    return k + (f === HW_UPDATE ? this.cleanCasWays(m, s, cpu, i, o, loc, k) : 0);
  }

  /**
   * A CAS that fails need not make its dirty-state update (herd7's A019): its failing reads
   * again, leaving the leaf clean. k is the CAS's ways on loc.
   */
  private cleanCasWays(m: Machine, s: Int32Array, cpu: number, i: Ins, o: number, loc: number, k: number): number {
    if (i.op !== Op.Cas || loc < 0 || (outcomeUpdate(o, true).bits & HW_DB) === 0) return 0;
    return k - this.casCanSucceed(m, s, cpu, i, loc);
  }

  /** 1 when the CAS can succeed on loc now (its first way), else 0; as cmpxchgChoices counts. */
  private casCanSucceed(m: Machine, s: Int32Array, cpu: number, i: Ins, loc: number): number {
    const [el, eh] = splitDesc(this.val(m, s, cpu, i.rs, i.w));
    const w = newestWrite(m, s, loc);
    return rmwEnabled(m, s, cpu, loc, i.release) && s[w] === el && s[w + 1] === eh ? 1 : 0;
  }

  /** The variable whose PTE is at loc (slot i + 1 of the last-level table holds variable i). */
  private varOfPte(m: Machine, loc: number): number {
    return (loc % m.layout.entries) - 1;
  }

  private raise(s: Int32Array, at: number, view: number): void {
    if (s[at]! < view) s[at] = view;
  }

  // ---- the CpuDriver interface ----

  choices(m: Machine, s: Int32Array, cpu: number): number {
    const hw = this.hw?.[cpu];
    return this.insChoices(m, s, cpu) + this.earlyChoices(m, s, cpu, -1) + this.bufferingChoices(m, s, cpu, -1) +
      (hw ? hw.ways(m, s, cpu, this.base(m, cpu) + R_HW) : 0);
  }

  /** The thread's registers, to run ahead of its program order from now. */
  private runAhead(m: Machine, s: Int32Array, cpu: number): RegistersAhead {
    this.ahead.reset((r) => this.reg(m, s, cpu, r), (r) => this.view(m, s, cpu, r));
    return this.ahead;
  }

  /** The early-translation slot holding instruction k's translation, or -1. */
  private earlySlot(m: Machine, s: Int32Array, cpu: number, k: number): number {
    const b = this.base(m, cpu) + R_EARLY;
    for (let e = 0; e < this.earlySlots; e++) if (s[b + e * SLOT_WORDS] === k + 1) return b + e * SLOT_WORDS;
    return -1;
  }

  /**
   * Under HD, a later write may be translated now when that translation makes a dirty-state
   * update: the thread owes the update and the write will use this translation. Counts the
   * ways (choice < 0), or takes way `choice`.
   */
  private earlyChoices(m: Machine, s: Int32Array, cpu: number, choice: number): number {
    const hw = this.hw?.[cpu];
    if (!hw || !m.cfg.hardwareDirty[cpu] || this.finished(m, s, cpu)) return 0;
    const b = this.base(m, cpu);
    const free = this.earlySlot(m, s, cpu, -1);
    if (free < 0) return 0;
    let k = 0;
    const code = this.threads[cpu]!.code;
    const list = this.early[cpu]![s[b + R_PC]!]!;
    if (list.length === 0) return 0;
    // Run ahead to each write, stopping at the first access whose address is not known yet.
    const ahead = this.runAhead(m, s, cpu);
    const addrOf = new Map<number, number>();
    let x = s[b + R_PC]!;
    for (const { j, fenced } of list) {
      for (; x <= j; x++) {
        const i = code[x]!;
        if (isAccess(i)) {
          const a = ahead.address(i);
          if (a === undefined) return k;
          addrOf.set(x, a);
        }
        if (x < j) ahead.run(i);
      }
      x = j; // the write itself is run ahead (as an access passed) on the way to the next
      if (this.earlySlot(m, s, cpu, j) >= 0) continue;
      if (fenced.some((w) => this.addr.probeOfVa.has(addrOf.get(w)!))) continue;
      const i = code[j]!;
      const probe = this.addr.probeOfVa.get(addrOf.get(j)!);
      if (probe === undefined) continue;
      const n = translateOutcomes(m, s, cpu, probe, ahead.addressView(i));
      for (let o = 0; o < n; o++) {
        if (this.faultOf(m, s, cpu, o, true) !== HW_UPDATE) continue;
        const u = outcomeUpdate(o, true);
        if ((u.bits & HW_DB) === 0) continue;
        if (k++ !== choice) continue;
        if (!hw.owe(m, s, b + R_HW, u.loc, (u.bits & 1 ? HW_AF : 0) | HW_DB)) {
          this.error(m, s, cpu, 'too many hardware updates owed');
          return k;
        }
        accessEvent(m, cpu, probe, o, true, 0);
        this.fillSlot(s, free, j, m.locOfPa(outcomePa(m, probe, o)), 0);
        return k;
      }
    }
    return k;
  }

  private insChoices(m: Machine, s: Int32Array, cpu: number): number {
    const i = this.ins(m, s, cpu);
    if (!i) return 0;
    switch (i.op) {
      case Op.Ldr: case Op.Ldxr: case Op.Str: case Op.Stxr: case Op.Swp: case Op.Cas: case Op.LdOp: {
        if (i.op === Op.Ldr && i.acquire && i.kind === 0 && !loadEnabled(m, s, cpu, true)) return 0;
        const { a, dep } = this.address(m, s, cpu, i);
        const early = this.earlySlot(m, s, cpu, s[this.base(m, cpu) + R_PC]!);
        if (early >= 0) return s[early + 2] === 1 ? 1 : this.ways(m, s, cpu, i, s[early + 1]!, dep);
        const probe = this.addr.probeOfVa.get(a);
        if (probe === undefined) {
          const loc = this.addr.locOfPa.get(a);
          if (loc === undefined) return 1; // an error step
          if (loc < m.layout.tableLocs && this.atEl0(m, s, cpu)) return 1; // EL0 may not touch page tables
          return this.ways(m, s, cpu, i, loc, dep) * this.phantomFactor(m, i, loc);
        }
        const n = translateOutcomes(m, s, cpu, probe, dep);
        const write = isWrite(i);
        let k = 0;
        for (let o = 0; o < n; o++) k += this.outcomeWays(m, s, cpu, i, probe, o, write, dep);
        return k;
      }
      case Op.Dmb: return i.kind !== 3 || sbCount(m, s, cpu) === 0 ? 1 : 0;
      case Op.Dsb: return i.kind === 2 ? 1 : dsbEnabled(m, s, cpu, dsbKind(i.kind)) ? 1 : 0;
      default: return 1;
    }
  }

  /**
   * Load buffering (earlyStores.ts): translate now the first access a later store would pass
   * that has no translation yet, or, once all have, perform that store now. Counts the ways
   * (choice < 0), or takes way `choice`.
   */
  private bufferingChoices(m: Machine, s: Int32Array, cpu: number, choice: number): number {
    if (this.finished(m, s, cpu)) return 0;
    const pc = s[this.base(m, cpu) + R_PC]!;
    const free = this.earlySlot(m, s, cpu, -1); // -1 when none: a store translated early needs none
    let k = 0;
    const translated = new Set<number>(); // accesses counted already (several stores may pass one)
    for (const { j, accesses } of this.stores[cpu]![pc]!) {
      // A store already translated early (its dirty update owed) goes with that translation.
      const own = this.earlySlot(m, s, cpu, j);
      if (own >= 0 && s[own + 2] === 1) continue;
      const w = this.window(m, s, cpu, pc, j, accesses);
      if (!w) continue;
      const { ahead, locs, untranslated } = w;
      const st = this.threads[cpu]!.code[j]!;
      if (untranslated >= 0) {
        if (free < 0 || translated.has(untranslated)) continue;
        translated.add(untranslated);
        const i = this.threads[cpu]!.code[untranslated]!;
        const probe = this.addr.probeOfVa.get(w.untranslatedAt)!;
        const n = translateOutcomes(m, s, cpu, probe, w.untranslatedView);
        for (let o = 0; o < n; o++) {
          if (this.faultOf(m, s, cpu, o, i.op === Op.Str) !== 0 || k++ !== choice) continue;
          accessEvent(m, cpu, probe, o, i.op === Op.Str, 0);
          this.fillSlot(s, free, untranslated, m.locOfPa(outcomePa(m, probe, o)), 0);
          return k;
        }
        continue;
      }
      const [lo, hi] = splitDesc(ahead.get(st.rd, st.w)!);
      const a = ahead.address(st)!;
      const probe = own >= 0 ? undefined : this.addr.probeOfVa.get(a);
      // Where the store may go: the location its early translation gave, its PA's location
      // (never a page table's: those stores stay in order), or each fault-free translation.
      const targets: { loc: number; o: number }[] = [];
      if (own >= 0) targets.push({ loc: s[own + 1]!, o: -1 });
      else if (free < 0) continue;
      else if (probe === undefined) {
        const loc = this.addr.locOfPa.get(a);
        if (loc !== undefined && loc >= m.layout.tableLocs) targets.push({ loc, o: -1 });
      } else {
        const n = translateOutcomes(m, s, cpu, probe, ahead.addressView(st));
        for (let o = 0; o < n; o++) if (this.faultOf(m, s, cpu, o, true) === 0) targets.push({ loc: m.locOfPa(outcomePa(m, probe, o)), o });
      }
      for (const { loc, o } of targets) {
        if (loc < 0 || locs.includes(loc) || k++ !== choice) continue;
        if (probe !== undefined) {
          translateOutcomes(m, s, cpu, probe, ahead.addressView(st));
          accessEvent(m, cpu, probe, o, true, 0);
        }
        store(m, s, cpu, loc, lo, hi, false);
        this.fillSlot(s, own >= 0 ? own : free, j, loc, 1);
        return k;
      }
    }
    return k;
  }

  /**
   * Running ahead from pc to the store at j: undefined when an address (or the store's data)
   * is not known yet, or an access may fault at EL0; else the registers at j, the locations
   * of the accesses passed that have them, and the first translated access that has no
   * translation yet (-1 none), with its VA and address view.
   */
  private window(m: Machine, s: Int32Array, cpu: number, pc: number, j: number, accesses: readonly number[]):
    { ahead: RegistersAhead; locs: number[]; untranslated: number; untranslatedAt: number; untranslatedView: number } | undefined {
    const code = this.threads[cpu]!.code;
    const ahead = this.runAhead(m, s, cpu);
    const locs: number[] = [];
    let untranslated = -1;
    let untranslatedAt = 0;
    let untranslatedView = 0;
    for (let x = pc; x < j; x++) {
      const i = code[x]!;
      if (accesses.includes(x)) {
        const a = ahead.address(i);
        if (a === undefined) return undefined;
        const slot = this.earlySlot(m, s, cpu, x);
        const loc = this.addr.locOfPa.get(a);
        if (slot >= 0) locs.push(s[slot + 1]!);
        else if (!this.addr.probeOfVa.has(a)) {
          if (loc === undefined || (loc < m.layout.tableLocs && this.atEl0(m, s, cpu))) return undefined;
          locs.push(loc);
        } else if (untranslated < 0) {
          untranslated = x;
          untranslatedAt = a;
          untranslatedView = ahead.addressView(i);
        }
      }
      ahead.run(i);
    }
    const st = code[j]!;
    if (ahead.address(st) === undefined || ahead.get(st.rd, st.w) === undefined) return undefined;
    return { ahead, locs, untranslated, untranslatedAt, untranslatedView };
  }

  private fillSlot(s: Int32Array, slot: number, k: number, loc: number, performed: number): void {
    s[slot] = k + 1;
    s[slot + 1] = loc;
    s[slot + 2] = performed;
  }

  step(m: Machine, s: Int32Array, cpu: number, choice: number): void {
    const own = this.insChoices(m, s, cpu);
    if (choice >= own) {
      let c = choice - own;
      const early = this.earlyChoices(m, s, cpu, -1);
      if (c < early) {
        this.earlyChoices(m, s, cpu, c);
        return;
      }
      c -= early;
      const buffering = this.bufferingChoices(m, s, cpu, -1);
      if (c < buffering) {
        this.bufferingChoices(m, s, cpu, c);
        return;
      }
      return this.hw![cpu]!.perform(m, s, cpu, this.base(m, cpu) + R_HW, c - buffering);
    }
    const i = this.ins(m, s, cpu)!;
    const b = this.base(m, cpu);
    const pc = s[b + R_PC]!;
    const t = this.threads[cpu]!;
    let next = pc + 1;
    let enter = false;
    switch (i.op) {
      case Op.Ldr: case Op.Ldxr: case Op.Str: case Op.Stxr: case Op.Swp: case Op.Cas: case Op.LdOp: {
        const { a, dep } = this.address(m, s, cpu, i);
        this.raise(s, b + R_VCAP, this.addressPick(m, s, cpu, i));
        const early = this.earlySlot(m, s, cpu, pc);
        if (early >= 0) {
          const loc = s[early + 1]!;
          const performed = s[early + 2] === 1;
          s[early] = s[early + 1] = s[early + 2] = 0;
          if (!performed) this.perform(m, s, cpu, i, loc, dep, choice);
          break;
        }
        const probe = this.addr.probeOfVa.get(a);
        if (probe === undefined) {
          const loc = this.addr.locOfPa.get(a);
          if (loc === undefined) return this.error(m, s, cpu, `address 0x${a.toString(16)} is in no page of the test`);
          if (loc < m.layout.tableLocs && this.atEl0(m, s, cpu)) {
            next = this.takeFault(m, s, cpu, pc, this.varOfPte(m, loc), FT_PERMISSION, dep);
            enter = next === t.handler;
            break;
          }
          const k = this.ways(m, s, cpu, i, loc, dep);
          if (this.phantomFactor(m, i, loc) === 2 && choice >= k) {
            choice -= k;
            if (!this.hw![cpu]!.owe(m, s, b + R_HW, loc, HW_PHANTOM)) return this.error(m, s, cpu, 'too many hardware updates owed');
          }
          this.perform(m, s, cpu, i, loc, dep, choice);
          break;
        }
        const n = translateOutcomes(m, s, cpu, probe, dep);
        const write = isWrite(i);
        let o = 0;
        for (; o < n; o++) {
          const k = this.outcomeWays(m, s, cpu, i, probe, o, write, dep);
          if (choice < k) break;
          choice -= k;
        }
        let fault = this.faultOf(m, s, cpu, o, write);
        if (fault === HW_UPDATE) {
          // The access goes on with the updated translation and owes the update itself.
          const u = outcomeUpdate(o, write);
          let bits = u.bits;
          const k = this.ways(m, s, cpu, i, m.locOfPa(outcomePa(m, probe, o)), dep);
          if (choice >= k) {
            // A failing CAS that leaves the leaf clean (cleanCasWays).
            choice = choice - k + this.casCanSucceed(m, s, cpu, i, m.locOfPa(outcomePa(m, probe, o)));
            bits &= ~HW_DB;
          }
          if (bits !== 0 && !this.hw?.[cpu]?.owe(m, s, b + R_HW, u.loc, (bits & 1 ? HW_AF : 0) | (bits & 2 ? HW_DB : 0))) {
            return this.error(m, s, cpu, 'too many hardware updates owed');
          }
          fault = 0;
        }
        const loc = fault !== 0 ? -1 : m.locOfPa(outcomePa(m, probe, o));
        accessEvent(m, cpu, probe, o, write, fault);
        if (fault !== 0) {
          next = this.takeFault(m, s, cpu, pc, probe, fault, dep); // FT_* = the machine's fault kinds
          enter = next === t.handler;
          break;
        }
        this.perform(m, s, cpu, i, loc, dep, choice);
        break;
      }
      case Op.Mov: this.put(m, s, cpu, i.rd, this.op2(m, s, cpu, i), i.w, this.view(m, s, cpu, i.rm), this.pick(m, s, cpu, i.rm)); break;
      case Op.Alu: {
        const x = this.val(m, s, cpu, i.rn, i.w);
        const y = this.op2(m, s, cpu, i);
        const r = alu(i.kind as Alu, x, y);
        if (i.kind === Alu.Ands) {
          s[b + R_FLAGS] = nzcv(r, i.w, false, false);
          s[b + R_FLAGSV] = Math.max(this.view(m, s, cpu, i.rn), this.view(m, s, cpu, i.rm));
          s[b + R_FLAGSP] = this.addressPick(m, s, cpu, i);
        }
        this.put(m, s, cpu, i.rd, r, i.w, Math.max(this.view(m, s, cpu, i.rn), this.view(m, s, cpu, i.rm)), this.addressPick(m, s, cpu, i));
        break;
      }
      case Op.Cmp: {
        s[b + R_FLAGS] = compareFlags(this.val(m, s, cpu, i.rn, i.w), this.op2(m, s, cpu, i), i.w);
        s[b + R_FLAGSV] = Math.max(this.view(m, s, cpu, i.rn), this.view(m, s, cpu, i.rm));
        s[b + R_FLAGSP] = this.addressPick(m, s, cpu, i);
        break;
      }
      // A value picked by a condition carries no dependency on it for memory (herd7: a pick
      // dependency does not order a later access's translation, S+shoot+pickaddr_mmufault_db),
      // only in its pick view (REG_WORDS).
      case Op.Cset: this.put(m, s, cpu, i.rd, holds(s[b + R_FLAGS]!, i.cond) ? 1n : 0n, i.w, 0, s[b + R_FLAGSP]!); break;
      case Op.Csel: {
        const r = holds(s[b + R_FLAGS]!, i.cond) ? i.rn : i.rm;
        this.put(m, s, cpu, i.rd, this.val(m, s, cpu, r, i.w), i.w, this.view(m, s, cpu, r), Math.max(this.pick(m, s, cpu, r), s[b + R_FLAGSP]!));
        break;
      }
      case Op.Cbz: case Op.Cbnz: {
        const zero = this.val(m, s, cpu, i.rn, i.w) === 0n;
        this.raise(s, b + R_VCAP, this.pick(m, s, cpu, i.rn));
        if (zero === (i.op === Op.Cbz)) next = i.target;
        break;
      }
      case Op.B: next = i.target; break;
      case Op.Bcond:
        this.raise(s, b + R_VCAP, s[b + R_FLAGSP]!);
        if (holds(s[b + R_FLAGS]!, i.cond)) next = i.target;
        break;
      case Op.Adr: this.put(m, s, cpu, i.rd, labelValue(cpu, i.target), false, 0); break;
      case Op.Nop: break;
      case Op.Dmb: dmb(m, s, cpu, i.kind === 1 ? DMB_ST : i.kind === 2 ? DMB_LD : DMB_FULL); break;
      case Op.Dsb:
        // DSB LD is taken as DMB LD: weaker, so no outcome is lost.
        if (i.kind === 2) dmb(m, s, cpu, DMB_LD);
        else dsb(m, s, cpu, dsbKind(i.kind));
        break;
      case Op.Isb:
        // ctrl+isb (and addr+isb): later loads are ordered after the branches' sources.
        isb(m, s, cpu);
        this.raise(s, m.layout.cpu(cpu) + C_VFLOOR, s[b + R_VCAP]!);
        break;
      case Op.Tlbi: {
        const kind = i.kind === 3 ? TLBI_ALL : i.kind === 1 ? TLBI_VA : TLBI_VA_LAST;
        const page = i.rn === ZR ? 0 : Number(BigInt.asUintN(36, this.val(m, s, cpu, i.rn, false)));
        tlbi(m, s, cpu, kind, 0, page, i.broadcast);
        break;
      }
      case Op.Msr: case Op.Mrs: this.put(m, s, cpu, i.rd, this.val(m, s, cpu, i.rn, false), false, this.view(m, s, cpu, i.rn), this.pick(m, s, cpu, i.rn)); break;
      case Op.Eret: {
        const elr = this.val(m, s, cpu, t.regs.get('ELR_EL1') ?? ZR, false);
        const k = labelIndexOf(cpu, elr);
        if (k < 0 || k > t.code.length) return this.error(m, s, cpu, 'ERET to an address that is no instruction');
        isb(m, s, cpu); // an exception return is a context synchronisation event
        next = k;
        break;
      }
      case Op.Svc: case Op.Udf:
        next = this.takeFault(m, s, cpu, pc, -1, i.op === Op.Svc ? FT_SVC : FT_UNDEFINED);
        enter = next === t.handler;
        break;
    }
    // The handler is entered only by an exception: running or branching into it ends main.
    if (next === t.handler && !enter) next = t.code.length;
    if (s[b + R_STATUS] === ST_RUNNING) s[b + R_PC] = next;
  }

  /** Record a fault and go where the test's fault mode says; returns the next pc. */
  private takeFault(m: Machine, s: Int32Array, cpu: number, pc: number, v: number, type: number, dep = 0): number {
    const b = this.base(m, cpu);
    const t = this.threads[cpu]!;
    // The exception discards the translations made early for the writes after it.
    for (let e = 0; e < this.earlySlots * SLOT_WORDS; e++) s[b + R_EARLY + e] = 0;
    if (t.handler >= 0 && pc >= t.handler) {
      // herd drops executions that fault inside a fault handler.
      s[b + R_STATUS] = ST_DISCARDED;
      return pc;
    }
    // Handled without a handler: the instruction is retried (herd's A003); one record of it.
    const retry = this.faultMode === 'handled' && t.handler < 0;
    const n = s[b + R_NFAULT]!;
    if (retry) {
      for (let k = 0; k < n; k++) {
        const f = b + this.rFaults + k * 3;
        if (s[f] === pc && s[f + 1] === v + 1 && s[f + 2] === type) return pc;
      }
    }
    if (n === FAULTS) {
      this.error(m, s, cpu, `more than ${FAULTS} faults`);
      return pc;
    }
    s[b + this.rFaults + n * 3] = pc;
    s[b + this.rFaults + n * 3 + 1] = v + 1;
    s[b + this.rFaults + n * 3 + 2] = type;
    s[b + R_NFAULT] = n + 1;
    if (retry) return type === FT_SVC ? pc + 1 : pc;
    if (this.faultMode === 'handled') {
      // The exception: ELR_EL1 holds the faulting instruction (the next one after an SVC).
      const elr = t.regs.get('ELR_EL1');
      if (elr !== undefined) this.put(m, s, cpu, elr, labelValue(cpu, type === FT_SVC ? pc + 1 : pc), false, 0);
      // Taking the exception is a context synchronisation event after an instruction whose
      // address the fault depends on: the handler's loads are ordered as after ctrl+isb.
      isb(m, s, cpu);
      // The exception is taken only once the instruction is not speculative: after the
      // addresses and branches before it (herd7's order-via-faults tests).
      const c = m.layout.cpu(cpu);
      this.raise(s, c + C_VFLOOR, Math.max(dep, s[b + R_VCAP]!));
      return t.handler;
    }
    if (this.faultMode === 'fatal') {
      s[b + R_STATUS] = ST_STOPPED;
      return pc;
    }
    return pc + 1;
  }

  private error(m: Machine, s: Int32Array, cpu: number, msg: string): void {
    s[this.base(m, cpu) + R_STATUS] = ST_ERROR;
    if (!this.errors.includes(msg)) this.errors.push(msg);
  }

  /** Register-only steps (moves, ALU, compares, branches): the reduction runs them alone. */
  isLocal(m: Machine, s: Int32Array, cpu: number): boolean {
    const i = this.ins(m, s, cpu);
    if (!i) return false;
    switch (i.op) {
      case Op.Mov: case Op.Alu: case Op.Cmp: case Op.Cset: case Op.Csel: case Op.Cbz: case Op.Cbnz:
      case Op.B: case Op.Bcond: case Op.Adr: case Op.Nop: case Op.Msr: case Op.Mrs:
        return true;
      default:
        return false;
    }
  }

  describe(m: Machine, s: Int32Array, cpu: number): string {
    const i = this.ins(m, s, cpu);
    return i ? i.text : 'done';
  }
}

function dsbKind(k: number): number {
  return k === 1 ? DSB_ST : k === 4 ? DSB_NSH : DSB_FULL;
}
