// Types in declarations: specifiers (with the annotations that are skipped), declarators
// (pointers, arrays, function parameter lists), type names for casts and sizeof, and enum
// specifiers.

import type { EnumDecl, Enumerator, Expr, IntTypeName, Param, TypeNode } from './ast.js';
import { Code, joinSpans, type Span } from './diagnostics.js';
import { parseConditional } from './parseExpr.js';
import { ATTRIBUTE_WORDS, IGNORED_WORDS, KEYWORDS, describe, type Parser } from './parserState.js';
import type { Token } from './tokenizer.js';

export interface Specifiers {
  readonly type: TypeNode;
  readonly typedef: boolean;
  readonly extern: boolean;
  /** Set when the specifiers defined an enum (`enum X { ... }`). */
  readonly enumDecl: EnumDecl | null;
  readonly start: Token;
}

export interface Declarator {
  readonly name: Token | null;
  /** The declared type; for a function declarator, its return type. */
  readonly type: TypeNode;
  readonly fn: { readonly params: Param[]; readonly variadic: boolean } | null;
}

const INT_WORDS = ['signed', 'unsigned', 'char', 'short', 'int', 'long', '_Bool', 'bool'] as const;
type IntWord = (typeof INT_WORDS)[number];
const isIntWord = (s: string): s is IntWord => (INT_WORDS as readonly string[]).includes(s);

/** Skips ignored qualifiers and annotations, and `__attribute__((...))`. */
export function skipAttributes(p: Parser): void {
  for (;;) {
    const t = p.peek();
    if (t.kind !== 'ident') return;
    if (IGNORED_WORDS.has(t.text)) {
      p.next();
    } else if (ATTRIBUTE_WORDS.has(t.text)) {
      p.next();
      const open = p.expectPunct('(');
      for (let depth = 1; depth > 0;) {
        const u = p.next();
        if (u.kind === 'eof') p.fail(Code.Expected, "expected ')' to close __attribute__", open.span);
        if (u.text === '(') depth++;
        else if (u.text === ')') depth--;
      }
    } else {
      return;
    }
  }
}

export function parseSpecifiers(p: Parser): Specifiers {
  const start = p.peek();
  const counts = new Map<IntWord, number>();
  let typedef = false;
  let extern = false;
  let other: TypeNode | null = null;
  let enumDecl: EnumDecl | null = null;
  let intSpan: Span | null = null;
  for (;;) {
    skipAttributes(p);
    const t = p.peek();
    if (t.kind !== 'ident') break;
    if (t.text === 'extern' || t.text === 'typedef') {
      p.next();
      if (t.text === 'extern') extern = true;
      else typedef = true;
    } else if (t.text === 'float' || t.text === 'double') {
      p.fail(Code.Unsupported, 'floating-point types are not supported', t.span);
    } else if (isIntWord(t.text)) {
      if (other !== null) p.fail(Code.InvalidTypeSpecifier, `'${t.text}' cannot be combined with the type before it`, t.span);
      p.next();
      counts.set(t.text, (counts.get(t.text) ?? 0) + 1);
      intSpan = intSpan === null ? t.span : joinSpans(intSpan, t.span);
    } else if (t.text === 'void' || t.text === 'enum' || t.text === 'struct' || t.text === 'union'
      || (p.typeNames.has(t.text) && other === null && intSpan === null)) {
      // After a type specifier a typedef name is the declarator's name, as in C.
      if (other !== null || intSpan !== null) p.fail(Code.InvalidTypeSpecifier, `'${t.text}' cannot be combined with the type before it`, t.span);
      p.next();
      if (t.text === 'void') other = { kind: 'VoidType', span: t.span };
      else if (t.text === 'enum') ({ type: other, decl: enumDecl } = parseEnum(p, t));
      else if (t.text === 'struct') other = parseStruct(p, t);
      else if (t.text === 'union') p.fail(Code.Unsupported, 'unions are not supported', t.span);
      else other = { kind: 'NamedType', name: t.text, span: t.span };
    } else {
      break;
    }
  }
  let type: TypeNode;
  if (other !== null) type = other;
  else if (intSpan !== null) type = { kind: 'IntType', name: intTypeName(p, counts, intSpan), span: intSpan };
  else return p.fail(Code.MissingTypeSpecifier, `expected a type before ${describe(p.peek())}`);
  return { type, typedef, extern, enumDecl, start };
}

function intTypeName(p: Parser, c: Map<IntWord, number>, span: Span): IntTypeName {
  const n = (w: IntWord): number => c.get(w) ?? 0;
  const bad = (): never => p.fail(Code.InvalidTypeSpecifier, 'invalid combination of integer type specifiers', span);
  const u = n('unsigned') > 0;
  if (n('signed') + n('unsigned') > 1) bad();
  const bool = n('_Bool') + n('bool');
  if (bool > 0) {
    if (bool > 1 || c.size > 1) bad();
    return '_Bool';
  }
  if (n('char') > 0) {
    if (n('char') > 1 || n('short') + n('long') + n('int') > 0) bad();
    return n('signed') > 0 ? 'signed char' : u ? 'unsigned char' : 'char';
  }
  if (n('int') > 1 || n('short') + n('long') > 2 || (n('short') > 0 && n('long') > 0)) bad();
  if (n('short') > 0) return u ? 'unsigned short' : 'short';
  if (n('long') === 2) return u ? 'unsigned long long' : 'long long';
  if (n('long') === 1) return u ? 'unsigned long' : 'long';
  return u ? 'unsigned int' : 'int';
}

function parseEnum(p: Parser, kw: Token): { type: TypeNode; decl: EnumDecl | null } {
  const name = p.peek().kind === 'ident' && !KEYWORDS.has(p.peek().text) ? p.next() : null;
  if (!p.isPunct('{')) {
    if (name === null) p.expectIdent("an enum name or '{'");
    return { type: { kind: 'EnumType', name: name?.text ?? '', span: p.spanFrom(kw) }, decl: null };
  }
  p.next();
  const members: Enumerator[] = [];
  while (!p.isPunct('}')) {
    const m = p.expectIdent('an enumerator name');
    const value = p.acceptPunct('=') ? parseConditional(p) : null;
    members.push({ kind: 'Enumerator', name: m.text, value, span: p.spanFrom(m) });
    if (!p.acceptPunct(',')) break;
  }
  p.expectPunct('}');
  const span = p.spanFrom(kw);
  const decl: EnumDecl = { kind: 'EnumDecl', name: name?.text ?? null, members, span };
  // An anonymous enum only names constants; its objects are taken to be int.
  const type: TypeNode = name ? { kind: 'EnumType', name: name.text, span } : { kind: 'IntType', name: 'int', span };
  return { type, decl };
}

function parseStruct(p: Parser, kw: Token): TypeNode {
  const name = p.expectIdent('a struct name');
  if (p.isPunct('{')) p.fail(Code.Unsupported, 'struct definitions are not supported (a struct is only an opaque pointee)', p.peek().span);
  return { kind: 'StructType', name: name.text, span: p.spanFrom(kw) };
}

/**
 * A declarator over `base`: `*`s, a name (required, absent or either, by `mode`), then `[n]`
 * suffixes or one parameter list. Parenthesised declarators (function pointers) are unsupported.
 */
export function parseDeclarator(p: Parser, base: TypeNode, mode: 'named' | 'abstract' | 'either'): Declarator {
  let type = base;
  for (let star = p.acceptPunct('*'); star !== undefined; star = p.acceptPunct('*')) {
    type = { kind: 'PointerType', to: type, span: joinSpans(base.span, star.span) };
    skipAttributes(p);
  }
  if (p.isPunct('(') && p.isPunct('*', 1)) p.fail(Code.Unsupported, 'function pointers are not supported');
  let name: Token | null = null;
  const t = p.peek();
  if (mode !== 'abstract' && t.kind === 'ident' && !KEYWORDS.has(t.text)) name = p.next();
  else if (mode === 'named') p.expectIdent('a name');
  skipAttributes(p);
  const dims: { size: Expr | null; span: Span }[] = [];
  let fn: Declarator['fn'] = null;
  for (;;) {
    const open = p.peek();
    if (p.acceptPunct('[')) {
      const size = p.isPunct(']') ? null : parseConditional(p);
      dims.push({ size, span: p.spanFrom(open) });
      p.expectPunct(']');
    } else if (p.isPunct('(') && name !== null && dims.length === 0 && fn === null) {
      fn = parseParams(p);
    } else {
      break;
    }
    if (fn !== null) break;
  }
  skipAttributes(p);
  for (let k = dims.length - 1; k >= 0; k--) {
    const d = dims[k];
    if (d !== undefined) type = { kind: 'ArrayType', of: type, size: d.size, span: joinSpans(base.span, d.span) };
  }
  return { name, type, fn };
}

function parseParams(p: Parser): { params: Param[]; variadic: boolean } {
  p.expectPunct('(');
  const params: Param[] = [];
  if (p.acceptPunct(')')) return { params, variadic: false };
  if (p.isWord('void') && p.isPunct(')', 1)) {
    p.next();
    p.next();
    return { params, variadic: false };
  }
  for (;;) {
    if (p.acceptPunct('...')) {
      p.expectPunct(')');
      return { params, variadic: true };
    }
    const spec = parseSpecifiers(p);
    if (spec.typedef || spec.extern || spec.enumDecl) p.fail(Code.InvalidDeclaration, 'invalid parameter declaration', spec.start.span);
    const d = parseDeclarator(p, spec.type, 'either');
    if (d.fn !== null) p.fail(Code.Unsupported, 'parameters of function type are not supported', d.name?.span);
    params.push({ kind: 'Param', name: d.name?.text ?? null, type: d.type, span: p.spanFrom(spec.start) });
    if (!p.acceptPunct(',')) break;
  }
  p.expectPunct(')');
  return { params, variadic: false };
}

/** A type name, as in casts and `sizeof(type)`. */
export function parseTypeName(p: Parser): TypeNode {
  const spec = parseSpecifiers(p);
  if (spec.typedef || spec.extern || spec.enumDecl) p.fail(Code.InvalidDeclaration, 'a storage class or enum definition cannot appear in a type name', spec.start.span);
  return parseDeclarator(p, spec.type, 'abstract').type;
}
