// The parser's cursor over preprocessed tokens: lookahead, expectations, the set of type
// names (what tells `(pte_t *)x` from `(x) * y`), and error recovery. A syntax error is
// recorded, then thrown as ParseAbort to unwind to the enclosing statement or declaration,
// which skips ahead and goes on: every error is reported, each only once.

import { Code, joinSpans, type CodeValue, type DiagnosticList, type Span } from './diagnostics.js';
import type { Token } from './tokenizer.js';

/** C keywords: never identifiers. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'auto', 'break', 'case', 'char', 'const', 'continue', 'default', 'do', 'else', 'enum', 'extern',
  'for', 'goto', 'if', 'inline', 'int', 'long', 'register', 'restrict', 'return', 'short', 'signed',
  'sizeof', 'static', 'struct', 'switch', 'typedef', 'union', 'unsigned', 'void', 'volatile', 'while',
  '_Bool', 'bool', 'float', 'double',
]);

/** Storage classes, qualifiers and kernel annotations that change nothing in the model. */
export const IGNORED_WORDS: ReadonlySet<string> = new Set([
  'static', 'inline', '__inline', '__inline__', '__always_inline', 'const', 'volatile', 'register',
  'restrict', '__restrict', 'auto', '__init', '__initdata', '__ref', '__maybe_unused', '__must_check',
  'noinline', 'notrace', '__ro_after_init',
  // sparse annotations, common in pasted kernel code: `(__force pteval_t)x`.
  '__force', '__user', '__iomem', '__rcu', '__percpu',
]);

/** Words that start a type (with IGNORED_WORDS, `extern`, `typedef`, attributes and type names). */
export const TYPE_WORDS: ReadonlySet<string> = new Set([
  'void', 'char', 'short', 'int', 'long', 'signed', 'unsigned', '_Bool', 'bool', 'enum', 'struct', 'union',
  'float', 'double',
]);

export const ATTRIBUTE_WORDS: ReadonlySet<string> = new Set(['__attribute__', '__attribute']);

export class ParseAbort extends Error {
  /** Index of the token where parsing failed. */
  constructor(readonly at: number) {
    super('parse aborted');
  }
}

export function describe(t: Token): string {
  return t.kind === 'eof' ? 'end of input' : `'${t.text}'`;
}

export class Parser {
  pos = 0;
  readonly typeNames: Set<string>;
  private readonly eof: Token;

  constructor(readonly toks: readonly Token[], readonly diags: DiagnosticList, typeNames: Iterable<string>) {
    const eof = toks[toks.length - 1];
    if (eof?.kind !== 'eof') throw new Error('token list must end with an end-of-file token');
    this.eof = eof;
    this.typeNames = new Set(typeNames);
  }

  /** The token `n` ahead; the end-of-file token repeats forever. */
  peek(n = 0): Token {
    return this.toks[this.pos + n] ?? this.eof;
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  /** The last token consumed (the current one at the very start). */
  prev(): Token {
    return this.toks[Math.max(0, this.pos - 1)] ?? this.eof;
  }

  isPunct(text: string, n = 0): boolean {
    const t = this.peek(n);
    return t.kind === 'punct' && t.text === text;
  }

  isWord(text: string, n = 0): boolean {
    const t = this.peek(n);
    return t.kind === 'ident' && t.text === text;
  }

  acceptPunct(text: string): Token | undefined {
    return this.isPunct(text) ? this.next() : undefined;
  }

  acceptWord(text: string): Token | undefined {
    return this.isWord(text) ? this.next() : undefined;
  }

  /**
   * A missing token is reported just after the previous token when the next one is on a later
   * line (the usual forgotten `;`), else at the next token, as GCC does. A `;` missing at the
   * end of a line is taken as present after the report, so the next line parses normally.
   */
  expectPunct(text: string): Token {
    const t = this.acceptPunct(text);
    if (t !== undefined) return t;
    const cur = this.peek();
    const prev = this.prev();
    const lineEnd = this.pos > 0 && (cur.span.file !== prev.span.file || cur.span.line > prev.span.line);
    const message = `expected '${text}' before ${describe(cur)}`;
    if (text === ';' && lineEnd && cur.kind !== 'bad') {
      this.diags.error(Code.Expected, message, this.afterPrev());
      return prev;
    }
    return this.fail(Code.Expected, message, lineEnd ? this.afterPrev() : cur.span);
  }

  expectIdent(what: string): Token {
    const t = this.peek();
    if (t.kind === 'ident' && !KEYWORDS.has(t.text)) return this.next();
    return this.fail(Code.ExpectedIdentifier, `expected ${what} before ${describe(t)}`, t.span);
  }

  /**
   * Records an error and unwinds to the nearest recovery point. At a bad token the error is
   * the lexer's or the preprocessor's, already reported: unwinding is enough.
   */
  fail(code: CodeValue, message: string, span: Span = this.peek().span): never {
    if (this.peek().kind !== 'bad') this.diags.error(code, message, span);
    throw new ParseAbort(this.pos);
  }

  /** From the start of `start` to the end of the last token consumed. */
  spanFrom(start: Token | Span): Span {
    const s = 'span' in start ? start.span : start;
    return this.pos === 0 ? s : joinSpans(s, this.prev().span);
  }

  afterPrev(): Span {
    const p = this.prev().span;
    return { file: p.file, line: p.line, col: p.col + p.length, offset: p.offset + p.length, length: 0 };
  }

  /** Whether token `n` ahead starts a type: specifier, qualifier, annotation or type name. */
  isTypeStart(n = 0): boolean {
    const t = this.peek(n);
    if (t.kind !== 'ident') return false;
    return TYPE_WORDS.has(t.text) || IGNORED_WORDS.has(t.text) || ATTRIBUTE_WORDS.has(t.text) || this.typeNames.has(t.text);
  }

  /** Whether the current token starts a declaration. */
  isDeclStart(): boolean {
    return this.isTypeStart() || this.isWord('extern') || this.isWord('typedef');
  }

  /** Runs `parse`; after a syntax error in it, skips the construct that began here and returns null. */
  attempt<T>(parse: () => T): T | null {
    const start = this.pos;
    try {
      return parse();
    } catch (e) {
      if (!(e instanceof ParseAbort)) throw e;
      this.recover(start, e.at);
      return null;
    }
  }

  /**
   * After a failure at token `failedAt` in the construct that began at `start`: skip the whole
   * construct, counting brackets from its start, to a `;` or a closing `}` past the failure
   * (unless the construct goes on after the `}`: `} z;`, `} while (x);`, an `else` on the next
   * line). Stops before a `}` that closes the enclosing block. A `;` ends the construct inside
   * unbalanced `(` too when the next token starts a line, so one missing `)` does not swallow
   * the rest of the block.
   */
  private recover(start: number, failedAt: number): void {
    let paren = 0;
    let brace = 0;
    let i = start;
    for (let t = this.toks[i]; t !== undefined && t.kind !== 'eof'; t = this.toks[++i]) {
      if (t.kind !== 'punct') continue;
      const past = i >= failedAt;
      if (t.text === '(') paren++;
      else if (t.text === ')') paren = Math.max(0, paren - 1);
      else if (t.text === '{') brace++;
      else if (t.text === '}') {
        if (brace === 0) break;
        brace--;
        const after = this.toks[i + 1];
        const goesOn = after !== undefined && after.kind !== 'eof' && (!after.bol || after.text === 'else');
        if (brace === 0 && past && !goesOn) { i++; break; }
      } else if (t.text === ';' && brace === 0 && past && (paren === 0 || this.toks[i + 1]?.bol === true)) {
        i++;
        break;
      }
    }
    // Always make progress, so a stray `}` at file scope cannot stall the parser.
    this.pos = Math.min(Math.max(i, start + 1), this.toks.length - 1);
  }
}
