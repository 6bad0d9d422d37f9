// Hardware updates of page-table entries under herd7's TTHM (FEAT_HAFDBS), which a litmus
// thread owes or may make:
// - an access whose walk read AF clear (or, for a write under HD, a clean DBM leaf) goes on
//   with the updated translation and owes the update: an atomic set of AF (and DB) on the
//   write its walk read, which may reach memory later than the thread's later stores
//   (herd7's NT-12-*), and only while that write is still the newest (herd's rmw);
// - a software write to a PTE may be followed by a spurious set of AF (herd7's phantom
//   update), whatever the entry holds then;
// - a thread with HA may set AF in any valid leaf at any moment (speculative walks:
//   herd7's SpecAF, NOP+AF).
// The writes are the hardware's: no CPU's views move (commitWrite with cpu -1).

import { commitWrite, newestWrite as newest } from '../machine/memory.js';
import type { Machine } from '../machine/machine.js';
import { sbFind } from '../machine/cpu.js';
import { W_ATOMIC_MASK } from '../machine/layout.js';

export const HW_SLOTS = 6;
const SLOT = 3; // loc + 1, timestamp of the write the walk read, kind
export const HW_WORDS = HW_SLOTS * SLOT;
/** Offsets (within the slots) of the timestamps: views, compared exactly. */
export const HW_VIEW_OFFSETS = Array.from({ length: HW_SLOTS }, (_, k) => k * SLOT + 1);

export const HW_AF = 1;
export const HW_DB = 2;
/** A spurious AF update: no atomicity with an earlier read. */
export const HW_PHANTOM = 4;

const AF_BIT = 1 << 10;
const RDONLY_BIT = 1 << 7;

export class HardwareUpdates {
  /**
   * @param pteLocs the variables' PTE locations, which spontaneous updates may touch
   * @param spontaneous whether this thread makes the spontaneous updates (one thread with
   *   HA does, for all: the writes are the hardware's, so which one does not matter)
   */
  constructor(private readonly pteLocs: readonly number[], private readonly spontaneous: boolean) {}

  owes(s: Int32Array, b: number): boolean {
    for (let k = 0; k < HW_SLOTS; k++) if (s[b + k * SLOT] !== 0) return true;
    return false;
  }

  /** Owe an update of loc; kind HW_AF/HW_DB records the newest write (the walk's read). */
  owe(m: Machine, s: Int32Array, b: number, loc: number, kind: number): boolean {
    for (let k = 0; k < HW_SLOTS; k++) {
      const o = b + k * SLOT;
      if (s[o] !== 0) continue;
      s[o] = loc + 1;
      s[o + 1] = kind & HW_PHANTOM ? 0 : s[newest(m, s, loc) + 2]!;
      s[o + 2] = kind;
      return true;
    }
    return false;
  }

  private slotReady(m: Machine, s: Int32Array, cpu: number, o: number): boolean {
    const loc = s[o]! - 1;
    if (loc < 0) return false;
    // A spurious update follows the software write it goes with; an owed one must come
    // straight after the write its walk read (the thread's own buffered store may follow).
    // No update between a relaxed atomic's read and its buffered write (it is atomic).
    if ((s[newest(m, s, loc) + 3]! & W_ATOMIC_MASK) !== 0) return false;
    if ((s[o + 2]! & HW_PHANTOM) !== 0) return sbFind(m, s, cpu, loc) < 0;
    return s[newest(m, s, loc) + 2] === s[o + 1];
  }

  /** Whether an owed update's write is no longer the newest: it can never be made. */
  overtaken(m: Machine, s: Int32Array, b: number): boolean {
    for (let k = 0; k < HW_SLOTS; k++) {
      const o = b + k * SLOT;
      if (s[o] === 0 || (s[o + 2]! & HW_PHANTOM) !== 0) continue;
      if (s[newest(m, s, s[o]! - 1) + 2] !== s[o + 1]) return true;
    }
    return false;
  }

  private eligible(m: Machine, s: Int32Array, loc: number): boolean {
    const w = newest(m, s, loc);
    const lo = s[w]!;
    return (lo & 1) !== 0 && (lo & AF_BIT) === 0 && (s[w + 3]! & W_ATOMIC_MASK) === 0;
  }

  /** How many hardware updates the thread can make now. */
  ways(m: Machine, s: Int32Array, cpu: number, b: number): number {
    let k = 0;
    for (let j = 0; j < HW_SLOTS; j++) if (this.slotReady(m, s, cpu, b + j * SLOT)) k++;
    if (this.spontaneous) for (const loc of this.pteLocs) if (this.eligible(m, s, loc)) k++;
    return k;
  }

  /** Make the choice-th update of `ways`. */
  perform(m: Machine, s: Int32Array, cpu: number, b: number, choice: number): void {
    for (let j = 0; j < HW_SLOTS; j++) {
      const o = b + j * SLOT;
      if (!this.slotReady(m, s, cpu, o)) continue;
      if (choice-- > 0) continue;
      const loc = s[o]! - 1;
      const kind = s[o + 2]!;
      s[o] = s[o + 1] = s[o + 2] = 0;
      return this.set(m, s, loc, AF_BIT, kind & HW_DB ? RDONLY_BIT : 0);
    }
    for (const loc of this.pteLocs) {
      if (!this.eligible(m, s, loc)) continue;
      if (choice-- > 0) continue;
      return this.set(m, s, loc, AF_BIT, 0);
    }
    throw new Error('hardware update: no such choice');
  }

  private set(m: Machine, s: Int32Array, loc: number, setBits: number, clearBits: number): void {
    const w = newest(m, s, loc);
    const lo = (s[w]! | setBits) & ~clearBits;
    if (lo === s[w]) return; // nothing changes: the update writes nothing new
    commitWrite(m, s, -1, loc, lo, s[w + 1]!, 0);
  }
}
