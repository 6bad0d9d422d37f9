// Each rule of DESIGN.md's "Machine semantics" with a small program that must pass or
// must fail because of it, checked by the brute-force enumerator over every interleaving.

import { describe, expect, it } from 'vitest';
import { MT_NORMAL_NC, PTE_ATTRINDX, PTE_CONT, PTE_RDONLY } from '../../src/arch/arm64/bits.js';
import type { BbmLevel } from '../../src/machine/config.js';
import { DMB_ST, DSB_FULL, DSB_ST } from '../../src/machine/cpu.js';
import type { Op, Program } from '../../src/machine/program.js';
import { TLBI_VA, TLBI_VA_LAST, tlbiPending } from '../../src/machine/tlbi.js';
import { tlbBase, wcBase } from '../../src/machine/tlb.js';
import {
  block, FLAG_PA, PA_A, PA_B, page, ROOT0, ruleOptions, runRule, table,
} from '../helpers/ruleMachine.js';

const LEVELS: readonly BbmLevel[] = ['0', '2', '2-noabort'];
/** Normal non-cacheable instead of Normal (MT_NORMAL is AttrIndx 0): a memory-attribute change. */
const NC = PTE_ATTRINDX(MT_NORMAL_NC);
/** CPU1's walker only: CPU0 runs the update, CPU1 translates. */
const CPU1_WALKS = [[false], [true]];
/** Fill a table (frame in register 0) with pages for base..base+0x3fff. */
const fillPages = (base: number): Op[] =>
  [0, 1, 2, 3].map((i): Op => ({ op: 'store', loc: { frameReg: 0, index: i }, val: page(base + i * 0x1000) }));
/** A TLBI by VA for probe 0, broadcast. */
const tlbi = (kind: number): Op => ({ op: 'tlbi', kind, probe: 0 });
const dsb = (kind: number): Op => ({ op: 'dsb', kind });

describe('torn-walk: a new table must be initialised before it is published', () => {
  // VA 0 is unmapped; CPU0 builds a level-3 table in a non-zeroed frame and hooks it in.
  const opts = ruleOptions(0n, { walkers: CPU1_WALKS });
  const build = (barrier: Op[]): Program => [[
    { op: 'alloc', dst: 0, zeroed: false },
    ...fillPages(PA_A),
    ...barrier,
    { op: 'store', loc: ROOT0, val: { table: 0 } },
  ]];

  it('without a barrier another CPU walker can read an uninitialised slot', () => {
    const r = runRule(opts, build([]), ['torn-walk']);
    expect(r.kinds).toContain('torn-walk');
  });
  it('dsb(ishst) between filling and publishing: no torn walk', () => {
    expect(runRule(opts, build([dsb(DSB_ST)]), ['torn-walk']).kinds.size).toBe(0);
  });
  it('smp_wmb (dmb ishst) between filling and publishing: no torn walk', () => {
    expect(runRule(opts, build([{ op: 'dmb', kind: DMB_ST }]), ['torn-walk']).kinds.size).toBe(0);
  });
  it('a zeroed frame published without a barrier is not torn (zero is an invalid entry)', () => {
    const zeroed: Program = [[{ op: 'alloc', dst: 0, zeroed: true }, ...fillPages(PA_A), { op: 'store', loc: ROOT0, val: { table: 0 } }]];
    expect(runRule(opts, zeroed, ['torn-walk']).kinds.size).toBe(0);
  });
});

describe('bbm: break-before-make per VA', () => {
  // Probes at the first and third page of the 16 KiB block, so per-page OAs are compared.
  const opts = (bbm: BbmLevel) => ruleOptions(block(PA_A), { bbm, probes: [{ va: 0x0 }, { va: 0x2000 }], walksPerWalker: 0 });
  /** Replace the block at ROOT0 by a table of pages starting at base (filled, dsb'd, then hooked). */
  const splitTo = (base: number): Program => [[
    { op: 'alloc', dst: 0 }, ...fillPages(base), dsb(DSB_ST), { op: 'store', loc: ROOT0, val: { table: 0 } },
  ]];
  const replace = (v: bigint): Program => [[{ op: 'store', loc: ROOT0, val: v }]];

  it("a block split into a table of the same translations is a size change: bbm at '0' and '2'", () => {
    for (const level of ['0', '2'] as const) {
      const r = runRule(opts(level), splitTo(PA_A), ['bbm']);
      expect(r.kinds, level).toContain('bbm');
      expect(r.violations.get('bbm')!.message, level).toMatch(/size changed/);
    }
  });
  it("the same split is allowed at '2-noabort' (not an output-address change)", () => {
    expect(runRule(opts('2-noabort'), splitTo(PA_A), ['bbm']).kinds.size).toBe(0);
  });
  it('a valid->valid output-address change is a bbm violation at every level', () => {
    for (const level of LEVELS) {
      const r = runRule(opts(level), replace(block(PA_B)), ['bbm']);
      expect(r.kinds, level).toContain('bbm');
      expect(r.violations.get('bbm')!.message, level).toMatch(/output address/);
    }
  });
  it('a split into pages at other addresses is an output-address change at every level', () => {
    for (const level of LEVELS) expect(runRule(opts(level), splitTo(PA_B), ['bbm']).kinds, level).toContain('bbm');
  });
  it('a valid->valid memory-attribute change (Normal -> Normal-NC) is a bbm violation at every level', () => {
    for (const level of LEVELS) expect(runRule(opts(level), replace(block(PA_A, NC)), ['bbm']).kinds, level).toContain('bbm');
  });
  it('a permission-only change (PTE_RDONLY) is never a bbm violation', () => {
    for (const level of LEVELS) expect(runRule(opts(level), replace(block(PA_A, PTE_RDONLY)), ['bbm']).kinds.size, level).toBe(0);
  });

  // With CPU1's walker on, so the entry is also live through walks in flight.
  const live = ruleOptions(block(PA_A), { bbm: '0', walkers: CPU1_WALKS });
  it('a complete break (invalid, dsb, TLBI, dsb) then make is not a violation', () => {
    const p: Program = [[
      { op: 'store', loc: ROOT0, val: 0n }, dsb(DSB_FULL), tlbi(TLBI_VA), dsb(DSB_FULL),
      { op: 'store', loc: ROOT0, val: block(PA_B) },
    ]];
    expect(runRule(live, p, ['bbm']).kinds.size).toBe(0);
  });
  it('making the new entry before the TLBI and its dsb is a violation', () => {
    const p: Program = [[
      { op: 'store', loc: ROOT0, val: 0n }, dsb(DSB_FULL),
      { op: 'store', loc: ROOT0, val: block(PA_B) }, tlbi(TLBI_VA), dsb(DSB_FULL),
    ]];
    expect(runRule(live, p, ['bbm']).kinds).toContain('bbm');
  });
  it('making the new entry after the TLBI but before the dsb that completes it is a violation', () => {
    const p: Program = [[
      { op: 'store', loc: ROOT0, val: 0n }, dsb(DSB_FULL), tlbi(TLBI_VA),
      { op: 'store', loc: ROOT0, val: block(PA_B) }, dsb(DSB_FULL),
    ]];
    expect(runRule(live, p, ['bbm']).kinds).toContain('bbm');
  });
  it('dsb(ishst) after the TLBI does not complete the break', () => {
    const p: Program = [[
      { op: 'store', loc: ROOT0, val: 0n }, dsb(DSB_FULL), tlbi(TLBI_VA), dsb(DSB_ST),
      { op: 'store', loc: ROOT0, val: block(PA_B) },
    ]];
    expect(runRule(live, p, ['bbm']).kinds).toContain('bbm');
  });
  it('a TLBI for a VA the entry does not map does not complete the break', () => {
    const two = ruleOptions(block(PA_A), { bbm: '0', walkers: [[false, false], [true, false]], probes: [{ va: 0x0 }, { va: 0x4000 }] });
    const p: Program = [[
      { op: 'store', loc: ROOT0, val: 0n }, dsb(DSB_FULL), { op: 'tlbi', kind: TLBI_VA, probe: 1 }, dsb(DSB_FULL),
      { op: 'store', loc: ROOT0, val: block(PA_B) },
    ]];
    expect(runRule(two, p, ['bbm']).kinds).toContain('bbm');
  });
  it('a local (non-IS) TLBI does not complete the break while another CPU may cache the entry', () => {
    // CPU1's TLB may keep the old block: with walksPerWalker 2 a tlb-conflict on CPU1 is
    // reachable, so the break was not complete and the make must be a bbm violation.
    const p: Program = [[
      { op: 'store', loc: ROOT0, val: 0n }, dsb(DSB_FULL), { op: 'tlbi', kind: TLBI_VA, probe: 0, broadcast: false }, dsb(DSB_FULL),
      { op: 'store', loc: ROOT0, val: block(PA_B) },
    ]];
    expect(runRule({ ...live, walksPerWalker: 2 }, p, ['tlb-conflict']).kinds).toContain('tlb-conflict');
    expect(runRule(live, p, ['bbm']).kinds).toContain('bbm');
  });

  // VA 0 mapped through a level-3 table (frame 1) that CPU1's walker may hold in its walk cache.
  const viaTable = ruleOptions(table(1), { bbm: '0', walkers: CPU1_WALKS, frameInit: { 1: { init: 'zero', content: [page(PA_A)] } } });
  const unhook = (kind: number): Op[] => [{ op: 'store', loc: ROOT0, val: 0n }, dsb(DSB_FULL), tlbi(kind), dsb(DSB_FULL)];
  it('breaking a table entry with a last-level TLBI is incomplete (walk caches keep it)', () => {
    const make: Op = { op: 'store', loc: ROOT0, val: block(PA_B) };
    expect(runRule(viaTable, [[...unhook(TLBI_VA_LAST), make]], ['bbm']).kinds).toContain('bbm');
    expect(runRule(viaTable, [[...unhook(TLBI_VA), make]], ['bbm']).kinds.size).toBe(0);
  });
  it('an unhooked table still in a walk cache is live: remapping its page needs a break', () => {
    const remap: Op = { op: 'store', loc: { frame: 1, index: 0 }, val: page(PA_B) };
    expect(runRule(viaTable, [[...unhook(TLBI_VA_LAST), remap]], ['bbm']).kinds).toContain('bbm');
    expect(runRule(viaTable, [[...unhook(TLBI_VA), remap]], ['bbm']).kinds.size).toBe(0);
  });
});

describe('tlb-conflict: two TLB entries for one VA', () => {
  // CPU1's walker walks VA 0 twice: once over the block, once over what replaced it. Only
  // the tlb-conflict property is on, so the (deliberately missing) break is not reported.
  const opts = (bbm: BbmLevel) => ruleOptions(block(PA_A), { bbm, walkers: CPU1_WALKS, walksPerWalker: 2 });
  const splitTo = (base: number): Program => [[
    { op: 'alloc', dst: 0 }, ...fillPages(base), dsb(DSB_ST), { op: 'store', loc: ROOT0, val: { table: 0 } },
  ]];
  const kinds = (bbm: BbmLevel, p: Program) => [...runRule(opts(bbm), p, ['tlb-conflict']).kinds].sort();

  it("block + page with the same OA and attributes: 'tlb-conflict' at '0'", () => {
    expect(kinds('0', splitTo(PA_A))).toEqual(['tlb-conflict']);
  });
  it("... 'tlb-conflict-abort' at '2'", () => {
    expect(kinds('2', splitTo(PA_A))).toEqual(['tlb-conflict-abort']);
  });
  it("... nothing at '2-noabort'", () => {
    expect(kinds('2-noabort', splitTo(PA_A))).toEqual([]);
  });
  it("block + page with different output addresses: 'tlb-conflict' at every level", () => {
    for (const level of LEVELS) expect(kinds(level, splitTo(PA_B)), level).toEqual(['tlb-conflict']);
  });
  it("two blocks with different output addresses: 'tlb-conflict' at every level", () => {
    for (const level of LEVELS) expect(kinds(level, [[{ op: 'store', loc: ROOT0, val: block(PA_B) }]]), level).toEqual(['tlb-conflict']);
  });
  it('a page and a Cont page with the same OA differ only in size', () => {
    // Slots 0-1 of a level-3 table form a contiguous pair (contPtes 2); setting Cont on slot 0
    // lets a walk fill one 8 KiB entry over the 4 KiB one already in the TLB.
    const cont = (bbm: BbmLevel) => ruleOptions(table(1), {
      bbm, walkers: CPU1_WALKS, walksPerWalker: 2,
      frameInit: { 1: { init: 'zero', content: [page(PA_A), page(PA_A + 0x1000)] } },
    });
    const p: Program = [[{ op: 'store', loc: { frame: 1, index: 0 }, val: page(PA_A, PTE_CONT) }]];
    const k = (bbm: BbmLevel) => [...runRule(cont(bbm), p, ['tlb-conflict']).kinds];
    expect(k('0')).toEqual(['tlb-conflict']);
    expect(k('2')).toEqual(['tlb-conflict-abort']);
    expect(k('2-noabort')).toEqual([]);
  });
  it("two blocks with different memory attributes: 'tlb-conflict' at every level", () => {
    for (const level of LEVELS) expect(kinds(level, [[{ op: 'store', loc: ROOT0, val: block(PA_A, NC) }]]), level).toEqual(['tlb-conflict']);
  });
  it('a permission-only difference is stale, not a conflict', () => {
    expect(kinds('0', [[{ op: 'store', loc: ROOT0, val: block(PA_A, PTE_RDONLY) }]])).toEqual([]);
  });
});

describe('dsb(ishst) does not complete a TLBI; dsb(ish) does', () => {
  it('one CPU: after tlbi; dsb(ishst) the TLBI can still be pending, after dsb(ish) never', () => {
    const pending = (kind: number) =>
      runRule(ruleOptions(block(PA_A), { cpus: 1, walksPerWalker: 0 }), [[tlbi(TLBI_VA), dsb(kind)]], [], {
        observe: ({ m, s }) => String(tlbiPending(m, s, 0)),
      }).finals;
    expect([...pending(DSB_ST)].sort()).toEqual(['0', '1']);
    expect([...pending(DSB_FULL)]).toEqual(['0']);
  });

  // CPU0 unmaps VA 0 (invalid, dsb, TLBI) then sets a flag after dsb(ishst) or dsb(ish).
  // CPU1 reads the flag, then VA 0 with an address dependency on it: seeing the flag and
  // still translating (through its stale TLB entry) needs the TLBI not yet complete on CPU1.
  const mp = (kind: number): Program => [
    [{ op: 'store', loc: ROOT0, val: 0n }, dsb(DSB_FULL), tlbi(TLBI_VA), dsb(kind), { op: 'store', loc: { pa: FLAG_PA }, val: 1n }],
    [{ op: 'load', loc: { pa: FLAG_PA }, dst: 2 }, { op: 'loadVA', probe: 0, dst: 4, dep: 2 }],
  ];
  const outcomes = (kind: number) =>
    runRule(ruleOptions(block(PA_A), { dataWords: [FLAG_PA], walkers: CPU1_WALKS }), mp(kind), [], {
      observe: ({ m, driver, s }) => `flag=${driver.reg(m, s, 1, 2)} fault=${driver.fault(m, s, 1).kind !== 0}`,
    }).finals;

  it('with dsb(ishst) CPU1 can see the flag and still use the stale translation', () => {
    expect(outcomes(DSB_ST)).toContain('flag=1 fault=false');
  });
  it('with dsb(ish) seeing the flag means the translation is gone', () => {
    const f = outcomes(DSB_FULL);
    expect(f).toContain('flag=1 fault=true'); // the flag is observable at all
    expect(f).not.toContain('flag=1 fault=false');
  });
});

describe('TLBI scope: last-level TLBIs leave walk-cache entries', () => {
  // VA 0 is mapped through a level-3 table (frame 1). CPU1's walker may cache the level-2
  // table entry; CPU0 unhooks the table, then TLBIs. After the TLBI completes CPU1's walks
  // see the invalid entry, so a walk-cache entry left at the end predates the TLBI. Two
  // walks: one before the TLBI fills the walk cache, one after refills the TLB through it.
  const opts = ruleOptions(table(1), {
    walkers: CPU1_WALKS,
    walksPerWalker: 2,
    frameInit: { 1: { init: 'zero', content: [page(PA_A)] } },
  });
  const wcTlb = (kind: number) =>
    runRule(opts, [[{ op: 'store', loc: ROOT0, val: 0n }, dsb(DSB_FULL), tlbi(kind), dsb(DSB_FULL)]], [], {
      observe: ({ m, s }) => `wc=${s[wcBase(m, 1)]} tlb=${s[tlbBase(m, 1)]}`,
    }).finals;

  it('TLBI_VA_LAST (vaale1is) leaves the walk-cache entry', () => {
    const f = wcTlb(TLBI_VA_LAST);
    expect(f).toContain('wc=1 tlb=0');
    // A walk after the TLBI, through the kept entry, refills the TLB from the unhooked table.
    expect(f).toContain('wc=1 tlb=1');
  });
  it('TLBI_VA (vaae1is) removes the walk-cache entry, so nothing can be refilled', () => {
    expect([...wcTlb(TLBI_VA)]).toEqual(['wc=0 tlb=0']);
  });
});

describe('walk-after-free: a freed table reached through a walk cache', () => {
  const opts = ruleOptions(table(1), {
    walkers: CPU1_WALKS,
    walksPerWalker: 2,
    frameInit: { 1: { init: 'zero', content: [page(PA_A)] } },
  });
  const unhookAndFree = (kind: number): Program => [[
    { op: 'store', loc: ROOT0, val: 0n }, dsb(DSB_FULL), tlbi(kind), dsb(DSB_FULL), { op: 'free', frame: 1 },
  ]];

  it('with a last-level TLBI the walker can walk into the freed frame', () => {
    expect(runRule(opts, unhookAndFree(TLBI_VA_LAST), ['walk-after-free']).kinds).toContain('walk-after-free');
  });
  it('with an all-levels TLBI it cannot', () => {
    expect(runRule(opts, unhookAndFree(TLBI_VA), ['walk-after-free']).kinds.size).toBe(0);
  });
});

describe('translation: expected mappings', () => {
  const opts = ruleOptions(block(PA_A), { walkers: CPU1_WALKS });
  const params = { translation: { mapped: [{ probe: 0, pa: PA_A }], never: [] } };

  it('a walker that finds the VA invalid during a break is a translation violation', () => {
    const p: Program = [[
      { op: 'store', loc: ROOT0, val: 0n }, dsb(DSB_FULL), tlbi(TLBI_VA), dsb(DSB_FULL),
      { op: 'store', loc: ROOT0, val: block(PA_A) },
    ]];
    expect(runRule(opts, p, ['translation'], { params }).kinds).toContain('translation');
  });
  it('a permission-only change keeps the VA mapped: no violation', () => {
    const p: Program = [[{ op: 'store', loc: ROOT0, val: block(PA_A, PTE_RDONLY) }]];
    expect(runRule(opts, p, ['translation'], { params }).kinds.size).toBe(0);
  });
  it('a remap to another PA is a translation violation', () => {
    const p: Program = [[{ op: 'store', loc: ROOT0, val: block(PA_B) }]];
    expect(runRule(opts, p, ['translation'], { params }).kinds).toContain('translation');
  });
});

describe('leak: allocated frames must be linked or freed by the end', () => {
  const opts = ruleOptions(0n, { probes: [], cpus: 1 });
  it('an allocated frame never linked leaks', () => {
    expect(runRule(opts, [[{ op: 'alloc', dst: 0 }]], ['leak']).kinds).toContain('leak');
  });
  it('a linked frame does not', () => {
    expect(runRule(opts, [[{ op: 'alloc', dst: 0 }, { op: 'store', loc: ROOT0, val: { table: 0 } }]], ['leak']).kinds.size).toBe(0);
  });
  it('a freed frame does not', () => {
    expect(runRule(opts, [[{ op: 'alloc', dst: 0 }, { op: 'free', frame: { reg: 0 } }]], ['leak']).kinds.size).toBe(0);
  });
  it('a frame linked and then unlinked leaks', () => {
    const p: Program = [[{ op: 'alloc', dst: 0 }, { op: 'store', loc: ROOT0, val: { table: 0 } }, { op: 'store', loc: ROOT0, val: 0n }]];
    expect(runRule(opts, p, ['leak']).kinds).toContain('leak');
  });
});

describe('walks from a TTBR written after dsb(ishst); isb see the CPU\'s earlier stores', () => {
  // Frame 1 holds junk (a valid block at its slot 0); CPU0 clears it and installs it as
  // TTBR0 (seed 002's reserved TTBR0). VA 0 through TTBR0 must never translate.
  const opts = ruleOptions(0n, {
    cpus: 1, probes: [{ va: 0x0, ttbr: 0 }], walksPerWalker: 1,
    frameInit: { 1: { init: 'zero', content: [block(PA_A)] } },
  });
  const install = (barrier: Op[]): Program => [[
    { op: 'store', loc: { frame: 1, index: 0 }, val: 0n }, ...barrier, { op: 'ttbr', region: 0, frame: 1 }, { op: 'isb' },
  ]];
  const never = { params: { translation: { mapped: [], never: [0] } } };
  it('without a barrier the walker can fill the TLB from the junk', () => {
    expect(runRule(opts, install([]), ['translation'], never).kinds).toContain('translation');
  });
  it('dsb(ishst); isb before the TTBR write: no walk from the new root reads the junk', () => {
    expect(runRule(opts, install([dsb(DSB_ST), { op: 'isb' }]), ['translation'], never).kinds.size).toBe(0);
  });
  it('dsb(ishst) alone: the TTBR write waited for the dsb, so walks from the new root see the zeroing', () => {
    expect(runRule(opts, install([dsb(DSB_ST)]), ['translation'], never).kinds.size).toBe(0);
  });
  it('...but only the dsb before the TTBR write: STR after it, then DSB, may still be missed by an early walk', () => {
    // TTBR0 = frame 1 first, then the store and a dsb, then an access (no walker): the
    // access's walk through the pending root may have run before the store completed (Arm:
    // the walk is done early, as in SameT-dsb), so it may still use the junk block.
    const off = { ...opts, walkers: [[false]] };
    const p: Program = [[{ op: 'ttbr', region: 0, frame: 1 }, { op: 'store', loc: { frame: 1, index: 0 }, val: 0n }, dsb(DSB_ST), { op: 'loadVA', probe: 0, dst: 0 }]];
    const r = runRule(off, p, [], { observe: ({ m, driver, s }) => `fault=${driver.fault(m, s, 0).kind !== 0 ? 1 : 0}` });
    expect(r.finals).toContain('fault=0');
  });
  it('...but not another CPU\'s stores that the dsb does not make visible (own writes only)', () => {
    // CPU1 clears the junk; CPU0 reads the cleared slot, makes a store of its own, dsb(ishst),
    // and installs the frame. CPU0's dsb view is past CPU1's clear (its store commits after
    // the read), but a walk from the new root may still read the junk: the clear is not
    // CPU0's store, and its load orders nothing for its walker.
    const two = ruleOptions(0n, {
      cpus: 2, probes: [{ va: 0x0, ttbr: 0 }], walksPerWalker: 1, walkers: [[true], [false]],
      frameInit: { 1: { init: 'zero', content: [block(PA_A)] } },
    });
    const p: Program = [
      [{ op: 'load', loc: { frame: 1, index: 0 }, dst: 0 }, { op: 'store', loc: { frame: 1, index: 1 }, val: 0n }, dsb(DSB_ST), { op: 'ttbr', region: 0, frame: 1 }],
      [{ op: 'store', loc: { frame: 1, index: 0 }, val: 0n }],
    ];
    // Final states as "what CPU0 read : CPU0's TLB entries": it read the clear (0) and still filled from the junk.
    const r = runRule(two, p, [], { observe: ({ m, driver, s }) => `${driver.reg(m, s, 0, 0)}:${s[tlbBase(m, 0)]}` });
    expect(r.finals).toContain('0:1');
  });
});
