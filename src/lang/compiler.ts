// The compiler: a parsed model (and the scenario's CPU statements, as synthetic
// functions) to a CompiledProgram. Globals become shared data words; enumerators and
// global initialisers must be constants; every function's body is lowered to
// instructions; every error is collected with its span.

import type * as A from './ast.js';
import { CompileContext, type FunctionInfo } from './context.js';
import { Code, type DiagnosticList } from './diagnostics.js';
import { FnBuilder } from './fnBuilder.js';
import { deadSlotsAt } from './liveness.js';
import { Op, type CompiledFunction, type CompiledProgram, type GlobalVar } from './ir.js';
import { StmtLowerer } from './lowerStmt.js';
import { T_INT, type CType } from './types.js';

export interface CompileOptions {
  /** Per CPU, the function it runs (none: the CPU has nothing to run). */
  entries: readonly (string | null)[];
  /** Physical address of the first global variable (8 bytes each). */
  globalsBase: number;
  /** The text of a source file, to quote conditions in messages. */
  readSource?: (file: string) => string | undefined;
  /** Functions run outside the CPUs' entries (the final predicate): they must exist. */
  extraEntries?: readonly string[];
  /** Zero dead locals as the CPU goes (liveness.ts); off only to test that it changes nothing. */
  clearDeadLocals?: boolean;
}

export function compileProgram(tu: A.TranslationUnit, diags: DiagnosticList, opts: CompileOptions): CompiledProgram {
  const cx = new CompileContext(diags, opts.readSource);
  const infos: FunctionInfo[] = [];
  const globals: GlobalVar[] = [];
  const scratch = new StmtLowerer(cx, new FnBuilder('<global>', T_INT));
  const constant = (e: A.Expr, what: string): bigint => {
    const k = scratch.rvalue(e).k;
    if (k === undefined) diags.error(Code.NotConstant, `${what} must be a constant expression`, e.span);
    return k ?? 0n;
  };

  for (const d of tu.decls) {
    switch (d.kind) {
      case 'TypedefDecl': cx.typedefs.set(d.name, cx.resolveType(d.type)); break;
      case 'EnumDecl': {
        let next = 0n;
        for (const m of d.members) {
          const v = m.value ? constant(m.value, `the value of ${m.name}`) : next;
          cx.enums.set(m.name, v);
          next = v + 1n;
        }
        break;
      }
      case 'VarDecl': {
        if (d.extern || cx.globals.has(d.name)) break;
        const t = cx.resolveType(d.type);
        const init = d.init ? constant(d.init, `the initialiser of ${d.name}`) : 0n;
        const pa = opts.globalsBase + cx.globals.size * 8;
        cx.globals.set(d.name, { pa, t, init });
        globals.push({ name: d.name, pa, init });
        break;
      }
      case 'FunctionDef': case 'FunctionDecl': {
        const prev = cx.functions.get(d.name);
        if (prev?.def && d.kind === 'FunctionDef') {
          diags.error(Code.Redefinition, `function '${d.name}' is defined twice`, d.nameSpan);
          break;
        }
        if (prev && d.kind === 'FunctionDecl') break;
        const info: FunctionInfo = {
          id: prev?.id ?? infos.length, name: d.name, params: d.params.map((p) => cx.resolveType(p.type)),
          ret: cx.resolveType(d.returnType), def: d.kind === 'FunctionDef' ? d : null, span: d.span,
        };
        cx.functions.set(d.name, info);
        infos[info.id] = info;
        break;
      }
    }
  }

  const functions: CompiledFunction[] = infos.map((info) => compileFunction(cx, info, opts.clearDeadLocals ?? true));
  const entries = opts.entries.map((name, cpu) => {
    if (name === null) return -1;
    const f = cx.functions.get(name);
    if (!f?.def) {
      diags.error(Code.UnknownFunction, `CPU${cpu} runs '${name}', which the model does not define`, tu.span);
      return -1;
    }
    return f.id;
  });
  const named: Record<string, number> = {};
  for (const name of opts.extraEntries ?? []) named[name] = cx.functions.get(name)?.id ?? -1;
  return { functions, globals, entries, named };
}

function compileFunction(cx: CompileContext, info: FunctionInfo, clearDead: boolean): CompiledFunction {
  const fb = new FnBuilder(info.name, info.ret);
  const x = new StmtLowerer(cx, fb);
  if (info.def) {
    fb.at(info.def.span);
    info.def.params.forEach((p, i) => fb.declare(p.name ?? `__arg${i}`, info.params[i]!));
    x.stmt(info.def.body);
    fb.at({ ...info.def.body.span, line: endLine(info.def.body) });
    fb.emit({ op: Op.Ret, dst: -1 });
    for (const g of fb.gotos) {
      if (fb.labels.get(g.name)?.pos === -1) cx.diags.error(Code.MissingLabel, `goto to a missing label '${g.name}'`, g.span);
    }
  } else {
    fb.at(info.span);
    info.params.forEach((t, i) => fb.declare(`__arg${i}`, t));
    fb.emit({ op: Op.Fail, dst: -1, failKind: 'model-error', message: `${info.name}() is declared but not defined` });
  }
  const code = fb.finish();
  const slotTypes: CType[] = fb.slotTypes;
  const clearAt = clearDead ? deadSlotsAt(code, slotTypes.length, info.params.length) : undefined;
  return { id: info.id, name: info.name, params: info.params.length, slots: slotTypes.length, slotTypes, ret: info.ret, code, ...(clearAt ? { clearAt } : {}) };
}

function endLine(b: A.CompoundStmt): number {
  const last = b.items[b.items.length - 1];
  return last ? last.span.line + 1 : b.span.line;
}
