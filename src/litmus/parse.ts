// Parser for herd7's AArch64 litmus format (as used by herdtools7's VMSA catalogue): the
// `AArch64 NAME` line, header lines, the initial state `{...}`, the thread table, then
// `locations`, `filter` and the final `exists`/`~exists`/`forall` condition. Every
// mistake is `file:line:col: what`.

import type { Cond, DescValue, InitItem, Instruction, LitmusTest, Loc, Place, Thread, Value } from './ast.js';

export class LitmusError extends Error {}

/** Blank out `(* ... *)` comments (nesting allowed), keeping every newline and column. */
function stripComments(text: string): string {
  const out = text.split('');
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('(*', i)) {
      depth++;
      out[i] = out[i + 1] = ' ';
      i++;
    } else if (depth > 0 && text.startsWith('*)', i)) {
      depth--;
      out[i] = out[i + 1] = ' ';
      i++;
    } else if (depth > 0 && text[i] !== '\n') out[i] = ' ';
  }
  return out.join('');
}

/** Where the thread table ends: a tail keyword (a row never starts with one). */
const TAIL = /^\s*((locations|filter|exists|forall)\b|~)/;

/** A scanner over the whole text: positions are offsets, reported as line:col. */
class Scanner {
  pos = 0;
  constructor(readonly file: string, readonly text: string) {}

  place(at = this.pos): Place {
    let line = 1;
    let col = 1;
    for (let i = 0; i < at; i++) {
      if (this.text[i] === '\n') {
        line++;
        col = 1;
      } else col++;
    }
    return { line, col };
  }

  fail(msg: string, at = this.pos): never {
    const p = this.place(at);
    throw new LitmusError(`${this.file}:${p.line}:${p.col}: ${msg}`);
  }

  skip(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  peek(s: string): boolean {
    this.skip();
    return this.text.startsWith(s, this.pos);
  }

  eat(s: string): boolean {
    if (!this.peek(s)) return false;
    this.pos += s.length;
    return true;
  }

  expect(s: string, what = `'${s}'`): void {
    if (!this.eat(s)) this.fail(`expected ${what}, found ${this.show()}`);
  }

  /** A name: letters, digits, `_`, `.`, `-` (herd writes `Device-GRE`, `B.EQ`). */
  word(): string | undefined {
    this.skip();
    const m = /^[A-Za-z_][\w.-]*/.exec(this.text.slice(this.pos, this.pos + 200));
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  number(): bigint | undefined {
    this.skip();
    const m = /^-?(0x[0-9a-fA-F]+|\d+)/.exec(this.text.slice(this.pos, this.pos + 40));
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0].startsWith('-') ? -BigInt(m[0].slice(1)) : BigInt(m[0]);
  }

  show(): string {
    this.skip();
    if (this.pos >= this.text.length) return 'the end of the file';
    return `'${this.text.slice(this.pos, this.pos + 12).split('\n')[0]}'`;
  }

  atEnd(): boolean {
    this.skip();
    return this.pos >= this.text.length;
  }
}

export function parseLitmus(file: string, raw: string): LitmusTest {
  const text = stripComments(raw.replace(/\r\n?/g, '\n'));
  const sc: Scanner = new Scanner(file, text);
  const lines = text.split('\n');
  const lineStart: number[] = [];
  for (let i = 0, o = 0; i < lines.length; i++) {
    lineStart.push(o);
    o += lines[i]!.length + 1;
  }

  // Title and header lines, up to the initial state's `{`.
  let li = 0;
  while (li < lines.length && lines[li]!.trim() === '') li++;
  const title = /^\s*AArch64\s+(\S+)(\s+".*")?\s*$/.exec(lines[li] ?? '');
  if (!title) sc.fail('not an AArch64 litmus test: the first line must be `AArch64 NAME`', lineStart[li] ?? 0);
  const header = new Map<string, string>();
  for (li++; li < lines.length && !lines[li]!.trim().startsWith('{'); li++) {
    const t = lines[li]!.trim();
    if (t === '') continue;
    const kv = /^([A-Za-z][\w]*)\s*=\s*(.*)$/.exec(t);
    if (kv) header.set(kv[1]!, kv[2]!.trim());
    else if (/^".*"$/.test(t)) header.set('Doc', t.slice(1, -1));
    else sc.fail(`expected a header line \`Key=value\` or the initial state '{', found '${t.slice(0, 20)}'`, lineStart[li]! + lines[li]!.indexOf(t));
  }
  if (li >= lines.length) sc.fail('no initial state `{ ... }`', text.length);

  // Initial state.
  sc.pos = lineStart[li]! + lines[li]!.indexOf('{') + 1;
  const init: InitItem[] = [];
  for (;;) {
    while (sc.eat(';'));
    if (sc.eat('}')) break;
    if (sc.atEnd()) sc.fail("the initial state is not closed with '}'");
    init.push(initItem(sc));
    if (!sc.peek('}')) sc.expect(';', "';' or '}'");
  }

  // Thread table: a header row `P0 | P1 | P1.F ;`, then rows until the tail keywords.
  let row = 0;
  while (row + 1 < lines.length && lineStart[row + 1]! <= sc.pos) row++;
  for (row++; row < lines.length && lines[row]!.trim() === ''; row++);
  if (row >= lines.length) sc.fail('no thread table after the initial state', text.length);
  const threads = threadHeader(sc, lines[row]!, lineStart[row]!);
  for (row++; row < lines.length && !TAIL.test(lines[row]!); row++) {
    if (lines[row]!.trim() !== '') threadRow(sc, lines[row]!, lineStart[row]!, threads);
  }
  if (row >= lines.length) sc.fail('no final condition (`exists`, `~exists` or `forall`)', text.length);

  // Tail: locations, filter, condition.
  sc.pos = lineStart[row]!;
  const locations: Loc[] = [];
  let filter: Cond | undefined;
  if (sc.eat('locations')) {
    sc.expect('[');
    while (!sc.eat(']')) {
      locations.push(loc(sc));
      if (!sc.peek(']')) sc.expect(';', "';' or ']'");
      while (sc.eat(';'));
    }
  }
  if (sc.eat('filter')) filter = cond(sc);
  let quantifier: LitmusTest['quantifier'];
  // No condition at all is herd's `forall (true)`.
  if (sc.atEnd()) return { file, name: title![1]!, header, init, threads, locations, ...(filter ? { filter } : {}), quantifier: 'forall', condition: { kind: 'const', value: true } };
  if (sc.eat('exists')) quantifier = 'exists';
  else if (sc.eat('forall')) quantifier = 'forall';
  else if (/^~\s*exists/.test(text.slice(sc.pos))) {
    sc.expect('~');
    sc.expect('exists');
    quantifier = '~exists';
  } else sc.fail(`expected 'exists', '~exists' or 'forall', found ${sc.show()}`);
  const condition = cond(sc);
  sc.eat(';');
  if (!sc.atEnd()) sc.fail(`unexpected ${sc.show()} after the condition`);
  return { file, name: title![1]!, header, init, threads, locations, ...(filter ? { filter } : {}), quantifier, condition };
}

function initItem(sc: Scanner): InitItem {
  sc.skip();
  const at = sc.place();
  if (/^(\*|[A-Za-z_]\w*\s*\*|[A-Za-z_]\w*\s+[A-Za-z_]\w*\s*\[\d)/.test(sc.text.slice(sc.pos, sc.pos + 60)))
    sc.fail('unsupported in the initial state: C pointer and array variables');
  // An optional C type before the location: `int x`, `pteval_t 0:X1`, `uint64_t y`.
  let type: string | undefined;
  const save = sc.pos;
  const w = sc.word();
  if (w !== undefined && /^\s*(\[|[A-Za-z_]|\d+\s*:|P\d+\s*:)/.test(sc.text.slice(sc.pos)) && !sc.peek('=') && !sc.peek(':') && !sc.peek('(')) type = w;
  else sc.pos = save;
  const l = loc(sc);
  if (!sc.eat('=')) return { at, ...(type ? { type } : {}), loc: l };
  return { at, ...(type ? { type } : {}), loc: l, value: value(sc) };
}

/** A register (`0:X2`, `P0:X2`), a memory location (`x`, `[x]`, `pte_x`, `[PTE(x)]`), or a fault. */
function loc(sc: Scanner): Loc {
  sc.skip();
  const start = sc.pos;
  const reg = /^(?:P)?(\d+)\s*:\s*([A-Za-z][\w]*)/.exec(sc.text.slice(sc.pos, sc.pos + 40));
  if (reg) {
    sc.pos += reg[0].length;
    return { kind: 'reg', thread: Number(reg[1]), reg: reg[2]!.toUpperCase() };
  }
  if (sc.eat('[')) {
    const name = memName(sc);
    sc.expect(']');
    return { kind: 'mem', name };
  }
  if (/^fault\s*\(/i.test(sc.text.slice(sc.pos))) return faultLoc(sc);
  const name = memName(sc);
  if (!name) sc.fail(`expected a register or a location, found ${sc.show()}`, start);
  return { kind: 'mem', name };
}

function memName(sc: Scanner): string {
  const w = sc.word();
  if (w === undefined) sc.fail(`expected a location name, found ${sc.show()}`);
  if ((w === 'PTE' || w === 'PA' || w === 'TTD') && sc.eat('(')) {
    const inner = memName(sc);
    sc.expect(')');
    return `${w}(${inner})`;
  }
  return w;
}

/** `fault(P0:L0,x,MMU:Translation)`, `fault(P0,UndefinedInstruction)`, `fault(P0)`. */
function faultLoc(sc: Scanner): Loc {
  sc.skip();
  sc.pos += 'fault'.length; // herd accepts `Fault` too
  sc.expect('(');
  const p = /^P(\d+)(?::([A-Za-z_][\w]*))?/.exec(sc.text.slice(sc.pos, sc.pos + 40).trimStart());
  sc.skip();
  if (!p) sc.fail(`expected a thread 'P<n>' or 'P<n>:label' in fault(...), found ${sc.show()}`);
  sc.pos += p[0].length;
  const f: Loc & { kind: 'fault' } = { kind: 'fault', thread: Number(p[1]), ...(p[2] ? { label: p[2] } : {}) };
  while (sc.eat(',')) {
    const w = memName(sc);
    if (sc.eat(':')) f.type = `${w}:${sc.word() ?? ''}`;
    else if (/^[A-Z][a-z]+[A-Z]/.test(w) || w === 'UndefinedInstruction') f.type = w;
    else f.loc = w;
  }
  sc.expect(')');
  return f;
}

function value(sc: Scanner): Value {
  sc.skip();
  const n = sc.number();
  if (n !== undefined) return { kind: 'int', value: n };
  if (sc.peek('(')) return desc(sc);
  const w = memName(sc);
  if (w === 'label' && sc.eat(':')) {
    sc.expect('"');
    const end = sc.text.indexOf('"', sc.pos);
    if (end < 0) sc.fail('unterminated label string');
    const [thread, label] = sc.text.slice(sc.pos, end).split(':');
    sc.pos = end + 1;
    return { kind: 'label', thread: thread!, label: label ?? '' };
  }
  if (sc.peek(':') && /^\s*:\s*\(/.test(sc.text.slice(sc.pos))) {
    sc.expect(':');
    const d = desc(sc);
    d.type = w;
    return d;
  }
  return { kind: 'sym', name: w };
}

/** `(oa:PA(x), db:0, attrs:(Device-GRE))`: a bare name is a field set to itself. */
function desc(sc: Scanner): DescValue {
  sc.expect('(');
  const fields = new Map<string, Value>();
  while (!sc.eat(')')) {
    const name = sc.word();
    if (name === undefined) sc.fail(`expected a descriptor field, found ${sc.show()}`);
    fields.set(name, sc.eat(':') ? value(sc) : { kind: 'sym', name });
    if (!sc.peek(')')) sc.expect(',', "',' or ')'");
  }
  return { kind: 'desc', fields };
}

function cond(sc: Scanner): Cond {
  const args = [conj(sc)];
  while (sc.eat('\\/')) args.push(conj(sc));
  return args.length === 1 ? args[0]! : { kind: 'or', args };
}

function conj(sc: Scanner): Cond {
  const args = [unary(sc)];
  while (sc.eat('/\\')) args.push(unary(sc));
  return args.length === 1 ? args[0]! : { kind: 'and', args };
}

function unary(sc: Scanner): Cond {
  sc.skip();
  if (sc.eat('~') || (/^not\b/.test(sc.text.slice(sc.pos)) && sc.eat('not'))) return { kind: 'not', arg: unary(sc) };
  if (sc.eat('(')) {
    const c = cond(sc);
    sc.expect(')');
    return c;
  }
  const save = sc.pos;
  const w = sc.word();
  if (w === 'true' || w === 'false') return { kind: 'const', value: w === 'true' };
  sc.pos = save;
  const l = loc(sc);
  if (l.kind === 'fault') return { kind: 'atom', loc: l };
  if (sc.eat('<>')) return { kind: 'not', arg: { kind: 'atom', loc: l, value: value(sc) } };
  sc.expect('=', "'=' or '<>'");
  return { kind: 'atom', loc: l, value: value(sc) };
}

function threadHeader(sc: Scanner, line: string, at: number): Thread[] {
  const cells = line.replace(/;\s*$/, '').split('|');
  let col = 0;
  return cells.map((c) => {
    const name = c.trim();
    const m = /^P(\d+)(\.F)?$/.exec(name);
    if (!m) sc.fail(`expected a thread name 'P<n>' or 'P<n>.F', found '${name}'`, at + col + c.indexOf(name));
    col += c.length + 1;
    return { name, proc: Number(m[1]), handler: m[2] !== undefined, code: [], endLabels: [] };
  });
}

function threadRow(sc: Scanner, line: string, at: number, threads: Thread[]): void {
  const body = line.replace(/;\s*$/, '');
  const cells = body.split('|');
  if (cells.length > threads.length) sc.fail(`this row has ${cells.length} columns, the table has ${threads.length}`, at);
  let col = 0;
  cells.forEach((cell, i) => {
    const t = threads[i]!;
    let s = cell.trim();
    let off = at + col + cell.indexOf(s);
    col += cell.length + 1;
    const labels: string[] = [];
    for (;;) {
      const m = /^([A-Za-z_][\w]*)\s*:\s*/.exec(s);
      if (!m) break;
      labels.push(m[1]!);
      s = s.slice(m[0].length);
      off += m[0].length;
    }
    if (s === '') {
      t.endLabels.push(...labels);
      return;
    }
    const op = /^\S+/.exec(s)![0];
    const args = splitArgs(s.slice(op.length));
    const pending = t.endLabels.splice(0);
    const ins: Instruction = { at: sc.place(off), labels: [...pending, ...labels], op: op.toUpperCase(), args };
    t.code.push(ins);
  });
}

/** Operands split at commas outside brackets: `X1, [X2, #8]` is two. */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '[' || ch === '(') depth++;
    if (ch === ']' || ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}
