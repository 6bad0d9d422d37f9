// Machine-op instructions of compiled kernel-C: how many ways each can go now, and doing
// it. Addresses are physical (model code reaches tables untranslated): a pointer must
// point at a table slot or a declared data word, else it is a model error.

import { splitDesc, joinDesc } from '../arch/arm64/decode.js';
import { access, accessChoices, AccessResult } from '../machine/access.js';
import {
  cmpxchg, cmpxchgChoices, dmb, dmbEnabled, dsb, dsbEnabled, load, loadChoices, ReadResult, rmwEnabled, rmwWrite, store,
} from '../machine/cpu.js';
import { FAULT_NONE } from '../machine/events.js';
import type { Machine } from '../machine/machine.js';
import { newestWrite, unprovenRead } from '../machine/memory.js';
import { alloc, allocChoices, free, isb, lazyEnter, lazyLeave, lazyLeaveEnabled, pteBarrier, pteBarrierEnabled, writeTtbr } from '../machine/sys.js';
import { tlbi } from '../machine/tlbi.js';
import { Mop, type Instr } from './ir.js';
import { KernelError, type KernelDriver } from './runtime.js';

const rd = new ReadResult();
const ar = new AccessResult();
const hex = (v: bigint | number): string => '0x' + v.toString(16);

function locOf(m: Machine, addr: bigint, what: string): number {
  if (addr % 8n !== 0n) throw new KernelError('model-error', `${what} at ${hex(addr)}: not 8-byte aligned`);
  const loc = addr < 2n ** 52n ? m.locOfPa(Number(addr)) : -1;
  if (loc < 0) throw new KernelError('model-error', `${what} at ${hex(addr)}: the pointer points at no page-table slot or declared variable`);
  return loc;
}

/**
 * The location of an explicit read by cpu at depView. A read of a table another CPU
 * allocated must go through a pointer to it read from memory (memory.ts unprovenRead).
 */
function readLoc(d: KernelDriver, m: Machine, s: Int32Array, cpu: number, addr: bigint, depView: number, what: string): number {
  const loc = locOf(m, addr, what);
  if (!d.runningToEnd && unprovenRead(m, s, cpu, loc, depView))
    throw new KernelError('model-error', `${what} at ${hex(addr)}: a table another CPU allocated is read through an address not read from a pointer to it in memory (ptmc assumes table addresses are passed as descriptors; docs/language.md)`);
  return loc;
}

function probeOf(m: Machine, va: bigint): number {
  const ps = m.cfg.probes;
  let p = ps.findIndex((q) => BigInt(q.va) === va && q.region === 1);
  if (p < 0) p = ps.findIndex((q) => BigInt(q.va) === va);
  if (p < 0) throw new KernelError('model-error', `access to VA ${hex(va)}, which is not a probe VA of the scenario`);
  return p;
}

function arg(d: KernelDriver, ins: Instr, i: number): bigint {
  return ins.args![i]!(d.frame);
}

/** The location an atomic read-modify-write (or a lock) at ins writes; -1 for other ops. */
export function atomicLoc(d: KernelDriver, m: Machine, ins: Instr): number {
  switch (ins.mop!) {
    case Mop.Cmpxchg: case Mop.Xchg: case Mop.Lock: return locOf(m, arg(d, ins, 0), 'atomic');
    case Mop.SetBit: case Mop.ClearBit: return locOf(m, arg(d, ins, 1) + (arg(d, ins, 0) >> 6n) * 8n, 'bit operation');
    default: return -1;
  }
}

export function machineChoices(d: KernelDriver, m: Machine, s: Int32Array, cpu: number, ins: Instr): number {
  const dep = d.depView(ins.deps);
  switch (ins.mop!) {
    case Mop.Load: return loadChoices(m, s, cpu, readLoc(d, m, s, cpu, arg(d, ins, 0), dep, 'load'), dep);
    case Mop.Cmpxchg: {
      const [lo, hi] = splitDesc(arg(d, ins, 1));
      return cmpxchgChoices(m, s, cpu, readLoc(d, m, s, cpu, arg(d, ins, 0), dep, 'cmpxchg'), dep, lo, hi, ins.flag === 1);
    }
    case Mop.Xchg: return rmwEnabled(m, s, cpu, locOf(m, arg(d, ins, 0), 'xchg'), ins.flag === 1) ? 1 : 0;
    case Mop.SetBit: case Mop.ClearBit:
      return rmwEnabled(m, s, cpu, locOf(m, arg(d, ins, 1) + (arg(d, ins, 0) >> 6n) * 8n, 'bit operation'), ins.flag === 1) ? 1 : 0;
    case Mop.Dmb: return dmbEnabled(m, s, cpu, ins.flag!) ? 1 : 0;
    case Mop.Dsb: return dsbEnabled(m, s, cpu, ins.flag!) ? 1 : 0;
    case Mop.PteBarrier: return pteBarrierEnabled(m, s, cpu) ? 1 : 0;
    case Mop.LazyLeave: return lazyLeaveEnabled(m, s, cpu) ? 1 : 0;
    case Mop.Alloc: return allocChoices(m, s);
    case Mop.Lock: {
      const loc = locOf(m, arg(d, ins, 0), 'lock');
      const w = newestWrite(m, s, loc);
      return s[w] === 0 && s[w + 1] === 0 && rmwEnabled(m, s, cpu, loc, true) ? 1 : 0;
    }
    case Mop.ReadVa: return accessChoices(m, s, cpu, probeOf(m, arg(d, ins, 0)), false, dep);
    case Mop.WriteVa: return accessChoices(m, s, cpu, probeOf(m, arg(d, ins, 0)), true, dep);
    default: return 1;
  }
}

export function machineStep(d: KernelDriver, m: Machine, s: Int32Array, cpu: number, ins: Instr, choice: number): void {
  const dep = d.depView(ins.deps);
  const result = (v: bigint, view: number): void => {
    if (ins.dst >= 0) d.set(ins.dst, v, view);
  };
  switch (ins.mop!) {
    case Mop.Load: {
      load(m, s, cpu, readLoc(d, m, s, cpu, arg(d, ins, 0), dep, 'load'), dep, choice, false, rd);
      return result(joinDesc(rd.lo, rd.hi), rd.view);
    }
    case Mop.Store: {
      const [lo, hi] = splitDesc(arg(d, ins, 1));
      return store(m, s, cpu, locOf(m, arg(d, ins, 0), 'store'), lo, hi);
    }
    case Mop.Cmpxchg: {
      const [el, eh] = splitDesc(arg(d, ins, 1));
      const [nl, nh] = splitDesc(arg(d, ins, 2));
      cmpxchg(m, s, cpu, readLoc(d, m, s, cpu, arg(d, ins, 0), dep, 'cmpxchg'), dep, el, eh, nl, nh, ins.flag === 1, choice, rd);
      return result(joinDesc(rd.lo, rd.hi), rd.view);
    }
    case Mop.Xchg: {
      const [nl, nh] = splitDesc(arg(d, ins, 1));
      rmwWrite(m, s, cpu, locOf(m, arg(d, ins, 0), 'xchg'), dep, nl, nh, ins.flag === 1, rd);
      return result(joinDesc(rd.lo, rd.hi), rd.view);
    }
    case Mop.SetBit: case Mop.ClearBit: {
      const nr = arg(d, ins, 0);
      const bit = nr & 63n;
      const loc = locOf(m, arg(d, ins, 1) + (nr >> 6n) * 8n, 'bit operation'); // BIT_WORD(nr)
      const w = newestWrite(m, s, loc);
      const old = joinDesc(s[w]!, s[w + 1]!);
      const v = ins.mop === Mop.SetBit ? old | (1n << bit) : old & ~(1n << bit);
      const [nl, nh] = splitDesc(v);
      rmwWrite(m, s, cpu, loc, dep, nl, nh, ins.flag === 1, rd);
      return result((old >> bit) & 1n, rd.view);
    }
    case Mop.Dmb: return dmb(m, s, cpu, ins.flag!);
    case Mop.Dsb: return dsb(m, s, cpu, ins.flag!);
    case Mop.Isb: return isb(m, s, cpu);
    case Mop.Tlbi: {
      const start = arg(d, ins, 0) >> 12n;
      const end = (arg(d, ins, 1) + 4095n) >> 12n;
      const region = 1; // model code maintains kernel (TTBR1) mappings
      const pages = end > start ? Number(end - start) : 1;
      return tlbi(m, s, cpu, ins.flag! & 15, region, Number(start), (ins.flag! & 16) !== 0, pages);
    }
    case Mop.PteBarrier: return pteBarrier(m, s, cpu);
    case Mop.LazyEnter: return lazyEnter(m, s, cpu);
    case Mop.LazyLeave: return lazyLeave(m, s, cpu);
    case Mop.Alloc: {
      const f = alloc(m, s, cpu, ins.flag === 1, choice);
      return result(f < 0 ? (1n << 64n) - 1n : BigInt(m.framePa(f)), 0);
    }
    case Mop.Free: {
      const pa = arg(d, ins, 0);
      const f = m.frameOfPfn(Number(pa >> 12n));
      if (f < 0 || pa % 4096n !== 0n) throw new KernelError('model-error', `pagetable_free(${hex(pa)}): not a page-table frame`);
      return free(m, s, cpu, f);
    }
    case Mop.WriteTtbr: {
      const pa = arg(d, ins, 0);
      const f = pa === 0n ? -1 : m.frameOfPfn(Number(pa >> 12n));
      if (pa !== 0n && f < 0) throw new KernelError('model-error', `TTBR${ins.flag} write of ${hex(pa)}: not a page-table frame`);
      return writeTtbr(m, s, cpu, ins.flag!, f);
    }
    case Mop.Lock: {
      rmwWrite(m, s, cpu, locOf(m, arg(d, ins, 0), 'lock'), dep, 1, 0, true, rd);
      return;
    }
    case Mop.Unlock: return store(m, s, cpu, locOf(m, arg(d, ins, 0), 'unlock'), 0, 0, true);
    case Mop.ReadVa: case Mop.WriteVa: {
      const write = ins.mop === Mop.WriteVa;
      const [lo, hi] = write ? splitDesc(arg(d, ins, 1)) : [0, 0];
      const f = access(m, s, cpu, probeOf(m, arg(d, ins, 0)), write, dep, lo, hi, choice, rd, ar);
      if (f !== FAULT_NONE) return result(0n, 0); // the translation property reports faults
      return result(joinDesc(rd.lo, rd.hi), rd.view);
    }
  }
}
