// Parallel fuzzing, the workers' side: run numbers are handed out from a shared counter
// (run i is seeded from (seed, i) wherever it runs); once a run fails, the lowest failing
// run number is kept in shared memory and no worker starts a run above it, while the runs
// below it finish. So the reported run is the lowest failing one, as in one thread.

import type { Violation } from '../check/property.js';
import type { Step } from './choicePath.js';
import { fuzzReduction, RANDOM, runWith, UNREDUCED_RANDOM, type Strategy } from './fuzz.js';
import { NO_REDUCTION } from './reduction.js';
import { pct } from './pct.js';
import { Rng, runSeed } from './prng.js';
import type { SearchSource } from './searchSource.js';
import type { Session } from './session.js';

const NEXT = 0;
const LOWEST = 1;
const STOP = 2;
const RUNS = 3;
const STEPS = 4; // two words: steps counted in units of 1 and of 2^30
const BEST = 6;
const WORDS = 8;

export function createFuzzControl(runs: number): SharedArrayBuffer {
  const b = new SharedArrayBuffer(WORDS * 4);
  const c = new Int32Array(b);
  c[LOWEST] = runs > 0x7fffffff ? 0x7fffffff : runs;
  return b;
}

export interface FuzzTask {
  kind: 'fuzz';
  source: SearchSource;
  initial: [number, number];
  control: SharedArrayBuffer;
  strategy: 'random' | 'pct';
  depth: number;
  seed: number;
  runs: number;
  maxSteps: number;
  keepGoing: boolean;
  reduction: boolean;
}

export interface FuzzFailure {
  run: number;
  violation: Violation;
  path: Step[];
}

export interface FuzzWorkerResult {
  runs: number;
  steps: number;
  abandoned: number;
  /** This worker's failing runs: the first of each kind (every run it played is ascending). */
  failures: FuzzFailure[];
}

/** `reduced` false: random chooses among all enabled actions, not after the eager steps. */
export function makeStrategy(name: 'random' | 'pct', depth: number, reduced = true): Strategy {
  return name === 'pct' ? pct(depth) : reduced ? RANDOM : UNREDUCED_RANDOM;
}

export function fuzzWorker(session: Session, t: FuzzTask): FuzzWorkerResult {
  const c = new Int32Array(t.control);
  const strategy = makeStrategy(t.strategy, t.depth, t.reduction);
  strategy.prepare?.(session, t.seed, t.maxSteps);
  const reduction = strategy.reduced ? fuzzReduction(session) : NO_REDUCTION;
  const out: FuzzWorkerResult = { runs: 0, steps: 0, abandoned: 0, failures: [] };
  const kinds = new Set<string>();
  for (;;) {
    if (Atomics.load(c, STOP)) break;
    const i = Atomics.add(c, NEXT, 1);
    if (i >= t.runs || (!t.keepGoing && i > Atomics.load(c, LOWEST))) break;
    const r = runWith(session, strategy.chooser(session, new Rng(runSeed(t.seed, i))), t.maxSteps, reduction);
    out.runs++;
    out.steps += r.path.length;
    if (r.abandoned) out.abandoned++;
    Atomics.add(c, RUNS, 1);
    addSteps(c, r.path.length);
    if (!r.violation) continue;
    let best = Atomics.load(c, BEST);
    while ((best === 0 || r.path.length < best) && Atomics.compareExchange(c, BEST, best, r.path.length) !== best) best = Atomics.load(c, BEST);
    if (!kinds.has(r.violation.kind)) {
      kinds.add(r.violation.kind);
      out.failures.push({ run: i, violation: r.violation, path: r.path });
    }
    let low = Atomics.load(c, LOWEST);
    while (i < low && Atomics.compareExchange(c, LOWEST, low, i) !== low) low = Atomics.load(c, LOWEST);
  }
  return out;
}

function addSteps(c: Int32Array, n: number): void {
  const lo = Atomics.add(c, STEPS, n) + n;
  if (lo >= 2 ** 30) {
    Atomics.sub(c, STEPS, 2 ** 30);
    Atomics.add(c, STEPS + 1, 1);
  }
}

/** The main thread's view of a running campaign. */
export class FuzzControl {
  private readonly c: Int32Array;
  constructor(buffer: SharedArrayBuffer) {
    this.c = new Int32Array(buffer);
  }
  stop(): void {
    Atomics.store(this.c, STOP, 1);
  }
  progress(): { runs: number; steps: number; best: number } {
    return { runs: Atomics.load(this.c, RUNS), steps: Atomics.load(this.c, STEPS) + Atomics.load(this.c, STEPS + 1) * 2 ** 30, best: Atomics.load(this.c, BEST) };
  }
}
