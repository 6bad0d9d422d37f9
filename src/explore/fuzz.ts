// Fuzzing: many random schedules, run i seeded from (seed, i), stopping at the first run
// that shows a violation. Runs go in order, so the reported run is the lowest-numbered
// failing one whatever the timing. A clean campaign proves nothing, and says so.

import { DEADLOCK, isDeadlocked } from '../check/deadlock.js';
import type { Violation } from '../check/property.js';
import { CapacityError } from '../machine/errors.js';
import { ActionList, enumerate, isFinal } from '../machine/transitions.js';
import { stepAt, type Step } from './choicePath.js';
import { INTERRUPTED } from './dfs.js';
import { Rng, runSeed } from './prng.js';
import { actorRange, eagerSteps, NO_REDUCTION, type Actor, type Reduction, type StepClassifier } from './reduction.js';
import type { Session } from './session.js';

export interface FuzzOptions {
  strategy?: Strategy;
  seed: number;
  runs: number;
  /** Steps after which a run is abandoned (it shows nothing). */
  maxSteps?: number;
  timeoutMs?: number;
  /** Go on after a failing run, collecting the first run of each violation kind. */
  keepGoing?: boolean;
  shouldStop?: () => boolean;
  onProgress?: (p: FuzzProgress) => void;
  /** fast-check: replay the run this counterexample path names (a trace's fcPath) instead of searching. */
  fcPath?: string;
  /** fast-check: the property never fails, so every run is made (the bench times fast-check's runs this way). */
  passAll?: boolean;
  /** With keepGoing: stop once a run shows this kind (the bench's runs to the first violation of a kind). */
  stopAtKind?: string;
}

export interface FuzzProgress {
  runs: number;
  steps: number;
  elapsedMs: number;
  /** The shortest failing schedule so far (before shrinking), or 0. */
  best: number;
}

export interface FuzzResult {
  verdict: 'clean' | 'violation' | 'incomplete';
  runs: number;
  steps: number;
  /** Runs abandoned at maxSteps or on a machine bound. */
  abandoned: number;
  violation?: Violation;
  path?: Step[];
  /** The failing run's number (the lowest). */
  run?: number;
  /** With keepGoing: the first failing run of each kind (elapsedMs: when it ended, one thread only). */
  kinds: Map<string, { run: number; violation: Violation; path: Step[]; elapsedMs?: number }>;
  cutoff?: string;
  elapsedMs: number;
  /** fast-check: when its first failing run ended (before shrinking), and that run's kind. */
  firstFailure?: { kind: string; elapsedMs: number };
  /** fast-check: the counterexample path that, with the seed, replays the shrunk run in fast-check. */
  fcPath?: string;
}

const list = new ActionList();
const eagerList = new ActionList();
const actor: Actor = { kind: 0, cpu: 0, arg: 0 };
const range = { start: 0, end: 0 };
/**
 * Eager steps in a row after which a random run chooses among all enabled actions once.
 * A run has no stack to check the search's cycle proviso against, so a CPU looping on
 * local steps would otherwise be chosen for ever.
 */
const MAX_EAGER_CHAIN = 64;

/** Picks the action to take at each step of one run (an index into the enabled list). */
export type Chooser = (enabled: ActionList, step: number) => number;

/** The exhaustive search's eager steps, when the CPU driver can say which steps are local. */
export function fuzzReduction(session: Session): Reduction {
  const d = session.driver as Partial<StepClassifier>;
  return typeof d.isLocal === 'function' ? eagerSteps(d as StepClassifier) : NO_REDUCTION;
}

/**
 * One schedule, steered by choose. Where the reduction has an eager actor, only that
 * actor's actions are offered (they are contiguous in the enabled list).
 */
export function runWith(session: Session, choose: Chooser, maxSteps: number, reduction: Reduction = NO_REDUCTION): RunResult {
  const { m, driver } = session;
  const s = session.initialState();
  const path: Step[] = [];
  if (session.initialViolations.length) return { path, violation: session.initialViolations[0]!, abandoned: false };
  const found: Violation[] = [];
  let chain = 0; // eager steps taken in a row
  for (;;) {
    if (isFinal(m, driver, s)) {
      session.finalViolations(s, found);
      return { path, ...(found.length ? { violation: found[0]! } : {}), abandoned: false };
    }
    enumerate(m, driver, s, list);
    if (isDeadlocked(m, driver, s, list)) return { path, violation: DEADLOCK, abandoned: false };
    if (list.length === 0) return { path, abandoned: false }; // a dead end: no machine runs this order
    if (path.length >= maxSteps) return { path, abandoned: true };
    let k = -1;
    if (chain < MAX_EAGER_CHAIN && reduction.eager(m, driver, s, actor)) {
      actorRange(list.data, list.length, actor, range);
      eagerList.clear();
      for (let q = range.start; q < range.end; q++) eagerList.push(list.kind(q), list.cpu(q), list.arg(q), list.choice(q));
      if (eagerList.length > 0) k = range.start + choose(eagerList, path.length);
    }
    chain = k < 0 ? 0 : chain + 1;
    if (k < 0) k = choose(list, path.length);
    const st = stepAt(list.data, k);
    path.push(st);
    try {
      session.step(s, st.kind, st.cpu, st.arg, st.choice, found);
    } catch (e) {
      if (e instanceof CapacityError) return { path, abandoned: true };
      throw e;
    }
    if (found.length) return { path, violation: found[0]!, abandoned: false };
  }
}

export interface RunResult {
  path: Step[];
  violation?: Violation;
  abandoned: boolean;
}

/** A strategy makes the chooser of run i; it may learn from the runs before (PCT's step count). */
export interface Strategy {
  readonly name: string;
  /** Take the search's eager steps alone (fuzzReduction), so choices go to steps that matter. */
  readonly reduced?: boolean;
  /** Once per campaign, before run 0 (a function of the seed only). */
  prepare?(session: Session, seed: number, maxSteps: number): void;
  chooser(session: Session, rng: Rng): Chooser;
}

/**
 * Uniform random choice among the enabled actions, after the exhaustive search's eager
 * steps: a step that commutes with every other (a store entering its own buffer, a walk in
 * flight run whole) is taken alone, as the search takes it, but never more than
 * MAX_EAGER_CHAIN times in a row (the search's cycle proviso, for a run). Random choices
 * go to the interleavings that matter.
 */
export const RANDOM: Strategy = { name: 'random', reduced: true, chooser: (_s, rng) => (enabled) => rng.below(enabled.length) };
/** Uniform random choice among all enabled actions (`fuzz --no-reduction`). */
export const UNREDUCED_RANDOM: Strategy = { name: 'random', chooser: RANDOM.chooser };

/**
 * How long a run is: the longest of `runs` random runs made before run 0, seeded from the
 * campaign seed alone (PCT's k, fast-check's list length). Not the campaign's own runs: in
 * a parallel campaign which of those have ended depends on timing.
 */
export function calibrationLength(session: Session, seed: number, maxSteps: number, runs = 1): number {
  let longest = 0;
  for (let j = 0; j < runs; j++)
    longest = Math.max(longest, runWith(session, UNREDUCED_RANDOM.chooser(session, new Rng(runSeed(seed, 0xffffffff - j))), maxSteps).path.length);
  return longest;
}

/** Run the campaign, giving the event loop a turn now and then (Ctrl-C). */
export async function fuzz(session: Session, o: FuzzOptions): Promise<FuzzResult> {
  const t0 = performance.now();
  const deadline = o.timeoutMs === undefined ? Infinity : t0 + o.timeoutMs;
  const maxSteps = o.maxSteps ?? 10_000;
  const res: FuzzResult = { verdict: 'clean', runs: 0, steps: 0, abandoned: 0, elapsedMs: 0, kinds: new Map() };
  let last = t0;
  const strategy = o.strategy ?? RANDOM;
  strategy.prepare?.(session, o.seed, maxSteps);
  const reduction = strategy.reduced ? fuzzReduction(session) : NO_REDUCTION;
  let best = 0;
  for (let i = 0; i < o.runs; i++) {
    const now = performance.now();
    if (now > deadline || o.shouldStop?.()) {
      if (res.verdict !== 'violation') res.verdict = 'incomplete';
      res.cutoff = now > deadline ? 'time limit' : INTERRUPTED;
      break;
    }
    if (now - last > 50) {
      o.onProgress?.({ runs: res.runs, steps: res.steps, elapsedMs: now - t0, best });
      await new Promise((resolve) => setImmediate(resolve));
      last = performance.now();
    }
    const r = runWith(session, strategy.chooser(session, new Rng(runSeed(o.seed, i))), maxSteps, reduction);
    res.runs++;
    res.steps += r.path.length;
    if (r.abandoned) res.abandoned++;
    if (r.violation) {
      if (best === 0 || r.path.length < best) best = r.path.length;
      if (!res.kinds.has(r.violation.kind)) res.kinds.set(r.violation.kind, { run: i, violation: r.violation, path: r.path, elapsedMs: performance.now() - t0 });
      if (res.verdict !== 'violation') Object.assign(res, { verdict: 'violation', violation: r.violation, path: r.path, run: i });
      if (!o.keepGoing || res.kinds.has(o.stopAtKind ?? '')) break;
    }
  }
  res.elapsedMs = performance.now() - t0;
  return res;
}
