import { describe, expect, it } from 'vitest';
import { Code, DiagnosticList, format } from '../../src/lang/diagnostics.js';
import { preprocess, type PredefinedMacros } from '../../src/lang/preprocessor.js';
import type { Token } from '../../src/lang/tokenizer.js';

function pp(files: Record<string, string>, predefined: PredefinedMacros = {}, entry = 'main.c'): { toks: Token[]; text: string; diags: string[] } {
  const diags = new DiagnosticList();
  const toks = preprocess(entry, (p) => files[p], diags, predefined).filter((t) => t.kind !== 'eof');
  return { toks, text: toks.map((t) => t.text).join(' '), diags: diags.sorted().map(format) };
}
const one = (src: string, predefined: PredefinedMacros = {}): { toks: Token[]; text: string; diags: string[] } =>
  pp({ 'main.c': src }, predefined);

describe('macros', () => {
  it('expands object-like and function-like macros, rescanning results', () => {
    const r = one('#define N 4\n#define SQ(x) ((x) * (x))\n#define AREA(a) SQ(a) + N\nAREA(N + 1)');
    expect(r.text).toBe('( ( 4 + 1 ) * ( 4 + 1 ) ) + 4');
    expect(r.diags).toEqual([]);
  });

  it('does not expand a macro inside its own expansion (hide sets)', () => {
    expect(one('#define foo foo + 1\nfoo').text).toBe('foo + 1');
    expect(one('#define a b\n#define b a\na b').text).toBe('a b');
    expect(one('#define f(x) x f\nf(1)(2)').text).toBe('1 f ( 2 )');
    expect(one('#define g(x) x\ng(g)(3)').text).toBe('g ( 3 )');
  });

  it('leaves a function-like macro name without arguments alone', () => {
    expect(one('#define F(x) [x]\nint F; F (1) F(2)').text).toBe('int F ; [ 1 ] [ 2 ]');
  });

  it('passes arguments with nested parentheses and commas, empty and variadic arguments', () => {
    expect(one('#define F(a, b) a|b\nF((1, 2), f(3, 4))').text).toBe('( 1 , 2 ) | f ( 3 , 4 )');
    expect(one('#define E(x) <x>\n#define Z() 0\nE() Z()').text).toBe('< > 0');
    expect(one('#define V(f, ...) f(__VA_ARGS__)\nV(g) V(g, 1) V(g, 1, (2, 3))').text)
      .toBe('g ( ) g ( 1 ) g ( 1 , ( 2 , 3 ) )');
  });

  it('undefines and redefines; a different redefinition warns', () => {
    const r = one('#define X 1\nX\n#undef X\nX\n#define X 2\nX\n#define X 3\nX\n#define X 3\n');
    expect(r.text).toBe('1 X 2 3');
    expect(r.diags).toEqual(["main.c:7:9: warning PT1107: macro 'X' redefined"]);
  });

  it('gives expanded tokens the span of the use site; arguments keep their own', () => {
    const r = one('#define PLUS(a, b) a + b + ONE\n#define ONE 1\nint x = PLUS(y, z);');
    const spans = r.toks.slice(3).map((t) => `${t.text}@${t.span.line}:${t.span.col}+${t.span.length}`);
    expect(spans).toEqual(['y@3:14+1', '+@3:9+10', 'z@3:17+1', '+@3:9+10', '1@3:9+10', ';@3:19+1']);
  });

  it('reports wrong argument counts, unterminated calls and # / ##', () => {
    const r = one('#define F(a, b) a\n#define G(a) #a\n#define H(a, b) a ## b\nF(1) F(1, 2, 3)\nF(1,');
    expect(r.diags).toEqual([
      "main.c:2:14: error PT1108: the '#' operator is not supported (macro 'G')",
      "main.c:3:19: error PT1108: the '##' operator is not supported (macro 'H')",
      "main.c:4:1: error PT1109: macro 'F' takes 2 arguments, 1 given",
      "main.c:4:6: error PT1109: macro 'F' takes 2 arguments, 3 given",
      "main.c:5:1: error PT1110: unterminated call of macro 'F'",
    ]);
    // Each failed call stays in the stream as one bad token, so the parser skips it quietly.
    expect(r.toks.filter((t) => t.kind === 'bad').length).toBe(3);
  });

  it('accepts predefined macros: text, numbers, bigints, function-like keys', () => {
    const r = one('A B C D(2) E', { A: 'x + 1', B: 16, C: 0xffff_ffff_ffffn, 'D(v)': '(v << 1)', E: -1 });
    expect(r.text).toBe('x + 1 16 281474976710655 ( 2 << 1 ) ( - 1 )');
    expect(r.diags).toEqual([]);
    expect(one('#define B 17\nB', { B: 16 }).diags).toEqual(["main.c:1:9: warning PT1107: macro 'B' redefined"]);
  });

  it('handles line splices in definitions', () => {
    expect(one('#define LONG(a) \\\n  ((a) + \\\n   1)\nLONG(2)').text).toBe('( ( 2 ) + 1 )');
  });
});

describe('conditionals', () => {
  const taken = (cond: string, predefined: PredefinedMacros = {}): boolean =>
    one(`#if ${cond}\nyes\n#else\nno\n#endif`, predefined).text === 'yes';

  it('evaluates #if expressions', () => {
    const t = { X: 1, Y: 0, N: 4, 'F(a)': '((a) * 2)' };
    const cases: [string, boolean][] = [
      ['1', true], ['0', false], ['defined(X)', true], ['defined X', true], ['defined(Z)', false],
      ['defined(X) && !defined(Z)', true], ['defined X && defined(Z)', false], ['!defined(X) || defined(Y)', true],
      ['Y', false], ['N == 4', true], ['N != 4', false], ['(N == 4) && (X || Y)', true], ['UNDEFINED', false],
      ['F(N) == 8', true], ['N > 3 && N <= 4', true], ['-1 < 0', true], ['~0 == -1', true], ['0x10 == 16', true],
      ['1 ? 0 : 1', false], ['(N + 1) * 2 == 10', true], ['N % 3 == 1 && N / 3 == 1', true], ["'a' == 97", true],
      ['1 << 3 == 8', true], ['!!N', true], ['-N + 4', false], ['6 & 3 ^ 1 | 8', true],
    ];
    for (const [cond, want] of cases) expect(taken(cond, t), cond).toBe(want);
  });

  it('follows #elif chains and nesting; dead groups are not evaluated', () => {
    const src = '#define L 3\n#if L == 2\ntwo\n#elif L == 3\nthree\n#if 0\n#if 1/0\n#endif\n#elif 1\nnested\n#endif\n#elif 1\nlate\n#else\nelse\n#endif';
    const r = one(src);
    expect(r.text).toBe('three nested');
    expect(r.diags).toEqual([]);
  });

  it('#ifdef and #ifndef', () => {
    expect(one('#define A\n#ifdef A\na\n#endif\n#ifndef A\nna\n#endif\n#ifndef B\nnb\n#endif').text).toBe('a nb');
  });

  it('does not report lexer errors, #error or unknown directives in dead groups', () => {
    const r = one("#if 0\nit's 1.5 @ dead\n#error no\n#bogus\n#endif\nlive");
    expect(r.text).toBe('live');
    expect(r.diags).toEqual([]);
  });

  it('reports malformed conditionals', () => {
    const r = one('#if\n#endif\n#if 1 +\n#endif\n#if 1 / 0\n#endif\n#if defined(\n#endif\n#endif\n#elif 1\n#if 1\n#else\n#elif 1\n#endif\n#ifdef A');
    expect(r.diags).toEqual([
      'main.c:1:1: error PT1114: #if with no expression',
      'main.c:3:7: error PT1114: expected a value in #if expression',
      'main.c:5:7: error PT1114: division by zero in #if expression',
      "main.c:7:5: error PT1114: 'defined' needs a macro name",
      'main.c:9:1: error PT1104: #endif without #if',
      'main.c:10:1: error PT1104: #elif without #if',
      'main.c:13:1: error PT1105: #elif after #else',
      'main.c:15:1: error PT1103: unterminated conditional directive (missing #endif)',
    ]);
  });

  it('reports #error with its text and #warning as a warning', () => {
    expect(one('#error  needs LEVELS >= 3\n#warning careful').diags).toEqual([
      'main.c:1:1: error PT1102: #error needs LEVELS >= 3',
      'main.c:2:1: warning PT1118: #warning careful',
    ]);
  });
});

describe('#include', () => {
  it('resolves paths relative to the including file', () => {
    const r = pp({
      'models/main.c': '#include "lib/a.h"\nmain A B',
      'models/lib/a.h': '#define A from_a\n#include "b.h"\n#include "../top.h"\na',
      'models/lib/b.h': '#define B from_b\nb',
      'models/top.h': 'top',
    }, {}, 'models/main.c');
    expect(r.text).toBe('b top a main from_a from_b');
    expect(r.toks.map((t) => t.span.file)).toEqual(['models/lib/b.h', 'models/top.h', 'models/lib/a.h', ...Array<string>(3).fill('models/main.c')]);
    expect(r.diags).toEqual([]);
  });

  it('reads through a callback, so a Map or a disk reader both work', () => {
    const files = new Map([['m.c', '#include "h.h"\nX'], ['h.h', '#define X 42']]);
    const diags = new DiagnosticList();
    const toks = preprocess('m.c', (p) => files.get(p), diags);
    expect(toks.map((t) => t.kind)).toEqual(['int', 'eof']);
  });

  it('honours #pragma once and stops recursive includes', () => {
    expect(pp({ 'main.c': '#include "o.h"\n#include "o.h"', 'o.h': '#pragma once\nonce' }).text).toBe('once');
    const r = pp({ 'main.c': '#include "self.h"', 'self.h': 'x\n#include "self.h"' });
    expect(r.diags).toEqual(["self.h:2:10: error PT1112: #include nested more than 64 deep (recursive include?)"]);
  });

  it('reports missing files and <system> includes', () => {
    expect(one('#include "nope.h"\n#include <linux/mm.h>\n#include nope').diags).toEqual([
      "main.c:1:10: error PT1111: cannot open include file 'nope.h' (looked for 'nope.h')",
      'main.c:2:1: warning PT1117: ignored #include <...>; only #include "file" is read',
      'main.c:3:10: error PT1113: #include expects "file"',
    ]);
    expect(pp({}, {}, 'missing.c').diags).toEqual(["missing.c:1:1: error PT1111: cannot open 'missing.c'"]);
  });

  it('reports unknown directives and bad #define/#undef lines', () => {
    expect(one('#define\n#define 3 x\n#define F(a b)\n#define G(a,\n#undef\n#line 3\n#\n').diags).toEqual([
      'main.c:1:1: error PT1106: #define needs a macro name',
      'main.c:2:9: error PT1106: #define needs a macro name',
      "main.c:3:13: error PT1106: expected ',' or ')' in parameters of macro 'F'",
      "main.c:4:10: error PT1106: missing ')' in parameters of macro 'G'",
      'main.c:5:1: error PT1116: #undef needs a macro name',
      "main.c:6:1: error PT1101: unknown directive '#line'",
    ]);
    expect(Code.UnknownDirective).toBe(1101);
  });
});
