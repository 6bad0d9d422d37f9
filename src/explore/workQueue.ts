// The work that workers share: a stack of edges (a state, its fingerprint, the path to it
// and one action to take from it) in a SharedArrayBuffer, behind a spin lock. Workers
// donate the unexplored edges nearest their DFS roots when the stack runs low and take
// from it when their own search is done; the control words also carry the stop flag and
// the counters the main thread reads for progress.

import type { Step } from './choicePath.js';

/** Control words (Int32 indices). */
const LOCK = 0;
const COUNT = 1;
const IDLE = 2;
const STOP = 3;
const DONE = 4;
/** Per-worker progress: states, transitions, depth, each worker on its own line. */
const PROGRESS = 16;
const PROGRESS_STRIDE = 16;
const CONTROL_WORDS = PROGRESS + 64 * PROGRESS_STRIDE;

/** Longest path an edge may carry; deeper edges are not donated. */
const MAX_PATH = 4096;
const HEADER = 4; // ha, hb, path length, the action

export interface Edge {
  state: Int32Array;
  ha: number;
  hb: number;
  path: Step[];
  step: Step;
}

export interface QueueBuffers {
  control: SharedArrayBuffer;
  slots: SharedArrayBuffer;
  stateWords: number;
  capacity: number;
  workers: number;
}

export function createQueue(stateWords: number, capacity: number, workers: number): QueueBuffers {
  const slotWords = HEADER + MAX_PATH + stateWords;
  return {
    control: new SharedArrayBuffer(CONTROL_WORDS * 4),
    slots: new SharedArrayBuffer(capacity * slotWords * 4),
    stateWords, capacity, workers,
  };
}

/** Whether an edge fits a slot: its path no longer than MAX_PATH, every step packable. */
export function edgeFits(e: Edge): boolean {
  return e.path.length <= MAX_PATH && stepFits(e.step) && e.path.every(stepFits);
}

/** Whether a step fits one word: kind 3 bits, cpu 5, arg 8, choice 16. */
function stepFits(s: Step): boolean {
  return s.kind <= 7 && s.cpu <= 31 && s.arg <= 255 && s.choice <= 0xffff && s.kind >= 0 && s.cpu >= 0 && s.arg >= 0 && s.choice >= 0;
}

function packStep(s: Step): number {
  return (s.kind << 29) | (s.cpu << 24) | (s.arg << 16) | s.choice;
}

function unpackStep(w: number): Step {
  return { kind: w >>> 29, cpu: (w >>> 24) & 31, arg: (w >>> 16) & 255, choice: w & 0xffff };
}

export class WorkQueue {
  readonly ctl: Int32Array;
  private readonly slots: Int32Array;
  private readonly slotWords: number;

  constructor(readonly q: QueueBuffers) {
    this.ctl = new Int32Array(q.control);
    this.slots = new Int32Array(q.slots);
    this.slotWords = HEADER + MAX_PATH + q.stateWords;
  }

  get count(): number {
    return Atomics.load(this.ctl, COUNT);
  }

  get stopped(): boolean {
    return Atomics.load(this.ctl, STOP) !== 0;
  }

  stop(): void {
    Atomics.store(this.ctl, STOP, 1);
    Atomics.notify(this.ctl, COUNT);
  }

  /** Push an edge; false if the stack is full, the edge does not fit, or the run stopped. */
  push(e: Edge): boolean {
    if (!edgeFits(e)) return false;
    const step = packStep(e.step);
    const packed = new Int32Array(e.path.length);
    for (let i = 0; i < e.path.length; i++) packed[i] = packStep(e.path[i]!);
    if (!this.lock()) return false;
    const n = this.ctl[COUNT]!;
    if (n >= this.q.capacity) {
      this.unlock();
      return false;
    }
    const o = n * this.slotWords;
    const s = this.slots;
    s[o] = e.ha;
    s[o + 1] = e.hb;
    s[o + 2] = e.path.length;
    s[o + 3] = step;
    s.set(packed, o + HEADER);
    s.set(e.state, o + HEADER + MAX_PATH);
    Atomics.store(this.ctl, COUNT, n + 1);
    this.unlock();
    Atomics.notify(this.ctl, COUNT);
    return true;
  }

  /**
   * Wait for work as an idle worker: returns an edge, or null when every worker is idle
   * with nothing queued (the search is over) or the run was stopped. The idle count and the
   * queue change together under the lock, so "all idle and nothing queued" is one fact:
   * an idle worker pushes nothing, and one that takes an edge is no longer idle.
   */
  waitForWork(whileWaiting: () => void): Edge | null {
    if (!this.lock()) return null;
    this.ctl[IDLE]!++;
    this.unlock();
    for (;;) {
      whileWaiting();
      if (this.stopped || !this.lock()) return null;
      const n = this.ctl[COUNT]!;
      if (n > 0) {
        const e = this.take(n - 1);
        Atomics.store(this.ctl, COUNT, n - 1);
        this.ctl[IDLE]!--;
        this.unlock();
        return e;
      }
      if (this.ctl[DONE] || this.ctl[IDLE] === this.q.workers) {
        this.ctl[DONE] = 1;
        this.unlock();
        Atomics.notify(this.ctl, COUNT);
        return null;
      }
      this.unlock();
      Atomics.wait(this.ctl, COUNT, 0, 2);
    }
  }

  /** The edge in slot i (under the lock). */
  private take(i: number): Edge {
    const o = i * this.slotWords;
    const s = this.slots;
    const len = s[o + 2]!;
    const path: Step[] = new Array(len);
    for (let k = 0; k < len; k++) path[k] = unpackStep(s[o + HEADER + k]!);
    return {
      ha: s[o]!, hb: s[o + 1]!, path, step: unpackStep(s[o + 3]!),
      state: s.slice(o + HEADER + MAX_PATH, o + HEADER + MAX_PATH + this.q.stateWords),
    };
  }

  /** A worker's figures for the progress line. */
  report(worker: number, states: number, transitions: number, depth: number): void {
    const o = PROGRESS + worker * PROGRESS_STRIDE;
    Atomics.store(this.ctl, o, states);
    Atomics.store(this.ctl, o + 1, transitions);
    Atomics.store(this.ctl, o + 2, depth);
  }

  progress(): { states: number; transitions: number; depth: number } {
    let states = 0;
    let transitions = 0;
    let depth = 0;
    for (let w = 0; w < this.q.workers; w++) {
      const o = PROGRESS + w * PROGRESS_STRIDE;
      states += Atomics.load(this.ctl, o);
      transitions += Atomics.load(this.ctl, o + 1);
      depth = Math.max(depth, Atomics.load(this.ctl, o + 2));
    }
    return { states, transitions, depth };
  }

  /** Take the lock; false if the run stopped meanwhile (a thread that died holding it). */
  private lock(): boolean {
    while (Atomics.compareExchange(this.ctl, LOCK, 0, 1) !== 0) {
      // contention is rare (donations happen every few thousand transitions)
      if (this.stopped) return false;
    }
    return true;
  }

  private unlock(): void {
    Atomics.store(this.ctl, LOCK, 0);
  }
}
