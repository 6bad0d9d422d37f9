// The AArch64 subset herd's VMSA tests use, decoded once into flat instructions: register
// numbers, immediates, branch targets. What it cannot express is a LitmusUnsupported that
// names the instruction and its place.

import type { Instruction, Place } from './ast.js';
import { LitmusUnsupported } from './values.js';

export enum Op {
  Ldr, Str, Ldxr, Stxr, Swp, Cas, LdOp, Mov, Alu, Cmp, Cset, Csel, Cbz, Cbnz, B, Bcond, Adr, Nop,
  Dmb, Dsb, Isb, Tlbi, Msr, Mrs, Eret, Svc, Udf,
}

export enum Alu { Add, Sub, And, Orr, Eor, Bic, Lsr, Lsl, Ands }
export enum AtomicOp { Add, Clr, Set, Eor }

/** A register operand: index into the thread's register file; -1 is XZR/WZR. */
export const ZR = -1;

export interface Ins {
  op: Op;
  at: Place;
  text: string;
  /** 32-bit form (W registers): results are zero-extended, values truncated. */
  w: boolean;
  rd: number;
  rn: number;
  rm: number;
  /** Operand 2 immediate, or memory offset. */
  imm: bigint;
  /** Operand 2 register shift left (LSL #k), or -1 for SXTW of a W register. */
  shift: number;
  /** Condition code (Bcond, Cset, Csel). */
  cond: number;
  /** Branch target, ADR label: instruction index. */
  target: number;
  /** Barrier, ALU, atomic or TLBI kind. */
  kind: number;
  acquire: boolean;
  release: boolean;
  /** TLBI: inner-shareable (broadcast) form. */
  broadcast: boolean;
  /** LdOp: also writes the old value to rd (LDxxx), else STxxx. */
  ret: boolean;
  /** STXR's status register; SWP/CAS/LDxxx's source (CAS: compare) register. */
  rs: number;
}

export interface ThreadCode {
  code: Ins[];
  /** Index of the fault handler's first instruction, or -1. */
  handler: number;
  /** Label name to instruction index. */
  labels: Map<string, number>;
  /** Register names (X0..X30, ELR_EL1) to register-file index. */
  regs: Map<string, number>;
}

const CONDS = ['EQ', 'NE', 'CS', 'CC', 'MI', 'PL', 'VS', 'VC', 'HI', 'LS', 'GE', 'LT', 'GT', 'LE', 'AL'];
const COND_ALIAS: Record<string, string> = { HS: 'CS', LO: 'CC' };
const ALU: Record<string, Alu> = { ADD: Alu.Add, SUB: Alu.Sub, AND: Alu.And, ORR: Alu.Orr, EOR: Alu.Eor, BIC: Alu.Bic, LSR: Alu.Lsr, LSL: Alu.Lsl, ANDS: Alu.Ands };
const ATOMIC: Record<string, AtomicOp> = { ADD: AtomicOp.Add, CLR: AtomicOp.Clr, SET: AtomicOp.Set, EOR: AtomicOp.Eor };
export const DMB_KINDS: Record<string, 'st' | 'ld' | 'full'> = { SY: 'full', ISH: 'full', OSH: 'full', NSH: 'full', ST: 'st', ISHST: 'st', OSHST: 'st', NSHST: 'st', LD: 'ld', ISHLD: 'ld', OSHLD: 'ld', NSHLD: 'ld' };
export const TLBI_FORMS: Record<string, { kind: 'va' | 'va-last' | 'all'; broadcast: boolean; operand: boolean }> = {
  VMALLE1IS: { kind: 'all', broadcast: true, operand: false },
  VMALLE1: { kind: 'all', broadcast: false, operand: false },
  ALLE1IS: { kind: 'all', broadcast: true, operand: false },
  VAAE1IS: { kind: 'va', broadcast: true, operand: true },
  VAAE1: { kind: 'va', broadcast: false, operand: true },
  VAE1IS: { kind: 'va', broadcast: true, operand: true },
  VAE1: { kind: 'va', broadcast: false, operand: true },
  VAALE1IS: { kind: 'va-last', broadcast: true, operand: true },
  VAALE1: { kind: 'va-last', broadcast: false, operand: true },
  VALE1IS: { kind: 'va-last', broadcast: true, operand: true },
  VALE1: { kind: 'va-last', broadcast: false, operand: true },
};

/** A memory write: a store, store-exclusive or atomic. */
export function isWrite(i: Ins): boolean {
  return i.op === Op.Str || i.op === Op.Stxr || i.op === Op.Swp || i.op === Op.Cas || i.op === Op.LdOp;
}

/** A memory access: a load or a write. */
export function isAccess(i: Ins): boolean {
  return isWrite(i) || i.op === Op.Ldr || i.op === Op.Ldxr;
}

/** Where the code an instruction at pc runs in ends: the handler's start for the main code. */
export function codeEnd(t: ThreadCode, pc: number): number {
  return t.handler >= 0 && pc < t.handler ? t.handler : t.code.length;
}

export function assembleThread(main: Instruction[], mainEnd: string[], handler: Instruction[] | undefined, handlerEnd: string[]): ThreadCode {
  const all = [...main, ...(handler ?? [])];
  const labels = new Map<string, number>();
  all.forEach((ins, k) => ins.labels.forEach((l) => labels.set(l, k)));
  mainEnd.forEach((l) => labels.set(l, main.length));
  // A label after the last instruction of main falls through to the end, not into the handler.
  const end = all.length;
  handlerEnd.forEach((l) => labels.set(l, end));
  const t: ThreadCode = { code: [], handler: handler ? main.length : -1, labels, regs: new Map() };
  if (handler) regIndex(t, 'ELR_EL1'); // the exception writes it even if no instruction names it
  for (const ins of all) t.code.push(decode(ins, t));
  return t;
}

function fail(ins: Instruction, msg: string): never {
  throw new LitmusUnsupported(`${ins.at.line}:${ins.at.col}: ${msg}`);
}

function blank(ins: Instruction, op: Op): Ins {
  return {
    op, at: ins.at, text: `${ins.op} ${ins.args.join(',')}`.trim(), w: false, rd: ZR, rn: ZR, rm: ZR, imm: 0n, shift: 0,
    cond: 14, target: -1, kind: 0, acquire: false, release: false, broadcast: false, ret: false, rs: ZR,
  };
}

/** A general register name: its index, whether it is the 32-bit view. */
function reg(ins: Instruction, t: ThreadCode, a: string | undefined): { r: number; w: boolean } {
  const m = /^([XW])(\d+|ZR)$/i.exec((a ?? '').trim());
  if (!m) fail(ins, `expected a register, found '${a ?? ''}'`);
  const w = m[1]!.toUpperCase() === 'W';
  if (m[2]!.toUpperCase() === 'ZR') return { r: ZR, w };
  const n = Number(m[2]);
  if (n > 30) fail(ins, `no register ${a}`);
  return { r: regIndex(t, `X${n}`), w };
}

/** The destination register (and so the operation's width). */
function dest(ins: Instruction, t: ThreadCode, o: Ins, a: string | undefined): void {
  const d = reg(ins, t, a);
  o.rd = d.r;
  o.w = d.w;
}

export function regIndex(t: ThreadCode, name: string): number {
  let r = t.regs.get(name);
  if (r === undefined) {
    r = t.regs.size;
    t.regs.set(name, r);
  }
  return r;
}

function imm(ins: Instruction, a: string | undefined): bigint {
  const m = /^#?\s*(-?(?:0x[0-9a-f]+|\d+))$/i.exec((a ?? '').trim());
  if (!m) fail(ins, `expected an immediate, found '${a ?? ''}'`);
  return BigInt(m[1]!);
}

const isImm = (a: string | undefined): boolean => /^#/.test((a ?? '').trim()) || /^-?\d/.test((a ?? '').trim());

function label(ins: Instruction, t: ThreadCode, a: string | undefined): number {
  const k = t.labels.get((a ?? '').trim());
  if (k === undefined) fail(ins, `no label '${a ?? ''}' in this thread`);
  return k;
}

function cond(ins: Instruction, a: string): number {
  const c = COND_ALIAS[a.toUpperCase()] ?? a.toUpperCase();
  const k = CONDS.indexOf(c);
  if (k < 0) fail(ins, `unknown condition '${a}'`);
  return k;
}

/** Operand 2 of an ALU instruction: `#imm`, `Xm`, `Xm, LSL #k`, `Wm, SXTW`. */
function operand2(ins: Instruction, t: ThreadCode, out: Ins, args: string[]): void {
  const [a, ext] = args;
  if (isImm(a)) {
    out.rm = ZR;
    out.imm = imm(ins, a);
  } else out.rm = reg(ins, t, a).r;
  if (ext === undefined) return;
  const m = /^(LSL|SXTW|UXTW)\s*#?\s*(\d*)$/i.exec(ext.trim());
  if (!m) fail(ins, `unsupported operand '${ext}'`);
  out.shift = m[1]!.toUpperCase() === 'LSL' ? Number(m[2] || 0) : m[1]!.toUpperCase() === 'SXTW' ? -1 : 0;
}

/** `[Xn]`, `[Xn,Xm]`, `[Xn,#imm]`, `[Xn,Wm,SXTW]`, `[Xn,Xm,LSL #3]` (split at commas by the parser: rejoin). */
function address(ins: Instruction, t: ThreadCode, out: Ins, args: string[]): void {
  const text = args.join(',').trim();
  const m = /^\[([^\]]*)\]$/.exec(text);
  if (!m) fail(ins, `unsupported addressing '${text}'`);
  const parts = m[1]!.split(',').map((p) => p.trim());
  out.rn = reg(ins, t, parts[0]).r;
  if (parts.length > 1) operand2(ins, t, out, parts.slice(1));
}

function decode(ins: Instruction, t: ThreadCode): Ins {
  const op = ins.op.toUpperCase();
  const a = ins.args;
  const memSuffix = /^(LDR|STR|LDAR|LDAPR|STLR|LDXR|LDAXR|STXR|STLXR)$/.exec(op);
  if (memSuffix) return memory(ins, t, op);
  const atomic = /^(SWP|CAS|LD(ADD|CLR|SET|EOR)|ST(ADD|CLR|SET|EOR))(A|L|AL)?$/.exec(op);
  if (atomic) return rmw(ins, t, atomic);
  const alu = ALU[op];
  if (alu !== undefined) {
    const o = blank(ins, Op.Alu);
    o.kind = alu;
    dest(ins, t, o, a[0]);
    o.rn = reg(ins, t, a[1]).r;
    operand2(ins, t, o, a.slice(2));
    return o;
  }
  switch (op) {
    case 'MOV': case 'MVN': {
      if (op === 'MVN') fail(ins, 'MVN is not supported');
      const o = blank(ins, Op.Mov);
      dest(ins, t, o, a[0]);
      operand2(ins, t, o, a.slice(1));
      return o;
    }
    case 'CMP': {
      const o = blank(ins, Op.Cmp);
      const n = reg(ins, t, a[0]);
      o.rn = n.r;
      o.w = n.w;
      operand2(ins, t, o, a.slice(1));
      return o;
    }
    case 'CSET': {
      const o = blank(ins, Op.Cset);
      dest(ins, t, o, a[0]);
      o.cond = cond(ins, a[1] ?? '');
      return o;
    }
    case 'CSEL': {
      const o = blank(ins, Op.Csel);
      dest(ins, t, o, a[0]);
      o.rn = reg(ins, t, a[1]).r;
      o.rm = reg(ins, t, a[2]).r;
      o.cond = cond(ins, a[3] ?? '');
      return o;
    }
    case 'CBZ': case 'CBNZ': {
      const o = blank(ins, op === 'CBZ' ? Op.Cbz : Op.Cbnz);
      const n = reg(ins, t, a[0]);
      o.rn = n.r;
      o.w = n.w;
      o.target = label(ins, t, a[1]);
      return o;
    }
    case 'B': {
      const o = blank(ins, Op.B);
      o.target = label(ins, t, a[0]);
      return o;
    }
    case 'ADR': {
      const o = blank(ins, Op.Adr);
      o.rd = reg(ins, t, a[0]).r;
      o.target = label(ins, t, a[1]);
      return o;
    }
    case 'NOP': return blank(ins, Op.Nop);
    case 'ISB': return blank(ins, Op.Isb);
    case 'DMB': case 'DSB': {
      const o = blank(ins, op === 'DMB' ? Op.Dmb : Op.Dsb);
      const k = DMB_KINDS[(a[0] ?? '').trim().toUpperCase()];
      if (!k) fail(ins, `unknown barrier option '${a[0] ?? ''}'`);
      o.kind = k === 'st' ? 1 : k === 'ld' ? 2 : 3;
      // dsb(nsh) completes only local TLBIs.
      if (op === 'DSB' && /^NSH/i.test(a[0] ?? '') && k === 'full') o.kind = 4;
      return o;
    }
    case 'TLBI': {
      const f = TLBI_FORMS[(a[0] ?? '').trim().toUpperCase()];
      if (!f) fail(ins, `unsupported TLBI '${a[0] ?? ''}'`);
      const o = blank(ins, Op.Tlbi);
      o.kind = f.kind === 'all' ? 3 : f.kind === 'va' ? 1 : 2;
      o.broadcast = f.broadcast;
      if (f.operand) o.rn = reg(ins, t, a[1]).r;
      return o;
    }
    case 'MSR': case 'MRS': {
      const sys = (op === 'MSR' ? a[0] : a[1])?.trim().toUpperCase();
      if (sys !== 'ELR_EL1') fail(ins, `${op} of ${sys ?? '?'} is not supported`);
      const o = blank(ins, op === 'MSR' ? Op.Msr : Op.Mrs);
      const sr = regIndex(t, 'ELR_EL1');
      if (op === 'MSR') {
        o.rd = sr;
        o.rn = reg(ins, t, a[1]).r;
      } else {
        o.rd = reg(ins, t, a[0]).r;
        o.rn = sr;
      }
      return o;
    }
    case 'ERET': return blank(ins, Op.Eret);
    case 'SVC': return blank(ins, Op.Svc);
    case 'UDF': return blank(ins, Op.Udf);
  }
  if (/^B\.\w+$/.test(op)) {
    const o = blank(ins, Op.Bcond);
    o.cond = cond(ins, op.slice(2));
    o.target = label(ins, t, a[0]);
    return o;
  }
  fail(ins, `unsupported instruction ${op}`);
}

function memory(ins: Instruction, t: ThreadCode, op: string): Ins {
  const a = ins.args;
  const excl = op === 'LDXR' || op === 'LDAXR' || op === 'STXR' || op === 'STLXR';
  const store = op.startsWith('ST');
  const o = blank(ins, excl ? (store ? Op.Stxr : Op.Ldxr) : store ? Op.Str : Op.Ldr);
  o.acquire = op === 'LDAR' || op === 'LDAXR' || op === 'LDAPR';
  // LDAPR (RCpc) does not wait for earlier release stores: kind 1 marks it.
  if (op === 'LDAPR') o.kind = 1;
  o.release = op === 'STLR' || op === 'STLXR';
  let k = 0;
  if (o.op === Op.Stxr) o.rs = reg(ins, t, a[k++]).r;
  const v = reg(ins, t, a[k++]);
  o.rd = v.r;
  o.w = v.w;
  address(ins, t, o, a.slice(k));
  return o;
}

function rmw(ins: Instruction, t: ThreadCode, m: RegExpExecArray): Ins {
  const base = m[1]!;
  const order = m[4] ?? '';
  const a = ins.args;
  const o = blank(ins, base === 'SWP' ? Op.Swp : base === 'CAS' ? Op.Cas : Op.LdOp);
  o.acquire = order.includes('A');
  o.release = order.includes('L');
  if (o.op === Op.LdOp) {
    o.kind = ATOMIC[base.slice(2)]!;
    o.ret = base.startsWith('LD');
  }
  // SWP Xs,Xt,[Xn]; CAS Xs,Xt,[Xn]; LDADD Xs,Xt,[Xn]; STADD Xs,[Xn]. rm = Xs, rd = Xt.
  const s = reg(ins, t, a[0]);
  o.w = s.w;
  o.rs = s.r;
  let k = 1;
  o.rd = o.op === Op.LdOp && !o.ret ? ZR : reg(ins, t, a[k++]).r;
  address(ins, t, o, a.slice(k));
  return o;
}
