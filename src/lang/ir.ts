// The compiled form of kernel-C: per function, a flat list of instructions over numbered
// slots (parameters, locals, temporaries). Pure computation is JS closures over the
// frame; every access to shared memory or the machine is a machine-op instruction, and a
// CPU's step runs exactly one machine op and then the local code up to the next one.

import type { CType } from './types.js';

/** Reads the current frame: slot values as bigint (normalised to their C type). */
export interface Frame {
  get(slot: number): bigint;
}

export type Expr = (f: Frame) => bigint;

export const enum Op {
  /** dst = fn(frame); the view of dst is the max of the views of deps. */
  Eval = 1,
  /** if fn(frame) == 0 goto target. */
  BrFalse,
  Jmp,
  /** dst = call fn(args). */
  Call,
  Ret,
  /** A machine operation: see Mop. */
  Machine,
  /** Stop the CPU with a violation (assert or model-error). */
  Fail,
  /** Zero the dead temporaries `slots` (so states that differ only in them are one state). */
  Clear,
}

export const enum Mop {
  Load = 1, // args: addr
  Store, // args: addr, value
  Cmpxchg, // args: addr, old, new; flag: ordered
  Xchg, // args: addr, new; flag: ordered
  SetBit, // args: bit, addr; flag: ordered. dst = old bit
  ClearBit, // args: bit, addr; flag: ordered. dst = old bit
  Dmb, // flag: kind
  Dsb, // flag: kind
  Isb,
  Tlbi, // args: start va, end va; flag: kind | broadcast << 4
  PteBarrier, // queue_pte_barriers()
  LazyEnter,
  LazyLeave,
  Alloc, // flag: zeroed. dst = PA or ~0
  Free, // args: pa
  WriteTtbr, // args: pa (0 = none); flag: region
  Lock, // args: addr
  Unlock, // args: addr
  ReadVa, // args: va. dst = value
  WriteVa, // args: va, value
}

export interface Instr {
  readonly op: Op;
  readonly dst: number; // slot, or -1
  readonly fn?: Expr;
  readonly target?: number;
  readonly callee?: number;
  readonly args?: readonly Expr[];
  /** Slots whose views flow into the result (Eval) or the address (Machine). */
  readonly deps?: Int32Array;
  /** Per argument of a Call, the slots its view comes from. */
  readonly argDeps?: readonly Int32Array[];
  /** Slots a BrFalse or Machine op reads beyond deps (for liveness; absent = every slot). */
  readonly uses?: Int32Array;
  readonly mop?: Mop;
  readonly flag?: number;
  readonly message?: string;
  readonly failKind?: 'assert' | 'model-error';
  /** Clear: the slots to zero. */
  readonly slots?: Int32Array;
  /** Source position, for traces and model errors. */
  readonly file: string;
  readonly line: number;
}

export interface CompiledFunction {
  readonly id: number;
  readonly name: string;
  readonly params: number;
  readonly slots: number;
  readonly slotTypes: readonly CType[];
  readonly ret: CType;
  readonly code: readonly Instr[];
  /** Per instruction, the locals dead from there on, zeroed on arrival (liveness.ts). */
  readonly clearAt?: readonly (Int32Array | undefined)[];
}

export interface GlobalVar {
  readonly name: string;
  readonly pa: number;
  readonly init: bigint;
}

export interface CompiledProgram {
  readonly functions: readonly CompiledFunction[];
  readonly globals: readonly GlobalVar[];
  /** Per CPU, the function it runs (a synthetic one holding the scenario's statements). */
  readonly entries: readonly number[];
  /** Other entry points by name (the final predicate). */
  readonly named?: Readonly<Record<string, number>>;
}
