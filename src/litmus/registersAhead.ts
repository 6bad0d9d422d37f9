// Registers as they will be when a later instruction runs, computed ahead of the thread's
// program order for the instructions the litmus runner may run early (earlyWrites.ts,
// earlyStores.ts): moves and ALU steps are run ahead; what any other instruction writes (a
// load's value, a compare-and-select) is unknown until it runs.

import { alu } from './alu.js';
import { Alu, Op, ZR, type Ins } from './assemble.js';

/** Registers an instruction writes (flags are not registers here). */
export function written(i: Ins): number[] {
  switch (i.op) {
    case Op.Ldr: case Op.Ldxr: case Op.Mov: case Op.Alu: case Op.Cset: case Op.Csel: case Op.Adr:
    case Op.Mrs: case Op.Msr: case Op.Swp: case Op.LdOp:
      return [i.rd];
    case Op.Cas: case Op.Stxr:
      return [i.rs];
    default:
      return [];
  }
}

/**
 * The registers as they will be after running moves and ALU steps ahead of the loads
 * between: each with its value and the view an access depending on it inherits (as the
 * driver computes them in order); a register a load writes is unknown until that load reads.
 */
export class RegistersAhead {
  private readonly vals = new Map<number, { v: bigint; view: number } | undefined>();
  private now: (r: number) => bigint = () => 0n;
  private nowView: (r: number) => number = () => 0;

  /** Start again from the registers as they are now (read through now, nowView). */
  reset(now: (r: number) => bigint, nowView: (r: number) => number): void {
    this.vals.clear();
    this.now = now;
    this.nowView = nowView;
  }

  private entry(r: number): { v: bigint; view: number } | undefined {
    if (r === ZR) return { v: 0n, view: 0 };
    return this.vals.has(r) ? this.vals.get(r) : { v: this.now(r), view: this.nowView(r) };
  }

  get(r: number, w: boolean): bigint | undefined {
    const e = this.entry(r);
    return e === undefined ? undefined : w ? e.v & 0xffff_ffffn : e.v;
  }

  /** The view of register r (0 when unknown: callers check the value first). */
  view(r: number): number {
    return this.entry(r)?.view ?? 0;
  }

  /** Operand 2, as the driver computes it. */
  private op2(i: Ins): bigint | undefined {
    if (i.rm === ZR) return i.imm;
    const v = this.get(i.rm, i.shift === -1 ? true : i.w);
    if (v === undefined) return undefined;
    return i.shift === -1 ? BigInt.asIntN(32, v) : v << BigInt(i.shift);
  }

  address(i: Ins): number | undefined {
    const n = this.get(i.rn, false);
    const o = this.op2(i);
    return n === undefined || o === undefined ? undefined : Number(BigInt.asUintN(48, n + o));
  }

  /** The view an access's address depends on. */
  addressView(i: Ins): number {
    return Math.max(this.view(i.rn), this.view(i.rm));
  }

  /** Instruction i's effect on the registers (anything but a move or ALU step: unknown). */
  run(i: Ins): void {
    switch (i.op) {
      case Op.Mov: return this.set(i.rd, this.op2(i), i.w, this.view(i.rm));
      case Op.Alu: {
        const x = this.get(i.rn, i.w);
        const y = this.op2(i);
        return this.set(i.rd, x === undefined || y === undefined ? undefined : alu(i.kind as Alu, x, y), i.w, this.addressView(i));
      }
      default:
        for (const r of written(i)) this.set(r, undefined, false, 0);
    }
  }

  private set(r: number, v: bigint | undefined, w: boolean, view: number): void {
    if (r !== ZR) this.vals.set(r, v === undefined ? undefined : { v: BigInt.asUintN(w ? 32 : 64, v), view });
  }
}
