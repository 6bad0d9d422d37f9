// Expressions: C precedence and associativity by recursive descent, from the comma operator
// down to primaries. A `(` followed by a type name starts a cast, which is why the parser
// keeps the set of type names.

import type { AssignOp, BinaryOp, Expr, StringLiteral, UnaryOp } from './ast.js';
import { Code, joinSpans } from './diagnostics.js';
import { parseTypeName } from './parseType.js';
import { KEYWORDS, describe, type Parser } from './parserState.js';

const ASSIGN_OPS: ReadonlySet<string> = new Set(['=', '*=', '/=', '%=', '+=', '-=', '<<=', '>>=', '&=', '^=', '|=']);

/** Binary operators from loosest to tightest; all left-associative. */
const BINARY_LEVELS: readonly (readonly BinaryOp[])[] = [
  ['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%'],
];

const UNARY_OPS: ReadonlySet<string> = new Set(['-', '+', '!', '~', '&', '*', '++', '--']);

/** expression: assignment-expressions separated by commas. */
export function parseExpression(p: Parser): Expr {
  const first = parseAssignment(p);
  if (!p.isPunct(',')) return first;
  const exprs: Expr[] = [first];
  while (p.acceptPunct(',')) exprs.push(parseAssignment(p));
  return { kind: 'Comma', exprs, span: joinSpans(first.span, exprs[exprs.length - 1]?.span ?? first.span) };
}

/** Right-associative: `a = b += c` is `a = (b += c)`. */
export function parseAssignment(p: Parser): Expr {
  const target = parseConditional(p);
  const t = p.peek();
  if (t.kind !== 'punct' || !ASSIGN_OPS.has(t.text)) return target;
  p.next();
  const value = parseAssignment(p);
  return { kind: 'Assign', op: t.text as AssignOp, target, value, span: joinSpans(target.span, value.span) };
}

export function parseConditional(p: Parser): Expr {
  const cond = parseBinary(p, 0);
  if (!p.acceptPunct('?')) return cond;
  if (p.isPunct(':')) p.fail(Code.Unsupported, "the GNU 'a ?: b' form is not supported");
  const then = parseExpression(p);
  p.expectPunct(':');
  const otherwise = parseConditional(p);
  return { kind: 'Conditional', cond, then, else: otherwise, span: joinSpans(cond.span, otherwise.span) };
}

function parseBinary(p: Parser, level: number): Expr {
  const ops = BINARY_LEVELS[level];
  if (ops === undefined) return parseCast(p);
  let left = parseBinary(p, level + 1);
  for (;;) {
    const t = p.peek();
    const op = t.kind === 'punct' ? ops.find((o) => o === t.text) : undefined;
    if (op === undefined) return left;
    p.next();
    const right = parseBinary(p, level + 1);
    left = { kind: 'Binary', op, left, right, span: joinSpans(left.span, right.span) };
  }
}

/** cast-expression: `(type) cast-expression` or a unary expression. */
export function parseCast(p: Parser): Expr {
  const open = p.peek();
  if (!p.isPunct('(') || !p.isTypeStart(1)) return parseUnary(p);
  p.next();
  const type = parseTypeName(p);
  p.expectPunct(')');
  if (p.isPunct('{')) p.fail(Code.Unsupported, 'compound literals are not supported');
  const operand = parseCast(p);
  return { kind: 'Cast', type, operand, span: joinSpans(open.span, operand.span) };
}

function parseUnary(p: Parser): Expr {
  const t = p.peek();
  if (t.kind === 'punct' && UNARY_OPS.has(t.text)) {
    p.next();
    // `++`/`--` take a unary expression; the others a cast expression (`-(int)x`).
    const operand = t.text === '++' || t.text === '--' ? parseUnary(p) : parseCast(p);
    return { kind: 'Unary', op: t.text as UnaryOp, operand, span: joinSpans(t.span, operand.span) };
  }
  if (p.acceptWord('sizeof')) {
    if (p.isPunct('(') && p.isTypeStart(1)) {
      p.next();
      const type = parseTypeName(p);
      p.expectPunct(')');
      return { kind: 'SizeofType', type, span: p.spanFrom(t) };
    }
    const operand = parseUnary(p);
    return { kind: 'SizeofExpr', operand, span: joinSpans(t.span, operand.span) };
  }
  return parsePostfix(p);
}

function parsePostfix(p: Parser): Expr {
  let e = parsePrimary(p);
  for (;;) {
    const t = p.peek();
    if (t.kind !== 'punct') return e;
    if (t.text === '(') {
      p.next();
      const args: Expr[] = [];
      if (!p.isPunct(')')) {
        do args.push(parseAssignment(p)); while (p.acceptPunct(','));
      }
      p.expectPunct(')');
      e = { kind: 'Call', callee: e, args, span: p.spanFrom(e.span) };
    } else if (t.text === '[') {
      p.next();
      const index = parseExpression(p);
      p.expectPunct(']');
      e = { kind: 'Index', array: e, index, span: p.spanFrom(e.span) };
    } else if (t.text === '.' || t.text === '->') {
      p.next();
      const m = p.expectIdent('a member name');
      e = { kind: 'Member', object: e, member: m.text, arrow: t.text === '->', span: joinSpans(e.span, m.span) };
    } else if (t.text === '++' || t.text === '--') {
      p.next();
      e = { kind: 'Postfix', op: t.text, operand: e, span: joinSpans(e.span, t.span) };
    } else {
      return e;
    }
  }
}

function parsePrimary(p: Parser): Expr {
  const t = p.peek();
  switch (t.kind) {
    case 'int':
      p.next();
      return { kind: 'IntLiteral', value: t.value, radix: t.radix, unsigned: t.unsigned, longs: t.longs, text: t.text, span: t.span };
    case 'char':
      p.next();
      return { kind: 'CharLiteral', value: t.value, text: t.text, span: t.span };
    case 'string': {
      let value = '';
      for (let s = p.peek(); s.kind === 'string'; s = p.peek()) {
        value += s.value;
        p.next();
      }
      const lit: StringLiteral = { kind: 'StringLiteral', value, span: p.spanFrom(t) };
      return lit;
    }
    case 'ident':
      if (KEYWORDS.has(t.text)) break;
      p.next();
      return { kind: 'Identifier', name: t.text, span: t.span };
    case 'punct':
      if (t.text !== '(') break;
      if (p.isPunct('{', 1)) p.fail(Code.Unsupported, 'statement expressions are not supported');
      p.next();
      {
        const inner = parseExpression(p);
        p.expectPunct(')');
        // The parentheses widen the span but leave no node: precedence is in the tree already.
        return { ...inner, span: p.spanFrom(t) };
      }
    default:
      break;
  }
  return p.fail(Code.ExpectedExpression, `expected an expression before ${describe(t)}`);
}
