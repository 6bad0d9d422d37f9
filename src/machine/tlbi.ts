// TLB maintenance. A TLBI is issued by one CPU and completes separately on each CPU it
// reaches (all CPUs for the IS forms, the issuer otherwise); dsb(ish)/dsb(sy) by the issuer
// waits for every completion. Completing on a CPU removes the matching TLB entries (and,
// for the all-levels and all forms, walk-cache entries), forgets walks in flight there and
// early fault results for the VA, and orders that CPU's later walks after the writes the
// issuer had ordered by a dsb before issuing it.

import { CapacityError } from './errors.js';
import { Ev, FAULT_ACCESS_FLAG, FAULT_TRANSLATION } from './events.js';
import { C_TLBI_OUT, C_TLBI_OUT_LOCAL, C_VDSB, C_VTLBI, G_TIME, P_EARLY, P_EARLY_FLOOR, P_WACTIVE, TLB_ENTRY, TQ_ENTRY, WC_ENTRY } from './layout.js';
import type { Machine } from './machine.js';
import { keepEarly, keepEarlyFault, removeWhere, T_REGION, T_SIZE, T_VABASE, tlbBase, wcBase, W_LEVEL, W_PREFIX, W_REGION } from './tlb.js';
import { cutWalk, walkerBase } from './walk.js';

/** By VA, all levels: vae1is / vaae1is (__flush_tlb_kernel_pgtable). */
export const TLBI_VA = 1;
/** By VA, last level only: vale1is / vaale1is (flush_tlb_kernel_range); walk caches stay. */
export const TLBI_VA_LAST = 2;
/** Everything: vmalle1is / vmalle1. */
export const TLBI_ALL = 3;

export const TLBI_NAMES: Record<number, string> = { [TLBI_VA]: 'vaae1', [TLBI_VA_LAST]: 'vaale1', [TLBI_ALL]: 'vmalle1' };

function tq(m: Machine, cpu: number): number {
  return m.layout.cpu(cpu) + m.layout.cTq;
}

/** Issue a TLBI from cpu for `pages` pages from vaPage. broadcast = the inner-shareable (IS) form. */
export function tlbi(
  m: Machine, s: Int32Array, cpu: number, kind: number, region: number, vaPage: number, broadcast: boolean, pages = 1,
): void {
  const issuer = m.layout.cpu(cpu);
  for (let t = 0; t < m.layout.cpus; t++) {
    if (!broadcast && t !== cpu) continue;
    const q = tq(m, t);
    const n = s[q]!;
    if (n === m.layout.tqCap) throw new CapacityError('machine.tlbiQueueDepth', `CPU${t} has ${n} TLBIs in flight`);
    const e = q + 1 + n * TQ_ENTRY;
    s[e] = kind | (broadcast ? 0 : 16) | (pages << 5);
    s[e + 1] = region;
    s[e + 2] = vaPage;
    s[e + 3] = cpu;
    s[e + 4] = s[issuer + C_VDSB]!;
    s[q] = n + 1;
    s[issuer + C_TLBI_OUT] = s[issuer + C_TLBI_OUT]! + 1;
    if (!broadcast) s[issuer + C_TLBI_OUT_LOCAL] = s[issuer + C_TLBI_OUT_LOCAL]! + 1;
  }
  const ev = m.events.push(Ev.TlbiIssue, cpu);
  ev.a = kind;
  ev.b = region;
  ev.va = vaPage;
  ev.level = pages;
  ev.c = broadcast ? 1 : 0;
}

export function tlbiPending(m: Machine, s: Int32Array, cpu: number): number {
  return s[tq(m, cpu)]!;
}

/** Complete the oldest TLBI pending on cpu. */
export function tlbiComplete(m: Machine, s: Int32Array, cpu: number): void {
  const q = tq(m, cpu);
  const e = q + 1;
  const kind = s[e]! & 15;
  const local = (s[e]! & 16) !== 0;
  const pages = s[e]! >>> 5;
  const region = s[e + 1]!;
  const vaPage = s[e + 2]!;
  const issuer = s[e + 3]!;
  const view = s[e + 4]!;
  const n = s[q]!;
  s.copyWithin(e, e + TQ_ENTRY, q + 1 + n * TQ_ENTRY);
  s.fill(0, q + 1 + (n - 1) * TQ_ENTRY, q + 1 + n * TQ_ENTRY);
  s[q] = n - 1;
  const ib = m.layout.cpu(issuer);
  s[ib + C_TLBI_OUT] = s[ib + C_TLBI_OUT]! - 1;
  if (local) s[ib + C_TLBI_OUT_LOCAL] = s[ib + C_TLBI_OUT_LOCAL]! - 1;

  const all = kind === TLBI_ALL;
  // A removed entry stays usable by the CPU's accesses until its next isb: they may have
  // been translated before the TLBI (herd7's V2I, MP+shoot+po), if their address depends
  // on nothing written after it completed.
  const keep = m.translates[cpu] !== 0 && (m.translatesWhenDone[cpu] !== 0 || !m.cpuDone(s, cpu));
  const now = s[G_TIME]!;
  removeWhere(s, tlbBase(m, cpu), TLB_ENTRY, (t) => {
    const hit = all || tlbOverlaps(s, t, region, vaPage, pages);
    if (hit && keep) keepEarly(m, s, cpu, t, now);
    return hit;
  });
  if (kind !== TLBI_VA_LAST) removeWhere(s, wcBase(m, cpu), WC_ENTRY, (w) => all || wcOverlaps(m, s, w, region, vaPage, pages));
  for (let p = 0; p < m.layout.probes; p++) {
    const w = walkerBase(m, cpu, p);
    // Every walk in flight is cut, whatever its region: the CPU's walk floor rises below.
    if (s[w + P_WACTIVE] !== 0) cutWalk(m, s, w);
    // A fault found before the TLBI then serves, as a removed entry does, only accesses
    // ordered no later than its completion; under ETS2, none.
    const early = s[w + P_EARLY]!;
    if (early === 0 || !keep) continue;
    const pr = m.cfg.probes[p]!;
    if (!all && !(pr.region === region && vaPage <= pr.vaPage && pr.vaPage < vaPage + pages)) continue;
    // The kinds as access.ts reads them: a mask of 1 << kind.
    if (!m.cfg.ets2) for (let k = FAULT_TRANSLATION; k <= FAULT_ACCESS_FLAG; k++) if (early & (1 << k)) keepEarlyFault(m, s, cpu, pr.region, pr.vaPage, k, now);
    s[w + P_EARLY] = 0;
    s[w + P_EARLY_FLOOR] = 0;
  }
  const c = m.layout.cpu(cpu);
  if (s[c + C_VTLBI]! < view) s[c + C_VTLBI] = view;
  const ev = m.events.push(Ev.TlbiDone, cpu);
  ev.a = kind;
  ev.b = region;
  ev.va = vaPage;
  ev.level = pages;
  ev.c = issuer;
}

function tlbOverlaps(s: Int32Array, e: number, region: number, vaPage: number, pages: number): boolean {
  if (s[e + T_REGION] !== region) return false;
  const base = s[e + T_VABASE]!;
  return base < vaPage + pages && vaPage < base + 2 ** s[e + T_SIZE]!;
}

function wcOverlaps(m: Machine, s: Int32Array, e: number, region: number, vaPage: number, pages: number): boolean {
  if (s[e + W_REGION] !== region) return false;
  const span = 2 ** m.pagesLog2[s[e + W_LEVEL]!]!;
  const base = s[e + W_PREFIX]! * span;
  return base < vaPage + pages && vaPage < base + span;
}
