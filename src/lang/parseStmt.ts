// Statements and blocks. A block is where errors are caught: a failed item is skipped (see
// Parser.attempt) and the next one parsed, so every statement gets a chance to report.

import type { CompoundStmt, DeclStmt, Expr, ForStmt, Stmt } from './ast.js';
import { Code } from './diagnostics.js';
import { parseLocalDecl } from './parseDecl.js';
import { parseExpression } from './parseExpr.js';
import { ATTRIBUTE_WORDS, KEYWORDS, describe, type Parser } from './parserState.js';
import { skipAttributes } from './parseType.js';

export function parseCompound(p: Parser): CompoundStmt {
  const open = p.expectPunct('{');
  const items: Stmt[] = [];
  while (!p.isPunct('}')) {
    if (p.peek().kind === 'eof') p.fail(Code.Expected, `expected '}' before end of input (to close the '{' at ${open.span.line}:${open.span.col})`);
    const item = p.attempt(() => parseBlockItem(p));
    if (item !== null) items.push(item);
  }
  p.next();
  return { kind: 'CompoundStmt', items, span: p.spanFrom(open) };
}

/** A statement or a declaration (C23 lets a label precede either). */
function parseBlockItem(p: Parser): Stmt {
  if (ATTRIBUTE_WORDS.has(p.peek().text)) {
    // An attribute statement, e.g. the kernel's `fallthrough;`: it changes nothing here.
    const start = p.pos;
    const t = p.peek();
    skipAttributes(p);
    if (p.acceptPunct(';')) return { kind: 'EmptyStmt', span: p.spanFrom(t) };
    p.pos = start;
  }
  if (p.isDeclStart()) return parseLocalDecl(p);
  // `name ident` or `name *ident =` at the start of a statement: a declaration whose type
  // name is unknown (as GCC reports it), not an expression missing a ';'.
  const a = p.peek();
  const b = p.peek(1);
  if (a.kind === 'ident' && b.kind === 'ident' && !KEYWORDS_NOT_TYPES.has(a.text))
    p.fail(Code.UnknownType, `unknown type name '${a.text}'`, a.span);
  return parseStatement(p);
}

const KEYWORDS_NOT_TYPES = new Set(['return', 'goto', 'case', 'else', 'do', 'sizeof']);

function parseCondition(p: Parser): Expr {
  p.expectPunct('(');
  const e = parseExpression(p);
  p.expectPunct(')');
  return e;
}

// The body of a label: the next statement, or nothing when the block ends (C23).
function labelled(p: Parser): Stmt {
  if (p.isPunct('}')) return { kind: 'EmptyStmt', span: p.afterPrev() };
  return parseBlockItem(p);
}

export function parseStatement(p: Parser): Stmt {
  const t = p.peek();
  if (t.kind === 'punct' && t.text === '{') return parseCompound(p);
  if (t.kind === 'punct' && t.text === ';') {
    p.next();
    return { kind: 'EmptyStmt', span: t.span };
  }
  if (t.kind === 'ident' && !KEYWORDS.has(t.text) && p.isPunct(':', 1) && !p.typeNames.has(t.text)) {
    p.next();
    p.next();
    return { kind: 'LabelStmt', label: t.text, body: labelled(p), span: p.spanFrom(t) };
  }
  switch (t.kind === 'ident' ? t.text : '') {
    case 'if': {
      p.next();
      const cond = parseCondition(p);
      const then = parseStatement(p);
      const otherwise = p.acceptWord('else') ? parseStatement(p) : null;
      return { kind: 'IfStmt', cond, then, else: otherwise, span: p.spanFrom(t) };
    }
    case 'while': {
      p.next();
      const cond = parseCondition(p);
      return { kind: 'WhileStmt', cond, body: parseStatement(p), span: p.spanFrom(t) };
    }
    case 'do': {
      p.next();
      const body = parseStatement(p);
      if (!p.acceptWord('while')) p.fail(Code.Expected, `expected 'while' before ${describe(p.peek())}`);
      const cond = parseCondition(p);
      p.expectPunct(';');
      return { kind: 'DoWhileStmt', body, cond, span: p.spanFrom(t) };
    }
    case 'for': return parseFor(p);
    case 'switch': {
      p.next();
      const cond = parseCondition(p);
      return { kind: 'SwitchStmt', cond, body: parseStatement(p), span: p.spanFrom(t) };
    }
    case 'case': {
      p.next();
      const value = parseExpression(p);
      p.expectPunct(':');
      return { kind: 'CaseStmt', value, body: labelled(p), span: p.spanFrom(t) };
    }
    case 'default':
      p.next();
      p.expectPunct(':');
      return { kind: 'DefaultStmt', body: labelled(p), span: p.spanFrom(t) };
    case 'break': case 'continue':
      p.next();
      p.expectPunct(';');
      return { kind: t.text === 'break' ? 'BreakStmt' : 'ContinueStmt', span: p.spanFrom(t) };
    case 'goto': {
      p.next();
      const label = p.expectIdent('a label name');
      p.expectPunct(';');
      return { kind: 'GotoStmt', label: label.text, span: p.spanFrom(t) };
    }
    case 'return': {
      p.next();
      const value = p.isPunct(';') ? null : parseExpression(p);
      p.expectPunct(';');
      return { kind: 'ReturnStmt', value, span: p.spanFrom(t) };
    }
  }
  const expr = parseExpression(p);
  p.expectPunct(';');
  return { kind: 'ExprStmt', expr, span: p.spanFrom(t) };
}

function parseFor(p: Parser): ForStmt {
  const t = p.next();
  p.expectPunct('(');
  let init: DeclStmt | Expr | null = null;
  if (p.isDeclStart()) {
    init = parseLocalDecl(p); // Consumes the `;`.
  } else {
    if (!p.isPunct(';')) init = parseExpression(p);
    p.expectPunct(';');
  }
  const cond = p.isPunct(';') ? null : parseExpression(p);
  p.expectPunct(';');
  const step = p.isPunct(')') ? null : parseExpression(p);
  p.expectPunct(')');
  const body = parseStatement(p);
  return { kind: 'ForStmt', init, cond, step, body, span: p.spanFrom(t) };
}
