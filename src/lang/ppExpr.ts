// #if expressions: `defined` is resolved first, then macros expand, identifiers left over are
// 0 (as C says), and the result is evaluated as signed 64-bit integers.

import type { Span } from './diagnostics.js';
import type { Token } from './tokenizer.js';

export class PPExprError extends Error {
  constructor(message: string, readonly span: Span) {
    super(message);
  }
}

function intToken(value: bigint, at: Token): Token {
  return { kind: 'int', value, radix: 10, unsigned: false, longs: 0, text: String(value), span: at.span, bol: false, space: true };
}

/** Replaces `defined X` and `defined(X)` by 1 or 0, before expansion can touch X. */
export function resolveDefined(tokens: readonly Token[], isDefined: (name: string) => boolean): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === undefined) continue;
    if (t.kind !== 'ident' || t.text !== 'defined') { out.push(t); continue; }
    const paren = tokens[i + 1]?.text === '(';
    const name = tokens[i + (paren ? 2 : 1)];
    if (name === undefined || name.kind !== 'ident') throw new PPExprError("'defined' needs a macro name", t.span);
    if (paren && tokens[i + 3]?.text !== ')') throw new PPExprError("missing ')' after 'defined(" + name.text + "'", name.span);
    out.push(intToken(isDefined(name.text) ? 1n : 0n, t));
    i += paren ? 3 : 1;
  }
  return out;
}

const BINARY: readonly (readonly string[])[] = [
  ['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%'],
];

const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);

/** Evaluates fully expanded tokens; throws PPExprError on a malformed expression. */
export function evalPPExpr(tokens: readonly Token[], where: Span): bigint {
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const fail = (msg: string): never => {
    throw new PPExprError(msg, peek()?.span ?? tokens[tokens.length - 1]?.span ?? where);
  };
  const take = (text: string): boolean => {
    const t = peek();
    if (t && (t.kind === 'punct' || t.kind === 'ident') && t.text === text) { pos++; return true; }
    return false;
  };

  const primary = (): bigint => {
    const t = peek();
    if (t === undefined) return fail('expected a value in #if expression');
    pos++;
    if (t.kind === 'int' || t.kind === 'char') return t.value;
    if (t.kind === 'ident') return 0n;
    if (t.text === '(') {
      const v = ternary();
      if (!take(')')) fail("expected ')' in #if expression");
      return v;
    }
    if (t.text === '!') return primary() === 0n ? 1n : 0n;
    if (t.text === '-') return wrap(-primary());
    if (t.text === '+') return primary();
    if (t.text === '~') return wrap(~primary());
    pos--;
    return fail(`unexpected '${t.text}' in #if expression`);
  };

  const binary = (level: number): bigint => {
    const ops = BINARY[level];
    if (ops === undefined) return primary();
    let left = binary(level + 1);
    for (;;) {
      const op = ops.find((o) => peek()?.kind === 'punct' && peek()?.text === o);
      if (op === undefined) return left;
      const opTok = peek();
      pos++;
      const right = binary(level + 1);
      left = applyBinary(op, left, right, opTok?.span ?? where);
    }
  };

  const ternary = (): bigint => {
    const c = binary(0);
    if (!take('?')) return c;
    const a = ternary();
    if (!take(':')) fail("expected ':' in #if expression");
    const b = ternary();
    return c !== 0n ? a : b;
  };

  if (tokens.length === 0) fail('#if with no expression');
  const v = ternary();
  if (pos < tokens.length) fail(`unexpected '${peek()?.text ?? ''}' in #if expression`);
  return v;
}

function applyBinary(op: string, a: bigint, b: bigint, span: Span): bigint {
  const bool = (x: boolean): bigint => (x ? 1n : 0n);
  switch (op) {
    case '||': return bool(a !== 0n || b !== 0n);
    case '&&': return bool(a !== 0n && b !== 0n);
    case '|': return a | b;
    case '^': return a ^ b;
    case '&': return a & b;
    case '==': return bool(a === b);
    case '!=': return bool(a !== b);
    case '<': return bool(a < b);
    case '>': return bool(a > b);
    case '<=': return bool(a <= b);
    case '>=': return bool(a >= b);
    case '<<': return wrap(a << (b & 63n));
    case '>>': return a >> (b & 63n);
    case '+': return wrap(a + b);
    case '-': return wrap(a - b);
    case '*': return wrap(a * b);
    default:
      if (b === 0n) throw new PPExprError('division by zero in #if expression', span);
      return op === '/' ? wrap(a / b) : a % b;
  }
}
