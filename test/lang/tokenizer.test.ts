import { describe, expect, it } from 'vitest';
import { Code, DiagnosticList } from '../../src/lang/diagnostics.js';
import { tokenize, type Token } from '../../src/lang/tokenizer.js';

function lex(src: string): { toks: Token[]; diags: DiagnosticList } {
  const diags = new DiagnosticList();
  return { toks: tokenize(src, 't.c', diags), diags };
}
const texts = (src: string): string[] => lex(src).toks.filter((t) => t.kind !== 'eof').map((t) => t.text);

describe('tokenizer', () => {
  it('splits identifiers, numbers, literals and punctuators', () => {
    const { toks } = lex('pte_t *p = x->y[0]; s = "a\\"b"; c = \'q\';');
    expect(toks.map((t) => `${t.kind}:${t.text}`)).toEqual([
      'ident:pte_t', 'punct:*', 'ident:p', 'punct:=', 'ident:x', 'punct:->', 'ident:y', 'punct:[', 'int:0', 'punct:]', 'punct:;',
      'ident:s', 'punct:=', 'string:"a\\"b"', 'punct:;', 'ident:c', 'punct:=', "char:'q'", 'punct:;', 'eof:',
    ]);
  });

  it('takes the longest punctuator', () => {
    expect(texts('a+++b x>>=1 y<<=2 f(...) a->b c-->d e&&f g||h i##j # k!=l m==n')).toEqual([
      'a', '++', '+', 'b', 'x', '>>=', '1', 'y', '<<=', '2', 'f', '(', '...', ')', 'a', '->', 'b', 'c', '--', '>', 'd',
      'e', '&&', 'f', 'g', '||', 'h', 'i', '##', 'j', '#', 'k', '!=', 'l', 'm', '==', 'n',
    ]);
    const all = '[ ] ( ) { } . & * + - ~ ! / % < > ^ | ? : ; = , *= /= %= += -= &= ^= |= <= >= << >>';
    expect(texts(all)).toEqual(all.split(' '));
  });

  it('parses integer literals: radix, suffixes, values as bigint', () => {
    const cases: [string, bigint, number, boolean, number][] = [
      ['0', 0n, 8, false, 0], ['42', 42n, 10, false, 0], ['0x2A', 42n, 16, false, 0], ['052', 42n, 8, false, 0],
      ['0b101', 5n, 2, false, 0], ['1u', 1n, 10, true, 0], ['1U', 1n, 10, true, 0], ['1l', 1n, 10, false, 1],
      ['1L', 1n, 10, false, 1], ['1ul', 1n, 10, true, 1], ['1LU', 1n, 10, true, 1], ['1ll', 1n, 10, false, 2],
      ['1ULL', 1n, 10, true, 2], ['1llu', 1n, 10, true, 2], ['0xffffffffffffffffULL', (1n << 64n) - 1n, 16, true, 2],
    ];
    for (const [text, value, radix, unsigned, longs] of cases) {
      const t = lex(text).toks[0];
      expect(t?.kind, text).toBe('int');
      if (t?.kind === 'int') expect({ value: t.value, radix: t.radix, unsigned: t.unsigned, longs: t.longs }, text).toEqual({ value, radix, unsigned, longs });
    }
  });

  it('turns malformed numbers into bad tokens without reporting them', () => {
    const cases: [string, number][] = [
      ['09', Code.InvalidNumber], ['1uu', Code.InvalidNumber], ['1lL', Code.InvalidNumber], ['3x', Code.InvalidNumber],
      ['1.5', Code.FloatUnsupported], ['1e3', Code.FloatUnsupported], ['.5', Code.FloatUnsupported],
      ['0x10000000000000000', Code.IntegerTooLarge],
    ];
    for (const [text, code] of cases) {
      const { toks, diags } = lex(text);
      expect(toks.length, text).toBe(2);
      expect(toks[0]?.kind === 'bad' && toks[0].code, text).toBe(code);
      expect(diags.all).toEqual([]);
    }
  });

  it('decodes character and string escapes', () => {
    const chars = lex("'a' '\\n' '\\0' '\\x41' '\\101' '\\'' '\\\\' '\\xff'").toks;
    expect(chars.filter((t) => t.kind === 'char').map((t) => (t.kind === 'char' ? t.value : -1n)))
      .toEqual([97n, 10n, 0n, 65n, 65n, 39n, 92n, 255n]);
    const s = lex('"a\\tb\\n\\x41\\""').toks[0];
    expect(s?.kind === 'string' && s.value).toBe('a\tb\nA"');
    const bad = lex("'' 'ab' '\\q' \"open").toks.map((t) => (t.kind === 'bad' ? t.code : t.kind));
    expect(bad).toEqual([Code.InvalidLiteral, Code.InvalidLiteral, Code.InvalidLiteral, Code.UnterminatedLiteral, 'eof']);
  });

  it('skips comments and line splices; reports an unterminated comment', () => {
    expect(texts('a /* b \n c */ d // e \\\n still comment\nf')).toEqual(['a', 'd', 'f']);
    const { toks, diags } = lex('x /* never closed');
    expect(toks.map((t) => t.kind)).toEqual(['ident', 'eof']);
    expect(diags.all.map((d) => [d.code, d.span.line, d.span.col])).toEqual([[Code.UnterminatedComment, 1, 3]]);
  });

  it('gives spans: 1-based line and column, offset and length', () => {
    const { toks } = lex('int x;\n\t/* c\n */ foo_bar = 0x10;');
    const foo = toks.find((t) => t.text === 'foo_bar');
    expect(foo?.span).toEqual({ file: 't.c', line: 3, col: 5, offset: 17, length: 7 });
    const lit = toks.find((t) => t.text === '0x10');
    expect(lit?.span).toEqual({ file: 't.c', line: 3, col: 15, offset: 27, length: 4 });
  });

  it('marks the first token of each line and whitespace before a token', () => {
    const { toks } = lex('#define F(x) G (x)\n  # undef F \\\n  more');
    expect(toks.map((t) => `${t.text}${t.bol ? '^' : ''}${t.space ? '_' : ''}`)).toEqual([
      '#^', 'define', 'F_', '(', 'x', ')', 'G_', '(_', 'x', ')', '#^_', 'undef_', 'F_', 'more_', '',
    ]);
  });

  it('keeps invalid characters as bad tokens', () => {
    const t = lex('a @ b').toks[1];
    expect(t?.kind === 'bad' && [t.code, t.message]).toEqual([Code.InvalidCharacter, "invalid character '@'"]);
  });
});
