// A Machine is one configuration made concrete: its layout, geometry numbers, scratch
// buffers and the event buffer its transitions fill. States are separate Int32Arrays.

import { levelShift } from '../arch/arm64/geometry.js';
import { splitDesc } from '../arch/arm64/decode.js';
import type { Encoding } from '../arch/encoding.js';
import type { MachineConfig } from './config.js';
import { EventBuffer } from './events.js';
import { C_TTBR, G_TIME, Layout, type ExtraRegion } from './layout.js';

export const FRAME_FREE = 0;
export const FRAME_USED = 1;
export const FRAME_FREED = 2;

export class Machine {
  readonly layout: Layout;
  readonly events = new EventBuffer();
  /** Pages an entry at Arm level l maps, as log2. */
  readonly pagesLog2: readonly number[];
  /** The profile's descriptor decoding (one per machine, so its call sites stay monomorphic). */
  readonly enc: Encoding;
  readonly sc: boolean;
  /** tso: buffered stores commit oldest first; loads, like sc's, read the newest write. */
  readonly tso: boolean;
  /** sc or tso: every load and walk reads the newest write, so no older write is kept. */
  readonly readsNewest: boolean;
  /** Scratch for timestamp renumbering, sized to the most timestamps a state can hold. */
  readonly tsScratch: Int32Array;
  /** Per timestamp: bit 0 a live write, bit 1 an oldest write, bit 3 a write that is not its location's oldest, bit 2 an exact view. */
  readonly tsMarks: Uint8Array;
  readonly compactMemory: boolean;
  /**
   * Per CPU: whether its program may make translated accesses (the CPU driver says; all by
   * default). A CPU that cannot, and whose walker has no walks left, reads no old writes
   * through translation, so memory need not keep them for it.
   */
  readonly translates: Uint8Array;
  /** Per CPU: code run after it returned (a final predicate) may translate. */
  readonly translatesWhenDone: Uint8Array;
  /** Whether cpu's program has returned (the CPU driver says): it makes no more loads. */
  cpuDone: (s: Int32Array, cpu: number) => boolean = () => false;
  /** No CPU's program can write a TTBR (the CPU driver says): only today's roots are roots. */
  ttbrFixed = false;
  /** Some program may make a relaxed atomic (the driver says): commits check for pending ones (cpu.ts). */
  relaxedAtomics = true;
  /**
   * Explicit accesses reach a table allocated in this run only through a pointer read from
   * memory (the driver says, and checks: memory.ts unprovenRead). Memory then keeps for
   * them no write older than the table's first published pointer.
   */
  tableProvenance = false;
  /** Set when a step raised a coherence view over a location with older writes (memory.ts collectAfterStep). */
  floorsRose = false;
  /** Scratch: frames a walk may still reach (memory.ts). */
  readonly frameReach: Uint8Array;
  /** Per probe, per slot index of a table: 1 if a walk for the probe reads that index at some level. */
  readonly probeSlots: readonly Uint8Array[];

  constructor(readonly cfg: MachineConfig, extras: readonly ExtraRegion[] = []) {
    this.layout = new Layout(cfg, extras);
    const g = cfg.geometry;
    this.pagesLog2 = [0, 1, 2, 3].map((l) => levelShift(g, l) - g.pageShift);
    this.enc = cfg.encoding;
    this.sc = cfg.memoryModel === 'sc';
    this.tso = cfg.memoryModel === 'tso';
    this.readsNewest = this.sc || this.tso;
    // Every live write, and each exact view with the number after it, may take a number.
    this.tsScratch = new Int32Array(this.layout.locs * this.layout.H + 2 * (this.layout.exactViewSlots.length + this.layout.exactBelowSlots.length) + 2);
    this.tsMarks = new Uint8Array(this.tsScratch.length);
    this.compactMemory = cfg.compactMemory;
    this.translates = new Uint8Array(cfg.cpus).fill(1);
    this.translatesWhenDone = new Uint8Array(cfg.cpus).fill(1);
    this.frameReach = new Uint8Array(cfg.frames);
    this.probeSlots = cfg.probes.map((pr) => {
      const mask = new Uint8Array(g.entries);
      for (let l = g.rootLevel; l <= 3; l++) mask[Math.floor(pr.vaPage / 2 ** this.pagesLog2[l]!) & (g.entries - 1)] = 1;
      return mask;
    });
  }

  /** The state before any CPU runs. */
  initialState(): Int32Array {
    const L = this.layout;
    const s = new Int32Array(L.size);
    s[G_TIME] = 0;
    for (let f = 0; f < L.frames; f++) {
      const fi = this.cfg.frameInit[f]!;
      s[L.frameBase + f] = fi.init === 'free' ? FRAME_FREE : FRAME_USED;
      for (let i = 0; i < L.entries; i++) {
        const m = L.mem(f * L.entries + i);
        s[m] = 1;
        const v = fi.content[i] ?? (fi.init === 'junk' ? junkDescriptor(f, i) : 0n);
        const [lo, hi] = splitDesc(v);
        s[m + 1] = lo;
        s[m + 2] = hi;
      }
    }
    this.cfg.dataWords.forEach((_, d) => {
      const m = L.mem(L.tableLocs + d);
      const [lo, hi] = splitDesc(this.cfg.dataInit[d]!);
      s[m] = 1;
      s[m + 1] = lo;
      s[m + 2] = hi;
    });
    for (let c = 0; c < L.cpus; c++) {
      s[L.cpu(c) + C_TTBR] = this.cfg.ttbr0 + 1;
      s[L.cpu(c) + C_TTBR + 1] = this.cfg.ttbr1 + 1;
    }
    return s;
  }

  /** The location of a descriptor at physical address pa, or -1 if pa is in no table frame. */
  locOfPa(pa: number): number {
    const pfn = Math.floor(pa / 4096);
    const f = pfn - this.cfg.framePfnBase;
    if (f < 0 || f >= this.layout.frames) return this.dataLoc(pa);
    const off = pa - pfn * 4096;
    if (off % 8 !== 0 || off / 8 >= this.layout.entries) return -1;
    return f * this.layout.entries + off / 8;
  }

  dataLoc(pa: number): number {
    const d = this.cfg.dataWords.indexOf(pa);
    return d < 0 ? -1 : this.layout.tableLocs + d;
  }

  /** Physical address of location loc. */
  paOfLoc(loc: number): number {
    const L = this.layout;
    if (loc >= L.tableLocs) return this.cfg.dataWords[loc - L.tableLocs]!;
    return (this.cfg.framePfnBase + Math.floor(loc / L.entries)) * 4096 + (loc % L.entries) * 8;
  }

  framePa(f: number): number {
    return (this.cfg.framePfnBase + f) * 4096;
  }

  /** Frame index of a table at page number pfn, or -1. */
  frameOfPfn(pfn: number): number {
    const f = pfn - this.cfg.framePfnBase;
    return f >= 0 && f < this.layout.frames ? f : -1;
  }
}

/** Junk that looks like descriptors: a valid table pointer to a page outside the pool. */
function junkDescriptor(f: number, i: number): bigint {
  return 0x00600000deadb003n + (BigInt(f * 64 + i) << 12n);
}
