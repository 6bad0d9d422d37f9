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
 * between: a register a load writes is unknown (undefined) until that load reads.
 */
export class RegistersAhead {
  private readonly vals = new Map<number, bigint | undefined>();

  constructor(private readonly now: (r: number) => bigint) {}

  reset(): void {
    this.vals.clear();
  }

  get(r: number, w: boolean): bigint | undefined {
    if (r === ZR) return 0n;
    const v = this.vals.has(r) ? this.vals.get(r) : this.now(r);
    return v === undefined ? undefined : w ? v & 0xffff_ffffn : v;
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

  /** Instruction i's effect on the registers (a load's: its register becomes unknown). */
  run(i: Ins): void {
    switch (i.op) {
      case Op.Mov: return this.set(i.rd, this.op2(i), i.w);
      case Op.Alu: {
        const x = this.get(i.rn, i.w);
        const y = this.op2(i);
        return this.set(i.rd, x === undefined || y === undefined ? undefined : alu(i.kind as Alu, x, y), i.w);
      }
      case Op.Ldr: return this.set(i.rd, undefined, i.w);
      default: return;
    }
  }

  private set(r: number, v: bigint | undefined, w: boolean): void {
    if (r !== ZR) this.vals.set(r, v === undefined ? undefined : BigInt.asUintN(w ? 32 : 64, v));
  }
}
