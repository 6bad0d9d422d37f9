// Random small machine programs for the reduction tests: 2-3 CPUs doing loads, stores,
// cmpxchg, barriers, TLBIs, isb, TTBR writes, alloc/free and lazy mode on a few
// descriptors and data words, with walkers on two VAs.

import fc from 'fast-check';
import { PAGE_KERNEL } from '../../src/arch/arm64/bits.js';
import { makeProperties } from '../../src/check/index.js';
import { resolveMachineConfig, type MachineOptions } from '../../src/machine/config.js';
import { DMB_FULL, DMB_LD, DMB_ST, DSB_FULL, DSB_ST } from '../../src/machine/cpu.js';
import { TLB_ENTRY, WC_ENTRY } from '../../src/machine/layout.js';
import { newestWrite } from '../../src/machine/memory.js';
import { tlbBase, wcBase, W_VIEW } from '../../src/machine/tlb.js';
import { ProgramDriver, type Op, type Program } from '../../src/machine/program.js';
import { TLBI_ALL, TLBI_VA, TLBI_VA_LAST } from '../../src/machine/tlbi.js';
import { Session } from '../../src/explore/session.js';

const D0 = 0x20000;
const D1 = 0x21000;
const page = (pa: number): bigint => BigInt(pa) | PAGE_KERNEL;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('store' as const), loc: fc.constantFrom({ frame: 1, index: 0 }, { frame: 1, index: 1 }), val: fc.constantFrom(0n, page(D0), page(D1)) }),
  fc.record({ op: fc.constant('store' as const), loc: fc.constantFrom({ pa: D0 }, { pa: D1 }), val: fc.constantFrom(1n, 2n) }),
  fc.record({ op: fc.constant('load' as const), loc: fc.constantFrom({ pa: D0 }, { pa: D1 }, { frame: 1, index: 0 }), dst: fc.constantFrom(0, 1), dep: fc.constantFrom(undefined, 0, 1) })
    .map((o) => (o.dep === undefined ? { op: o.op, loc: o.loc, dst: o.dst } : o) as Op),
  fc.record({ op: fc.constant('cmpxchg' as const), loc: fc.constant({ pa: D0 }), expect: fc.constant(0n), val: fc.constant(3n), dst: fc.constant(2), ordered: fc.boolean() }),
  fc.record({ op: fc.constant('dmb' as const), kind: fc.constantFrom(DMB_ST, DMB_LD, DMB_FULL) }),
  fc.record({ op: fc.constant('dsb' as const), kind: fc.constantFrom(DSB_ST, DSB_FULL) }),
  fc.constant({ op: 'isb' as const }),
  fc.record({ op: fc.constant('tlbi' as const), kind: fc.constantFrom(TLBI_VA, TLBI_VA_LAST, TLBI_ALL), probe: fc.constantFrom(0, 1), broadcast: fc.boolean() }),
  fc.record({ op: fc.constant('loadVA' as const), probe: fc.constantFrom(0, 1), dst: fc.constant(3) }),
  fc.constant({ op: 'ttbr' as const, region: 1 as const, frame: 0 }),
  fc.constantFrom<Op[]>(
    [{ op: 'alloc', dst: 4, zeroed: false }, { op: 'free', frame: { reg: 4 } }],
    [{ op: 'alloc', dst: 4, zeroed: true }, { op: 'store', loc: { frame: 0, index: 1 }, val: { table: 4 } }],
    // Replace or unhook the table VA 0 walks through (walks read it at level 1).
    [{ op: 'alloc', dst: 4, zeroed: true }, { op: 'store', loc: { frame: 0, index: 0 }, val: { table: 4 } }],
    [{ op: 'store', loc: { frame: 0, index: 0 }, val: 0n }],
    [{ op: 'lazyEnter' }, { op: 'pteBarrier' }, { op: 'lazyLeave' }],
  ).map((ops) => ops) as unknown as fc.Arbitrary<Op>,
);

/** Flatten the op groups (alloc/free, lazy mode) that opArb yields as arrays. */
function flat(ops: (Op | Op[])[]): Op[] {
  return ops.flatMap((o) => (Array.isArray(o) ? o : [o]));
}

export const programArb: fc.Arbitrary<Program> = fc
  .array(fc.array(opArb as fc.Arbitrary<Op | Op[]>, { minLength: 1, maxLength: 2 }), { minLength: 2, maxLength: 3 })
  .map((cpus) => cpus.map((ops) => flat(ops)))
  .filter((p) => p.reduce((n, ops) => n + ops.length, 0) <= 4);

export const RANDOM_PROPERTIES = ['tlb-conflict', 'bbm', 'torn-walk', 'walk-after-free', 'leak'] as const;

/** A session for program; props: every property of RANDOM_PROPERTIES, none, or the ones named. */
export function randomSession(
  program: Program, props: boolean | readonly (typeof RANDOM_PROPERTIES)[number][] = true, extra: MachineOptions = {},
): { session: Session; driver: ProgramDriver } {
  const cfg = resolveMachineConfig({
    geometry: { levels: 2, entries: 4 },
    cpus: program.length,
    frames: 4,
    frameInit: { 0: { init: 'zero', content: [BigInt(17 * 4096) | 3n] }, 1: { init: 'zero', content: [page(D0)] } },
    framePfnBase: 16,
    dataWords: [D0, D1],
    probes: [{ va: 0x0 }, { va: 0x1000 }],
    ttbr1: 0,
    walksPerWalker: 1,
    // Every CPU's walker walks VA 0; VA 0x1000 is reached by accesses only (keeps the oracle small).
    walkers: program.map(() => [true, false]),
    historyDepth: 6,
    bbm: '0',
    ...extra,
  });
  const driver = new ProgramDriver(program, cfg.cpus);
  const names = props === true ? RANDOM_PROPERTIES : props === false ? [] : props;
  return { session: new Session(cfg, driver, makeProperties(cfg, [...names])), driver };
}

/** What a final state shows: each CPU's registers and fault, and the newest value of every location. */
export function observer(session: Session, driver: ProgramDriver): (s: Int32Array) => string {
  const m = session.m;
  return (s) => {
    const parts: string[] = [];
    for (let c = 0; c < m.layout.cpus; c++) {
      const regs = [0, 1, 2, 3, 4].map((r) => driver.reg(m, s, c, r).toString(16));
      parts.push(`${regs.join(',')}/${driver.fault(m, s, c).kind}`);
    }
    for (let l = 0; l < m.layout.locs; l++) {
      const w = newestWrite(m, s, l);
      parts.push(`${s[w]}.${s[w + 1]}`);
    }
    return parts.join(' ');
  };
}

/** `base` plus every CPU's TLB and walk cache: what later translations could still use. */
export function withCaches(session: Session, base: (s: Int32Array) => string): (s: Int32Array) => string {
  const m = session.m;
  return (s) => {
    const parts = [base(s)];
    for (let c = 0; c < m.layout.cpus; c++) {
      const b = tlbBase(m, c);
      const w = wcBase(m, c);
      parts.push(Array.from(s.subarray(b, b + 1 + s[b]! * TLB_ENTRY)).join(','));
      // A walk-cache entry without its view: timestamps are numbered differently by compaction.
      for (let i = 0; i < s[w]!; i++) parts.push(Array.from(s.subarray(w + 1 + i * WC_ENTRY, w + 1 + i * WC_ENTRY + W_VIEW)).join(','));
    }
    return parts.join(' | ');
  };
}
