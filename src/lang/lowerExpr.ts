// Lowering expressions: each C expression becomes an Operand — a closure over the frame
// with its C type and the slots its value (and its view) depends on — plus the
// instructions its side effects and memory accesses need, emitted in evaluation order.

import type * as A from './ast.js';
import { Code } from './diagnostics.js';
import type { FnBuilder } from './fnBuilder.js';
import { Label } from './fnBuilder.js';
import { Mop, Op, type Expr } from './ir.js';
import { KernelError } from './runtime.js';
import { isInt, ptr, sizeOf, T_INT, T_LONG, T_ULONG, typeName, usualArith, wrap, type CType } from './types.js';
import type { CompileContext } from './context.js';

export interface Operand {
  readonly t: CType;
  readonly f: Expr;
  readonly deps: readonly number[];
  /** The value, when known at compile time. */
  readonly k?: bigint;
}

export type LValue =
  | { kind: 'slot'; slot: number; t: CType }
  | { kind: 'mem'; addr: Operand; t: CType };

export const constOp = (v: bigint, t: CType = T_INT): Operand => {
  const w = wrap(t, v);
  return { t, f: () => w, deps: [], k: w };
};

const union = (a: readonly number[], b: readonly number[]): number[] => [...new Set([...a, ...b])];

export class ExprLowerer {
  constructor(readonly cx: CompileContext, readonly fb: FnBuilder) {}

  error(span: A.Expr['span'], msg: string, code: number = Code.UnsupportedConstruct): Operand {
    this.cx.diags.error(code as never, msg, span);
    return constOp(0n);
  }

  /** Keep op's current value in a new temporary slot (so later side effects cannot change it). */
  temp(op: Operand, t: CType = op.t): Operand {
    if (op.k !== undefined) return constOp(op.k, t);
    const slot = this.fb.slot(t);
    this.fb.emit({ op: Op.Eval, dst: slot, fn: op.f, deps: Int32Array.from(op.deps) });
    return this.readSlot(slot);
  }

  readSlot(slot: number): Operand {
    return { t: this.fb.slotTypes[slot]!, f: (fr) => fr.get(slot), deps: [slot] };
  }

  convert(op: Operand, t: CType): Operand {
    if (op.k !== undefined) return constOp(op.k, t);
    const f = op.f;
    return { t, f: (fr) => wrap(t, f(fr)), deps: op.deps };
  }

  rvalue(e: A.Expr): Operand {
    this.fb.at(e.span);
    switch (e.kind) {
      case 'IntLiteral': return constOp(e.value, literalType(e));
      case 'CharLiteral': return constOp(e.value, T_INT);
      case 'StringLiteral': return this.error(e.span, 'string literals are only allowed as builtin arguments');
      case 'Identifier': {
        const en = this.cx.enums.get(e.name);
        if (en !== undefined && this.fb.lookup(e.name) === undefined) return constOp(en, T_INT);
        return this.load(this.lvalue(e), e);
      }
      case 'Unary': return this.unary(e);
      case 'Postfix': return this.incDec(e.operand, e.op === '++' ? 1n : -1n, true, e);
      case 'Binary': return this.binary(e);
      case 'Assign': return this.assign(e);
      case 'Conditional': return this.conditional(e);
      case 'Comma': {
        let last: Operand = constOp(0n);
        for (const x of e.exprs) last = this.rvalue(x);
        return last;
      }
      case 'Cast': {
        const t = this.cx.resolveType(e.type);
        const v = this.rvalue(e.operand);
        return t.kind === 'void' ? constOp(0n) : this.convert(v, t);
      }
      case 'SizeofType': return constOp(BigInt(sizeOf(this.cx.resolveType(e.type))), T_ULONG);
      case 'SizeofExpr': {
        let t: CType = T_INT;
        this.fb.capture(() => (t = this.rvalue(e.operand).t));
        return constOp(BigInt(sizeOf(t)), T_ULONG);
      }
      case 'Call': return this.cx.call(this, e);
      case 'Index': return this.load(this.lvalue(e), e);
      case 'Member': return this.error(e.span, 'struct members are not supported in kernel-C models');
    }
  }

  /** The value an lvalue holds now: a slot read, or a load (a machine step). */
  load(lv: LValue, e: A.Expr): Operand {
    if (lv.kind === 'slot') return this.readSlot(lv.slot);
    const dst = this.fb.slot(lv.t);
    this.fb.at(e.span);
    this.fb.emit({ op: Op.Machine, mop: Mop.Load, dst, args: [lv.addr.f], deps: Int32Array.from(lv.addr.deps), uses: Int32Array.from(lv.addr.deps) });
    return this.readSlot(dst);
  }

  store(lv: LValue, v: Operand): void {
    if (lv.kind === 'slot') {
      this.fb.emit({ op: Op.Eval, dst: lv.slot, fn: this.convert(v, lv.t).f, deps: Int32Array.from(v.deps) });
      return;
    }
    const val = this.convert(v, lv.t);
    this.fb.emit({ op: Op.Machine, mop: Mop.Store, dst: -1, args: [lv.addr.f, val.f], deps: Int32Array.from(lv.addr.deps), uses: Int32Array.from(union(lv.addr.deps, val.deps)) });
  }

  lvalue(e: A.Expr): LValue {
    if (e.kind === 'Identifier') {
      const slot = this.fb.lookup(e.name);
      if (slot !== undefined) return { kind: 'slot', slot, t: this.fb.slotTypes[slot]! };
      const g = this.cx.globals.get(e.name);
      if (g) return { kind: 'mem', addr: constOp(BigInt(g.pa), ptr(g.t)), t: g.t };
      this.cx.diags.error(Code.UnknownIdentifier, `unknown identifier '${e.name}'`, e.span);
      return { kind: 'slot', slot: this.fb.slot(T_INT), t: T_INT };
    }
    if (e.kind === 'Unary' && e.op === '*') {
      const p = this.rvalue(e.operand);
      return { kind: 'mem', addr: p, t: this.pointee(p, e) };
    }
    if (e.kind === 'Index') {
      const p = this.pointerAdd(this.rvalue(e.array), this.rvalue(e.index), 1n, e);
      return { kind: 'mem', addr: p, t: this.pointee(p, e) };
    }
    this.cx.diags.error(Code.NotAnLvalue, 'expression is not assignable', e.span);
    return { kind: 'slot', slot: this.fb.slot(T_INT), t: T_INT };
  }

  private pointee(p: Operand, e: A.Expr): CType {
    if (p.t.kind === 'ptr' && p.t.to.kind !== 'void') return p.t.to;
    if (p.t.kind === 'ptr' || isInt(p.t)) return T_ULONG; // an integer used as an address: a 64-bit word
    this.error(e.span, `cannot dereference a value of type ${typeName(p.t)}`);
    return T_ULONG;
  }

  private pointerAdd(p: Operand, n: Operand, sign: bigint, e: A.Expr): Operand {
    if (p.t.kind !== 'ptr' && n.t.kind === 'ptr') [p, n] = [n, p];
    const scale = BigInt(sizeOf(p.t.kind === 'ptr' ? p.t.to : T_ULONG));
    void e;
    if (p.k !== undefined && n.k !== undefined) return constOp(p.k + sign * scale * n.k, p.t);
    const pf = p.f;
    const nf = n.f;
    const t = p.t;
    return { t, f: (fr) => wrap(t, pf(fr) + sign * scale * nf(fr)), deps: union(p.deps, n.deps) };
  }

  private unary(e: A.Unary): Operand {
    switch (e.op) {
      case '*': return this.load(this.lvalue(e), e);
      case '&': {
        if (e.operand.kind === 'Unary' && e.operand.op === '*') return this.rvalue(e.operand.operand);
        const lv = this.lvalue(e.operand);
        if (lv.kind === 'mem') return { ...lv.addr, t: ptr(lv.t) };
        return this.error(e.span, 'the address of a local variable can only be passed to try_cmpxchg');
      }
      case '++': return this.incDec(e.operand, 1n, false, e);
      case '--': return this.incDec(e.operand, -1n, false, e);
      default: break;
    }
    const v = this.rvalue(e.operand);
    const g = v.f;
    if (e.op === '!') {
      // Tested in the operand's own type: !x of a 64-bit x must not look at 32 bits only.
      if (v.k !== undefined) return constOp(v.k === 0n ? 1n : 0n, T_INT);
      return { t: T_INT, f: (fr) => (g(fr) === 0n ? 1n : 0n), deps: v.deps };
    }
    const t = promote1(v.t);
    const op = e.op;
    const fn = (x: bigint): bigint => (op === '-' ? -x : op === '~' ? ~x : x);
    if (v.k !== undefined) return constOp(fn(wrap(t, v.k)), t);
    return { t, f: (fr) => wrap(t, fn(wrap(t, g(fr)))), deps: v.deps };
  }

  private incDec(target: A.Expr, delta: bigint, post: boolean, e: A.Expr): Operand {
    const lv = this.lvalue(target);
    const old = this.temp(this.load(lv, e));
    const next = lv.t.kind === 'ptr'
      ? this.pointerAdd(old, constOp(delta, T_LONG), 1n, e)
      : this.arith('+', old, constOp(delta, T_INT));
    const stored = this.temp(this.convert(next, lv.t));
    this.store(lv, stored);
    return post ? old : stored; // one load and one store, as the C does
  }

  private binary(e: A.Binary): Operand {
    if (e.op === '&&' || e.op === '||') return this.logical(e);
    const l = this.rvalue(e.left);
    const r = this.rvalue(e.right);
    if ((e.op === '+' || e.op === '-') && (l.t.kind === 'ptr' || (e.op === '+' && r.t.kind === 'ptr'))) {
      if (e.op === '-' && r.t.kind === 'ptr') {
        const size = BigInt(sizeOf(l.t.kind === 'ptr' ? l.t.to : T_ULONG));
        const lf = l.f;
        const rf = r.f;
        return { t: T_LONG, f: (fr) => BigInt.asIntN(64, lf(fr) - rf(fr)) / size, deps: union(l.deps, r.deps) };
      }
      return this.pointerAdd(l, r, e.op === '-' ? -1n : 1n, e);
    }
    return this.arith(e.op, l, r);
  }

  arith(op: string, l: Operand, r: Operand): Operand {
    const cmp = ['<', '>', '<=', '>=', '==', '!='].includes(op);
    const shift = op === '<<' || op === '>>';
    const ct = shift ? promote1(l.t) : usualArith(l.t.kind === 'ptr' ? T_ULONG : l.t, r.t.kind === 'ptr' ? T_ULONG : r.t);
    const t = cmp ? T_INT : ct;
    const fn = binop(op, ct);
    const lf = l.f;
    const rf = r.f;
    if (l.k !== undefined && r.k !== undefined) {
      try {
        return constOp(fn(wrap(ct, l.k), shift ? r.k : wrap(ct, r.k)), t);
      } catch {
        // division by zero at compile time: leave it to run (and fail) at run time
      }
    }
    return { t, f: (fr) => wrap(t, fn(wrap(ct, lf(fr)), shift ? rf(fr) : wrap(ct, rf(fr)))), deps: union(l.deps, r.deps) };
  }

  private logical(e: A.Binary): Operand {
    const l = this.rvalue(e.left);
    let r: Operand = constOp(0n);
    const side = this.fb.capture(() => (r = this.rvalue(e.right)));
    const and = e.op === '&&';
    if (side.length === 0) {
      const lf = l.f;
      const rf = r.f;
      if (l.k !== undefined && r.k !== undefined) return constOp(and ? BigInt(l.k !== 0n && r.k !== 0n) : BigInt(l.k !== 0n || r.k !== 0n));
      return {
        t: T_INT,
        f: and ? (fr) => (lf(fr) !== 0n && rf(fr) !== 0n ? 1n : 0n) : (fr) => (lf(fr) !== 0n || rf(fr) !== 0n ? 1n : 0n),
        deps: union(l.deps, r.deps),
      };
    }
    // The right side has steps of its own: evaluate it only when needed, into a temporary.
    const res = this.fb.slot(T_INT);
    const done = new Label();
    const lf = l.f;
    this.fb.emit({ op: Op.Eval, dst: res, fn: and ? () => 0n : () => 1n, deps: new Int32Array(0) });
    this.fb.emit({ op: Op.BrFalse, dst: -1, fn: and ? (fr) => lf(fr) : (fr) => (lf(fr) === 0n ? 1n : 0n), uses: Int32Array.from(l.deps), label: done });
    this.fb.splice(side);
    const rf = r.f;
    this.fb.emit({ op: Op.Eval, dst: res, fn: (fr) => (rf(fr) !== 0n ? 1n : 0n), deps: Int32Array.from(r.deps) });
    this.fb.mark(done);
    return this.readSlot(res);
  }

  private conditional(e: A.Conditional): Operand {
    const c = this.rvalue(e.cond);
    let a: Operand = constOp(0n);
    let b: Operand = constOp(0n);
    const sa = this.fb.capture(() => (a = this.rvalue(e.then)));
    const sb = this.fb.capture(() => (b = this.rvalue(e.else)));
    const t = a.t.kind === 'ptr' ? a.t : b.t.kind === 'ptr' ? b.t : usualArith(a.t, b.t);
    if (sa.length === 0 && sb.length === 0) {
      const [cf, af, bf] = [c.f, a.f, b.f];
      if (c.k !== undefined) return this.convert(c.k !== 0n ? a : b, t);
      return { t, f: (fr) => wrap(t, cf(fr) !== 0n ? af(fr) : bf(fr)), deps: union(c.deps, union(a.deps, b.deps)) };
    }
    const res = this.fb.slot(t);
    const other = new Label();
    const done = new Label();
    this.fb.emit({ op: Op.BrFalse, dst: -1, fn: c.f, uses: Int32Array.from(c.deps), label: other });
    this.fb.splice(sa);
    this.store({ kind: 'slot', slot: res, t }, a);
    this.fb.jump(done);
    this.fb.mark(other);
    this.fb.splice(sb);
    this.store({ kind: 'slot', slot: res, t }, b);
    this.fb.mark(done);
    return this.readSlot(res);
  }

  private assign(e: A.Assign): Operand {
    const lv = this.lvalue(e.target);
    let v = this.rvalue(e.value);
    if (e.op !== '=') {
      const cur = this.load(lv, e);
      const op = e.op.slice(0, -1);
      v = lv.t.kind === 'ptr' && (op === '+' || op === '-') ? this.pointerAdd(cur, v, op === '-' ? -1n : 1n, e) : this.arith(op, cur, v);
    }
    const val = this.temp(this.convert(v, lv.t));
    this.store(lv, val);
    return val;
  }
}

function promote1(t: CType): CType {
  return t.kind === 'int' && t.bits < 32 ? T_INT : t.kind === 'ptr' ? T_ULONG : t;
}

function literalType(e: A.IntLiteral): CType {
  const fits = (bits: number, signed: boolean): boolean => (signed ? e.value < 1n << BigInt(bits - 1) : e.value < 1n << BigInt(bits));
  const decimal = e.radix === 10;
  const cands: CType[] = [];
  if (e.longs === 0) cands.push(...(e.unsigned ? [T_UINT_] : decimal ? [T_INT] : [T_INT, T_UINT_]));
  cands.push(...(e.unsigned ? [T_ULONG] : decimal ? [T_LONG] : [T_LONG, T_ULONG]));
  for (const c of cands) if (c.kind === 'int' && fits(c.bits, c.signed)) return c;
  return T_ULONG;
}

const T_UINT_: CType = { kind: 'int', bits: 32, signed: false, name: 'unsigned int' };

function binop(op: string, t: CType): (a: bigint, b: bigint) => bigint {
  const bits = t.kind === 'int' ? BigInt(t.bits) : 64n;
  switch (op) {
    case '+': return (a, b) => a + b;
    case '-': return (a, b) => a - b;
    case '*': return (a, b) => a * b;
    case '/': return (a, b) => {
      if (b === 0n) throw new KernelError('model-error', 'division by zero');
      return a / b;
    };
    case '%': return (a, b) => {
      if (b === 0n) throw new KernelError('model-error', 'division by zero');
      return a % b;
    };
    case '<<': return (a, b) => a << (b & (bits - 1n));
    case '>>': return (a, b) => a >> (b & (bits - 1n));
    case '&': return (a, b) => a & b;
    case '|': return (a, b) => a | b;
    case '^': return (a, b) => a ^ b;
    case '<': return (a, b) => BigInt(a < b);
    case '>': return (a, b) => BigInt(a > b);
    case '<=': return (a, b) => BigInt(a <= b);
    case '>=': return (a, b) => BigInt(a >= b);
    case '==': return (a, b) => BigInt(a === b);
    case '!=': return (a, b) => BigInt(a !== b);
    default: throw new Error(`unknown operator ${op}`);
  }
}
