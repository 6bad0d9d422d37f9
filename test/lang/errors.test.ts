// Errors in kernel-C models. Compile errors are collected with their code and span and all
// reported in one run (ModelError, one `file:line:col: error PTxxxx: message` line each).
// Errors at run time stop the CPU with a 'model-error' violation instead of crashing.

import { describe, expect, it } from 'vitest';
import { Code, format, type Diagnostic } from '../../src/lang/diagnostics.js';
import { compileModel, ModelError } from '../../src/lang/model.js';
import { STOPPED } from '../../src/lang/runtime.js';
import { resolveMachineConfig } from '../../src/machine/config.js';
import { linearMapOptions } from '../helpers/kernel.js';
import { globalValue, MODEL_FILE, runRecorded, setupModel } from '../helpers/kernelRun.js';

const GLOBALS = 'unsigned long r0, r1, r2;\n';

/** Compile GLOBALS + body with CPU 0 running `stmts`; the ModelError's diagnostics (none: it compiled). */
function compileErrors(body: string, stmts = 't();'): { diags: readonly Diagnostic[]; message: string } {
  try {
    setupModel(GLOBALS + body, stmts);
  } catch (e) {
    if (e instanceof ModelError) return { diags: e.diagnostics.filter((d) => d.severity === 'error'), message: e.message };
    throw e;
  }
  return { diags: [], message: '' };
}

/** 1-based line and column of the first occurrence of needle in GLOBALS + body. */
function pos(body: string, needle: string): { line: number; col: number } {
  const text = GLOBALS + body;
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`'${needle}' is not in the model`);
  const before = text.slice(0, at).split('\n');
  return { line: before.length, col: before[before.length - 1]!.length + 1 };
}

const where = (d: Diagnostic): { file: string; line: number; col: number } => ({ file: d.span.file, line: d.span.line, col: d.span.col });

describe('compile errors', () => {
  it('unknown identifier: PT3001 at the identifier', () => {
    const body = `
void t(void)
{
	r0 = zzz + 1;
}`;
    const { diags, message } = compileErrors(body);
    expect(diags.map((d) => d.code)).toEqual([Code.UnknownIdentifier]);
    expect(where(diags[0]!)).toEqual({ file: MODEL_FILE, ...pos(body, 'zzz') });
    expect(diags[0]!.span.length).toBe(3);
    const { line, col } = pos(body, 'zzz');
    expect(message).toBe(`${MODEL_FILE}:${line}:${col}: error PT3001: unknown identifier 'zzz'`);
  });

  it('unknown type name at file scope: reported at the name', () => {
    const body = `
static foo_t f(void);
void t(void)
{
}`;
    const { diags } = compileErrors(body);
    expect(diags).toHaveLength(1);
    expect([Code.UnknownType, Code.MissingTypeSpecifier]).toContain(diags[0]!.code);
    expect(where(diags[0]!)).toEqual({ file: MODEL_FILE, ...pos(body, 'foo_t') });
    expect(diags[0]!.message).toContain('foo_t');
  });

  it('unknown type name in a local declaration: reported at the name, naming it (as GCC: unknown type name)', () => {
    const body = `
void t(void)
{
	foo_t x = 1;
	r0 = x;
}`;
    const { diags } = compileErrors(body);
    expect(diags.length).toBeGreaterThanOrEqual(1);
    const d = diags[0]!;
    expect([Code.UnknownType, Code.MissingTypeSpecifier]).toContain(d.code);
    expect(where(d)).toEqual({ file: MODEL_FILE, ...pos(body, 'foo_t') });
    expect(d.message).toContain("'foo_t'");
  });

  it('call of an undefined function: PT3008 at the callee', () => {
    const body = `
void t(void)
{
	r0 = nosuch(1);
}`;
    const { diags } = compileErrors(body);
    expect(diags.map((d) => d.code)).toEqual([Code.UnknownFunction]);
    expect(where(diags[0]!)).toEqual({ file: MODEL_FILE, ...pos(body, 'nosuch') });
    expect(diags[0]!.message).toContain("'nosuch'");
  });

  it('wrong number of arguments to a model function and to builtins: PT3003 at the call', () => {
    const body = `
static int f(int a) { return a; }
void t(void)
{
	r0 = f(1, 2);
	r1 = READ_ONCE(r1, r2);
	dsb();
}`;
    const { diags } = compileErrors(body);
    expect(diags.map((d) => [d.code, d.message])).toEqual([
      [Code.ArgumentCount, 'f() takes 1 argument, got 2'],
      [Code.ArgumentCount, 'READ_ONCE() takes 1 argument, got 2'],
      [Code.ArgumentCount, 'dsb() takes 1 argument, got 0'],
    ]);
    expect(diags.map(where)).toEqual([pos(body, 'f(1, 2)'), pos(body, 'READ_ONCE(r1'), pos(body, 'dsb()')].map((p) => ({ file: MODEL_FILE, ...p })));
    expect(diags[0]!.span.length).toBe('f(1, 2)'.length);
  });

  it('an error in the CPU statements is reported in <scenario>', () => {
    const { diags } = compileErrors('static int f(int a) { return a; }\n', 'r0 = f();');
    expect(diags.map((d) => [d.code, d.span.file])).toEqual([[Code.ArgumentCount, '<scenario>']]);
  });

  it('goto to a missing label: PT3004 at the goto', () => {
    const body = `
void t(void)
{
	goto nowhere;
}`;
    const { diags } = compileErrors(body);
    expect(diags.map((d) => d.code)).toEqual([Code.MissingLabel]);
    expect(where(diags[0]!)).toEqual({ file: MODEL_FILE, ...pos(body, 'goto nowhere') });
    expect(diags[0]!.message).toContain("'nowhere'");
  });

  it('struct member access is an unsupported construct: PT3006', () => {
    const body = `
void t(void)
{
	struct page *p = 0;

	r0 = p->flags;
}`;
    const { diags } = compileErrors(body);
    expect(diags.map((d) => d.code)).toEqual([Code.UnsupportedConstruct]);
    expect(where(diags[0]!)).toEqual({ file: MODEL_FILE, ...pos(body, 'p->flags') });
    expect(diags[0]!.message).toMatch(/struct members/);
  });

  it('a syntax error: PT2001 right after the last good token', () => {
    const body = `
void t(void)
{
	r0 = 1
	r1 = 2;
}`;
    const { diags, message } = compileErrors(body);
    expect(diags.map((d) => [d.code, d.message])).toEqual([[Code.Expected, "expected ';' before 'r1'"]]);
    const p = pos(body, 'r0 = 1');
    expect(where(diags[0]!)).toEqual({ file: MODEL_FILE, line: p.line, col: p.col + 'r0 = 1'.length });
    expect(message).toBe(format(diags[0]!));
  });

  it('several syntax errors are all reported in one run', () => {
    const body = `
void t(void)
{
	r0 = ;
	r1 = 1 2;
}
void u(void)
{
	r2 = (1;
}`;
    const { diags } = compileErrors(body);
    expect(diags.map((d) => d.code)).toEqual([Code.ExpectedExpression, Code.Expected, Code.Expected]);
    expect(diags.map((d) => d.span.line)).toEqual([pos(body, 'r0 =').line, pos(body, 'r1 =').line, pos(body, 'r2 =').line]);
  });

  it('several compile errors in different functions are all reported, in source order, one line each', () => {
    const body = `
void t(void)
{
	r0 = zzz;
	nosuch();
	goto nowhere;
}
static int f(int a) { return a; }
void u(void) { f(); r0 = 1 / 1; struct page *p = 0; r1 = p->x; }
`;
    const { diags, message } = compileErrors(body);
    expect(diags.map((d) => d.code)).toEqual([
      Code.UnknownIdentifier, Code.UnknownFunction, Code.MissingLabel, Code.ArgumentCount, Code.UnsupportedConstruct,
    ]);
    expect(diags.map((d) => d.span.line)).toEqual([
      pos(body, 'zzz').line, pos(body, 'nosuch').line, pos(body, 'goto').line, pos(body, 'f();').line, pos(body, 'p->x').line,
    ]);
    const lines = message.split('\n');
    expect(lines).toHaveLength(5);
    for (const l of lines) expect(l).toMatch(/^\/model\.c:\d+:\d+: error PT3\d{3}: \S/);
    expect(lines).toEqual(diags.map(format));
  });

  it('compileModel itself throws the ModelError (no machine needed)', () => {
    const cfg = resolveMachineConfig(linearMapOptions());
    const spec = { files: [MODEL_FILE], memFiles: new Map([[MODEL_FILE, 'void t(void) { zzz = 1; }\n']]), cpus: ['t();'] };
    expect(() => compileModel(spec, cfg)).toThrow(ModelError);
    expect(() => compileModel(spec, cfg)).toThrow(/error PT3001: unknown identifier 'zzz'/);
  });

  it('a correct model compiles without warnings (the prelude does not redefine predefined macros)', () => {
    const cfg = resolveMachineConfig(linearMapOptions());
    const spec = { files: [MODEL_FILE], memFiles: new Map([[MODEL_FILE, GLOBALS + 'void t(void) { r0 = 1; }\n']]), cpus: ['t();'] };
    const { warnings } = compileModel(spec, cfg);
    expect(warnings.map(format)).toEqual([]);
  });
});

describe('run-time model errors become violations', () => {
  /** Run the model; it must stop with exactly one model-error violation (and not throw). */
  function modelError(body: string): { message: string; g: (n: string) => bigint } {
    const setup = setupModel(GLOBALS + body, 't();');
    const r = runRecorded(setup);
    expect(r.violations.map((v) => v.kind)).toEqual(['model-error']);
    const m = setup.session.m;
    expect(setup.driver.status(m, r.state, 0)).toBe(STOPPED);
    return { message: r.violations[0]!.message, g: (n) => globalValue(setup, r.state, n) };
  }

  it('division and modulo by zero', () => {
    const body = `
void t(void)
{
	int z = 0;

	r0 = 1;
	r1 = 10 / z;
	r2 = 1;
}`;
    const div = modelError(body);
    expect(div.message).toContain('division by zero');
    expect(div.message).toContain(`CPU0 in t() at ${MODEL_FILE}:${pos(body, 'r1 =').line}`);
    expect([div.g('r0'), div.g('r1'), div.g('r2')]).toEqual([1n, 0n, 0n]);
    const mod = modelError(`
void t(void)
{
	r0 = 1;
	r1 = 10 % 0;
}`);
    expect(mod.message).toContain('division by zero');
  });

  it('dereferencing a pointer that points at no table or variable', () => {
    const body = `
void t(void)
{
	r0 = 1;
	r1 = *(unsigned long *)0x123458;
}`;
    const { message } = modelError(body);
    expect(message).toContain('0x123458');
    expect(message).toMatch(/points at no page-table slot or declared variable/);
    expect(message).toContain(`${MODEL_FILE}:${pos(body, 'r1 =').line}`);
    // The same as the very first thing the CPU does, and as a store.
    expect(modelError('void t(void) { WRITE_ONCE(*(pte_t *)0x123458, 1); }').message).toContain('store at 0x123458');
  });

  it('an unaligned descriptor access', () => {
    const { message } = modelError(`
void t(void)
{
	WRITE_ONCE(*(unsigned long *)(swapper_pg_dir + 4), 1);
}`);
    expect(message).toMatch(/0x[0-9a-f]+4: not 8-byte aligned/);
  });

  it('unbounded recursion overflows the stack', () => {
    const { message, g } = modelError(`
static int rec(int n)
{
	return rec(n + 1) + 1;
}

void t(void)
{
	r0 = 1;
	r1 = rec(0);
}`);
    expect(message).toMatch(/stack overflow calling rec\(\)/);
    expect(g('r1')).toBe(0n);
  });

  it('an endless local loop with no memory access', () => {
    const { message } = modelError(`
void t(void)
{
	r0 = 1;
	while (1)
		;
}`);
    expect(message).toMatch(/endless local loop/);
  });

  it('pagetable_free of an address that is not a table frame', () => {
    const { message } = modelError(`
void t(void)
{
	pagetable_free(0x123000);
}`);
    expect(message).toContain('pagetable_free(0x123000): not a page-table frame');
  });

  it('calling a function that is declared but never defined (with and without arguments)', () => {
    const none = modelError(`
int g(void);
void t(void)
{
	r0 = 1;
	r1 = g();
}`);
    expect(none.message).toContain('g() is declared but not defined');
    const args = modelError(`
int f(int x);
void t(void)
{
	r0 = 1;
	r1 = f(2);
}`);
    expect(args.message).toContain('f() is declared but not defined');
  });

  it('an error in the CPU\'s first local code (before any memory access) is a violation too', () => {
    // Each of these fails in the local code the CPU runs before its first machine op (the
    // driver runs it when the initial state is built).
    const div = modelError(`
void t(void)
{
	int z = 0;
	int q = 10 / z;

	r1 = q;
}`);
    expect(div.message).toContain('division by zero');
    const rec = modelError(`
static int rec(int n) { return rec(n + 1) + 1; }
void t(void)
{
	r1 = rec(0);
}`);
    expect(rec.message).toMatch(/stack overflow/);
  });
});
