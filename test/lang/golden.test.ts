// Golden fixtures: each test/lang/fixtures/*.c is parsed and its diagnostics and AST dump
// compared with the .expected file beside it. UPDATE_GOLDEN=1 rewrites the .expected files.

import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { format, parseModel, printAst } from '../../src/lang/index.js';

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

// Paths are relative to the fixtures folder, so diagnostics in the goldens read `x.c:3:5`.
function read(path: string): string | undefined {
  const full = join(dir, path);
  try {
    return statSync(full).isFile() ? readFileSync(full, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

export function render(entry: string): string {
  const { ast, diagnostics } = parseModel(read, entry);
  const diags = diagnostics.length === 0 ? ';; diagnostics: none\n' : `;; diagnostics\n${diagnostics.map(format).join('\n')}\n`;
  return `${diags};; ast\n${printAst(ast)}`;
}

const fixtures = readdirSync(dir).filter((f) => f.endsWith('.c')).sort();

describe('golden fixtures', () => {
  it('finds the fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
  });
  for (const f of fixtures) {
    it(f, () => {
      const expectedPath = join(dir, f.replace(/\.c$/, '.expected'));
      const actual = render(f);
      if (update) {
        writeFileSync(expectedPath, actual);
        return;
      }
      const expected = read(f.replace(/\.c$/, '.expected'));
      if (expected === undefined) throw new Error(`no ${expectedPath}: run with UPDATE_GOLDEN=1 to create it`);
      expect(actual).toBe(expected);
    });
  }
});
