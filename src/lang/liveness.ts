// Dead locals are zeroed: a local whose value no later instruction can read is cleared as
// the CPU reaches a point where it is dead, so that two CPUs at the same point with the
// same live values are the same state whatever dead values they carried (a loop counter
// after its loop, a descriptor read on one path). Backward liveness over each function's
// instructions; an instruction that does not say what it reads is taken to read every slot.

import { Op, type Instr } from './ir.js';

function reads(ins: Instr, slots: number, out: Set<number>): void {
  const add = (a?: Int32Array): void => a?.forEach((x) => out.add(x));
  const needsUses = (ins.op === Op.BrFalse || ins.op === Op.Machine) && ins.uses === undefined;
  if (needsUses) {
    for (let i = 0; i < slots; i++) out.add(i);
    return;
  }
  add(ins.deps);
  add(ins.uses);
  ins.argDeps?.forEach(add);
}

function successors(code: readonly Instr[], pc: number): number[] {
  const ins = code[pc]!;
  let next: number[];
  switch (ins.op) {
    case Op.Jmp: next = [ins.target!]; break;
    case Op.BrFalse: next = [ins.target!, pc + 1]; break;
    case Op.Ret: case Op.Fail: next = []; break;
    default: next = [pc + 1];
  }
  // A goto to a missing label (a compile error) has no target.
  return next.filter((t) => t >= 0 && t < code.length);
}

/**
 * For each instruction, the slots to zero when the CPU arrives there: those live or written
 * just before it (at some predecessor) and dead at it. Parameters count as written at entry.
 */
export function deadSlotsAt(code: readonly Instr[], slots: number, params: number): (Int32Array | undefined)[] {
  const n = code.length;
  const use = code.map((ins) => {
    const s = new Set<number>();
    reads(ins, slots, s);
    return s;
  });
  const liveIn: Set<number>[] = code.map(() => new Set());
  for (let changed = true; changed;) {
    changed = false;
    for (let pc = n - 1; pc >= 0; pc--) {
      const ins = code[pc]!;
      const next = new Set<number>();
      for (const s of successors(code, pc)) for (const x of liveIn[s]!) next.add(x);
      if (ins.dst >= 0 && ins.op !== Op.Call) next.delete(ins.dst); // a call's result is written on return
      if (ins.op === Op.Clear) ins.slots!.forEach((x) => next.delete(x));
      for (const x of use[pc]!) next.add(x);
      if (next.size !== liveIn[pc]!.size) {
        liveIn[pc] = next;
        changed = true;
      }
    }
  }
  const before: Set<number>[] = code.map(() => new Set());
  for (let p = 0; p < params && code.length; p++) before[0]!.add(p);
  for (let pc = 0; pc < n; pc++) {
    const out = new Set(liveIn[pc]);
    if (code[pc]!.dst >= 0) out.add(code[pc]!.dst);
    for (const s of successors(code, pc)) for (const x of out) before[s]!.add(x);
  }
  return before.map((b, pc) => {
    const dead = [...b].filter((x) => !liveIn[pc]!.has(x)).sort((a, c) => a - c);
    return dead.length ? Int32Array.from(dead) : undefined;
  });
}
