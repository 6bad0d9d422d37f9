// Preprocessor: runs over tokens, handling #define/#undef, conditionals, #include "file"
// (relative to the including file, read through an injected callback), #error and #warning,
// and expands macros in the live text between directives.

import { posix } from 'node:path';
import { Code, joinSpans, type DiagnosticList, type Span } from './diagnostics.js';
import { MacroExpander, sameMacro, type Macro } from './macros.js';
import { evalPPExpr, PPExprError, resolveDefined } from './ppExpr.js';
import { tokenize, type BadToken, type Token } from './tokenizer.js';

/** Returns a file's text, or undefined when there is no such file. */
export type FileReader = (path: string) => string | undefined;

/** Macros defined before the entry file: `NAME` or `NAME(a,b)` to its replacement text. */
export type PredefinedMacros = Readonly<Record<string, string | number | bigint>>;

export const PREDEFINED_FILE = '<predefined>';
const MAX_INCLUDE_DEPTH = 64;

interface CondFrame {
  /** This group's text is live. */
  active: boolean;
  /** Some branch of this #if chain has been taken (or the whole chain is dead). */
  taken: boolean;
  sawElse: boolean;
  readonly parentActive: boolean;
  readonly span: Span;
}

export function preprocess(entry: string, read: FileReader, diags: DiagnosticList, predefined: PredefinedMacros = {}): Token[] {
  const pp = new Preprocessor(read, diags);
  for (const [key, value] of Object.entries(predefined)) {
    const text = typeof value === 'string' ? value : value < 0 ? `(${value})` : String(value);
    pp.run(PREDEFINED_FILE, `#define ${key} ${text}\n`, 0);
  }
  const src = read(entry);
  if (src === undefined) {
    diags.error(Code.IncludeNotFound, `cannot open '${entry}'`, { file: entry, line: 1, col: 1, offset: 0, length: 0 });
    return [{ kind: 'eof', text: '', span: { file: entry, line: 1, col: 1, offset: 0, length: 0 }, bol: true, space: false }];
  }
  const eof = pp.run(entry, src, 0);
  pp.out.push(eof);
  return pp.out;
}

class Preprocessor {
  readonly out: Token[] = [];
  private readonly macros = new Map<string, Macro>();
  private readonly expander: MacroExpander;
  private readonly onceFiles = new Set<string>();

  constructor(private readonly read: FileReader, private readonly diags: DiagnosticList) {
    this.expander = new MacroExpander(this.macros, diags);
  }

  /** Processes one file into `out`; returns its end-of-file token. */
  run(file: string, src: string, depth: number): Token {
    const toks = tokenize(src, file, this.diags);
    const conds: CondFrame[] = [];
    let chunk: Token[] = [];
    const flush = (): void => {
      for (const t of this.expander.expand(chunk)) {
        if (t.kind === 'bad' && t.reported !== true) this.diags.error(t.code, t.message, t.span);
        this.out.push(t);
      }
      chunk = [];
    };
    let i = 0;
    for (let t = toks[0]; t !== undefined && t.kind !== 'eof'; t = toks[i]) {
      if (t.kind === 'punct' && t.text === '#' && t.bol) {
        flush();
        let j = i + 1;
        while (toks[j] !== undefined && !toks[j]?.bol && toks[j]?.kind !== 'eof') j++;
        this.directive(t, toks.slice(i + 1, j), { file, src, depth, conds });
        i = j;
      } else {
        if (conds.length === 0 || conds[conds.length - 1]?.active) chunk.push(t);
        i++;
      }
    }
    flush();
    for (const c of conds) this.diags.error(Code.UnterminatedConditional, 'unterminated conditional directive (missing #endif)', c.span);
    const eof = toks[toks.length - 1];
    if (eof === undefined) throw new Error('tokenize returned no end-of-file token');
    return eof;
  }

  private directive(hash: Token, line: Token[], ctx: { file: string; src: string; depth: number; conds: CondFrame[] }): void {
    const { conds } = ctx;
    const name = line[0];
    if (name === undefined) return; // The null directive.
    const rest = line.slice(1);
    const top = conds[conds.length - 1];
    const live = top === undefined || top.active;
    const span = joinSpans(hash.span, name.span);
    switch (name.text) {
      case 'if': case 'ifdef': case 'ifndef': {
        const cond = live && this.condition(name.text, rest, span);
        conds.push({ active: cond, taken: cond || !live, sawElse: false, parentActive: live, span });
        return;
      }
      case 'elif': case 'else': {
        if (top === undefined) { this.diags.error(Code.UnmatchedConditional, `#${name.text} without #if`, span); return; }
        if (top.sawElse) this.diags.error(Code.ElseAfterElse, `#${name.text} after #else`, span);
        if (name.text === 'else') {
          top.sawElse = true;
          top.active = top.parentActive && !top.taken;
          top.taken = true;
        } else {
          top.active = top.parentActive && !top.taken && this.condition('if', rest, span);
          top.taken ||= top.active;
        }
        return;
      }
      case 'endif':
        if (conds.pop() === undefined) this.diags.error(Code.UnmatchedConditional, '#endif without #if', span);
        return;
    }
    if (!live) return; // Other directives in dead groups are not even checked.
    if (name.text === 'error' || name.text === 'warning') {
      const last = line[line.length - 1] ?? name;
      const text = ctx.src.slice(name.span.offset + name.span.length, last.span.offset + last.span.length).trim();
      const msg = `#${name.text}${text ? ' ' + text : ''}`;
      if (name.text === 'error') this.diags.error(Code.ErrorDirective, msg, span);
      else this.diags.warning(Code.WarningDirective, msg, span);
      return;
    }
    const good = rest.filter((t) => {
      if (t.kind === 'bad') this.diags.error(t.code, t.message, t.span);
      return t.kind !== 'bad';
    });
    switch (name.text) {
      case 'define': this.define(good, span); return;
      case 'undef': this.undef(good, span); return;
      case 'include': this.include(good, span, ctx.file, ctx.depth); return;
      case 'pragma':
        // `#pragma once` is honoured; other pragmas mean nothing to the model.
        if (good[0]?.text === 'once') this.onceFiles.add(ctx.file);
        return;
      default:
        this.diags.error(Code.UnknownDirective, `unknown directive '#${name.text}'`, span);
    }
  }

  private condition(kind: string, rest: Token[], span: Span): boolean {
    const bad = rest.find((t): t is BadToken => t.kind === 'bad');
    if (bad !== undefined) {
      this.diags.error(bad.code, bad.message, bad.span);
      return false;
    }
    if (kind !== 'if') {
      const name = rest[0];
      if (name === undefined || name.kind !== 'ident') {
        this.diags.error(Code.BadIfExpression, `#${kind} needs a macro name`, name?.span ?? span);
        return false;
      }
      this.extraTokens(rest, 1, `#${kind}`);
      return this.macros.has(name.text) === (kind === 'ifdef');
    }
    try {
      const expanded = this.expander.expand(resolveDefined(rest, (n) => this.macros.has(n)));
      if (expanded.some((t) => t.kind === 'bad')) return false; // A failed macro call, reported.
      return evalPPExpr(expanded, span) !== 0n;
    } catch (e) {
      if (!(e instanceof PPExprError)) throw e;
      this.diags.error(Code.BadIfExpression, e.message, e.span);
      return false;
    }
  }

  private extraTokens(rest: Token[], used: number, what: string): void {
    const extra = rest[used];
    if (extra !== undefined) this.diags.warning(Code.ExtraTokens, `extra tokens after ${what}`, extra.span);
  }

  private define(rest: Token[], span: Span): void {
    const name = rest[0];
    if (name === undefined || name.kind !== 'ident') {
      this.diags.error(Code.MalformedDefine, '#define needs a macro name', name?.span ?? span);
      return;
    }
    if (name.text === 'defined') {
      this.diags.error(Code.MalformedDefine, "'defined' cannot be a macro name", name.span);
      return;
    }
    let params: string[] | null = null;
    let variadic = false;
    let i = 1;
    const open = rest[1];
    if (open !== undefined && open.text === '(' && !open.space) {
      params = [];
      for (i = 2; ; i++) {
        const t = rest[i];
        if (t === undefined) { this.diags.error(Code.MalformedDefine, `missing ')' in parameters of macro '${name.text}'`, open.span); return; }
        if (t.text === ')' && params.length === 0) { i++; break; }
        if (t.text === '...') { params.push('__VA_ARGS__'); variadic = true; }
        else if (t.kind === 'ident' && !params.includes(t.text)) params.push(t.text);
        else {
          const what = params.includes(t.text) ? 'duplicate' : 'invalid';
          this.diags.error(Code.MalformedDefine, `${what} parameter '${t.text}' of macro '${name.text}'`, t.span);
          return;
        }
        const sep = rest[++i];
        if (sep?.text === ')') { i++; break; }
        if (sep?.text !== ',' || variadic) {
          this.diags.error(Code.MalformedDefine, `expected ',' or ')' in parameters of macro '${name.text}'`, sep?.span ?? t.span);
          return;
        }
      }
    }
    const body = rest.slice(i);
    // `#` and `##` are not implemented; defining the macro anyway would only add confusing errors.
    const op = body.find((t) => t.kind === 'punct' && (t.text === '##' || (t.text === '#' && params !== null)));
    if (op !== undefined) {
      this.diags.error(Code.StringizeUnsupported, `the '${op.text}' operator is not supported (macro '${name.text}')`, op.span);
      return;
    }
    const macro: Macro = { name: name.text, params, variadic, body, span: name.span };
    const old = this.macros.get(name.text);
    if (old !== undefined && !sameMacro(old, macro)) {
      this.diags.warning(Code.MacroRedefined, `macro '${name.text}' redefined`, name.span);
    }
    this.macros.set(name.text, macro);
  }

  private undef(rest: Token[], span: Span): void {
    const name = rest[0];
    if (name === undefined || name.kind !== 'ident') {
      this.diags.error(Code.MalformedUndef, '#undef needs a macro name', name?.span ?? span);
      return;
    }
    this.extraTokens(rest, 1, '#undef');
    this.macros.delete(name.text);
  }

  private include(rest: Token[], span: Span, from: string, depth: number): void {
    const target = rest[0];
    if (target?.text === '<') {
      // Kernel headers are not read: the kernel API the models use comes from the builtins.
      this.diags.warning(Code.SystemIncludeIgnored, 'ignored #include <...>; only #include "file" is read', span);
      return;
    }
    if (target === undefined || target.kind !== 'string') {
      this.diags.error(Code.MalformedInclude, '#include expects "file"', target?.span ?? span);
      return;
    }
    this.extraTokens(rest, 1, '#include');
    const path = posix.normalize(target.value.startsWith('/') ? target.value : posix.join(posix.dirname(from), target.value));
    if (this.onceFiles.has(path)) return;
    if (depth >= MAX_INCLUDE_DEPTH) {
      this.diags.error(Code.IncludeTooDeep, `#include nested more than ${MAX_INCLUDE_DEPTH} deep (recursive include?)`, target.span);
      return;
    }
    const src = this.read(path);
    if (src === undefined) {
      this.diags.error(Code.IncludeNotFound, `cannot open include file '${target.value}' (looked for '${path}')`, target.span);
      return;
    }
    this.run(path, src, depth + 1);
  }
}
