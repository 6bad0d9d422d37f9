// Parser: preprocessed tokens to a TranslationUnit by recursive descent. The grammar lives in
// parseDecl.ts, parseStmt.ts, parseExpr.ts and parseType.ts; the cursor and error recovery
// in parserState.ts. Syntax errors are collected (codes 2xxx) and parsing goes on.

import { KERNEL_TYPEDEFS, type TopDecl, type TranslationUnit } from './ast.js';
import { joinSpans, type DiagnosticList } from './diagnostics.js';
import { parseTopLevel } from './parseDecl.js';
import { Parser } from './parserState.js';
import type { Token } from './tokenizer.js';

/**
 * Parses `tokens` (ending in an end-of-file token). `typeNames` are the typedef names known
 * before the file starts; KERNEL_TYPEDEFS are always known.
 */
export function parse(tokens: readonly Token[], diags: DiagnosticList, typeNames: Iterable<string> = []): TranslationUnit {
  const p = new Parser(tokens, diags, [...KERNEL_TYPEDEFS, ...typeNames]);
  const decls: TopDecl[] = [];
  while (p.peek().kind !== 'eof') {
    if (p.acceptPunct(';')) continue; // A stray `;` at file scope is harmless.
    const d = p.attempt(() => parseTopLevel(p));
    if (d !== null) decls.push(...d);
  }
  // The unit's span is in the entry file (where the end-of-file token comes from), even when
  // the first tokens come from an #include.
  const eof = p.peek();
  const first = tokens.find((t) => t.span.file === eof.span.file) ?? eof;
  return { kind: 'TranslationUnit', decls, span: joinSpans(first.span, eof.span) };
}
