// The arithmetic of the AArch64 subset: ALU operations, atomic operations, NZCV flags and
// condition codes, on 64-bit values as BigInt (a W form truncates at the caller).

import { Alu, AtomicOp } from './assemble.js';

export function alu(k: Alu, x: bigint, y: bigint): bigint {
  switch (k) {
    case Alu.Add: return x + y;
    case Alu.Sub: return x - y;
    case Alu.And: case Alu.Ands: return x & y;
    case Alu.Orr: return x | y;
    case Alu.Eor: return x ^ y;
    case Alu.Bic: return x & ~y;
    case Alu.Lsr: return x >> y;
    case Alu.Lsl: return x << y;
  }
}

export function atomic(k: AtomicOp, old: bigint, src: bigint): bigint {
  switch (k) {
    case AtomicOp.Add: return old + src;
    case AtomicOp.Clr: return old & ~src;
    case AtomicOp.Set: return old | src;
    case AtomicOp.Eor: return old ^ src;
  }
}

export function nzcv(r: bigint, w: boolean, c: boolean, v: boolean): number {
  const bits = w ? 32 : 64;
  const u = BigInt.asUintN(bits, r);
  const n = (u >> BigInt(bits - 1)) & 1n;
  return (n ? 8 : 0) | (u === 0n ? 4 : 0) | (c ? 2 : 0) | (v ? 1 : 0);
}

/** The flags of CMP x, y (x - y) in 32 or 64 bits. */
export function compareFlags(x: bigint, y: bigint, w: boolean): number {
  const bits = w ? 32 : 64;
  const yy = BigInt.asUintN(bits, y);
  const sr = BigInt.asIntN(bits, x) - BigInt.asIntN(bits, yy);
  return nzcv(x - yy, w, x >= yy, sr !== BigInt.asIntN(bits, sr));
}

/** Whether condition code k (EQ NE CS CC MI PL VS VC HI LS GE LT GT LE AL) holds. */
export function holds(f: number, k: number): boolean {
  const N = (f & 8) !== 0, Z = (f & 4) !== 0, C = (f & 2) !== 0, V = (f & 1) !== 0;
  switch (k) {
    case 0: return Z;
    case 1: return !Z;
    case 2: return C;
    case 3: return !C;
    case 4: return N;
    case 5: return !N;
    case 6: return V;
    case 7: return !V;
    case 8: return C && !Z;
    case 9: return !(C && !Z);
    case 10: return N === V;
    case 11: return N !== V;
    case 12: return !Z && N === V;
    case 13: return !(!Z && N === V);
    default: return true;
  }
}
