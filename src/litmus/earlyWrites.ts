// Which later writes of a thread may be translated early (herd7's VMSA model): a write's
// translation, and the dirty-state update it makes, need only the write's address, so they
// may happen before the thread's earlier loads, stores, barriers and TLBIs, back to the last
// context synchronisation (an isb, an exception). Computed once per instruction: scanning
// forward from it to the first isb, exception, branch or the end of its code, the writes
// whose address registers nothing in between writes.

import { Op, ZR, type Ins, type ThreadCode } from './assemble.js';

/** Registers an instruction writes (flags are not registers here). */
function written(i: Ins): number[] {
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

function isWrite(i: Ins): boolean {
  return i.op === Op.Str || i.op === Op.Stxr || i.op === Op.Swp || i.op === Op.Cas || i.op === Op.LdOp;
}

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

function isAccess(i: Ins): boolean {
  return isWrite(i) || i.op === Op.Ldr || i.op === Op.Ldxr;
}

/**
 * For each instruction index pc, the later writes that may be translated before pc runs:
 * up to the first isb, exception, branch, or access whose address is not known yet (an
 * update waits for the addresses of earlier accesses: herd's LB+dmb.sy+addr-po-HUdb).
 */
export function earlyWrites(t: ThreadCode): EarlyWrite[][] {
  const end = (pc: number): number => (t.handler >= 0 && pc < t.handler ? t.handler : t.code.length);
  return t.code.map((_, pc) => {
    const out: EarlyWrite[] = [];
    const dirty = new Set<number>();
    const writes: number[] = [];
    let fenced = 0; // writes[0..fenced) have a store-ordering barrier after them
    for (let j = pc; j < end(pc); j++) {
      const i = t.code[j]!;
      if (isAccess(i) && (dirty.has(i.rn) || (i.rm !== ZR && dirty.has(i.rm)))) break;
      if (j > pc && isWrite(i)) out.push({ j, fenced: writes.slice(0, fenced) });
      if (stops(i)) break;
      if (isWrite(i)) writes.push(j);
      if ((i.op === Op.Dmb || i.op === Op.Dsb) && i.kind !== 2) fenced = writes.length;
      for (const r of written(i)) if (r !== ZR) dirty.add(r);
    }
    return out;
  });
}
