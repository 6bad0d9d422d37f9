// Pointer provenance (memory.ts): a table allocated in the run is read by anyone but its
// allocator only through a pointer read from memory, so memory keeps for them no write
// older than the table's first published pointer. On random kernel-C programs that
// allocate, fill and publish tables (as descriptors or not, with or without barriers) and
// read or write them through pointers or made-up addresses, the compacted, reduced search
// reaches exactly the final memory and violation kinds of the brute-force enumerator on
// the machine that keeps every write (a made-up address is a model error in both).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bruteForce } from '../../src/explore/bruteForce.js';
import { explore } from '../../src/explore/dfs.js';
import { eagerSteps } from '../../src/explore/reduction.js';
import { CapacityError } from '../../src/machine/errors.js';
import { kernelSetup, linearMapOptions, memoryObserver, sameSet } from '../helpers/kernel.js';
import { withCaches } from '../helpers/randomPrograms.js';
import { globalPa } from '../helpers/kernelRun.js';
import { PROT_SECT_NORMAL } from '../../src/arch/arm64/bits.js';
import { FINAL_FUNCTION } from '../../src/lang/model.js';
import type { MachineOptions } from '../../src/machine/config.js';

const ROOT = 0x40000; // frame 0 (linearMapOptions: 3 levels x 4 entries, frames from PFN 64)
const FIRST_TABLE = 0x41000; // the frame the first allocation takes

const MODEL = `
unsigned long ptr, flag, r0, r1, r2, r3, r4;
#define SLOT(base, i) ((unsigned long *)((base) + 8 * (i)))
`;

const ROOT_SLOT = `*SLOT(0x${ROOT.toString(16)}UL, 1)`;

const PUBLISH = [`if (t) WRITE_ONCE(${ROOT_SLOT}, t | 3);`, 'if (t) WRITE_ONCE(ptr, t | 3);', 'if (t) WRITE_ONCE(ptr, t);'];
const READ_POINTER = [`p = READ_ONCE(${ROOT_SLOT}); if (!(p & 2)) p = 0;`, 'p = READ_ONCE(ptr);', 'p = READ_ONCE(ptr);'];

// The writer makes a table, fills some of it in any order, publishes a pointer to it
// somewhere among the fills (a table descriptor in the root, which walkers follow; one in a
// variable; or a bare address), then may order its stores and raise a flag.
const writer = fc.record({
  zeroed: fc.boolean(),
  fills: fc.shuffledSubarray(['if (t) WRITE_ONCE(*SLOT(t, 0), 0x11UL);', 'if (t) WRITE_ONCE(*SLOT(t, 1), 0x22UL);',
    'if (t) WRITE_ONCE(*SLOT(t, 1), 0x55UL);', 'if (t) r3 = READ_ONCE(*SLOT(t, 1));'], { minLength: 1, maxLength: 3 }),
  channel: fc.nat(2),
  at: fc.nat(4),
  barrier: fc.constantFrom('', 'smp_wmb();', 'dsb(ishst);'),
  flag: fc.boolean(),
});

// The reader reads the pointer (mostly where the writer put it), may read the flag (so a
// read through the pointer comes after the writes before the flag) and order its loads,
// then reads or writes the table through the pointer, or reads it at a made-up address.
const reader = fc.record({
  sameChannel: fc.nat(4),
  flag: fc.boolean(),
  rmb: fc.constantFrom('', '', 'smp_rmb();'),
  uses: fc.shuffledSubarray(['if (p) r0 = READ_ONCE(*SLOT(p & ~0xfffUL, 1)) + 1;', 'if (p) r1 = READ_ONCE(*SLOT(p & ~0xfffUL, 0)) + 1;',
    'if (p) WRITE_ONCE(*SLOT(p & ~0xfffUL, 1), 0x33UL);', 'if (p) r1 = cmpxchg_relaxed(SLOT(p & ~0xfffUL, 0), 0x11UL, 0x44UL);',
    `r2 = READ_ONCE(*SLOT(0x${FIRST_TABLE.toString(16)}UL, 1));`], { minLength: 1, maxLength: 2 }),
});

type Writer = typeof writer extends fc.Arbitrary<infer T> ? T : never;
type Reader = typeof reader extends fc.Arbitrary<infer T> ? T : never;

function writerCode(w: Writer): string[] {
  const body = [...w.fills];
  body.splice(Math.min(w.at, body.length), 0, PUBLISH[w.channel]!);
  return [`t = __ptmc_alloc_table(${w.zeroed ? 1 : 0}); if (t == ~0UL) t = 0;`, ...body, ...(w.barrier ? [w.barrier] : []), ...(w.flag ? ['WRITE_ONCE(flag, 1);'] : [])];
}

function readerCode(r: Reader, channel: number): string[] {
  const from = r.sameChannel === 0 ? 1 - Math.min(channel, 1) : Math.min(channel, 1);
  return [READ_POINTER[from]!, ...(r.flag ? ['r4 = READ_ONCE(flag);'] : []), ...(r.rmb ? [r.rmb] : []), ...r.uses];
}

// Mostly a writer and a reader; sometimes two writers, which race for the same frame.
const programs = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(writer, reader).map(([w, r]) => [writerCode(w), readerCode(r, w.channel)]) },
  { weight: 1, arbitrary: fc.tuple(writer, writer).map(([a, b]) => [writerCode(a), writerCode(b)]) },
);

function setup(cpus: readonly (readonly string[])[], compactMemory: boolean) {
  const model = MODEL + cpus.map((body, c) => `void cpu${c}(void) { unsigned long t = 0, p = 0; ${body.join(' ')} }\n`).join('');
  return kernelSetup(
    { files: ['/model.c'], memFiles: new Map([['/model.c', model]]), cpus: cpus.map((_, c) => `cpu${c}();`) },
    // The second CPU's walker follows the root's pointer (one walker keeps the plain machine small).
    linearMapOptions({ cpus: 2, memoryModel: 'relaxed', historyDepth: 8, storeBufferDepth: 8, probes: [{ va: 0x10000 }], walkers: [[false], [true]], compactMemory }),
  );
}

function agree(cpus: readonly (readonly string[])[]): boolean {
  const plain = setup(cpus, false);
  const compact = setup(cpus, true);
  let oracle;
  try {
    oracle = bruteForce(plain.session, { observe: withCaches(plain.session, memoryObserver(plain.session.m)), maxStates: 15_000 });
  } catch (e) {
    if (e instanceof CapacityError) return true;
    if (e instanceof Error && /more than/.test(e.message)) fc.pre(false);
    throw e;
  }
  const got = explore(compact.session, { observe: withCaches(compact.session, memoryObserver(compact.session.m)), keepGoing: true, reduction: eagerSteps(compact.driver) });
  return sameSet(oracle.finals, got.finals) && sameSet(new Set(oracle.violations.keys()), new Set(got.violations.keys()));
}

describe('pointer provenance', () => {
  it('changes no final state or violation kind (100 random kernel-C programs that make and publish tables)', () => {
    fc.assert(fc.property(programs, (p) => agree(p)), { numRuns: 100, seed: 0x9b0f });
  }, 900_000);

  it('still lets a reader see a table filled after its pointer was published without a barrier', () => {
    // CPU0's pointer may commit before its fill: CPU1 may read the zeroed slot through it (r0 = 1).
    const cpus = [['t = __ptmc_alloc_table(1); if (t == ~0UL) t = 0;', 'if (t) WRITE_ONCE(*SLOT(t, 1), 0x22UL);', 'if (t) WRITE_ONCE(ptr, t | 3);'],
      ['p = READ_ONCE(ptr);', 'if (p) r0 = READ_ONCE(*SLOT(p & ~0xfffUL, 1)) + 1;']];
    const finals = (compactMemory: boolean): Set<string> => {
      const k = setup(cpus, compactMemory);
      const r0 = k.session.m.dataLoc(globalPa(k, 'r0'));
      const got = explore(k.session, { observe: memoryObserver(k.session.m), reduction: eagerSteps(k.driver) });
      return new Set([...got.finals].map((f) => f.split(' ')[r0]!));
    };
    expect(finals(true)).toEqual(new Set(['0.0', '1.0', '35.0'])); // no pointer yet, the zeroed slot, 0x22
    expect(finals(false)).toEqual(finals(true));
  });

  it('keeps a zeroed slot readable through a pointer read before the fill, after the fill commits', () => {
    // CPU1 reads the pointer, then the flag CPU0 set after its fill (so the fill has
    // committed), then the slot through the pointer: its view is the pointer's, older
    // than the fill, so it may read the zeroed slot (r0 = 1 with r4 = 1).
    const cpus = [['t = __ptmc_alloc_table(1); if (t == ~0UL) t = 0;', 'if (t) WRITE_ONCE(ptr, t | 3);', 'if (t) WRITE_ONCE(*SLOT(t, 1), 0x22UL);', 'smp_wmb();', 'WRITE_ONCE(flag, 1);'],
      ['p = READ_ONCE(ptr);', 'r4 = READ_ONCE(flag);', 'if (p) r0 = READ_ONCE(*SLOT(p & ~0xfffUL, 1)) + 1;']];
    const outcomes = (compactMemory: boolean): Set<string> => {
      const k = setup(cpus, compactMemory);
      const r0 = k.session.m.dataLoc(globalPa(k, 'r0'));
      const r4 = k.session.m.dataLoc(globalPa(k, 'r4'));
      const got = explore(k.session, { observe: memoryObserver(k.session.m), reduction: eagerSteps(k.driver) });
      return new Set([...got.finals].map((f) => { const w = f.split(' '); return `r0=${w[r0]} r4=${w[r4]}`; }));
    };
    expect(outcomes(true)).toContain('r0=1.0 r4=1.0');
    expect(outcomes(true)).toEqual(outcomes(false));
  });

  // A review's programs: each lost an outcome (or changed a verdict) before its fix.
  const outcomes = (cpus: string[][], opts: MachineOptions, names: string[], final?: string): { plain: Set<string>; compact: Set<string> } => {
    const run = (compactMemory: boolean): Set<string> => {
      const model = MODEL + cpus.map((body, c) => `void cpu${c}(void) { unsigned long t = 0, p = 0; ${body.join(' ')} }\n`).join('');
      const k = kernelSetup({ files: ['/model.c'], memFiles: new Map([['/model.c', model]]), cpus: cpus.map((_, c) => `cpu${c}();`), ...(final ? { final } : {}) },
        linearMapOptions({ cpus: 2, memoryModel: 'relaxed', historyDepth: 8, storeBufferDepth: 8, ...opts, compactMemory }));
      const m = k.session.m;
      const locs = names.map((n) => m.dataLoc(globalPa(k, n)));
      const fn = final ? k.driver.program.named![FINAL_FUNCTION]! : -1;
      const observe = (st: Int32Array): string => {
        const w = memoryObserver(m)(st).split(' ');
        const f = fn < 0 ? '' : k.driver.runToEnd(m, st.slice(), 0, fn).map((v) => v.kind).join(',') || 'final ok';
        return names.map((n, i) => `${n}=${w[locs[i]!]}`).join(' ') + ' ' + f;
      };
      const r = compactMemory ? explore(k.session, { observe, keepGoing: true }) : bruteForce(k.session, { observe, maxStates: 200_000 });
      return new Set([...r.finals, ...[...r.violations.keys()].map((v) => `violation ${v}`)]);
    };
    return { plain: run(false), compact: run(true) };
  };
  const blockOverFrames = { frameInit: { 0: { init: 'zero' as const, content: [PROT_SECT_NORMAL, PROT_SECT_NORMAL | 0x40000n] } } };

  it('keeps a table frame readable as data by a CPU that translates (review)', () => {
    // VA 0x11000 maps the frame the allocation takes: CPU1 reads its slot 1 as data.
    const r = outcomes([
      ['t = __ptmc_alloc_table(1); if (t == ~0UL) t = 0;', 'if (t) WRITE_ONCE(*SLOT(t, 1), 0x22UL);', 'smp_wmb();', 'WRITE_ONCE(flag, 1);'],
      ['r4 = READ_ONCE(flag);', 'r0 = __ptmc_read_va(0x11008) + 1;'],
    ], { ...blockOverFrames, probes: [{ va: 0x11008 }], walkers: [[false], [false]] }, ['r0', 'r4']);
    expect(r.plain).toContain('r0=1.0 r4=1.0 ');
    expect(r.compact).toEqual(r.plain);
  });

  it('evaluates a final predicate at a fixed table address the same way with and without compaction (review)', () => {
    const r = outcomes([
      ['p = READ_ONCE(ptr);', 'smp_rmb();', 'if (p) r0 = READ_ONCE(*SLOT(p & ~0xfffUL, 1));'],
      ['t = __ptmc_alloc_table(1); if (t == ~0UL) t = 0;', 'if (t) WRITE_ONCE(*SLOT(t, 1), 0x22UL);', 'smp_wmb();', 'if (t) WRITE_ONCE(ptr, t | 3);'],
    ], { probes: [], walkers: [[], []] }, ['ptr'], `ptr == 0 || *SLOT(0x${FIRST_TABLE.toString(16)}UL, 1) == 0x22`);
    expect([...r.plain].some((f) => f.endsWith('final ok'))).toBe(true);
    expect(r.compact).toEqual(r.plain);
  });

  it('reports a made-up address of another CPU\'s table as a model error', () => {
    const cpus = [['t = __ptmc_alloc_table(1); if (t == ~0UL) t = 0;', 'if (t) WRITE_ONCE(ptr, t | 3);'],
      [`r2 = READ_ONCE(*SLOT(0x${FIRST_TABLE.toString(16)}UL, 1));`]];
    for (const compactMemory of [false, true]) {
      const k = setup(cpus, compactMemory);
      const r = explore(k.session, { keepGoing: true });
      expect(r.violations.get('model-error')?.violation.message).toMatch(/not read from a pointer/);
    }
  });

  it('stores fewer states when tables are published (the gain, printed)', () => {
    const cpus = [['t = __ptmc_alloc_table(0); if (t == ~0UL) t = 0;', 'if (t) WRITE_ONCE(*SLOT(t, 0), 0x11UL);', 'if (t) WRITE_ONCE(*SLOT(t, 1), 0x22UL);', 'smp_wmb();', 'if (t) WRITE_ONCE(ptr, t | 3);'],
      ['p = READ_ONCE(ptr);', 'smp_rmb();', 'if (p) r0 = READ_ONCE(*SLOT(p & ~0xfffUL, 1));', 'if (p) WRITE_ONCE(*SLOT(p & ~0xfffUL, 1), 0x33UL);']];
    const run = (provenance: boolean) => {
      const k = setup(cpus, true);
      k.session.m.tableProvenance = provenance;
      return explore(k.session, { observe: memoryObserver(k.session.m), reduction: eagerSteps(k.driver) });
    };
    const without = run(false);
    const withIt = run(true);
    console.log(`pointer provenance: ${without.states} -> ${withIt.states} states`);
    expect(withIt.finals).toEqual(without.finals);
    expect(withIt.states).toBeLessThan(without.states);
  });
});
