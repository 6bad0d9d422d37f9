// What the compiler knows about the whole model while it lowers one function: types,
// enumerators, global variables (shared memory), functions, and the diagnostics list.

import type * as A from './ast.js';
import { printExpr } from './astPrinter.js';
import { BUILTINS } from './builtins.js';
import { Code, type DiagnosticList } from './diagnostics.js';
import { Op } from './ir.js';
import { constOp, type ExprLowerer, type Operand } from './lowerExpr.js';
import { ptr, T_BOOL, T_CHAR, T_INT, T_LONG, T_UINT, T_ULONG, T_VOID, TYPEDEFS, type CType } from './types.js';

export interface FunctionInfo {
  readonly id: number;
  readonly name: string;
  readonly params: readonly CType[];
  readonly ret: CType;
  readonly def: A.FunctionDef | null;
  readonly span: A.FunctionDecl['span'];
}

const INT_NAMES: Record<A.IntType['name'], CType> = {
  char: T_CHAR, 'signed char': { kind: 'int', bits: 8, signed: true, name: 'signed char' }, 'unsigned char': { kind: 'int', bits: 8, signed: false, name: 'unsigned char' },
  short: { kind: 'int', bits: 16, signed: true, name: 'short' }, 'unsigned short': { kind: 'int', bits: 16, signed: false, name: 'unsigned short' },
  int: T_INT, 'unsigned int': T_UINT, long: T_LONG, 'unsigned long': T_ULONG,
  'long long': { ...T_LONG, name: 'long long' } as CType, 'unsigned long long': { ...T_ULONG, name: 'unsigned long long' } as CType,
  _Bool: T_BOOL,
} as Record<A.IntType['name'], CType>;

export class CompileContext {
  readonly typedefs = new Map<string, CType>(Object.entries(TYPEDEFS));
  readonly enums = new Map<string, bigint>();
  readonly globals = new Map<string, { pa: number; t: CType; init: bigint }>();
  readonly functions = new Map<string, FunctionInfo>();

  constructor(readonly diags: DiagnosticList, private readonly readSource?: (file: string) => string | undefined) {}

  resolveType(t: A.TypeNode): CType {
    switch (t.kind) {
      case 'IntType': return INT_NAMES[t.name] ?? T_INT;
      case 'VoidType': return T_VOID;
      case 'EnumType': return T_INT;
      case 'StructType': return { kind: 'struct', name: t.name };
      case 'PointerType': return ptr(this.resolveType(t.to));
      case 'NamedType': {
        const r = this.typedefs.get(t.name);
        if (r) return r;
        this.diags.error(Code.UnknownType, `unknown type '${t.name}'`, t.span);
        return T_ULONG;
      }
      case 'ArrayType':
        this.diags.error(Code.UnsupportedConstruct, 'arrays are not supported in kernel-C models (use a pointer into a table)', t.span);
        return ptr(this.resolveType(t.of));
    }
  }

  /** The C text of e as written (for messages), or a printed form when the file is not at hand. */
  source(e: A.Expr): string {
    const text = this.readSource?.(e.span.file);
    const s = text?.slice(e.span.offset, e.span.offset + e.span.length);
    return s && s.length === e.span.length ? s.replace(/\s+/g, ' ') : printExpr(e);
  }

  call(x: ExprLowerer, e: A.Call): Operand {
    if (e.callee.kind !== 'Identifier') {
      this.diags.error(Code.UnsupportedConstruct, 'only direct calls by name are supported', e.callee.span);
      return constOp(0n);
    }
    const name = e.callee.name;
    const b = BUILTINS[name];
    if (b && !this.functions.has(name)) return b(x, e);
    const fn = this.functions.get(name);
    if (!fn) {
      this.diags.error(Code.UnknownFunction, `call to '${name}', which the model does not define (and is not a builtin)`, e.callee.span);
      return constOp(0n);
    }
    if (e.args.length !== fn.params.length) {
      this.diags.error(Code.ArgumentCount, `${name}() takes ${fn.params.length} argument${fn.params.length === 1 ? '' : 's'}, got ${e.args.length}`, e.span);
      return constOp(0n);
    }
    // Each argument is kept in a temporary so later arguments' side effects cannot change it.
    const args = e.args.map((a, i) => x.temp(x.convert(x.rvalue(a), fn.params[i]!)));
    const dst = fn.ret.kind === 'void' ? -1 : x.fb.slot(fn.ret);
    x.fb.at(e.span);
    x.fb.emit({
      op: Op.Call, dst, callee: fn.id, args: args.map((a) => a.f), argDeps: args.map((a) => Int32Array.from(a.deps)),
    });
    return dst >= 0 ? x.readSlot(dst) : constOp(0n);
  }
}
