// Load buffering (herd7's LB shapes): a later plain store may reach the store buffer before
// the thread's earlier loads have read, when nothing orders it after them. Between it and
// the current instruction there may be only plain loads and stores, moves, ALU steps and a
// DMB ST with no store before it (no other barrier, no acquire, release, atomic, compare,
// branch or exception); its address and data must be known without any of those loads'
// values (registersAhead.ts); every earlier access must have its address known and its
// translation made (so none can fault), and none may touch its location.

import { codeEnd, Op, type Ins, type ThreadCode } from './assemble.js';

/** A store that may go early from some pc, and the accesses between pc and it. */
export interface EarlyStore {
  j: number;
  accesses: number[];
}

/** Instructions a store may pass (a DMB ST only when no store comes before it: checked by the scan). */
function passable(i: Ins): boolean {
  switch (i.op) {
    case Op.Ldr: return !i.acquire;
    case Op.Str: return !i.release;
    case Op.Mov: case Op.Alu: case Op.Nop: return true;
    case Op.Dmb: return i.kind === 1;
    default: return false;
  }
}

/** For each pc, the stores after it that may go before it, with the accesses they pass. */
export function earlyStores(t: ThreadCode): EarlyStore[][] {
  return t.code.map((_, pc) => {
    const out: EarlyStore[] = [];
    const accesses: number[] = [];
    for (let j = pc; j < codeEnd(t, pc); j++) {
      const i = t.code[j]!;
      // Passing only stores and register steps shows nothing new: buffered stores commit in any order.
      const passesLoad = accesses.some((x) => t.code[x]!.op === Op.Ldr);
      if (j > pc && i.op === Op.Str && !i.release && passesLoad) out.push({ j, accesses: [...accesses] });
      if (!passable(i)) break;
      // A DMB ST orders the stores before it before every later store.
      if (i.op === Op.Dmb && accesses.some((x) => t.code[x]!.op === Op.Str)) break;
      if (i.op === Op.Ldr || i.op === Op.Str) accesses.push(j);
    }
    return out;
  });
}

