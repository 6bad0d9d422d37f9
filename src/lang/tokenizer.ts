// Tokenizer: C source text to tokens with spans. Comments and line splices are skipped;
// malformed literals become `bad` tokens whose diagnostic the preprocessor reports only if the
// token is live (so prose in `#if 0` or `#error` lines does not raise lexer errors).

import { Code, type CodeValue, type DiagnosticList, type Span } from './diagnostics.js';

interface TokenBase {
  readonly text: string;
  readonly span: Span;
  /** First token on its source line: `#` there starts a directive. */
  readonly bol: boolean;
  /** Whitespace or a comment before it: tells `#define F(x)` from `#define F (x)`. */
  readonly space: boolean;
  /** Macros that must not expand this token again (Prosser's hide set). */
  readonly hide?: ReadonlySet<string>;
}

export interface IdentToken extends TokenBase { readonly kind: 'ident' }
export interface PunctToken extends TokenBase { readonly kind: 'punct' }
export interface EofToken extends TokenBase { readonly kind: 'eof' }
export interface IntToken extends TokenBase {
  readonly kind: 'int';
  readonly value: bigint;
  readonly radix: 2 | 8 | 10 | 16;
  readonly unsigned: boolean;
  /** 0 none, 1 `l`, 2 `ll`. */
  readonly longs: 0 | 1 | 2;
}
export interface CharToken extends TokenBase { readonly kind: 'char'; readonly value: bigint }
export interface StringToken extends TokenBase { readonly kind: 'string'; readonly value: string }
/**
 * Something that is not a token, kept in the stream so the parser can skip the construct
 * around it without a second message. `reported` marks one whose diagnostic is already out
 * (a macro call that could not expand); the preprocessor reports the others if they are live.
 */
export interface BadToken extends TokenBase {
  readonly kind: 'bad';
  readonly code: CodeValue;
  readonly message: string;
  readonly reported?: boolean;
}

export type Token = IdentToken | PunctToken | EofToken | IntToken | CharToken | StringToken | BadToken;

// Longest match first.
const PUNCT3 = ['...', '<<=', '>>='];
const PUNCT2 = [
  '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||',
  '*=', '/=', '%=', '+=', '-=', '&=', '^=', '|=', '##',
];
const PUNCT1 = '[](){}.&*+-~!/%<>^|?:;=,#';

const INT_RE = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)([uU](?:ll|LL|l|L)?|(?:ll|LL|l|L)[uU]?)?$/;
const U64_LIMIT = 1n << 64n;

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  n: 10, t: 9, r: 13, '0': 0, a: 7, b: 8, f: 12, v: 11, e: 27, '\\': 92, "'": 39, '"': 34, '?': 63,
};

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '$';
}
function isIdentPart(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9');
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** Parses the text of an integer literal; a string is the error message. */
export function parseIntLiteral(text: string): Omit<IntToken, keyof TokenBase | 'kind'> | { error: CodeValue; message: string } {
  const m = INT_RE.exec(text);
  if (!m) {
    if (/^[0-9]*\.|^[0-9]+[eE]|^0[xX].*[pP]/.test(text)) {
      return { error: Code.FloatUnsupported, message: `floating-point literal '${text}' is not supported` };
    }
    return { error: Code.InvalidNumber, message: `invalid integer literal '${text}'` };
  }
  const digits = m[1] ?? '0';
  const suffix = (m[2] ?? '').toLowerCase();
  const radix = /^0[xX]/.test(digits) ? 16 : /^0[bB]/.test(digits) ? 2 : digits[0] === '0' ? 8 : 10;
  const value = radix === 8 ? BigInt('0o' + (digits.slice(1) || '0')) : BigInt(digits);
  if (value >= U64_LIMIT) return { error: Code.IntegerTooLarge, message: `integer literal '${text}' does not fit in 64 bits` };
  const longs = suffix.includes('ll') ? 2 : suffix.includes('l') ? 1 : 0;
  return { value, radix, unsigned: suffix.includes('u'), longs };
}

/** Lexes `src` (named `file` in spans). Only unterminated comments are reported directly. */
export function tokenize(src: string, file: string, diags: DiagnosticList): Token[] {
  const lexer = new Lexer(src, file, diags);
  const out: Token[] = [];
  for (let t = lexer.next(); ; t = lexer.next()) {
    out.push(t);
    if (t.kind === 'eof') return out;
  }
}

class Lexer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  private bol = true;
  // Where the current token starts.
  private start = 0;
  private startLine = 1;
  private startCol = 1;
  private space = false;

  constructor(private readonly src: string, private readonly file: string, private readonly diags: DiagnosticList) {}

  next(): Token {
    this.space = this.skipSpace();
    const { src } = this;
    this.start = this.pos;
    this.startLine = this.line;
    this.startCol = this.pos - this.lineStart + 1;
    const c = src[this.pos] ?? '';
    let t: Token;
    if (this.pos >= src.length) {
      t = { kind: 'eof', ...this.base() };
    } else if (isIdentStart(c)) {
      while (isIdentPart(src[this.pos] ?? '')) this.pos++;
      t = { kind: 'ident', ...this.base() };
    } else if (isDigit(c) || (c === '.' && isDigit(src[this.pos + 1] ?? ''))) {
      // A pp-number, as C defines it: digits, letters, dots, and a sign after e, E, p or P.
      for (this.pos++; ; this.pos++) {
        const d = src[this.pos] ?? '';
        if (!(isIdentPart(d) || d === '.' || ((d === '+' || d === '-') && 'eEpP'.includes(src[this.pos - 1] ?? '')))) break;
      }
      const r = parseIntLiteral(src.slice(this.start, this.pos));
      t = 'error' in r ? this.bad(r.error, r.message) : { kind: 'int', ...r, ...this.base() };
    } else if (c === '"' || c === "'") {
      t = this.quoted(c);
    } else {
      const p = PUNCT3.find((x) => src.startsWith(x, this.pos)) ?? PUNCT2.find((x) => src.startsWith(x, this.pos))
        ?? (PUNCT1.includes(c) ? c : undefined);
      this.pos += p?.length ?? 1;
      t = p !== undefined ? { kind: 'punct', ...this.base() } : this.bad(Code.InvalidCharacter, `invalid character '${c}'`);
    }
    this.bol = false;
    return t;
  }

  private base(): TokenBase {
    const span: Span = { file: this.file, line: this.startLine, col: this.startCol, offset: this.start, length: this.pos - this.start };
    return { text: this.src.slice(this.start, this.pos), span, bol: this.bol, space: this.space };
  }

  private bad(code: CodeValue, message: string): Token {
    return { kind: 'bad', code, message, ...this.base() };
  }

  private newline(at: number): void {
    this.line++;
    this.lineStart = at;
  }

  // Skips blanks, line splices and comments; returns whether anything was skipped.
  private skipSpace(): boolean {
    const { src } = this;
    const begin = this.pos;
    while (this.pos < src.length) {
      const c = src[this.pos];
      const d = src[this.pos + 1];
      if (c === '\n') {
        this.pos++;
        this.newline(this.pos);
        this.bol = true;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
        this.pos++;
      } else if (c === '\\' && (d === '\n' || (d === '\r' && src[this.pos + 2] === '\n'))) {
        // A line splice joins two lines without ending a directive.
        this.pos += d === '\n' ? 2 : 3;
        this.newline(this.pos);
      } else if (c === '/' && d === '/') {
        while (this.pos < src.length && src[this.pos] !== '\n') {
          if (src[this.pos] === '\\' && src[this.pos + 1] === '\n') this.newline(++this.pos + 1); // Spliced: the comment goes on.
          this.pos++;
        }
      } else if (c === '/' && d === '*') {
        const span: Span = { file: this.file, line: this.line, col: this.pos - this.lineStart + 1, offset: this.pos, length: 2 };
        this.pos += 2;
        while (this.pos < src.length && !(src[this.pos] === '*' && src[this.pos + 1] === '/')) {
          if (src[this.pos] === '\n') this.newline(this.pos + 1);
          this.pos++;
        }
        if (this.pos < src.length) this.pos += 2;
        else this.diags.error(Code.UnterminatedComment, 'unterminated /* comment', span);
      } else {
        break;
      }
    }
    return this.pos > begin;
  }

  // A string or character literal, decoding escapes; it may not span lines.
  private quoted(q: string): Token {
    const { src } = this;
    const units: number[] = [];
    let error: string | undefined;
    for (this.pos++; this.pos < src.length && src[this.pos] !== q && src[this.pos] !== '\n';) {
      if (src[this.pos] !== '\\') {
        units.push(src.charCodeAt(this.pos++));
        continue;
      }
      const e = src[this.pos + 1] ?? '';
      const simple = SIMPLE_ESCAPES[e];
      if (e === 'x') {
        const hex = /^[0-9a-fA-F]+/.exec(src.slice(this.pos + 2))?.[0] ?? '';
        if (!hex) error ??= 'invalid \\x escape';
        units.push(parseInt(hex || '0', 16));
        this.pos += 2 + hex.length;
      } else if (e >= '0' && e <= '7') {
        const oct = /^[0-7]{1,3}/.exec(src.slice(this.pos + 1))?.[0] ?? '0';
        units.push(parseInt(oct, 8));
        this.pos += 1 + oct.length;
      } else {
        if (simple !== undefined) units.push(simple);
        else error ??= `unknown escape sequence '\\${e}'`;
        this.pos += 2;
      }
    }
    if (src[this.pos] !== q) return this.bad(Code.UnterminatedLiteral, `unterminated ${q === '"' ? 'string' : 'character'} literal`);
    this.pos++;
    if (error !== undefined) return this.bad(Code.InvalidLiteral, error);
    if (q === '"') return { kind: 'string', value: String.fromCharCode(...units), ...this.base() };
    if (units.length !== 1) {
      return this.bad(Code.InvalidLiteral, units.length === 0 ? 'empty character literal' : 'multi-character literals are not supported');
    }
    // The kernel builds with -funsigned-char, so '\xff' is 255, not -1.
    return { kind: 'char', value: BigInt(units[0] ?? 0), ...this.base() };
  }
}
