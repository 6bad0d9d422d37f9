import { describe, expect, it } from 'vitest';
import { Code, DiagnosticList, format, joinSpans, type Span } from '../../src/lang/diagnostics.js';

const span = (file: string, line: number, col: number, offset: number, length: number): Span => ({ file, line, col, offset, length });

describe('diagnostics', () => {
  it('formats one line with position, severity and code', () => {
    const list = new DiagnosticList();
    list.error(Code.ExpectedExpression, "expected an expression before ')'", span('m.c', 3, 5, 40, 1));
    list.warning(Code.MacroRedefined, "macro 'X' redefined", span('m.c', 1, 9, 8, 1));
    expect(list.all.map(format)).toEqual([
      "m.c:3:5: error PT2002: expected an expression before ')'",
      "m.c:1:9: warning PT1107: macro 'X' redefined",
    ]);
    expect(list.errorCount).toBe(1);
  });

  it('sorts by file of first appearance, then offset', () => {
    const list = new DiagnosticList();
    list.error(Code.Expected, 'b', span('a.c', 5, 1, 50, 1));
    list.error(Code.Expected, 'h', span('h.h', 1, 1, 0, 1));
    list.error(Code.Expected, 'a', span('a.c', 1, 1, 0, 1));
    expect(list.sorted().map((d) => d.message)).toEqual(['a', 'b', 'h']);
  });

  it('joins spans in one file, in either order or nested', () => {
    expect(joinSpans(span('f', 1, 1, 0, 3), span('f', 2, 4, 10, 2))).toEqual(span('f', 1, 1, 0, 12));
    expect(joinSpans(span('f', 2, 4, 10, 2), span('f', 1, 1, 0, 3))).toEqual(span('f', 1, 1, 0, 12));
    expect(joinSpans(span('f', 1, 1, 0, 20), span('f', 1, 5, 4, 2))).toEqual(span('f', 1, 1, 0, 20));
    expect(joinSpans(span('f', 1, 1, 0, 3), span('g', 1, 1, 0, 9))).toEqual(span('f', 1, 1, 0, 3));
  });

  it('numbers codes by stage', () => {
    for (const [name, code] of Object.entries(Code)) {
      const stage = Math.floor(code / 1000);
      expect([1, 2, 3], name).toContain(stage); // 1 lexer/preprocessor, 2 parser, 3 checker/compiler
    }
    expect(new Set(Object.values(Code)).size).toBe(Object.keys(Code).length);
  });
});
