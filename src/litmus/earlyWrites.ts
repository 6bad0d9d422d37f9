// Which later writes of a thread may be translated early (herd7's VMSA model): a write's
// translation, and the dirty-state update it makes, need only the write's address, so they
// may happen before the thread's earlier loads, stores, barriers and TLBIs, back to the last
// context synchronisation (an isb, an exception). Computed once per instruction: scanning
// forward from it to the first isb, exception, branch or the end of its code. When it runs,
// the driver also stops at the first access (or write) whose address is not known yet,
// running moves and ALU steps ahead (registersAhead.ts).

import { codeEnd, isWrite, Op, type Ins, type ThreadCode } from './assemble.js';

/** Where the scan stops: context synchronisation, exceptions, and branches (no wrong-path writes). */
function stops(i: Ins): boolean {
  switch (i.op) {
    case Op.Isb: case Op.Eret: case Op.Svc: case Op.Udf: case Op.B: case Op.Bcond: case Op.Cbz: case Op.Cbnz:
      return true;
    default:
      return false;
  }
}

/** A write that may be translated early, and the earlier writes a barrier orders it after. */
export interface EarlyWrite {
  j: number;
  /**
   * Earlier writes with a store-ordering barrier (DMB ST or stronger, DSB ST or stronger)
   * between them and j: the update is a write, ordered after them when they are writes to
   * translated memory (not when they write page tables: herd's coWWExp-TLBI-NExp).
   */
  fenced: number[];
}

/**
 * For each instruction index pc, the later writes that may be translated before pc runs, in
 * program order: up to the first isb, exception or branch. (An update also waits for the
 * addresses of earlier accesses, herd's LB+dmb.sy+addr-po-HUdb: the driver checks that.)
 */
export function earlyWrites(t: ThreadCode): EarlyWrite[][] {
  return t.code.map((_, pc) => {
    const out: EarlyWrite[] = [];
    const writes: number[] = [];
    let fenced = 0; // writes[0..fenced) have a store-ordering barrier after them
    for (let j = pc; j < codeEnd(t, pc); j++) {
      const i = t.code[j]!;
      if (j > pc && isWrite(i)) out.push({ j, fenced: writes.slice(0, fenced) });
      if (stops(i)) break;
      if (isWrite(i)) writes.push(j);
      if ((i.op === Op.Dmb || i.op === Op.Dsb) && i.kind !== 2) fenced = writes.length;
    }
    return out;
  });
}
