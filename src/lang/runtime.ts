// Running compiled kernel-C on the machine: a CpuDriver whose per-CPU call stack lives in
// the flat state. Values are two words per slot in region 'kc', the view each slot carries
// (for address dependencies) one word per slot in region 'kcv'. A step runs one machine
// op, then the CPU's local code up to its next machine op.

import { splitDesc } from '../arch/arm64/decode.js';
import type { ExtraRegion } from '../machine/layout.js';
import { lazyLeaveRunsIsb, pteBarrierRunsIsb } from '../machine/sys.js';
import { canCommit, commitStore, DMB_ST, sbCount } from '../machine/cpu.js';
import { settleMemory, walkerReach, walkMayRead } from '../machine/memory.js';
import { tlbiComplete, tlbiPending } from '../machine/tlbi.js';
import type { Machine } from '../machine/machine.js';
import { WALKS_ALL, WALKS_NONE, WALKS_OWN, type CpuDriver } from '../machine/transitions.js';
import { atomicLoc, machineChoices, machineStep } from './machineOps.js';
import { Mop, Op, type CompiledFunction, type CompiledProgram, type Frame, type Instr } from './ir.js';
import { wrap } from './types.js';
import { FINAL_FUNCTION } from './model.js';

// Per-CPU words of region 'kc': status, frame pointer, stack pointer (in slots), then the
// value stack. A frame is a 2-slot header (function, pc | caller frame, result slot) and
// then the function's slots.
const K_STATUS = 0;
const K_FP = 1;
const K_SP = 2;
const K_HDR = 3;
const FRAME_HDR = 2;
export const RUNNING = 0;
export const RETURNED = 1;
export const STOPPED = 2;

/** Local instructions one step may run before the CPU is declared to loop without end. */
const LOCAL_BUDGET = 1_000_000;

/**
 * Stack slots the deepest call chain from any CPU's entry needs (frames are sized
 * exactly, so the state stays small); with recursion, recursionSlots.
 */
function stackNeed(p: CompiledProgram, recursionSlots: number): number {
  const memo = new Map<number, number>();
  const onPath = new Set<number>();
  const need = (id: number): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    if (onPath.has(id)) return Infinity;
    onPath.add(id);
    const f = p.functions[id]!;
    let deepest = 0;
    for (const i of f.code) if (i.op === Op.Call) deepest = Math.max(deepest, need(i.callee!));
    onPath.delete(id);
    const n = FRAME_HDR + f.slots + deepest;
    memo.set(id, n);
    return n;
  };
  let max = 1;
  for (const e of [...p.entries, ...Object.values(p.named ?? {})]) if (e >= 0) max = Math.max(max, need(e));
  return Number.isFinite(max) ? max : recursionSlots;
}

/** Whether function id, or anything it calls, does one of the machine operations mops. */
function reachesMop(p: CompiledProgram, id: number, mops: readonly Mop[], seen = new Set<number>()): boolean {
  if (id < 0 || seen.has(id)) return false;
  seen.add(id);
  for (const i of p.functions[id]!.code) {
    if (i.op === Op.Machine && mops.includes(i.mop!)) return true;
    if (i.op === Op.Call && reachesMop(p, i.callee!, mops, seen)) return true;
  }
  return false;
}

/** Commit one buffered store or complete one TLBI, of any CPU; false when nothing is pending. */
function settleOne(m: Machine, s: Int32Array): boolean {
  for (let c = 0; c < m.layout.cpus; c++) {
    for (let i = 0; i < sbCount(m, s, c); i++) {
      if (canCommit(m, s, c, i)) {
        commitStore(m, s, c, i);
        return true;
      }
    }
    if (tlbiPending(m, s, c) > 0) {
      tlbiComplete(m, s, c);
      return true;
    }
  }
  return false;
}

export class KernelError extends Error {
  constructor(readonly kind: 'assert' | 'model-error', message: string) {
    super(message);
  }
}

export class KernelDriver implements CpuDriver {
  readonly regions: readonly ExtraRegion[];
  private readonly words: number;
  private pending: { kind: string; message: string }[] = [];
  private s!: Int32Array;
  private base = 0;
  private vbase = 0;
  private fp = 0;
  private fn!: CompiledFunction;
  /** The current frame as closures see it. */
  readonly frame: Frame = { get: (slot) => this.get(slot) };

  readonly stackSlots: number;

  /**
   * @param preludeId a function run on CPU0 before the CPUs start (a scenario's init code),
   * or -1.
   */
  constructor(readonly program: CompiledProgram, private readonly cpus: number, private readonly preludeId = -1, recursionSlots = 512) {
    const stackSlots = stackNeed(program, recursionSlots);
    this.stackSlots = stackSlots;
    this.words = K_HDR + stackSlots * 2;
    const views = Array.from({ length: cpus * stackSlots }, (_, i) => i);
    this.regions = [
      { name: 'kc', size: cpus * this.words },
      { name: 'kcv', size: cpus * stackSlots, viewOffsets: views },
    ];
  }

  /** A predicate run over the end state (check.final) may translate too: then every CPU counts. */
  translates(cpu: number): boolean {
    return this.reaches(cpu, [Mop.ReadVa, Mop.WriteVa]);
  }

  /** Code run over a returned CPU's state: the final predicate (it runs on CPU 0). */
  translatesWhenDone(cpu: number): boolean {
    const final = this.program.named?.[FINAL_FUNCTION];
    return cpu === 0 && final !== undefined && reachesMop(this.program, final, [Mop.ReadVa, Mop.WriteVa]);
  }

  writesTtbr(cpu: number): boolean {
    return this.reaches(cpu, [Mop.WriteTtbr]);
  }

  /** Any atomic without full ordering (cmpxchg_relaxed, xchg_relaxed, set_bit, clear_bit) anywhere in the program. */
  relaxedAtomics(): boolean {
    const rmw = [Mop.Cmpxchg, Mop.Xchg, Mop.SetBit, Mop.ClearBit];
    return this.program.functions.some((f) => f.code.some((i) => i.op === Op.Machine && rmw.includes(i.mop!) && i.flag !== 1));
  }

  /**
   * Model code reaches page tables by physical address, and a table allocated in the run
   * has no address but the one pagetable_alloc() returns: other CPUs learn it by reading a
   * pointer from memory. A load that breaks this is a model error (machineOps.ts).
   */
  tableProvenance(): boolean {
    return true;
  }

  /** Whether the CPU's code, or code run over its state (init, final), reaches one of mops. */
  private reaches(cpu: number, mops: readonly Mop[]): boolean {
    const p = this.program;
    if (Object.values(p.named ?? {}).some((id) => reachesMop(p, id, mops))) return true;
    return reachesMop(p, p.entries[cpu] ?? -1, mops);
  }

  private bind(m: Machine, s: Int32Array, cpu: number): void {
    this.s = s;
    this.base = m.layout.region('kc') + cpu * this.words;
    this.vbase = m.layout.region('kcv') + cpu * this.stackSlots;
    this.fp = s[this.base + K_FP]!;
    this.fn = this.program.functions[s[this.base + K_HDR + this.fp * 2]!]!;
  }

  get(slot: number): bigint {
    const o = this.base + K_HDR + (this.fp + FRAME_HDR + slot) * 2;
    const v = (BigInt(this.s[o + 1]! >>> 0) << 32n) | BigInt(this.s[o]! >>> 0);
    return wrap(this.fn.slotTypes[slot]!, v);
  }

  view(slot: number): number {
    return this.s[this.vbase + this.fp + FRAME_HDR + slot]!;
  }

  /** The max of the views of slots deps. */
  depView(deps: Int32Array | undefined): number {
    let v = 0;
    if (deps) for (let i = 0; i < deps.length; i++) v = Math.max(v, this.view(deps[i]!));
    return v;
  }

  set(slot: number, v: bigint, view: number): void {
    const [lo, hi] = splitDesc(wrap(this.fn.slotTypes[slot]!, v));
    const o = this.base + K_HDR + (this.fp + FRAME_HDR + slot) * 2;
    this.s[o] = lo;
    this.s[o + 1] = hi;
    this.s[this.vbase + this.fp + FRAME_HDR + slot] = view;
  }

  private clear(slot: number): void {
    const o = this.base + K_HDR + (this.fp + FRAME_HDR + slot) * 2;
    this.s[o] = 0;
    this.s[o + 1] = 0;
    this.s[this.vbase + this.fp + FRAME_HDR + slot] = 0;
  }

  private pc(): number {
    return this.s[this.base + K_HDR + this.fp * 2 + 1]!;
  }

  private setPc(pc: number): void {
    this.s[this.base + K_HDR + this.fp * 2 + 1] = pc;
    const dead = this.fn.clearAt?.[pc];
    if (dead) for (let i = 0; i < dead.length; i++) this.clear(dead[i]!);
  }

  /** The instruction the CPU stands at. */
  current(m: Machine, s: Int32Array, cpu: number): Instr | undefined {
    this.bind(m, s, cpu);
    if (s[this.base + K_STATUS] !== RUNNING) return undefined;
    return this.fn.code[this.pc()];
  }

  init(m: Machine, s: Int32Array): void {
    if (this.preludeId >= 0) {
      // The scenario's init code runs on CPU0 before anything else, and everything it did is
      // visible to every CPU and walker when they start (as after boot's barriers).
      const problems = this.runToEnd(m, s, 0, this.preludeId);
      while (settleOne(m, s));
      settleMemory(m, s);
      this.pending.push(...problems);
      if (problems.length) return;
    }
    for (let cpu = 0; cpu < this.cpus; cpu++) {
      const entry = this.program.entries[cpu];
      this.bind(m, s, cpu);
      if (entry === undefined || entry < 0) { // no program: -1 from the compiler
        s[this.base + K_STATUS] = RETURNED;
        continue;
      }
      this.start(s, cpu, entry); // RUNNING again: CPU0 may have run the init code
    }
  }

  /** Call fnId on the bound CPU and run its local code up to the first machine operation. */
  private start(s: Int32Array, cpu: number, fnId: number): void {
    s[this.base + K_STATUS] = RUNNING;
    try {
      this.push(fnId, -1, []);
      this.runLocal();
    } catch (e) {
      if (!(e instanceof KernelError)) throw e;
      this.stop(cpu, e);
    }
  }

  private stop(cpu: number, e: KernelError): void {
    this.s[this.base + K_STATUS] = STOPPED;
    const where = this.fn.code[this.pc()];
    this.pending.push({ kind: e.kind, message: `CPU${cpu} in ${this.fn.name}() at ${where ? `${where.file}:${where.line}` : 'the end'}: ${e.message}` });
  }

  done(m: Machine, s: Int32Array, cpu: number): boolean {
    return s[m.layout.region('kc') + cpu * this.words + K_STATUS] !== RUNNING;
  }

  status(m: Machine, s: Int32Array, cpu: number): number {
    return s[m.layout.region('kc') + cpu * this.words + K_STATUS]!;
  }

  choices(m: Machine, s: Int32Array, cpu: number): number {
    const ins = this.current(m, s, cpu);
    if (!ins) return 0;
    try {
      return machineChoices(this, m, s, cpu, ins);
    } catch (e) {
      if (e instanceof KernelError) return 1; // the step reports it
      throw e;
    }
  }

  step(m: Machine, s: Int32Array, cpu: number, choice: number): void {
    const ins = this.current(m, s, cpu)!;
    try {
      machineStep(this, m, s, cpu, ins, choice);
      this.bind(m, s, cpu);
      this.setPc(this.pc() + 1);
      this.runLocal();
    } catch (e) {
      if (!(e instanceof KernelError)) throw e;
      this.bind(m, s, cpu);
      this.stop(cpu, e);
    }
  }

  /**
   * Run function fnId on a returned CPU, reading the newest value of everything it loads
   * (the last choice of each step): how the final predicate is evaluated on a final state.
   * Returns the violations it raised.
   */
  runToEnd(m: Machine, s: Int32Array, cpu: number, fnId: number): { kind: string; message: string }[] {
    this.bind(m, s, cpu);
    this.start(s, cpu, fnId);
    // It reads the newest writes, which no compaction drops: a table's address may be made up.
    this.runningToEnd = true;
    try {
      return this.runToEndBound(m, s, cpu, fnId);
    } finally {
      this.runningToEnd = false;
    }
  }

  /** True while runToEnd runs: reads take the newest write (machineOps.ts readLoc). */
  runningToEnd = false;

  private runToEndBound(m: Machine, s: Int32Array, cpu: number, fnId: number): { kind: string; message: string }[] {
    for (let guard = 0; !this.done(m, s, cpu) && guard < 1_000_000; guard++) {
      const k = this.choices(m, s, cpu);
      m.events.clear();
      if (k > 0) this.step(m, s, cpu, k - 1);
      else if (!settleOne(m, s)) {
        this.pending.push({ kind: 'model-error', message: `CPU${cpu} blocked in ${this.program.functions[fnId]!.name}() (a lock held by nobody, or a barrier)` });
        break;
      }
    }
    const out = this.pending.slice();
    this.pending.length = 0;
    return out;
  }

  takeViolations(out: { kind: string; message: string }[]): void {
    for (const v of this.pending) out.push(v);
    this.pending.length = 0;
  }

  describe(m: Machine, s: Int32Array, cpu: number): string {
    const ins = this.current(m, s, cpu);
    return ins ? `${this.fn.name}() ${ins.file}:${ins.line}` : 'returned';
  }

  /**
   * Whether the CPU's next step touches only its own state (for the reduction): a store
   * entering the store buffer, a dmb(ishst), entering lazy MMU mode, or a page-table
   * barrier that lazy mode only marks pending. The local code after it is the CPU's own.
   */
  isLocal(m: Machine, s: Int32Array, cpu: number): boolean {
    const ins = this.current(m, s, cpu);
    if (!ins || ins.op !== Op.Machine) return false;
    switch (ins.mop) {
      case Mop.Store: return !m.sc;
      case Mop.Dmb: return ins.flag === DMB_ST;
      case Mop.LazyEnter: return true;
      case Mop.PteBarrier: return !pteBarrierRunsIsb(m, s, cpu);
      default: return false;
    }
  }

  /**
   * How the CPU's next step bears on walkers (for postponing walk starts): an isb, a TTBR
   * write, a translated access, or a barrier that runs an isb reads or changes what its own
   * walks read or fill. An allocation or a free changes what every walker may read, and a
   * write to a table slot some walk may read that does not go through the store buffer (an
   * atomic, or a hardware access-flag or dirty update) is checked against every walk cache
   * (bbm), as a commit to one is (reduction.ts).
   */
  walkEffect(m: Machine, s: Int32Array, cpu: number): number {
    const ins = this.current(m, s, cpu);
    if (!ins || ins.op !== Op.Machine) return WALKS_NONE;
    switch (ins.mop) {
      case Mop.Isb: case Mop.WriteTtbr: return WALKS_OWN;
      case Mop.ReadVa: case Mop.WriteVa: return m.cfg.hardwareAf[cpu] || m.cfg.hardwareDirty[cpu] ? WALKS_ALL : WALKS_OWN;
      case Mop.PteBarrier: return pteBarrierRunsIsb(m, s, cpu) ? WALKS_OWN : WALKS_NONE;
      case Mop.LazyLeave: return lazyLeaveRunsIsb(m, s, cpu) ? WALKS_OWN : WALKS_NONE;
      case Mop.Alloc: case Mop.Free: return WALKS_ALL;
      case Mop.Cmpxchg: case Mop.Xchg: case Mop.SetBit: case Mop.ClearBit: case Mop.Lock:
        try {
          return walkMayRead(m, walkerReach(m, s), atomicLoc(this, m, ins)) ? WALKS_ALL : WALKS_NONE;
        } catch {
          return WALKS_ALL; // a bad pointer: the step itself reports it
        }
      default: return WALKS_NONE;
    }
  }

  /** Where the CPU stands: function, file and line (for traces). */
  position(m: Machine, s: Int32Array, cpu: number): { fn: string; file: string; line: number } | undefined {
    const ins = this.current(m, s, cpu);
    return ins ? { fn: this.fn.name, file: ins.file, line: ins.line } : undefined;
  }

  private push(fnId: number, resultSlot: number, args: { v: bigint; view: number }[]): void {
    const s = this.s;
    const callee = this.program.functions[fnId]!;
    const sp = s[this.base + K_SP]!;
    const empty = sp === 0;
    const newFp = sp;
    if (newFp + FRAME_HDR + callee.slots > this.stackSlots)
      throw new KernelError('model-error', `stack overflow calling ${callee.name}() (${this.stackSlots} slots; unbounded recursion?)`);
    const h = this.base + K_HDR + newFp * 2;
    s[h] = fnId;
    s[h + 1] = 0;
    s[h + 2] = empty ? -1 : this.fp;
    s[h + 3] = resultSlot;
    s[this.base + K_FP] = newFp;
    s[this.base + K_SP] = newFp + FRAME_HDR + callee.slots;
    this.fp = newFp;
    this.fn = callee;
    args.forEach((a, i) => this.set(i, a.v, a.view));
    const dead = callee.clearAt?.[0]; // parameters the function never reads
    if (dead) for (let i = 0; i < dead.length; i++) this.clear(dead[i]!);
  }

  /** Pop the current frame, handing v to the caller's result slot. Returns false at the bottom. */
  private pop(v: bigint, view: number): boolean {
    const s = this.s;
    const h = this.base + K_HDR + this.fp * 2;
    const caller = s[h + 2]!;
    const resultSlot = s[h + 3]!;
    const top = s[this.base + K_SP]!;
    s.fill(0, h, this.base + K_HDR + top * 2);
    s.fill(0, this.vbase + this.fp, this.vbase + top);
    s[this.base + K_SP] = this.fp;
    if (caller < 0) {
      s[this.base + K_FP] = 0;
      s[this.base + K_STATUS] = RETURNED;
      return false;
    }
    s[this.base + K_FP] = caller;
    this.fp = caller;
    this.fn = this.program.functions[s[this.base + K_HDR + caller * 2]!]!;
    if (resultSlot >= 0) this.set(resultSlot, v, view);
    return true;
  }

  /** Run local instructions until a machine op, the CPU's return, or a violation. */
  runLocal(): void {
    for (let budget = LOCAL_BUDGET; budget > 0; budget--) {
      const pc = this.pc();
      const ins = this.fn.code[pc];
      if (!ins) throw new KernelError('model-error', `${this.fn.name}() ran off its end`);
      switch (ins.op) {
        case Op.Machine:
          return;
        case Op.Eval:
          this.set(ins.dst, ins.fn!(this.frame), this.depView(ins.deps));
          this.setPc(pc + 1);
          break;
        case Op.BrFalse:
          this.setPc(ins.fn!(this.frame) === 0n ? ins.target! : pc + 1);
          break;
        case Op.Jmp:
          this.setPc(ins.target!);
          break;
        case Op.Call: {
          const args = ins.args!.map((a, i) => ({ v: a(this.frame), view: this.depView(ins.argDeps![i]) }));
          this.setPc(pc + 1);
          this.push(ins.callee!, ins.dst, args);
          break;
        }
        case Op.Ret: {
          const v = ins.fn ? ins.fn(this.frame) : 0n;
          const view = this.depView(ins.deps);
          if (!this.pop(v, view)) return;
          break;
        }
        case Op.Fail:
          throw new KernelError(ins.failKind!, ins.message!);
        case Op.Clear: {
          const sl = ins.slots!;
          for (let i = 0; i < sl.length; i++) this.clear(sl[i]!);
          this.setPc(pc + 1);
          break;
        }
      }
    }
    throw new KernelError('model-error', `more than ${LOCAL_BUDGET} instructions without touching shared memory: an endless local loop?`);
  }
}
