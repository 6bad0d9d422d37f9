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
export interface BadToken extends TokenBase { readonly kind: 'bad'; readonly code: CodeValue; readonly message: string }

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
  const radix = /^0[xX]/.test(digits) ? 16 : /^0[bB]/.test(digits) ? 2 : digits.length > 1 && digits[0] === '0' ? 8 : 10;
  const value = radix === 8 ? BigInt('0o' + digits.slice(1)) : BigInt(digits);
  if (value >= U64_LIMIT) return { error: Code.IntegerTooLarge, message: `integer literal '${text}' does not fit in 64 bits` };
  const longs = suffix.includes('ll') ? 2 : suffix.includes('l') ? 1 : 0;
  return { value, radix, unsigned: suffix.includes('u'), longs };
}

/** Lexes `src` (named `file` in spans). Only unterminated comments are reported directly. */
export function tokenize(src: string, file: string, diags: DiagnosticList): Token[] {
  const out: Token[] = [];
  let pos = 0;
  let line = 1;
  let lineStart = 0;
  let bol = true;

  const spanAt = (start: number, startLine: number, startCol: number): Span =>
    ({ file, line: startLine, col: startCol, offset: start, length: pos - start });

  // Skips blanks, splices and comments; returns whether anything was skipped.
  const skipSpace = (): boolean => {
    const begin = pos;
    while (pos < src.length) {
      const c = src[pos];
      if (c === '\n') {
        pos++; line++; lineStart = pos; bol = true;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
        pos++;
      } else if (c === '\\' && (src[pos + 1] === '\n' || (src[pos + 1] === '\r' && src[pos + 2] === '\n'))) {
        // A line splice joins lines without ending a directive.
        pos += src[pos + 1] === '\n' ? 2 : 3; line++; lineStart = pos;
      } else if (c === '/' && src[pos + 1] === '/') {
        while (pos < src.length && src[pos] !== '\n') {
          if (src[pos] === '\\' && src[pos + 1] === '\n') { pos++; line++; lineStart = pos + 1; }
          pos++;
        }
      } else if (c === '/' && src[pos + 1] === '*') {
        const start = pos; const sl = line; const sc = pos - lineStart + 1;
        pos += 2;
        while (pos < src.length && !(src[pos] === '*' && src[pos + 1] === '/')) {
          if (src[pos] === '\n') { line++; lineStart = pos + 1; }
          pos++;
        }
        if (pos >= src.length) {
          diags.error(Code.UnterminatedComment, 'unterminated /* comment', { file, line: sl, col: sc, offset: start, length: 2 });
        } else {
          pos += 2;
        }
      } else {
        break;
      }
    }
    return pos > begin;
  };

  for (;;) {
    const space = skipSpace();
    const start = pos;
    const sl = line;
    const sc = pos - lineStart + 1;
    const base = (): TokenBase => ({ text: src.slice(start, pos), span: spanAt(start, sl, sc), bol, space });
    if (pos >= src.length) {
      out.push({ kind: 'eof', ...base() });
      return out;
    }
    const c = src[pos] ?? '';
    if (isIdentStart(c)) {
      while (pos < src.length && isIdentPart(src[pos] ?? '')) pos++;
      out.push({ kind: 'ident', ...base() });
    } else if (isDigit(c) || (c === '.' && isDigit(src[pos + 1] ?? ''))) {
      // A pp-number: digits, letters, dots, and signs after an exponent letter.
      pos++;
      while (pos < src.length) {
        const d = src[pos] ?? '';
        const prev = src[pos - 1] ?? '';
        if (isIdentPart(d) || d === '.') pos++;
        else if ((d === '+' || d === '-') && 'eEpP'.includes(prev) && !/^0[xX]/.test(src.slice(start, pos))) pos++;
        else break;
      }
      const text = src.slice(start, pos);
      const r = parseIntLiteral(text);
      if ('error' in r) out.push({ kind: 'bad', code: r.error, message: r.message, ...base() });
      else out.push({ kind: 'int', ...r, ...base() });
    } else if (c === '"' || c === "'") {
      out.push(lexQuoted(c));
    } else {
      const p = PUNCT3.find((s) => src.startsWith(s, pos)) ?? PUNCT2.find((s) => src.startsWith(s, pos))
        ?? (PUNCT1.includes(c) ? c : undefined);
      if (p !== undefined) {
        pos += p.length;
        out.push({ kind: 'punct', ...base() });
      } else {
        pos++;
        out.push({ kind: 'bad', code: Code.InvalidCharacter, message: `invalid character '${c}'`, ...base() });
      }
    }
    bol = false;

    function lexQuoted(q: string): Token {
      pos++;
      const units: number[] = [];
      let error: string | undefined;
      while (pos < src.length && src[pos] !== q && src[pos] !== '\n') {
        if (src[pos] === '\\') {
          const e = src[pos + 1] ?? '';
          const simple = SIMPLE_ESCAPES[e];
          if (e === 'x') {
            const hex = /^[0-9a-fA-F]+/.exec(src.slice(pos + 2))?.[0] ?? '';
            if (!hex) error ??= 'invalid \\x escape';
            units.push(parseInt(hex || '0', 16));
            pos += 2 + hex.length;
          } else if (e >= '0' && e <= '7') {
            const oct = /^[0-7]{1,3}/.exec(src.slice(pos + 1))?.[0] ?? '0';
            units.push(parseInt(oct, 8));
            pos += 1 + oct.length;
          } else if (simple !== undefined) {
            units.push(simple);
            pos += 2;
          } else {
            error ??= `unknown escape sequence '\\${e}'`;
            pos += 2;
          }
        } else {
          units.push(src.charCodeAt(pos));
          pos++;
        }
      }
      const what = q === '"' ? 'string' : 'character';
      if (src[pos] !== q) {
        return { kind: 'bad', code: Code.UnterminatedLiteral, message: `unterminated ${what} literal`, ...base() };
      }
      pos++;
      if (error !== undefined) return { kind: 'bad', code: Code.InvalidCharLiteral, message: error, ...base() };
      if (q === '"') return { kind: 'string', value: String.fromCharCode(...units), ...base() };
      if (units.length !== 1) {
        const message = units.length === 0 ? 'empty character literal' : 'multi-character literals are not supported';
        return { kind: 'bad', code: Code.InvalidCharLiteral, message, ...base() };
      }
      // The kernel builds with -funsigned-char, so '\xff' is 255, not -1.
      return { kind: 'char', value: BigInt(units[0] ?? 0), ...base() };
    }
  }
}
