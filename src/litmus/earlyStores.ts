// Load buffering (herd7's LB shapes): a later plain store may reach the store buffer before
// the thread's earlier loads have read, when nothing orders it after them. Between it and
// the current instruction there may be only plain loads and stores, moves and ALU steps
// (no barrier, acquire, release, atomic, branch or exception); its address and data must be
// known without any of those loads' values; every earlier access must have its address
// known and its translation made (so none can fault), and none may touch its location.

import { alu } from './alu.js';
import { Alu, Op, ZR, type Ins, type ThreadCode } from './assemble.js';

/** A store that may go early from some pc, and the accesses between pc and it. */
export interface EarlyStore {
  j: number;
  accesses: number[];
}

/** Instructions a store may pass. */
function passable(i: Ins): boolean {
  switch (i.op) {
    case Op.Ldr: return !i.acquire;
    case Op.Str: return !i.release;
    case Op.Mov: case Op.Alu: case Op.Nop: return true;
    default: return false;
  }
}

/** For each pc, the stores after it that may go before it, with the accesses they pass. */
export function earlyStores(t: ThreadCode): EarlyStore[][] {
  const end = (pc: number): number => (t.handler >= 0 && pc < t.handler ? t.handler : t.code.length);
  return t.code.map((_, pc) => {
    const out: EarlyStore[] = [];
    const accesses: number[] = [];
    for (let j = pc; j < end(pc); j++) {
      const i = t.code[j]!;
      // Passing only stores and register steps shows nothing new: buffered stores commit in any order.
      const passesLoad = accesses.some((x) => t.code[x]!.op === Op.Ldr);
      if (j > pc && i.op === Op.Str && !i.release && passesLoad) out.push({ j, accesses: [...accesses] });
      if (!passable(i)) break;
      if (i.op === Op.Ldr || i.op === Op.Str) accesses.push(j);
    }
    return out;
  });
}

/**
 * The registers as they will be after running moves and ALU steps ahead of the loads
 * between: each with its value and the view an access depending on it inherits (as the
 * driver computes them in order); a register a load writes is unknown until that load reads.
 */
export class RegistersAhead {
  private readonly vals = new Map<number, { v: bigint; view: number } | undefined>();

  constructor(private readonly now: (r: number) => bigint, private readonly nowView: (r: number) => number) {}

  reset(): void {
    this.vals.clear();
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

  /** Instruction i's effect on the registers (a load's: its register becomes unknown). */
  run(i: Ins): void {
    switch (i.op) {
      case Op.Mov: return this.set(i.rd, this.op2(i), i.w, this.view(i.rm));
      case Op.Alu: {
        const x = this.get(i.rn, i.w);
        const y = this.op2(i);
        return this.set(i.rd, x === undefined || y === undefined ? undefined : alu(i.kind as Alu, x, y), i.w, this.addressView(i));
      }
      case Op.Ldr: return this.set(i.rd, undefined, i.w, 0);
      default: return;
    }
  }

  private set(r: number, v: bigint | undefined, w: boolean, view: number): void {
    if (r !== ZR) this.vals.set(r, v === undefined ? undefined : { v: BigInt.asUintN(w ? 32 : 64, v), view });
  }
}
