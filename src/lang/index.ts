// lang: kernel-C. Front end: tokenizer → preprocessor (macros.ts, ppExpr.ts) → parser
// (parserState.ts, parseDecl.ts, parseStmt.ts, parseExpr.ts, parseType.ts) → ast, every
// stage reporting into one DiagnosticList (diagnostics.ts); astPrinter.ts dumps trees for
// golden tests. The back end (types.ts, ir.ts, machineOps.ts, runtime.ts) is not exported
// from here yet: its names (e.g. ir's Expr) would clash with the AST's.

import type { TranslationUnit } from './ast.js';
import { DiagnosticList, type Diagnostic } from './diagnostics.js';
import { parse } from './parser.js';
import { preprocess, type FileReader, type PredefinedMacros } from './preprocessor.js';

export * from './ast.js';
export * from './diagnostics.js';
export { printAst, printExpr, printType } from './astPrinter.js';
export { parse } from './parser.js';
export { preprocess, PREDEFINED_FILE, type FileReader, type PredefinedMacros } from './preprocessor.js';
export { tokenize, type Token } from './tokenizer.js';

export interface ParseOptions {
  /** Typedef names known before the entry file, beyond KERNEL_TYPEDEFS. */
  readonly typeNames?: Iterable<string>;
}

export interface ParseResult {
  readonly ast: TranslationUnit;
  /** Errors and warnings of every stage, in source order. */
  readonly diagnostics: readonly Diagnostic[];
  /** Whether any diagnostic is an error (the AST is then partial). */
  readonly ok: boolean;
}

/**
 * Preprocesses and parses `entry`. `files` is an in-memory map of path to text or a reader;
 * `#include "x"` paths resolve against the including file's directory (POSIX separators).
 */
export function parseModel(
  files: ReadonlyMap<string, string> | FileReader,
  entry: string,
  predefined: PredefinedMacros = {},
  options: ParseOptions = {},
): ParseResult {
  const read: FileReader = typeof files === 'function' ? files : (path) => files.get(path);
  const diags = new DiagnosticList();
  const tokens = preprocess(entry, read, diags, predefined);
  const ast = parse(tokens, diags, options.typeNames);
  return { ast, diagnostics: diags.sorted(), ok: diags.errorCount === 0 };
}
