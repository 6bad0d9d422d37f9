// The builtins' machine effects: each kernel-C builtin (and the prelude's kernel API built
// on them) run alone on a 1-CPU machine, checked on the events each step produced and on
// the machine state after it.

import { describe, expect, it } from 'vitest';
import { DESCRIPTOR_NAMES, PROT_SECT_NORMAL } from '../../src/arch/arm64/bits.js';
import type { MachineOptions } from '../../src/machine/config.js';
import { DMB_FULL, DMB_LD, DMB_ST, DSB_FULL, DSB_NSH, DSB_ST, sbCount } from '../../src/machine/cpu.js';
import { Ev, type MachineEvent } from '../../src/machine/events.js';
import { C_LAZY, C_LAZY_PENDING, C_TTBR, C_TTBR_PENDING, W_UNINIT } from '../../src/machine/layout.js';
import { FRAME_FREED, FRAME_USED } from '../../src/machine/machine.js';
import { newestWrite } from '../../src/machine/memory.js';
import { ttbrFrame } from '../../src/machine/sys.js';
import { TLBI_ALL, TLBI_VA, TLBI_VA_LAST, tlbiPending } from '../../src/machine/tlbi.js';
import { A_COMMIT, A_PROG, A_TLBI } from '../../src/machine/transitions.js';
import type { KernelSetup } from '../helpers/kernel.js';
import {
  enabledActions, globalPa, globalValue, locValue, MODEL_FILE, runRecorded, setupModel, type RunResult, type StepRecord,
} from '../helpers/kernelRun.js';

/** pfn_pte(5, PAGE_KERNEL), as the kernel computes it. */
const PTE5 = (5n << 12n) | DESCRIPTOR_NAMES.PAGE_KERNEL!;
const GLOBALS = 'unsigned long r0, r1, r2, r3, r4, r5, r6;\n';
/** Frame 1 starts in use, zeroed: a PTE table the models write through PTEP. */
const PTEP_DEFS = '#define PTEP ((pte_t *)(swapper_pg_dir + PAGE_SIZE))\n';

function machine(extra: MachineOptions = {}): MachineOptions {
  return { frameInit: { 0: { init: 'zero', content: [PROT_SECT_NORMAL] }, 1: { init: 'zero' } }, ...extra };
}

interface Run extends RunResult {
  setup: KernelSetup;
  g: (name: string) => bigint;
  /** Machine location of PTE slot i of frame 1. */
  ptLoc: (i: number) => number;
}

function run(body: string, opts: MachineOptions = {}, choose?: (step: number, ways: number) => number): Run {
  const setup = setupModel(GLOBALS + PTEP_DEFS + body, 't();', machine(opts));
  const r = runRecorded(setup, choose);
  return {
    ...r,
    setup,
    g: (name) => globalValue(setup, r.state, name),
    ptLoc: (i) => setup.session.m.layout.entries + i,
  };
}

const allEvents = (r: RunResult): MachineEvent[] => r.steps.flatMap((s) => s.events);
const kinds = (evs: readonly MachineEvent[]): Ev[] => evs.map((e) => e.kind);
const barrierTrace = (r: RunResult): string[] =>
  allEvents(r).filter((e) => e.kind === Ev.Dsb || e.kind === Ev.Dmb || e.kind === Ev.Isb)
    .map((e) => (e.kind === Ev.Isb ? 'isb' : `${e.kind === Ev.Dsb ? 'dsb' : 'dmb'}:${e.a}`));
const stepWith = (r: RunResult, kind: Ev): StepRecord[] => r.steps.filter((s) => s.events.some((e) => e.kind === kind));
const val = (e: MachineEvent): bigint => (BigInt(e.hi >>> 0) << 32n) | BigInt(e.lo >>> 0);
const oldVal = (e: MachineEvent): bigint => (BigInt(e.oldHi >>> 0) << 32n) | BigInt(e.oldLo >>> 0);

describe('builtins: loads, stores and barriers', () => {
  it('READ_ONCE and WRITE_ONCE of a descriptor are one load and one store of its slot (sc)', () => {
    const r = run(`
void t(void)
{
	WRITE_ONCE(*PTEP, pfn_pte(5, PAGE_KERNEL));
	r0 = READ_ONCE(*(PTEP + 1));
	r1 = READ_ONCE(*PTEP);
}`);
    expect(r.violations).toEqual([]);
    const loc = r.ptLoc(0);
    const pte = PTE5;
    // The first step is the store: it enters memory at once under sc.
    const first = r.steps[0]!;
    expect(kinds(first.events)).toEqual([Ev.Store, Ev.Commit]);
    expect(first.events[0]!.loc).toBe(loc);
    expect(val(first.events[0]!)).toBe(pte);
    expect(locValue(r.setup, first.after, loc)).toBe(pte);
    // Each READ_ONCE is one Read event of the slot it names.
    const reads = allEvents(r).filter((e) => e.kind === Ev.Read);
    expect(reads.map((e) => e.loc)).toEqual([r.ptLoc(1), loc]);
    expect(val(reads[1]!)).toBe(pte);
    expect(r.g('r0')).toBe(0n);
    expect(r.g('r1')).toBe(pte);
  });

  it('under relaxed memory a WRITE_ONCE stays in the store buffer until a commit action', () => {
    const r = run(`
void t(void)
{
	WRITE_ONCE(*PTEP, 0x1234);
	r0 = READ_ONCE(*PTEP);		/* forwarded from the store buffer */
}`, { memoryModel: 'relaxed' });
    expect(r.violations).toEqual([]);
    const m = r.setup.session.m;
    const loc = r.ptLoc(0);
    const first = r.steps[0]!;
    expect(first.kind).toBe(A_PROG);
    expect(kinds(first.events)).toEqual([Ev.Store]);
    expect(sbCount(m, first.after, 0)).toBe(1);
    expect(locValue(r.setup, first.after, loc)).toBe(0n);
    expect(enabledActions(r.setup, first.after)).toContainEqual([A_COMMIT, 0]);
    // The read sees its own buffered store.
    const read = allEvents(r).find((e) => e.kind === Ev.Read)!;
    expect(val(read)).toBe(0x1234n);
    // The slot changes only with a commit action, and then the buffer is empty of it.
    const commitIdx = r.steps.findIndex((s) => s.events.some((e) => e.kind === Ev.Commit && e.loc === loc));
    expect(r.steps[commitIdx]!.kind).toBe(A_COMMIT);
    for (const s of r.steps.slice(0, commitIdx)) expect(locValue(r.setup, s.after, loc)).toBe(0n);
    expect(locValue(r.setup, r.state, loc)).toBe(0x1234n);
    expect(sbCount(m, r.state, 0)).toBe(0);
    expect(r.g('r0')).toBe(0x1234n);
  });

  it('dsb waits for the store buffer to drain; dmb(ishst) does not', () => {
    const r = run(`
void t(void)
{
	WRITE_ONCE(*PTEP, 1);
	dmb(ishst);
	WRITE_ONCE(*(PTEP + 1), 2);
	dsb(ishst);
}`, { memoryModel: 'relaxed' });
    expect(r.violations).toEqual([]);
    const m = r.setup.session.m;
    // The dmb ran with the first store still buffered.
    const dmbStep = stepWith(r, Ev.Dmb)[0]!;
    expect(sbCount(m, dmbStep.after, 0)).toBe(1);
    // After the second store the CPU cannot step (dsb) until both stores commit.
    const second = r.steps[2]!;
    expect(kinds(second.events)).toEqual([Ev.Store]);
    expect(enabledActions(r.setup, second.after).filter(([k]) => k === A_PROG)).toEqual([]);
    const dsbStep = stepWith(r, Ev.Dsb)[0]!;
    const before = r.steps[r.steps.indexOf(dsbStep) - 1]!;
    expect(sbCount(m, before.after, 0)).toBe(0);
    expect(r.steps.filter((s) => s.kind === A_COMMIT)).toHaveLength(2);
  });

  it('dsb, dmb, smp_* barriers and isb emit their kinds', () => {
    const r = run(`
void t(void)
{
	dsb(ishst);
	dsb(ish);
	dsb(sy);
	dsb(nsh);
	dmb(ishst);
	dmb(ishld);
	dmb(ish);
	smp_wmb();
	smp_rmb();
	smp_mb();
	isb();
}`);
    expect(r.violations).toEqual([]);
    expect(barrierTrace(r)).toEqual([
      `dsb:${DSB_ST}`, `dsb:${DSB_FULL}`, `dsb:${DSB_FULL}`, `dsb:${DSB_NSH}`,
      `dmb:${DMB_ST}`, `dmb:${DMB_LD}`, `dmb:${DMB_FULL}`,
      `dmb:${DMB_ST}`, `dmb:${DMB_LD}`, `dmb:${DMB_FULL}`,
      'isb',
    ]);
    // One barrier per step.
    expect(r.steps.map((s) => s.events.length)).toEqual(Array(11).fill(1));
  });
});

describe('builtins: setters and lazy MMU mode', () => {
  it('__set_pte of a valid kernel pte emits dsb(ishst); isb outside lazy mode', () => {
    const r = run(`
void t(void)
{
	r0 = pte_valid_not_user(pfn_pte(5, PAGE_KERNEL));
	__set_pte(PTEP, pfn_pte(5, PAGE_KERNEL));
}`);
    expect(r.violations).toEqual([]);
    expect(r.g('r0')).toBe(1n);
    const storeIdx = r.steps.findIndex((s) => s.events.some((e) => e.kind === Ev.Store && e.loc === r.ptLoc(0)));
    expect(storeIdx).toBeGreaterThanOrEqual(0);
    // The step after the store is the barrier pair, and that is the end.
    expect(kinds(r.steps[storeIdx + 1]!.events)).toEqual([Ev.Dsb, Ev.Isb]);
    expect(r.steps[storeIdx + 1]!.events[0]!.a).toBe(DSB_ST);
    expect(r.steps).toHaveLength(storeIdx + 2);
  });

  it('__set_pte of an invalid or a user pte emits no barrier', () => {
    const r = run(`
void t(void)
{
	__set_pte(PTEP, __pte(0));
	pte_clear(&init_mm, 0, PTEP + 1);
	__set_pte(PTEP + 2, __pte(pte_val(pfn_pte(5, PAGE_KERNEL)) | PTE_USER));
}`);
    expect(r.violations).toEqual([]);
    expect(barrierTrace(r)).toEqual([]);
    expect(locValue(r.setup, r.state, r.ptLoc(2)) & 0x40n).toBe(0x40n);
  });

  it('inside lazy MMU mode __set_pte only marks barriers pending; leaving emits them once', () => {
    const r = run(`
void t(void)
{
	arch_enter_lazy_mmu_mode();
	__set_pte(PTEP, pfn_pte(5, PAGE_KERNEL));
	__set_pte(PTEP + 1, pfn_pte(6, PAGE_KERNEL));
	r0 = 1;
	arch_leave_lazy_mmu_mode();
}`);
    expect(r.violations).toEqual([]);
    const m = r.setup.session.m;
    const c = m.layout.cpu(0);
    expect(r.initial[c + C_LAZY]).toBe(0);
    const enter = r.steps[0]!;
    expect(kinds(enter.events)).toEqual([Ev.Lazy]);
    expect(enter.events[0]!.a).toBe(1);
    expect(enter.after[c + C_LAZY]).toBe(1);
    expect(enter.after[c + C_LAZY_PENDING]).toBe(0);
    // The first __set_pte's barrier step: no events, only the pending mark.
    const firstStore = r.steps.findIndex((s) => s.events.some((e) => e.kind === Ev.Store && e.loc === r.ptLoc(0)));
    const barrier = r.steps[firstStore + 1]!;
    expect(barrier.events).toEqual([]);
    expect(barrier.after[c + C_LAZY_PENDING]).toBe(1);
    // Nothing before the leave emitted a barrier.
    const leaveIdx = r.steps.findIndex((s) => s.events.some((e) => e.kind === Ev.Lazy && e.a === 0));
    expect(r.steps.slice(0, leaveIdx).flatMap((s) => s.events).filter((e) => e.kind === Ev.Dsb || e.kind === Ev.Isb)).toEqual([]);
    expect(r.steps[leaveIdx - 1]!.after[c + C_LAZY_PENDING]).toBe(1);
    // The leave emits dsb(ishst); isb once and clears the mode.
    const leave = r.steps[leaveIdx]!;
    expect(kinds(leave.events)).toEqual([Ev.Dsb, Ev.Isb, Ev.Lazy]);
    expect(leave.events[0]!.a).toBe(DSB_ST);
    expect(leave.after[c + C_LAZY]).toBe(0);
    expect(leave.after[c + C_LAZY_PENDING]).toBe(0);
    expect(barrierTrace(r)).toEqual([`dsb:${DSB_ST}`, 'isb']);
  });

  it('leaving lazy MMU mode with nothing pending emits no barrier; explicit dsb in lazy mode is not deferred', () => {
    const r = run(`
void t(void)
{
	arch_enter_lazy_mmu_mode();
	__set_pte(PTEP, __pte(0));
	dsb(ish);
	arch_leave_lazy_mmu_mode();
}`);
    expect(r.violations).toEqual([]);
    expect(barrierTrace(r)).toEqual([`dsb:${DSB_FULL}`]);
    const leave = r.steps.find((s) => s.events.some((e) => e.kind === Ev.Lazy && e.a === 0))!;
    expect(kinds(leave.events)).toEqual([Ev.Lazy]);
  });

  it('set_pmd of an invalid entry emits no barrier; of a valid table entry, dsb(ishst); isb', () => {
    const inval = run(`
void t(void)
{
	set_pmd((pmd_t *)PTEP, __pmd(0));
	pmd_clear((pmd_t *)(PTEP + 1));
}`);
    expect(inval.violations).toEqual([]);
    expect(barrierTrace(inval)).toEqual([]);
    expect(allEvents(inval).filter((e) => e.kind === Ev.Store).map((e) => e.loc)).toEqual([inval.ptLoc(0), inval.ptLoc(1)]);

    const valid = run(`
void t(void)
{
	set_pmd((pmd_t *)PTEP, __pmd(0x42000 | PMD_TYPE_TABLE));
}`);
    expect(valid.violations).toEqual([]);
    expect(barrierTrace(valid)).toEqual([`dsb:${DSB_ST}`, 'isb']);
    expect(locValue(valid.setup, valid.state, valid.ptLoc(0))).toBe(0x42003n);
  });
});

describe('builtins: atomics', () => {
  it('cmpxchg returns the old value and writes only on success; it compares all 64 bits', () => {
    const r = run(`
void t(void)
{
	pte_t old = pfn_pte(5, PAGE_KERNEL);

	WRITE_ONCE(*PTEP, old);
	r0 = cmpxchg(PTEP, old, pte_mkcont(old));		/* succeeds */
	r1 = READ_ONCE(*PTEP);
	r2 = cmpxchg(PTEP, old, __pte(0));			/* fails: bit 52 differs */
	r3 = READ_ONCE(*PTEP);
	r4 = cmpxchg_relaxed(PTEP, pte_mkcont(old), __pte(7));	/* succeeds */
	r5 = old;
}`);
    expect(r.violations).toEqual([]);
    const old = PTE5;
    expect(r.g('r5')).toBe(old);
    const cont = old | (1n << 52n);
    expect(r.g('r0')).toBe(old);
    expect(r.g('r1')).toBe(cont);
    expect(r.g('r2')).toBe(cont);
    expect(r.g('r3')).toBe(cont);
    expect(r.g('r4')).toBe(cont);
    // Writes to the slot: the store, then one per successful cmpxchg (an RMW each).
    const loc = r.ptLoc(0);
    expect(allEvents(r).filter((e) => e.kind === Ev.Commit && e.loc === loc).map(val)).toEqual([old, cont, 7n]);
    const rmws = allEvents(r).filter((e) => e.kind === Ev.Rmw);
    expect(rmws.map((e) => [oldVal(e), val(e)])).toEqual([[old, cont], [cont, 7n]]);
    expect(locValue(r.setup, r.state, loc)).toBe(7n);
  });

  it('try_cmpxchg updates old on failure and returns whether it swapped', () => {
    const r = run(`
void t(void)
{
	pte_t old = 99;

	WRITE_ONCE(*PTEP, 5);
	r0 = try_cmpxchg(PTEP, &old, 8);
	r1 = old;
	r2 = try_cmpxchg(PTEP, &old, 8);
	r3 = old;
	r4 = READ_ONCE(*PTEP);
}`);
    expect(r.violations).toEqual([]);
    expect([r.g('r0'), r.g('r1'), r.g('r2'), r.g('r3'), r.g('r4')]).toEqual([0n, 5n, 1n, 5n, 8n]);
  });

  it('xchg writes the new value and returns the old one', () => {
    const r = run(`
void t(void)
{
	WRITE_ONCE(*PTEP, 5);
	r0 = xchg(PTEP, 0x8000000000000009UL);
	r1 = xchg_relaxed(PTEP, 3);
}`);
    expect(r.violations).toEqual([]);
    expect(r.g('r0')).toBe(5n);
    expect(r.g('r1')).toBe(0x8000_0000_0000_0009n);
    expect(locValue(r.setup, r.state, r.ptLoc(0))).toBe(3n);
    expect(allEvents(r).filter((e) => e.kind === Ev.Rmw).map(oldVal)).toEqual([5n, 0x8000_0000_0000_0009n]);
  });

  it('set_bit, clear_bit, test_and_clear_bit and test_and_set_bit on descriptor bits', () => {
    const r = run(`
void t(void)
{
	unsigned long *word = (unsigned long *)PTEP;
	pte_t pte = pfn_pte(5, PAGE_KERNEL);

	WRITE_ONCE(*PTEP, pte);
	set_bit(52, word);
	r0 = pte_cont(READ_ONCE(*PTEP));
	clear_bit(0, word);
	r1 = pte_valid(READ_ONCE(*PTEP));
	r2 = test_and_clear_bit(52, word);
	r3 = test_and_clear_bit(52, word);
	r4 = test_and_set_bit(0, word);
	r5 = READ_ONCE(*PTEP) == pte;
	r6 = pte;
}`);
    expect(r.violations).toEqual([]);
    expect([r.g('r0'), r.g('r1'), r.g('r2'), r.g('r3'), r.g('r4'), r.g('r5')]).toEqual([1n, 0n, 1n, 0n, 0n, 1n]);
    const pte = PTE5;
    expect(r.g('r6')).toBe(pte);
    const rmws = allEvents(r).filter((e) => e.kind === Ev.Rmw);
    expect(rmws.map(val)).toEqual([pte | (1n << 52n), (pte | (1n << 52n)) & ~1n, pte & ~1n, pte & ~1n, pte]);
  });

  it('bit numbers past 63 address the following words, as the kernel\'s BIT_WORD(nr) does', () => {
    const r = run(`
void t(void)
{
	unsigned long *word = (unsigned long *)PTEP;

	set_bit(65, word);		/* bit 1 of word[1] */
	r0 = test_and_clear_bit(128, word);
	r1 = READ_ONCE(*(PTEP + 1));
}`);
    expect(r.violations).toEqual([]);
    expect(locValue(r.setup, r.state, r.ptLoc(0))).toBe(0n);
    expect(r.g('r1')).toBe(2n);
    expect(r.g('r0')).toBe(0n);
  });
});

describe('builtins: TLB maintenance', () => {
  it('flush_tlb_kernel_range: dsb(ishst), a last-level TLBI over the rounded range, dsb(ish) waits for it, isb', () => {
    const r = run(`
void t(void)
{
	flush_tlb_kernel_range(0x1800, 0x2800);
}`);
    expect(r.violations).toEqual([]);
    const m = r.setup.session.m;
    expect(r.steps.map((s) => [s.kind, kinds(s.events)])).toEqual([
      [A_PROG, [Ev.Dsb]],
      [A_PROG, [Ev.TlbiIssue]],
      [A_TLBI, [Ev.TlbiDone]],
      [A_PROG, [Ev.Dsb]],
      [A_PROG, [Ev.Isb]],
    ]);
    expect(r.steps[0]!.events[0]!.a).toBe(DSB_ST);
    const issue = r.steps[1]!.events[0]!;
    expect(issue.a).toBe(TLBI_VA_LAST);
    expect(issue.va).toBe(1); // 0x1800 rounded down to page 1
    expect(issue.level).toBe(2); // through 0x2800 rounded up: pages 1 and 2
    expect(issue.c).toBe(1); // broadcast (IS)
    expect(tlbiPending(m, r.steps[1]!.after, 0)).toBe(1);
    // dsb(ish) cannot run while the TLBI is outstanding: the only action is its completion.
    expect(enabledActions(r.setup, r.steps[1]!.after)).toEqual([[A_TLBI, 0]]);
    expect(tlbiPending(m, r.steps[2]!.after, 0)).toBe(0);
    expect(r.steps[3]!.events[0]!.a).toBe(DSB_FULL);
  });

  it('__flush_tlb_kernel_pgtable issues an all-levels TLBI for one page', () => {
    const r = run(`
void t(void)
{
	__flush_tlb_kernel_pgtable(0x3000);
}`);
    expect(r.violations).toEqual([]);
    const issue = allEvents(r).filter((e) => e.kind === Ev.TlbiIssue);
    expect(issue.map((e) => [e.a, e.va, e.level, e.c])).toEqual([[TLBI_VA, 3, 1, 1]]);
    expect(barrierTrace(r)).toEqual([`dsb:${DSB_ST}`, `dsb:${DSB_FULL}`, 'isb']);
  });

  it('local_flush_tlb_all issues a local TLBI of everything and waits with dsb(nsh)', () => {
    const r = run(`
void t(void)
{
	local_flush_tlb_all();
}`);
    expect(r.violations).toEqual([]);
    const issueStep = stepWith(r, Ev.TlbiIssue)[0]!;
    const issue = issueStep.events[0]!;
    expect([issue.a, issue.c]).toEqual([TLBI_ALL, 0]);
    expect(enabledActions(r.setup, issueStep.after)).toEqual([[A_TLBI, 0]]);
    expect(barrierTrace(r)).toEqual([`dsb:${DSB_ST}`, `dsb:${DSB_NSH}`, 'isb']);
    const all = run(`
void t(void)
{
	flush_tlb_all();
}`);
    expect(allEvents(all).filter((e) => e.kind === Ev.TlbiIssue).map((e) => [e.a, e.c])).toEqual([[TLBI_ALL, 1]]);
  });
});

describe('builtins: frames, TTBRs and locks', () => {
  it('pagetable_alloc with __GFP_ZERO gives a zeroed frame, without it every slot is uninitialised', () => {
    const r = run(`
void t(void)
{
	phys_addr_t z = pagetable_alloc(GFP_PGTABLE_KERNEL, 0);
	phys_addr_t u = pagetable_alloc(GFP_KERNEL, 0);

	r0 = z;
	r1 = u;
}`);
    expect(r.violations).toEqual([]);
    const m = r.setup.session.m;
    // Frames 0 and 1 start in use: the allocations take 2 and 3.
    const allocs = allEvents(r).filter((e) => e.kind === Ev.Alloc);
    expect(allocs.map((e) => [e.a, e.b])).toEqual([[2, 1], [3, 0]]);
    expect(r.g('r0')).toBe(BigInt(m.framePa(2)));
    expect(r.g('r1')).toBe(BigInt(m.framePa(3)));
    const E = m.layout.entries;
    for (let i = 0; i < E; i++) {
      const z = newestWrite(m, r.state, 2 * E + i);
      expect([r.state[z], r.state[z + 1], r.state[z + 3]! & W_UNINIT]).toEqual([0, 0, 0]);
      const u = newestWrite(m, r.state, 3 * E + i);
      expect(r.state[u + 3]! & W_UNINIT).toBe(W_UNINIT);
    }
    expect(r.initial[m.layout.frameBase + 2]).not.toBe(FRAME_USED);
    expect(r.state[m.layout.frameBase + 2]).toBe(FRAME_USED);
    expect(r.state[m.layout.frameBase + 3]).toBe(FRAME_USED);
  });

  it('a failed pagetable_alloc returns INVALID_PHYS_ADDR, and pgd_pgtable_alloc_init_mm BUG_ONs on it', () => {
    const tryAlloc = run(`
void t(void)
{
	r0 = try_pgd_pgtable_alloc_init_mm(TABLE_PTE) == INVALID_PHYS_ADDR_ULL;
}`, { allocFailure: true }, () => 1);
    expect(tryAlloc.violations).toEqual([]);
    expect(tryAlloc.g('r0')).toBe(1n);
    expect(allEvents(tryAlloc).filter((e) => e.kind === Ev.Alloc).map((e) => e.a)).toEqual([-1]);

    const mustAlloc = run(`
void t(void)
{
	pgd_pgtable_alloc_init_mm(TABLE_PTE);
}`, { allocFailure: true }, () => 1);
    expect(mustAlloc.violations).toHaveLength(1);
    expect(mustAlloc.violations[0]!.kind).toBe('assert');
    expect(mustAlloc.violations[0]!.message).toMatch(/pgd_pgtable_alloc_init_mm\(\).*BUG_ON/);
  });

  it('pagetable_free marks the frame freed', () => {
    const r = run(`
void t(void)
{
	phys_addr_t pa = pagetable_alloc(GFP_PGTABLE_KERNEL, 0);

	pagetable_free(pa);
}`);
    expect(r.violations).toEqual([]);
    const m = r.setup.session.m;
    expect(allEvents(r).filter((e) => e.kind === Ev.Free).map((e) => e.a)).toEqual([2]);
    expect(r.state[m.layout.frameBase + 2]).toBe(FRAME_FREED);
  });

  it('write_sysreg(x, ttbr1_el1) leaves the TTBR pending until isb', () => {
    const r = run(`
void t(void)
{
	phys_addr_t pgd = pagetable_alloc(GFP_PGTABLE_KERNEL, 0);

	write_sysreg(pgd, ttbr1_el1);
	r0 = 1;
	isb();
}`);
    expect(r.violations).toEqual([]);
    const m = r.setup.session.m;
    const c = m.layout.cpu(0);
    const writeStep = stepWith(r, Ev.TtbrWrite)[0]!;
    const ev = writeStep.events[0]!;
    expect([ev.a, ev.b]).toEqual([1, 2]);
    expect(ttbrFrame(m, writeStep.after, 0, 1)).toBe(0); // still the old root
    expect(writeStep.after[c + C_TTBR_PENDING + 1]).toBe(2 + 2); // frame 2 pending
    const i = r.steps.indexOf(writeStep);
    expect(ttbrFrame(m, r.steps[i + 1]!.after, 0, 1)).toBe(0); // the store of r0 changes nothing
    const isbStep = stepWith(r, Ev.Isb)[0]!;
    expect(ttbrFrame(m, isbStep.after, 0, 1)).toBe(2);
    expect(isbStep.after[c + C_TTBR_PENDING + 1]).toBe(0);
    expect(isbStep.after[c + C_TTBR + 0]).toBe(r.initial[c + C_TTBR + 0]); // TTBR0 untouched
  });

  it('mutex_lock sets the lock word to 1 with an atomic, mutex_unlock stores 0', () => {
    const r = run(`
DEFINE_MUTEX(lk);
void t(void)
{
	mutex_lock(&lk);
	r0 = lk;
	mutex_unlock(&lk);
	r1 = lk;
}`);
    expect(r.violations).toEqual([]);
    const m = r.setup.session.m;
    const loc = m.dataLoc(globalPa(r.setup, 'lk'));
    const lockStep = stepWith(r, Ev.Rmw)[0]!;
    expect(lockStep.events[0]!.loc).toBe(loc);
    expect(locValue(r.setup, lockStep.after, loc)).toBe(1n);
    expect(r.g('r0')).toBe(1n);
    expect(r.g('r1')).toBe(0n);
    expect(r.g('lk')).toBe(0n);
    const unlock = r.steps.find((s) => s.events.some((e) => e.kind === Ev.Store && e.loc === loc))!;
    expect(locValue(r.setup, unlock.after, loc)).toBe(0n);
  });

  it('mutex_lock of a held lock blocks the CPU', () => {
    expect(() => run(`
DEFINE_MUTEX(lk);
void t(void)
{
	mutex_lock(&lk);
	mutex_lock(&lk);
}`)).toThrow(/blocked/);
  });
});

describe('builtins: checks and machine facts', () => {
  const lineOf = (src: string, needle: string): number => GLOBALS.split('\n').length - 1 + PTEP_DEFS.split('\n').length - 1 +
    src.split('\n').findIndex((l) => l.includes(needle)) + 1;

  it('BUG_ON(true) stops the CPU with an assert violation naming the condition and file:line', () => {
    const src = `
void t(void)
{
	r0 = 1;
	BUG_ON(false);
	BUG_ON(true);
	r1 = 1;
}`;
    const r = run(src);
    expect(r.violations).toHaveLength(1);
    const v = r.violations[0]!;
    expect(v.kind).toBe('assert');
    expect(v.message).toMatch(/BUG_ON\((true|1)\) failed/);
    expect(v.message).toContain(`${MODEL_FILE}:${lineOf(src, 'BUG_ON(true)')}`);
    expect(v.message).toContain('t()');
    expect(r.g('r0')).toBe(1n);
    expect(r.g('r1')).toBe(0n);
  });

  it('BUG_ON quotes its condition as C source', () => {
    const src = `
void t(void)
{
	unsigned long x = 5;

	r0 = 1;
	BUG_ON(x == 5);
}`;
    const r = run(src);
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0]!.message).toContain('BUG_ON(x == 5) failed');
    expect(r.violations[0]!.message).toContain(`${MODEL_FILE}:${lineOf(src, 'BUG_ON(x == 5)')}`);
  });

  it('WARN_ON returns its condition; a true condition is an assert violation', () => {
    const ok = run(`
void t(void)
{
	r0 = WARN_ON(0);
	if (!WARN_ON(r0 != 0))
		r1 = 2;
}`);
    expect(ok.violations).toEqual([]);
    expect([ok.g('r0'), ok.g('r1')]).toEqual([0n, 2n]);

    const src = `
void t(void)
{
	int n = 3;

	r0 = 1;
	WARN_ON(n == 3);
	r1 = 1;
}`;
    const bad = run(src);
    expect(bad.violations).toHaveLength(1);
    expect(bad.violations[0]!.kind).toBe('assert');
    expect(bad.violations[0]!.message).toMatch(/WARN_ON\(.*n.*3.*\) failed/);
    expect(bad.violations[0]!.message).toContain(`${MODEL_FILE}:${lineOf(src, 'WARN_ON(n == 3)')}`);
    expect(bad.g('r1')).toBe(0n);
  });

  it('WARN_ON tests all 64 bits of its condition (the kernel takes !!(condition))', () => {
    // WARN_ON(pte_val(pte) & PTE_CONT) must fire for a contiguous pte: PTE_CONT is bit 52.
    const r = run(`
void t(void)
{
	pte_t pte = pte_mkcont(pfn_pte(5, PAGE_KERNEL));

	r0 = 1;
	WARN_ON(pte_val(pte) & PTE_CONT);
	r1 = 1;
}`);
    expect(r.violations.map((v) => v.kind)).toEqual(['assert']);
    expect(r.g('r1')).toBe(0n);
  });

  it('system_supports_bbml2_noabort() reflects the machine\'s bbm option', () => {
    const body = `
void t(void)
{
	r0 = system_supports_bbml2_noabort();
	if (system_supports_bbml2_noabort())
		r1 = 1;
}`;
    for (const [bbm, want] of [['2-noabort', 1n], ['2', 0n], ['0', 0n]] as const) {
      const r = run(body, { bbm });
      expect(r.violations).toEqual([]);
      expect([r.g('r0'), r.g('r1')], `bbm ${bbm}`).toEqual([want, want]);
    }
  });
});

// Added with the TTBR helpers and __ffs of the prelude.
import { C_TTBR as C_TTBR_, C_TTBR_PENDING as C_TTBR_PENDING_ } from '../../src/machine/layout.js';
import { kernelSetup as kernelSetup_, linearMapOptions as linearMapOptions_, runSequential as runSequential_ } from '../helpers/kernel.js';
import { newestWrite as newestWrite_ } from '../../src/machine/memory.js';

describe('prelude: __ffs and TTBR switching', () => {
  const run = (body: string, cpu: string) => {
    const setup = kernelSetup_({ files: ['/m.c'], memFiles: new Map([['/m.c', body]]), cpus: [cpu] }, linearMapOptions_({ frames: 4, frameInit: { 0: { init: 'zero' }, 1: { init: 'zero' } } }));
    return { setup, ...runSequential_(setup) };
  };
  it('__ffs finds the lowest set bit, 64-bit wide', () => {
    const { setup, state } = run('unsigned long r0, r1;', 'r0 = __ffs(0x10UL); r1 = __ffs(1UL << 52);');
    const m = setup.session.m;
    const val = (name: string): number => state[newestWrite_(m, state, m.dataLoc(setup.driver.program.globals.find((g) => g.name === name)!.pa))]!;
    expect(val('r0')).toBe(4);
    expect(val('r1')).toBe(52);
  });
  it('cpu_replace_ttbr1 ends with the new root installed and nothing pending', () => {
    const setup = kernelSetup_({ files: ['/m.c'], memFiles: new Map([['/m.c', '']]), cpus: [`cpu_replace_ttbr1(${setup0()}UL, 0);`] },
      linearMapOptions_({ frames: 4, frameInit: { 0: { init: 'zero' }, 1: { init: 'zero' } } }));
    const r = runRecorded(setup); // takes the local TLBI's completion too (dsb(nsh) waits for it)
    expect(r.violations).toEqual([]);
    const state = r.state;
    const c = setup.session.m.layout.cpu(0);
    expect(state[c + C_TTBR_ + 1]).toBe(2); // frame 1, stored as frame + 1
    expect(state[c + C_TTBR_PENDING_ + 1]).toBe(0);
  });
  it('cpu_set_reserved_ttbr0 leaves TTBR0 with no table', () => {
    const { setup, state } = run('', 'cpu_set_reserved_ttbr0();');
    expect(state[setup.session.m.layout.cpu(0) + C_TTBR_]).toBe(0);
  });
});

/** The PA of frame 1 on linearMapOptions' machine (frames start after the VA space). */
function setup0(): number {
  return (2 ** (12 + 3 * 2) / 4096 + 1) * 4096;
}
