// herd's names and values on ptmc's machine. Every variable x gets its own page: VA x is a
// TTBR0 address mapped by slot i+1 of one last-level table, its data word sits at PA(x),
// and its PTE is that table slot, which tests read and write by its physical address
// (herd does not translate page-table accesses). Registers hold plain numbers, so a VA, a
// PTE address, a PA, a descriptor and a code label are told apart by their ranges.

import type { DescValue, Value } from './ast.js';

export class LitmusUnsupported extends Error {}

export const ENTRIES = 16;
export const FRAME_PFN_BASE = 16;
export const ROOT_FRAME = 0;
export const LEAF_FRAME = 1;
const DATA_PA_BASE = 0x40000;
/** Code addresses (ADR, ELR_EL1): thread t's instruction k is at LABEL_BASE + t * 0x10000 + 4k. */
const LABEL_BASE = 0x7000_0000;

export const varVa = (i: number): number => (i + 1) * 0x1000;
export const varPa = (i: number): number => DATA_PA_BASE + i * 0x1000;
export const ptePa = (i: number): number => (FRAME_PFN_BASE + LEAF_FRAME) * 4096 + (i + 1) * 8;
export const labelValue = (thread: number, index: number): bigint => BigInt(LABEL_BASE + thread * 0x10000 + index * 4);
/** The instruction index a code address of thread t names, or -1. */
export function labelIndexOf(thread: number, n: bigint): number {
  const k = Number(n - labelValue(thread, 0));
  return k >= 0 && k < 0x10000 && k % 4 === 0 ? k / 4 : -1;
}

// Descriptor fields as herd names them, at their VMSAv8-64 bit positions (herd's
// AArch64Op: valid 0, el0 6, db 7 inverted, af 10, dbm 51). `db` is the dirty state: db:0
// is AP[2] = 1 (read-only). A last-level descriptor also has bit 1 (page), which herd's
// values do not show and no test's mask touches.
const BIT_VALID = 1n;
const BIT_PAGE = 2n;
const BIT_EL0 = 1n << 6n;
const BIT_RDONLY = 1n << 7n;
const BIT_AF = 1n << 10n;
const BIT_DBM = 1n << 51n;
const OA_MASK = ((1n << 36n) - 1n) << 12n;
const ATTRS_MASK = 7n << 2n;
const ATTR_INDEX: Readonly<Record<string, bigint>> = { Normal: 0n, 'Device-GRE': 3n, 'Device-nGnRE': 4n, 'Device-nGnRnE': 5n, NonCacheable: 2n };

export class Vars {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  add(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      if (this.names.length >= ENTRIES - 1) throw new LitmusUnsupported(`more than ${ENTRIES - 1} variables`);
      i = this.names.length;
      this.names.push(name);
      this.index.set(name, i);
    }
    return i;
  }

  get(name: string): number | undefined {
    return this.index.get(name);
  }
}

/** What a symbol names: `x`, `phy_x`, `PA(x)`, `pte_x`, `PTE(x)`, `TTD(x)`. */
export function symbol(name: string): { kind: 'va' | 'pa' | 'pte'; v: string } {
  let m = /^(PA|PTE|TTD)\((\w+)\)$/.exec(name);
  if (m) return { kind: m[1] === 'PA' ? 'pa' : 'pte', v: m[2]! };
  m = /^(phy|pte)_(\w+)$/.exec(name);
  if (m) return { kind: m[1] === 'phy' ? 'pa' : 'pte', v: m[2]! };
  return { kind: 'va', v: name };
}

/** Every variable a value mentions, in order (so the numbering follows the text). */
export function varsOf(v: Value | undefined, out: Vars): void {
  if (!v) return;
  if (v.kind === 'sym' && /^[a-z]\w*$|^(PA|PTE|TTD)\(/.test(v.name) && !(v.name in ATTR_INDEX)) out.add(symbol(v.name).v);
  if (v.kind === 'desc') for (const f of v.fields.values()) varsOf(f, out);
}

/** A descriptor value with herd's defaults (valid:1, af:1, db:1, dbm:0, el0:1, oa:PA(x) if x is its own). */
export function encodeDesc(d: DescValue, vars: Vars, own?: number): bigint {
  if (d.type !== undefined) throw new LitmusUnsupported(`a ${d.type} value`);
  let oa = own === undefined ? 0n : BigInt(varPa(own));
  let valid = 1n, af = 1n, db = 1n, dbm = 0n, el0 = 1n, attrs = 0n;
  for (const [k, f] of d.fields) {
    if (k === 'oa') {
      if (f.kind !== 'sym' || symbol(f.name).kind !== 'pa') throw new LitmusUnsupported(`oa:${show(f)}`);
      oa = BigInt(varPa(vars.add(symbol(f.name).v)));
      continue;
    }
    if (k === 'attrs') {
      const names = f.kind === 'desc' ? [...f.fields.keys()] : [];
      attrs = ATTR_INDEX[names[0] ?? ''] ?? -1n;
      if (attrs < 0n) throw new LitmusUnsupported(`attrs:${show(f)}`);
      continue;
    }
    if (f.kind !== 'int' || f.value > 1n) throw new LitmusUnsupported(`descriptor field ${k}:${show(f)}`);
    if (k === 'valid') valid = f.value;
    else if (k === 'af') af = f.value;
    else if (k === 'db') db = f.value;
    else if (k === 'dbm') dbm = f.value;
    else if (k === 'el0') el0 = f.value;
    else throw new LitmusUnsupported(`descriptor field ${k}`);
  }
  return oa | BIT_PAGE | (valid ? BIT_VALID : 0n) | (af ? BIT_AF : 0n) | (db ? 0n : BIT_RDONLY) | (dbm ? BIT_DBM : 0n) |
    (el0 ? BIT_EL0 : 0n) | (attrs << 2n);
}

/** The default PTE of variable i. */
export const defaultPte = (i: number): bigint => encodeDesc({ kind: 'desc', fields: new Map() }, new Vars(), i);

/** A value in a register or memory word, as a number. */
export function encodeValue(v: Value, vars: Vars, threadIndex: (name: string) => number, labelIndex: (t: number, l: string) => number): bigint {
  switch (v.kind) {
    case 'int': return v.value;
    case 'desc': return encodeDesc(v, vars);
    case 'label': {
      const t = threadIndex(v.thread);
      return labelValue(t, labelIndex(t, v.label));
    }
    case 'sym': {
      const s = symbol(v.name);
      const i = vars.add(s.v);
      return BigInt(s.kind === 'va' ? varVa(i) : s.kind === 'pa' ? varPa(i) : ptePa(i));
    }
  }
}

/** herd's notation for a number: a descriptor, a VA, a label, or the integer. */
export function formatValue(n: bigint, vars: Vars, labelName: (t: number, k: number) => string | undefined): string {
  if (n >= BigInt(LABEL_BASE) && n < BigInt(LABEL_BASE + 0x100000)) {
    const k = Number(n) - LABEL_BASE;
    const l = labelName(k >> 16, (k & 0xffff) / 4);
    if (l) return `label:"P${k >> 16}:${l}"`;
  }
  if ((n & BIT_PAGE) !== 0n) {
    const pa = Number(n & OA_MASK);
    const i = vars.names.findIndex((_, k) => varPa(k) === pa);
    if (i >= 0 && (n & ~(OA_MASK | BIT_VALID | BIT_PAGE | BIT_EL0 | BIT_RDONLY | BIT_AF | BIT_DBM | ATTRS_MASK)) === 0n) {
      const f = [`oa:PA(${vars.names[i]})`];
      if (!(n & BIT_AF)) f.push('af:0');
      if (n & BIT_RDONLY) f.push('db:0');
      if (n & BIT_DBM) f.push('dbm:1');
      if (!(n & BIT_VALID)) f.push('valid:0');
      if (!(n & BIT_EL0)) f.push('el0:0');
      const a = (n & ATTRS_MASK) >> 2n;
      if (a !== 0n) f.push(`attrs:(${Object.keys(ATTR_INDEX).find((k) => ATTR_INDEX[k] === a)})`);
      return `(${f.join(', ')})`;
    }
  }
  for (let i = 0; i < vars.names.length; i++) {
    if (n === BigInt(varVa(i))) return vars.names[i]!;
    if (n === BigInt(varPa(i))) return `PA(${vars.names[i]})`;
    if (n === BigInt(ptePa(i))) return `PTE(${vars.names[i]})`;
  }
  return n.toString();
}

export function show(v: Value): string {
  switch (v.kind) {
    case 'int': return v.value.toString();
    case 'sym': return v.name;
    case 'label': return `label:"${v.thread}:${v.label}"`;
    case 'desc': return `(${[...v.fields].map(([k, f]) => `${k}:${show(f)}`).join(', ')})`;
  }
}
