// The flat state's layout, computed once per configuration. A whole machine state is one
// Int32Array; clone = set() into a preallocated buffer, hash = a pass over the words.
//
//  word 0                        G_TIME   global timestamp of the newest committed write
//  word 1                        G_VIEW_HELD  a step's view across its own commit (else 0)
//  mem   [loc][1 + H*4]          count, then H x (lo, hi, ts, flags) oldest first
//                                locations: frame f slot i = f*E + i, then data words
//  frame [F]                     0 free, 1 in use, 2 freed
//  origin [F] x (allocator + 1, published)   who allocated a frame in this run (0: none),
//                                and the view of the first pointer to it written (0: none yet)
//  cpu   [C][cpuStride]
//        +0  vR vW vFloor vDsb vCse vTlbi        views (timestamps), see memory.ts
//        +6  epoch lazy lazyPending tlbiOut tlbiOutLocal
//        +11 ttbr0 ttbr1 ttbr0Pending ttbr1Pending   frame index + 1, 0 = none
//        +15 ttbr0Dsb ttbr1Dsb   the dsb view when the pending TTBR was written
//        +17 sbCount, SB x (loc, lo, hi, epoch, flags)
//            tqCount, TQ x (kind, region, vaPage, issuer, view)       TLBIs to complete here
//            tlbCount, TLB x (region, vaBase, sizeLog2, oaBase, attrs, level)   sorted
//            wcCount, WC x (region, level, prefix, frame, attrs, view)           sorted
//            etCount, ET x (TLB tuple, floor)   early translations: TLB entries a TLBI
//                                               removed since the CPU's last isb      sorted
//            coh [NL]                    newest write to each location this CPU has seen
//            probe [P] x (earlyFaults (1 << kind), earlyFloor, wActive, wLevel, wFrame, wFloor, wAttrs, wDone, wStart)
//  extra regions (check/ and the program layer ask for them before the layout is built)
//
// Unused slots are always zero, so equal states are equal word for word.

import type { MachineConfig } from './config.js';

export const G_TIME = 0;
/** A view a step holds while it commits (renumbered with the rest; 0 between steps). */
export const G_VIEW_HELD = 1;
const HEADER = 2;

// CPU-relative offsets.
export const C_VR = 0;
export const C_VW = 1;
export const C_VFLOOR = 2;
export const C_VDSB = 3;
export const C_VCSE = 4;
export const C_VTLBI = 5;
export const C_EPOCH = 6;
export const C_LAZY = 7;
export const C_LAZY_PENDING = 8;
export const C_TLBI_OUT = 9;
export const C_TLBI_OUT_LOCAL = 10;
export const C_TTBR = 11; // + region
export const C_TTBR_PENDING = 13; // + region
/** The CPU's dsb view when it wrote the pending TTBR (memory.ts walkReadIdx). */
export const C_TTBR_DSB = 15; // + region
const C_FIXED = 17;

export const MEM_ENTRY = 4; // lo, hi, ts, flags
/** A frame's origin record (memory.ts, "pointer provenance"): allocator + 1, then the published view. */
export const ORIGIN_ENTRY = 2;
export const O_ALLOCATOR = 0;
export const O_PUBLISHED = 1;
export const SB_ENTRY = 5;
export const TQ_ENTRY = 5;
export const TLB_ENTRY = 6;
export const WC_ENTRY = 6;
/** An early translation: a TLB tuple, then the newest view an access using it may depend on. */
export const ET_ENTRY = TLB_ENTRY + 1;
export const PROBE_ENTRY = 9;
// Probe-record offsets.
export const P_EARLY = 0;
export const P_EARLY_FLOOR = 1;
export const P_WACTIVE = 2;
export const P_WLEVEL = 3;
export const P_WFRAME = 4;
export const P_WFLOOR = 5;
export const P_WATTRS = 6;
export const P_WDONE = 7;
export const P_WSTART = 8; // the walk's floor when it started (for early results)
/**
 * Then, per table level a walk may read (root first), the walk-cache fill it makes when it
 * ends: next frame + 1 (0 = none), attrs, view.
 */
export const P_WFILLS = 9;
export const WFILL_ENTRY = 3;

/** Flags of a committed write. */
export const W_UNINIT = 1;
/** Bits 8-11: the writing CPU + 1, kept only while some CPU may write a TTBR (memory.ts walkReadIdx). */
export const W_WRITER_SHIFT = 8;
export const W_WRITER_MASK = 0xf << W_WRITER_SHIFT;
/**
 * Bits 12-15: the CPU + 1 whose relaxed atomic read this write (the newest) and whose own
 * write waits in its store buffer: until it commits, nothing else may write the location.
 */
export const W_ATOMIC_SHIFT = 12;
export const W_ATOMIC_MASK = 0xf << W_ATOMIC_SHIFT;
/** The bits of a write's flags that are bookkeeping, not part of what a reader sees. */
export const W_META_MASK = W_WRITER_MASK | W_ATOMIC_MASK;
/** P_WACTIVE of a walk that started from a TTBR written but not yet synchronised. */
export const WALK_ACTIVE = 1;
export const WALK_FROM_PENDING = 2;
/** Flags of a buffered store. */
export const S_RELEASE = 1;
/** The write of a relaxed atomic: the location's newest write is marked until it commits. */
export const S_ATOMIC = 2;

export interface ExtraRegion {
  readonly name: string;
  /** Words in the region. */
  readonly size: number;
  /** Offsets within the region that hold views (renumbered with the timestamps). */
  readonly viewOffsets?: readonly number[];
  /** Those of them another view is compared with as "at most this one" (Layout.exactViewSlots). */
  readonly exactOffsets?: readonly number[];
  /** Those of them another view is compared with as "at least this one" (Layout.exactBelowSlots). */
  readonly exactBelowOffsets?: readonly number[];
}

export class Layout {
  readonly entries: number;
  readonly frames: number;
  readonly tableLocs: number;
  readonly locs: number;
  readonly cpus: number;
  readonly probes: number;
  readonly H: number;
  readonly memBase = HEADER;
  readonly memStride: number;
  readonly frameBase: number;
  readonly originBase: number;
  readonly cpuBase: number;
  readonly cpuStride: number;
  readonly sbCap: number;
  readonly tqCap: number;
  readonly tlbCap: number;
  readonly wcCap: number;
  readonly etCap: number;
  /** CPU-relative offsets of the variable-size parts. */
  readonly cSb: number;
  readonly cTq: number;
  readonly cTlb: number;
  readonly cWc: number;
  readonly cEt: number;
  readonly cCoh: number;
  readonly cProbe: number;
  /** Words per probe record: PROBE_ENTRY, then WFILL_ENTRY per table level. */
  readonly probeStride: number;
  readonly extra: ReadonlyMap<string, number>;
  readonly size: number;
  /** Every word that holds a view, for timestamp renumbering (only nonzero ones change). */
  readonly viewSlots: Int32Array;
  /**
   * Views another view is compared with as "at most this one" (a CPU's dsb view and what
   * carries it to an early fault's floor, an early translation's floor): renumbering gives
   * nothing newer their number. Also kept apart from the writes after them when merging.
   */
  readonly exactViewSlots: Int32Array;
  /** Views another view is compared with as "at least this one" (bbm's break): nothing older shares their number. */
  readonly exactBelowSlots: Int32Array;

  constructor(cfg: MachineConfig, extras: readonly ExtraRegion[] = []) {
    this.entries = cfg.geometry.entries;
    this.frames = cfg.frames;
    this.tableLocs = cfg.frames * this.entries;
    this.locs = this.tableLocs + cfg.dataWords.length;
    this.cpus = cfg.cpus;
    this.probes = cfg.probes.length;
    this.H = cfg.historyDepth;
    this.memStride = 1 + this.H * MEM_ENTRY;
    this.frameBase = this.memBase + this.locs * this.memStride;
    this.originBase = this.frameBase + this.frames;
    this.cpuBase = this.originBase + this.frames * ORIGIN_ENTRY;
    this.sbCap = cfg.storeBufferDepth;
    this.tqCap = cfg.tlbiQueueDepth * cfg.cpus;
    this.tlbCap = cfg.tlbEntries;
    this.wcCap = cfg.walkCacheEntries;
    this.etCap = cfg.tlbEntries;
    this.cSb = C_FIXED;
    this.cTq = this.cSb + 1 + this.sbCap * SB_ENTRY;
    this.cTlb = this.cTq + 1 + this.tqCap * TQ_ENTRY;
    this.cWc = this.cTlb + 1 + this.tlbCap * TLB_ENTRY;
    this.cEt = this.cWc + 1 + this.wcCap * WC_ENTRY;
    this.cCoh = this.cEt + 1 + this.etCap * ET_ENTRY;
    this.cProbe = this.cCoh + this.locs;
    this.probeStride = PROBE_ENTRY + (cfg.geometry.levels - 1) * WFILL_ENTRY;
    this.cpuStride = this.cProbe + this.probes * this.probeStride;
    let at = this.cpuBase + this.cpus * this.cpuStride;
    const extra = new Map<string, number>();
    const views: number[] = [G_VIEW_HELD];
    const exact: number[] = [];
    const below: number[] = [];
    // A read's view is compared with a frame's published view as "at least it".
    for (let f = 0; f < this.frames; f++) {
      views.push(this.originBase + f * ORIGIN_ENTRY + O_PUBLISHED);
      below.push(this.originBase + f * ORIGIN_ENTRY + O_PUBLISHED);
    }
    for (let c = 0; c < this.cpus; c++) {
      const b = this.cpuBase + c * this.cpuStride;
      // The dsb view reaches an early fault's floor (compared with an access's dependency
      // view) through the isb and TLBI views, a queued TLBI's view and a walk's start.
      exact.push(b + C_VDSB, b + C_VCSE, b + C_VTLBI, b + C_TTBR_DSB, b + C_TTBR_DSB + 1);
      for (let i = 0; i < this.tqCap; i++) exact.push(b + this.cTq + 1 + i * TQ_ENTRY + 4);
      for (let p = 0; p < this.probes; p++) {
        const pr = b + this.cProbe + p * this.probeStride;
        exact.push(pr + P_EARLY_FLOOR, pr + P_WSTART);
      }
      for (const o of [C_VR, C_VW, C_VFLOOR, C_VDSB, C_VCSE, C_VTLBI, C_TTBR_DSB, C_TTBR_DSB + 1]) views.push(b + o);
      for (let i = 0; i < this.tqCap; i++) views.push(b + this.cTq + 1 + i * TQ_ENTRY + 4);
      for (let i = 0; i < this.wcCap; i++) views.push(b + this.cWc + 1 + i * WC_ENTRY + 5);
      for (let i = 0; i < this.etCap; i++) {
        views.push(b + this.cEt + 1 + i * ET_ENTRY + TLB_ENTRY);
        exact.push(b + this.cEt + 1 + i * ET_ENTRY + TLB_ENTRY);
      }
      for (let l = 0; l < this.locs; l++) views.push(b + this.cCoh + l);
      for (let p = 0; p < this.probes; p++) {
        const pr = b + this.cProbe + p * this.probeStride;
        views.push(pr + P_EARLY_FLOOR, pr + P_WFLOOR, pr + P_WSTART);
        for (let l = 0; l < cfg.geometry.levels - 1; l++) views.push(pr + P_WFILLS + l * WFILL_ENTRY + 2);
      }
    }
    for (const r of extras) {
      if (extra.has(r.name)) throw new Error(`layout: region '${r.name}' requested twice`);
      extra.set(r.name, at);
      for (const o of r.viewOffsets ?? []) views.push(at + o);
      for (const o of r.exactOffsets ?? []) exact.push(at + o);
      for (const o of r.exactBelowOffsets ?? []) below.push(at + o);
      at += r.size;
    }
    this.extra = extra;
    this.size = at;
    const viewSet = new Set(views);
    for (const k of [...exact, ...below]) if (!viewSet.has(k)) throw new Error(`layout: exact view at word ${k} is not a view`);
    this.viewSlots = Int32Array.from(views);
    this.exactViewSlots = Int32Array.from(exact);
    this.exactBelowSlots = Int32Array.from(below);
  }

  mem(loc: number): number {
    return this.memBase + loc * this.memStride;
  }

  origin(f: number): number {
    return this.originBase + f * ORIGIN_ENTRY;
  }

  cpu(c: number): number {
    return this.cpuBase + c * this.cpuStride;
  }

  probe(c: number, p: number): number {
    return this.cpuBase + c * this.cpuStride + this.cProbe + p * this.probeStride;
  }

  region(name: string): number {
    const r = this.extra.get(name);
    if (r === undefined) throw new Error(`layout: no region '${name}'`);
    return r;
  }
}
