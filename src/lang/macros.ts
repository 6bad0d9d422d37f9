// Macro expansion: Prosser's algorithm with hide sets over token lists. Replacement tokens
// take the span of the use site (the macro name through the closing parenthesis), so a
// diagnostic inside an expansion points at the line the user wrote; argument tokens keep
// their own spans, which are at the use site already.

import { Code, joinSpans, type CodeValue, type DiagnosticList, type Span } from './diagnostics.js';
import type { Token } from './tokenizer.js';

export interface Macro {
  readonly name: string;
  /** Null for an object-like macro. A variadic macro's last parameter is `__VA_ARGS__`. */
  readonly params: readonly string[] | null;
  readonly variadic: boolean;
  readonly body: readonly Token[];
  readonly span: Span;
}

interface Call {
  readonly args: Token[][];
  /** The comma after each argument but the last: kept so `__VA_ARGS__` can be rebuilt. */
  readonly commas: Token[];
  readonly rparen: Token;
}

function isPunct(t: Token | undefined, text: string): boolean {
  return t !== undefined && t.kind === 'punct' && t.text === text;
}

function withName(hide: ReadonlySet<string> | undefined, name: string): ReadonlySet<string> {
  const s = new Set(hide);
  s.add(name);
  return s;
}

function intersect(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): ReadonlySet<string> {
  const s = new Set<string>();
  if (a && b) for (const x of a) if (b.has(x)) s.add(x);
  return s;
}

function union(a: ReadonlySet<string> | undefined, b: ReadonlySet<string>): ReadonlySet<string> {
  if (!a || a.size === 0) return b;
  const s = new Set(a);
  for (const x of b) s.add(x);
  return s;
}

export function sameMacro(a: Macro, b: Macro): boolean {
  const body = (m: Macro): string => m.body.map((t) => (t.space ? ' ' : '') + t.text).join('').trim();
  return a.variadic === b.variadic && (a.params ?? []).join(',') === (b.params ?? []).join(',')
    && (a.params === null) === (b.params === null) && body(a) === body(b);
}

export class MacroExpander {
  constructor(readonly macros: Map<string, Macro>, private readonly diags: DiagnosticList) {}

  /** Expands every macro use in `input`, rescanning results, until none is left. */
  expand(input: readonly Token[]): Token[] {
    // A stack with the next token at the end, so a replacement is pushed in front cheaply.
    const stack = [...input].reverse();
    const out: Token[] = [];
    for (let t = stack.pop(); t !== undefined; t = stack.pop()) {
      const m = t.kind === 'ident' && !t.hide?.has(t.text) ? this.macros.get(t.text) : undefined;
      if (m === undefined) {
        out.push(t);
      } else if (m.params === null) {
        pushFront(stack, this.subst(m, null, withName(t.hide, m.name), t));
      } else if (!isPunct(stack[stack.length - 1], '(')) {
        out.push(t); // A function-like macro name without arguments is an ordinary identifier.
      } else {
        const call = collectCall(stack);
        if (call === null) {
          out.push(this.failed(t, Code.UnterminatedMacroCall, `unterminated call of macro '${m.name}'`, t.span));
        } else {
          const span = joinSpans(t.span, call.rparen.span);
          const arity = this.arityError(m, call);
          if (arity !== null) {
            out.push(this.failed(t, Code.MacroArgCount, arity, span));
          } else {
            const hide = withName(intersect(t.hide, call.rparen.hide), m.name);
            pushFront(stack, this.subst(m, call, hide, { ...t, span }));
          }
        }
      }
    }
    return out;
  }

  // A call that cannot expand becomes one bad token, already reported, in its place: the
  // parser then skips the construct around it instead of reporting a confusing second error.
  private failed(at: Token, code: CodeValue, message: string, span: Span): Token {
    this.diags.error(code, message, span);
    return { kind: 'bad', code, message, reported: true, text: at.text, span, bol: at.bol, space: at.space };
  }

  private arityError(m: Macro, call: Call): string | null {
    const params = m.params ?? [];
    // `F()` passes one empty argument; it is fine for a macro of no parameters.
    if (params.length === 0 && call.args.length === 1 && call.args[0]?.length === 0) call.args.pop();
    const named = m.variadic ? params.length - 1 : params.length;
    if (m.variadic ? call.args.length >= named : call.args.length === named) return null;
    const want = m.variadic ? `at least ${named}` : `${named}`;
    return `macro '${m.name}' takes ${want} argument${named === 1 ? '' : 's'}, ${call.args.length} given`;
  }

  // `use` is the macro name token with the span of the whole use; the first token of the
  // result starts a line where the use did (error recovery looks at line starts).
  private subst(m: Macro, call: Call | null, hide: ReadonlySet<string>, use: Token): Token[] {
    const site = use.span;
    const params = m.params ?? [];
    const expanded = new Map<number, Token[]>();
    const argTokens = (i: number): Token[] => {
      let r = expanded.get(i);
      if (r === undefined) {
        r = this.expand(this.rawArg(m, call, i));
        expanded.set(i, r);
      }
      return r;
    };
    const out: Token[] = [];
    for (const b of m.body) {
      const i = b.kind === 'ident' ? params.indexOf(b.text) : -1;
      if (i >= 0) {
        for (const a of argTokens(i)) out.push({ ...a, hide: union(a.hide, hide), bol: false });
      } else {
        out.push({ ...b, span: site, hide: union(b.hide, hide), bol: false });
      }
    }
    const first = out[0];
    if (first !== undefined) out[0] = { ...first, bol: use.bol };
    return out;
  }

  // The unexpanded tokens of parameter `i`; for `__VA_ARGS__`, the rest of the arguments with their commas.
  private rawArg(m: Macro, call: Call | null, i: number): Token[] {
    if (call === null) return [];
    const last = (m.params?.length ?? 0) - 1;
    if (!m.variadic || i < last) return call.args[i] ?? [];
    const rest: Token[] = [];
    for (let k = i; k < call.args.length; k++) {
      if (k > i) { const c = call.commas[k - 1]; if (c) rest.push(c); }
      rest.push(...(call.args[k] ?? []));
    }
    return rest;
  }
}

function pushFront(stack: Token[], tokens: readonly Token[]): void {
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i];
    if (t !== undefined) stack.push(t);
  }
}

// Pops `( args )` off the stack; null (with the stack drained) when the `)` never comes.
function collectCall(stack: Token[]): Call | null {
  stack.pop(); // '('
  const args: Token[][] = [[]];
  const commas: Token[] = [];
  let depth = 0;
  for (let t = stack.pop(); t !== undefined; t = stack.pop()) {
    if (t.kind === 'eof') { stack.push(t); return null; }
    if (isPunct(t, '(')) depth++;
    if (isPunct(t, ')')) {
      if (depth === 0) return { args, commas, rparen: t };
      depth--;
    }
    if (isPunct(t, ',') && depth === 0) {
      commas.push(t);
      args.push([]);
    } else {
      args[args.length - 1]?.push(t);
    }
  }
  return null;
}
