// The visited set that workers share: 64-bit state fingerprints in an open-addressing
// table in a SharedArrayBuffer, after LTSmin's (Laarman, van de Pol, Weber, FMCAD 2010):
// probe the 64-byte cache line a fingerprint hashes to first, then other lines. A slot is
// two Int32 lanes; lane a is claimed with compareExchange (EMPTY -> BUSY), lane b written,
// then lane a published, so a reader never compares against half a fingerprint.
//
// The table grows: a random hash touches every page of a table, so one sized for the
// largest run would cost its whole size in memory at once. Two buffers of the largest size
// are reserved (untouched pages cost nothing); at half full, the threads meet at a barrier
// and the last to arrive rehashes into the other buffer at twice the size.

const EMPTY = 0;
const BUSY = -0x80000000;
const LINE = 8; // slots per 64-byte cache line
const MAX_LINES = 64; // lines probed before a fingerprint counts as unplaceable
const GROW_AT = 0.5;
const FOUND = 0;
const INSERTED = 1;
const ABSENT = 2;
/** Fill of the largest table at which the run stops, incomplete. */
const MAX_LOAD = 0.85;
const MIN_LOG2 = 17;
const MAX_WORKERS = 64;

// Control words.
const CUR = 0; // which buffer holds the table
const CAP_LOG2 = 1;
const GROW = 2; // a grow was asked for
const ARRIVED = 3;
const GEN = 4; // bumped by each grow
const PARTICIPANTS = 5; // threads that must meet at the barrier
const REHASHING = 6;
const ABORTED = 7; // the run is stopping: no thread waits at a barrier any more
const MAX_LOG2 = 8; // the largest size the table may grow to (log2 of its slots)
const COUNTERS = 16; // per-thread insert counts, each on its own cache line
const COUNTER_STRIDE = 16;
const CONTROL_WORDS = COUNTERS + (MAX_WORKERS + 1) * COUNTER_STRIDE;

/** The table is full: the search stops, incomplete, and says how much memory it needs. */
export class TableFull extends Error {}

/** What the explorer needs of a visited set (the growing private one or the shared one). */
export interface Visited {
  /** Insert fingerprint (a, b); true if it was new. */
  add(a: number, b: number): boolean;
  has(a: number, b: number): boolean;
  bytes(): number;
  readonly size: number;
  /** Called between transitions: a shared table may need this thread at a grow barrier. */
  sync?(): void;
}

/** The buffers behind a shared table: passed to workers as they are (shared, not copied). */
export interface SharedTable {
  control: SharedArrayBuffer;
  buffers: [SharedArrayBuffer, SharedArrayBuffer];
}

/** Reserve a table that may grow to use at most `memoryBytes` (both buffers counted). */
export function createSharedTable(memoryBytes: number): SharedTable {
  let maxLog2 = MIN_LOG2;
  // Growing from 2^k to 2^(k+1) slots touches 1.5 times the final table: keep that in budget.
  while (maxLog2 < 30 && 2 ** (maxLog2 + 1) * 8 * 1.5 <= memoryBytes) maxLog2++;
  const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
  const c = new Int32Array(control);
  c[CAP_LOG2] = MIN_LOG2;
  c[PARTICIPANTS] = 1;
  c[MAX_LOG2] = maxLog2;
  return { control, buffers: [new SharedArrayBuffer(2 ** maxLog2 * 8), new SharedArrayBuffer(2 ** maxLog2 * 8)] };
}

/** Memory a run storing `states` needs (the table at the size it stops at, plus the half-size one it grew from). */
export function memoryFor(states: number): number {
  let cap = 2 ** MIN_LOG2;
  while (cap * MAX_LOAD < states) cap *= 2;
  return cap * 8 * 1.5;
}

export class SharedVisitedSet implements Visited {
  private readonly c: Int32Array;
  private readonly views: [Int32Array, Int32Array];
  private t: Int32Array;
  private lineMask = 0;
  private growAt = 0;
  private readonly maxLog2: number;
  /** Inserts by this thread. */
  size: number;

  /** `thread` picks this thread's insert counter (0 for the main thread, worker i is i + 1). */
  constructor(table: SharedTable, private readonly thread = 0) {
    this.c = new Int32Array(table.control);
    this.views = [new Int32Array(table.buffers[0]), new Int32Array(table.buffers[1])];
    this.maxLog2 = this.c[MAX_LOG2]!;
    this.t = this.views[0];
    this.size = Atomics.load(this.c, COUNTERS + thread * COUNTER_STRIDE);
    this.refresh();
  }

  /** States stored by every thread (the counters are published every 256 inserts). */
  total(): number {
    let n = 0;
    for (let w = 0; w <= MAX_WORKERS; w++) n += Atomics.load(this.c, COUNTERS + w * COUNTER_STRIDE);
    return n;
  }

  /** Bytes of the table now (the half-size buffer it grew from stays touched too: up to half as much again). */
  bytes(): number {
    return 2 ** Atomics.load(this.c, CAP_LOG2) * 8;
  }

  maxBytes(): number {
    return 2 ** this.maxLog2 * 8;
  }

  /** How many threads meet at a grow barrier (the main thread alone, then the workers). */
  setParticipants(n: number): void {
    Atomics.store(this.c, PARTICIPANTS, n);
  }

  add(a: number, b: number): boolean {
    if (this.probe(a, b, true) !== INSERTED) return false;
    if ((++this.size & 255) === 0) this.publish();
    return true;
  }

  has(a: number, b: number): boolean {
    return this.probe(a, b, false) === FOUND;
  }

  /** Look (a, b) up; with `claim`, store it in the first free slot when absent. */
  private probe(a: number, b: number, claim: boolean): number {
    if (a === EMPTY || a === BUSY) a = a === EMPTY ? 0x5bd1e995 : BUSY + 1;
    const t = this.t;
    let line = (a ^ Math.imul(b, 0x9e3779b1)) & this.lineMask;
    const step = (b >>> 3) | 1;
    for (let n = 0; n < MAX_LINES; n++) {
      const base = line * LINE;
      for (let k = 0; k < LINE; k++) {
        const i = (base + ((a + k) & (LINE - 1))) * 2;
        let x = Atomics.load(t, i);
        if (x === EMPTY) {
          if (!claim) return ABSENT;
          x = Atomics.compareExchange(t, i, EMPTY, BUSY);
          if (x === EMPTY) {
            Atomics.store(t, i + 1, b);
            Atomics.store(t, i, a);
            return INSERTED;
          }
        }
        while (x === BUSY) {
          // Another thread is writing lane b; if it died doing so, the run is being stopped.
          x = Atomics.load(t, i);
          if (x === BUSY && Atomics.load(this.c, ABORTED)) return FOUND;
        }
        if (x === a && Atomics.load(t, i + 1) === b) return FOUND;
      }
      line = (line + step) & this.lineMask;
    }
    if (!claim) return ABSENT;
    throw new TableFull('a fingerprint found no free slot');
  }

  /** Publish this thread's count; past half full, ask for a grow (or stop, at the largest size). */
  private publish(): void {
    Atomics.store(this.c, COUNTERS + this.thread * COUNTER_STRIDE, this.size);
    const total = this.total();
    if (total <= this.growAt) return;
    const log2 = Atomics.load(this.c, CAP_LOG2);
    if (log2 >= this.maxLog2) {
      if (total > 2 ** log2 * MAX_LOAD) throw new TableFull(`${Math.round(MAX_LOAD * 100)}% of ${(this.maxBytes() / 2 ** 20).toFixed(0)} MiB used`);
      return;
    }
    if (Atomics.load(this.c, ABORTED)) return;
    Atomics.store(this.c, GROW, 1);
    if (Atomics.load(this.c, PARTICIPANTS) === 1) this.sync();
  }

  /** Meet the other threads at a grow barrier if one was asked for. */
  sync(): void {
    if (Atomics.load(this.c, GROW) === 0 || Atomics.load(this.c, ABORTED)) return;
    const gen = Atomics.load(this.c, GEN);
    Atomics.add(this.c, ARRIVED, 1);
    while (Atomics.load(this.c, GEN) === gen && !Atomics.load(this.c, ABORTED)) {
      if (Atomics.load(this.c, ARRIVED) >= Atomics.load(this.c, PARTICIPANTS) && Atomics.compareExchange(this.c, REHASHING, 0, 1) === 0) {
        this.rehash();
        Atomics.store(this.c, ARRIVED, 0);
        Atomics.store(this.c, GROW, 0);
        Atomics.store(this.c, REHASHING, 0);
        Atomics.add(this.c, GEN, 1);
        Atomics.notify(this.c, GEN);
        break;
      }
      Atomics.wait(this.c, GEN, gen, 20);
    }
    this.refresh();
  }

  /**
   * The run is stopping (a crash, Ctrl-C, a cut-off): release every barrier. A thread that
   * died before it could leave() would otherwise hold the others there for ever.
   */
  abort(): void {
    Atomics.store(this.c, ABORTED, 1);
    Atomics.notify(this.c, GEN);
  }

  /** This thread is done with the table: barriers no longer wait for it. */
  leave(): void {
    Atomics.store(this.c, COUNTERS + this.thread * COUNTER_STRIDE, this.size);
    Atomics.sub(this.c, PARTICIPANTS, 1);
    Atomics.notify(this.c, GEN);
  }

  private refresh(): void {
    this.t = this.views[Atomics.load(this.c, CUR)]!;
    const cap = 2 ** Atomics.load(this.c, CAP_LOG2);
    this.lineMask = cap / LINE - 1;
    this.growAt = cap * GROW_AT;
  }

  /** Every other thread waits at the barrier: copy the table into the other buffer at twice the size. */
  private rehash(): void {
    const cur = Atomics.load(this.c, CUR);
    const log2 = Atomics.load(this.c, CAP_LOG2) + 1;
    const from = this.views[cur]!;
    const oldSlots = 2 ** (log2 - 1);
    const to = this.views[1 - cur]!;
    to.fill(0, 0, 2 ** log2 * 2);
    const mask = 2 ** log2 / LINE - 1;
    for (let s = 0; s < oldSlots; s++) {
      const a = from[s * 2]!;
      if (a !== EMPTY) place(to, mask, a, from[s * 2 + 1]!);
    }
    Atomics.store(this.c, CUR, 1 - cur);
    Atomics.store(this.c, CAP_LOG2, log2);
  }
}

/** Insert into a table no other thread is using (a rehash). */
function place(t: Int32Array, lineMask: number, a: number, b: number): void {
  let line = (a ^ Math.imul(b, 0x9e3779b1)) & lineMask;
  const step = (b >>> 3) | 1;
  for (;;) {
    const base = line * LINE;
    for (let k = 0; k < LINE; k++) {
      const i = (base + ((a + k) & (LINE - 1))) * 2;
      if (t[i] === EMPTY) {
        t[i] = a;
        t[i + 1] = b;
        return;
      }
    }
    line = (line + step) & lineMask;
  }
}
