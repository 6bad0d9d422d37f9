// Builtins: the calls that become machine operations (READ_ONCE, WRITE_ONCE, barriers,
// atomics, TLBI, lazy MMU mode, table allocation, TTBR writes, locks, translated
// accesses) or checks (BUG_ON, WARN_ON, assert). Everything else of the kernel API is
// ordinary kernel-C in models/include/arm64-kernel.h.

import type * as A from './ast.js';
import { Code } from './diagnostics.js';
import { DMB_FULL, DMB_LD, DMB_ST, DSB_FULL, DSB_NSH, DSB_ST } from '../machine/cpu.js';
import { TLBI_ALL, TLBI_VA, TLBI_VA_LAST } from '../machine/tlbi.js';
import { Label } from './fnBuilder.js';
import { Mop, Op } from './ir.js';
import { constOp, type ExprLowerer, type Operand } from './lowerExpr.js';
import { T_BOOL, T_INT, T_ULONG } from './types.js';

const DSB: Record<string, number> = { ishst: DSB_ST, nshst: DSB_ST, oshst: DSB_ST, st: DSB_ST, ish: DSB_FULL, sy: DSB_FULL, osh: DSB_FULL, nsh: DSB_NSH, ishld: DSB_FULL, ld: DSB_FULL };
const DMB: Record<string, number> = { ishst: DMB_ST, oshst: DMB_ST, st: DMB_ST, ishld: DMB_LD, oshld: DMB_LD, ld: DMB_LD, ish: DMB_FULL, sy: DMB_FULL, osh: DMB_FULL };
const TLBI: Record<string, [kind: number, broadcast: boolean]> = {
  vaae1is: [TLBI_VA, true], vae1is: [TLBI_VA, true], vaale1is: [TLBI_VA_LAST, true], vale1is: [TLBI_VA_LAST, true],
  vaae1: [TLBI_VA, false], vae1: [TLBI_VA, false], vaale1: [TLBI_VA_LAST, false], vale1: [TLBI_VA_LAST, false],
  vmalle1is: [TLBI_ALL, true], vmalle1: [TLBI_ALL, false],
};
const SYSREG: Record<string, number> = { ttbr0_el1: 0, ttbr1_el1: 1 };

type Builtin = (x: ExprLowerer, e: A.Call) => Operand;

function ident(x: ExprLowerer, e: A.Expr, table: Record<string, unknown>, what: string): string | undefined {
  if (e.kind === 'Identifier' && e.name in table) return e.name;
  x.cx.diags.error(Code.BadBuiltinArgument, `${what}: expected one of ${Object.keys(table).join(', ')}`, e.span);
  return undefined;
}

function arity(x: ExprLowerer, e: A.Call, n: number, name: string): boolean {
  if (e.args.length === n) return true;
  x.cx.diags.error(Code.ArgumentCount, `${name}() takes ${n} argument${n === 1 ? '' : 's'}, got ${e.args.length}`, e.span);
  return false;
}

function mop(x: ExprLowerer, m: Mop, args: Operand[], opts: { flag?: number; result?: boolean; deps?: readonly number[] } = {}): Operand {
  const dst = opts.result ? x.fb.slot(T_ULONG) : -1;
  x.fb.emit({
    op: Op.Machine, mop: m, dst, args: args.map((a) => a.f), deps: Int32Array.from(opts.deps ?? args[0]?.deps ?? []),
    uses: Int32Array.from(new Set(args.flatMap((a) => a.deps))), ...(opts.flag !== undefined ? { flag: opts.flag } : {}),
  });
  return dst >= 0 ? x.readSlot(dst) : constOp(0n);
}

function check(x: ExprLowerer, e: A.Call, cond: Operand, failWhen: boolean, text: string): void {
  const ok = new Label();
  const cf = cond.f;
  x.fb.emit({ op: Op.BrFalse, dst: -1, fn: failWhen ? cf : (fr) => (cf(fr) === 0n ? 1n : 0n), uses: Int32Array.from(cond.deps), label: ok });
  x.fb.at(e.span);
  x.fb.emit({ op: Op.Fail, dst: -1, failKind: 'assert', message: `${text} failed` });
  x.fb.mark(ok);
}

const cmpxchg = (ordered: boolean): Builtin => (x, e) => {
  if (!arity(x, e, 3, 'cmpxchg')) return constOp(0n);
  const p = x.rvalue(e.args[0]!);
  const old = x.rvalue(e.args[1]!);
  const nw = x.rvalue(e.args[2]!);
  return mop(x, Mop.Cmpxchg, [p, old, nw], { flag: ordered ? 1 : 0, result: true });
};

const xchg = (ordered: boolean): Builtin => (x, e) => {
  if (!arity(x, e, 2, 'xchg')) return constOp(0n);
  return mop(x, Mop.Xchg, [x.rvalue(e.args[0]!), x.rvalue(e.args[1]!)], { flag: ordered ? 1 : 0, result: true });
};

const bitop = (m: Mop, ordered: boolean, returns: boolean): Builtin => (x, e) => {
  if (!arity(x, e, 2, 'bit operation')) return constOp(0n);
  const nr = x.rvalue(e.args[0]!);
  const addr = x.rvalue(e.args[1]!);
  const r = mop(x, m, [nr, addr], { flag: ordered ? 1 : 0, result: returns, deps: addr.deps });
  return returns ? { ...r, t: T_BOOL } : r;
};

export const BUILTINS: Readonly<Record<string, Builtin>> = {
  READ_ONCE: (x, e) => (arity(x, e, 1, 'READ_ONCE') ? x.load(x.lvalue(e.args[0]!), e) : constOp(0n)),
  WRITE_ONCE: (x, e) => {
    if (!arity(x, e, 2, 'WRITE_ONCE')) return constOp(0n);
    const lv = x.lvalue(e.args[0]!);
    x.store(lv, x.rvalue(e.args[1]!));
    return constOp(0n);
  },
  dsb: (x, e) => {
    const k = arity(x, e, 1, 'dsb') ? ident(x, e.args[0]!, DSB, 'dsb option') : undefined;
    return k ? mop(x, Mop.Dsb, [], { flag: DSB[k]! }) : constOp(0n);
  },
  dmb: (x, e) => {
    const k = arity(x, e, 1, 'dmb') ? ident(x, e.args[0]!, DMB, 'dmb option') : undefined;
    return k ? mop(x, Mop.Dmb, [], { flag: DMB[k]! }) : constOp(0n);
  },
  isb: (x, e) => (arity(x, e, 0, 'isb') ? mop(x, Mop.Isb, []) : constOp(0n)),
  cmpxchg: cmpxchg(true),
  cmpxchg_relaxed: cmpxchg(false),
  try_cmpxchg: (x, e) => {
    if (!arity(x, e, 3, 'try_cmpxchg')) return constOp(0n);
    const p = x.rvalue(e.args[0]!);
    const oldRef = e.args[1]!;
    if (oldRef.kind !== 'Unary' || oldRef.op !== '&') {
      x.cx.diags.error(Code.BadBuiltinArgument, 'try_cmpxchg: the second argument must be &variable', oldRef.span);
      return constOp(0n);
    }
    const oldLv = x.lvalue(oldRef.operand);
    const old = x.temp(x.load(oldLv, e));
    const seen = mop(x, Mop.Cmpxchg, [p, old, x.rvalue(e.args[2]!)], { flag: 1, result: true, deps: p.deps });
    const ok = x.temp(x.arith('==', seen, old), T_BOOL);
    x.store(oldLv, seen);
    return ok;
  },
  xchg: xchg(true),
  xchg_relaxed: xchg(false),
  set_bit: bitop(Mop.SetBit, false, false),
  clear_bit: bitop(Mop.ClearBit, false, false),
  test_and_set_bit: bitop(Mop.SetBit, true, true),
  test_and_clear_bit: bitop(Mop.ClearBit, true, true),
  __tlbi_range: (x, e) => {
    if (!arity(x, e, 3, '__tlbi_range')) return constOp(0n);
    const k = ident(x, e.args[0]!, TLBI, 'TLBI operation');
    if (!k) return constOp(0n);
    const [kind, bc] = TLBI[k]!;
    return mop(x, Mop.Tlbi, [x.rvalue(e.args[1]!), x.rvalue(e.args[2]!)], { flag: kind | (bc ? 16 : 0) });
  },
  queue_pte_barriers: (x, e) => (arity(x, e, 0, 'queue_pte_barriers') ? mop(x, Mop.PteBarrier, []) : constOp(0n)),
  __ptmc_lazy_enter: (x) => mop(x, Mop.LazyEnter, []),
  __ptmc_lazy_leave: (x) => mop(x, Mop.LazyLeave, []),
  __ptmc_alloc_table: (x, e) => {
    if (!arity(x, e, 1, '__ptmc_alloc_table')) return constOp(0n);
    const z = x.rvalue(e.args[0]!);
    if (z.k === undefined) x.cx.diags.error(Code.NotConstant, 'the zeroing flag of a table allocation must be a constant', e.span);
    return { ...mop(x, Mop.Alloc, [], { flag: z.k ? 1 : 0, result: true }), t: T_ULONG };
  },
  __ptmc_free_table: (x, e) => (arity(x, e, 1, 'pagetable_free') ? mop(x, Mop.Free, [x.rvalue(e.args[0]!)]) : constOp(0n)),
  __ptmc_lock: (x, e) => (arity(x, e, 1, 'lock') ? mop(x, Mop.Lock, [x.rvalue(e.args[0]!)]) : constOp(0n)),
  __ptmc_unlock: (x, e) => (arity(x, e, 1, 'unlock') ? mop(x, Mop.Unlock, [x.rvalue(e.args[0]!)]) : constOp(0n)),
  __ptmc_read_va: (x, e) => (arity(x, e, 1, '__ptmc_read_va') ? mop(x, Mop.ReadVa, [x.rvalue(e.args[0]!)], { result: true }) : constOp(0n)),
  __ptmc_write_va: (x, e) => (arity(x, e, 2, '__ptmc_write_va') ? mop(x, Mop.WriteVa, [x.rvalue(e.args[0]!), x.rvalue(e.args[1]!)]) : constOp(0n)),
  write_sysreg: (x, e) => {
    if (!arity(x, e, 2, 'write_sysreg')) return constOp(0n);
    const r = ident(x, e.args[1]!, SYSREG, 'system register');
    return r ? mop(x, Mop.WriteTtbr, [x.rvalue(e.args[0]!)], { flag: SYSREG[r]! }) : constOp(0n);
  },
  BUG_ON: (x, e) => {
    if (arity(x, e, 1, 'BUG_ON')) check(x, e, x.rvalue(e.args[0]!), true, `BUG_ON(${x.cx.source(e.args[0]!)})`);
    return constOp(0n);
  },
  BUG: (x, e) => {
    x.fb.emit({ op: Op.Fail, dst: -1, failKind: 'assert', message: 'BUG() reached' });
    void e;
    return constOp(0n);
  },
  WARN_ON: (x, e) => {
    if (!arity(x, e, 1, 'WARN_ON')) return constOp(0n);
    const c = x.temp(x.arith('!=', x.rvalue(e.args[0]!), constOp(0n)), T_INT); // !!(condition), all 64 bits
    check(x, e, c, true, `WARN_ON(${x.cx.source(e.args[0]!)})`);
    return c;
  },
  assert: (x, e) => {
    if (arity(x, e, 1, 'assert')) check(x, e, x.rvalue(e.args[0]!), false, `assert(${x.cx.source(e.args[0]!)})`);
    return constOp(0n, T_INT);
  },
};
