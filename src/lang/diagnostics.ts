// Diagnostics: source spans, numbered codes and a collector. Stages record problems here and
// go on, so one run reports every error (AssemblyScript's emitter, not exceptions).

/** A range of source text. `line` and `col` are 1-based; `offset` and `length` count UTF-16 units. */
export interface Span {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly offset: number;
  readonly length: number;
}

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly code: number;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
}

/**
 * Every code, numbered by stage: 1xxx lexer and preprocessor, 2xxx parser, 3xxx checker
 * (reserved for the checker). Codes are never reused, so tests and users can rely on them.
 */
export const Code = {
  // Lexer.
  UnterminatedComment: 1001,
  UnterminatedLiteral: 1002,
  InvalidCharacter: 1003,
  InvalidNumber: 1004,
  FloatUnsupported: 1005,
  IntegerTooLarge: 1006,
  InvalidLiteral: 1007,
  // Preprocessor.
  UnknownDirective: 1101,
  ErrorDirective: 1102,
  UnterminatedConditional: 1103,
  UnmatchedConditional: 1104,
  ElseAfterElse: 1105,
  MalformedDefine: 1106,
  MacroRedefined: 1107,
  StringizeUnsupported: 1108,
  MacroArgCount: 1109,
  UnterminatedMacroCall: 1110,
  IncludeNotFound: 1111,
  IncludeTooDeep: 1112,
  MalformedInclude: 1113,
  BadIfExpression: 1114,
  ExtraTokens: 1115,
  MalformedUndef: 1116,
  SystemIncludeIgnored: 1117,
  WarningDirective: 1118,
  // Parser.
  Expected: 2001,
  ExpectedExpression: 2002,
  ExpectedIdentifier: 2003,
  Unsupported: 2005,
  InvalidTypeSpecifier: 2006,
  MissingTypeSpecifier: 2008,
  InvalidDeclaration: 2009,
  // Checker and compiler.
  UnknownIdentifier: 3001,
  UnknownType: 3002,
  ArgumentCount: 3003,
  MissingLabel: 3004,
  NotAnLvalue: 3005,
  UnsupportedConstruct: 3006,
  NotConstant: 3007,
  UnknownFunction: 3008,
  Redefinition: 3009,
  BadBuiltinArgument: 3010,
} as const;

export type CodeValue = (typeof Code)[keyof typeof Code];

/** The one-line form: `file:line:col: error PT2001: expected ';'`. */
export function format(d: Diagnostic): string {
  return `${d.span.file}:${d.span.line}:${d.span.col}: ${d.severity} PT${d.code}: ${d.message}`;
}

/**
 * The smallest span covering `a` and `b`; `a` alone when `b` is in another file. Tokens from a
 * macro expansion carry the use site's span, so `b` may start before `a` or lie inside it.
 */
export function joinSpans(a: Span, b: Span): Span {
  if (a.file !== b.file) return a;
  const first = b.offset < a.offset ? b : a;
  const end = Math.max(a.offset + a.length, b.offset + b.length);
  return { file: a.file, line: first.line, col: first.col, offset: first.offset, length: end - first.offset };
}

export class DiagnosticList {
  private readonly items: Diagnostic[] = [];

  error(code: CodeValue, message: string, span: Span): void {
    this.items.push({ code, severity: 'error', message, span });
  }

  warning(code: CodeValue, message: string, span: Span): void {
    this.items.push({ code, severity: 'warning', message, span });
  }

  add(d: Diagnostic): void {
    this.items.push(d);
  }

  get all(): readonly Diagnostic[] {
    return this.items;
  }

  get errorCount(): number {
    return this.items.filter((d) => d.severity === 'error').length;
  }

  /** In source order: files in order of first appearance, then by offset (stable). */
  sorted(): Diagnostic[] {
    const fileRank = new Map<string, number>();
    for (const d of this.items) if (!fileRank.has(d.span.file)) fileRank.set(d.span.file, fileRank.size);
    return [...this.items].sort(
      (a, b) => (fileRank.get(a.span.file) ?? 0) - (fileRank.get(b.span.file) ?? 0) || a.span.offset - b.span.offset,
    );
  }
}
