// Exhaustive depth-first search over flat states with a fingerprint visited set and an
// optional partial-order reduction. Stops at the first violation; cut-offs (states,
// depth, time, an abort signal) make the verdict incomplete, never verified.

import type { Violation } from '../check/property.js';
import { CapacityError } from '../machine/errors.js';
import { hashDelta, hashState } from '../machine/hash.js';
import { DEADLOCK, isDeadlocked } from '../check/deadlock.js';
import { ActionList, enumerate, isFinal } from '../machine/transitions.js';
import type { Step } from './choicePath.js';
import { NO_REDUCTION, type Actor, type Reduction } from './reduction.js';
import type { Session } from './session.js';
import { VisitedSet } from './visitedSet.js';

export interface ExploreOptions {
  reduction?: Reduction;
  maxStates?: number;
  maxDepth?: number;
  timeoutMs?: number;
  /** Checked every few thousand states; return true to stop (Ctrl-C). */
  shouldStop?: () => boolean;
  onProgress?: (p: Progress) => void;
  /** Collect an observation key per final state (tests compare them). */
  observe?: (s: Int32Array) => string;
  /** Go on after a violation (not expanding the violating state) to collect every kind. */
  keepGoing?: boolean;
}

export interface Progress {
  states: number;
  transitions: number;
  depth: number;
  elapsedMs: number;
}

export interface ExploreResult {
  verdict: 'verified' | 'violation' | 'incomplete';
  violation?: Violation;
  path?: Step[];
  /** With keepGoing: the first violation of each kind. */
  violations: Map<string, { violation: Violation; path: Step[] }>;
  /** Why the search stopped early, when incomplete. */
  cutoff?: string;
  states: number;
  transitions: number;
  finalStates: number;
  finals: Set<string>;
  maxDepth: number;
  elapsedMs: number;
  /** States the reduction skipped expanding (transitions not taken). */
  eagerSteps: number;
  visitedBytes: number;
}

interface Frame {
  state: Int32Array;
  actions: Int32Array;
  count: number;
  next: number;
  taken: Step | null;
  key: string;
  /** Only the eager step is being explored from this state. */
  reduced: boolean;
  /** The state's fingerprint lanes (successors' are computed from them). */
  ha: number;
  hb: number;
}

/** Run the search to its end in one go (tests, benchmarks). */
export function explore(session: Session, opts: ExploreOptions = {}): ExploreResult {
  const g = search(session, opts);
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/**
 * Run the search, giving the event loop a turn every few milliseconds, so that Ctrl-C
 * (a SIGINT listener setting shouldStop) is heard while it runs.
 */
export async function exploreAsync(session: Session, opts: ExploreOptions = {}): Promise<ExploreResult> {
  const g = search(session, opts);
  let last = Date.now();
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
    if (Date.now() - last > 50) {
      await new Promise((resolve) => setImmediate(resolve));
      last = Date.now();
    }
  }
}

/** The search itself; it yields every 1024 transitions. */
function* search(session: Session, opts: ExploreOptions): Generator<void, ExploreResult> {
  const { m, driver } = session;
  const reduction = opts.reduction ?? NO_REDUCTION;
  const maxStates = opts.maxStates ?? Infinity;
  const maxDepth = opts.maxDepth ?? Infinity;
  const deadline = opts.timeoutMs === undefined ? Infinity : Date.now() + opts.timeoutMs;
  const t0 = Date.now();
  const visited = new VisitedSet();
  const onStack = new Set<string>();
  const list = new ActionList();
  const found: Violation[] = [];
  const res: ExploreResult = {
    verdict: 'verified', violations: new Map(), states: 0, transitions: 0, finalStates: 0, finals: new Set(), maxDepth: 0,
    elapsedMs: 0, eagerSteps: 0, visitedBytes: 0,
  };
  const stack: Frame[] = [];
  const hv = new Int32Array(2);
  const actor: Actor = { kind: 0, cpu: 0, arg: 0 };
  const pathOf = (extra?: Step): Step[] => {
    const p = stack.slice(1).map((f) => f.taken!);
    if (extra) p.push(extra);
    return p;
  };
  const finish = (): ExploreResult => {
    res.elapsedMs = Date.now() - t0;
    res.visitedBytes = visited.bytes();
    return res;
  };
  const record = (v: Violation, path: Step[]): void => {
    if (!res.violations.has(v.kind)) res.violations.set(v.kind, { violation: v, path });
    if (!res.violation) {
      res.violation = v;
      res.path = path;
    }
    res.verdict = 'violation';
  };
  /** Record a violation; returns the final result unless the search goes on. */
  const fail = (v: Violation, path: Step[]): ExploreResult | null => {
    record(v, path);
    return opts.keepGoing ? null : finish();
  };

  /** Visit state s (reached by `taken`); returns a violation result or null. */
  const enter = (s: Int32Array, taken: Step | null, a: number, b: number): ExploreResult | null => {
    if (!visited.add(a, b)) return null;
    res.states++;
    const key = `${a}:${b}`;
    const final = isFinal(m, driver, s);
    if (final) {
      res.finalStates++;
      if (opts.observe) res.finals.add(opts.observe(s));
      found.length = 0;
      session.finalViolations(s, found);
      if (found.length) {
        const path = pathOf(taken ?? undefined);
        for (const v of found.slice(0, -1)) record(v, path);
        const r = fail(found[found.length - 1]!, path);
        // A final state's violation is a property of the state: with keepGoing its walkers
        // may still move (to other final states), as in the brute-force enumerator.
        if (r) return r;
      }
    }
    try {
      enumerate(m, driver, s, list);
    } catch (e) {
      if (!(e instanceof CapacityError)) throw e;
      if (res.verdict === 'verified') res.verdict = 'incomplete';
      res.cutoff ??= `a machine bound: ${e.message}`;
      return null; // this state is a leaf of the search
    }
    if (isDeadlocked(m, driver, s, list)) {
      const path = pathOf(taken ?? undefined);
      const r = fail(DEADLOCK, path);
      if (r) return r;
    }
    let actions = list.data.slice(0, list.length * 4);
    let count = list.length;
    let reduced = false;
    if (reduction.eager(m, driver, s, actor)) {
      // The actor's actions are contiguous in enumeration order.
      let i = 0;
      while (i < count && !(actions[i * 4] === actor.kind && actions[i * 4 + 1] === actor.cpu && actions[i * 4 + 2] === actor.arg)) i++;
      let j = i;
      while (j < count && actions[j * 4] === actor.kind && actions[j * 4 + 1] === actor.cpu && actions[j * 4 + 2] === actor.arg) j++;
      if (j > i && j - i < count) {
        actions = actions.slice(i * 4, j * 4);
        res.eagerSteps += count - (j - i);
        count = j - i;
        reduced = true;
      }
    }
    stack.push({ state: s, actions, count, next: 0, taken, key, reduced, ha: a, hb: b });
    onStack.add(key);
    if (stack.length - 1 > res.maxDepth) res.maxDepth = stack.length - 1;
    return null;
  };

  const s0 = session.initialState();
  if (session.initialViolations.length) {
    for (const v of session.initialViolations.slice(0, -1)) record(v, []);
    const r = fail(session.initialViolations[session.initialViolations.length - 1]!, []);
    if (r) return r;
  }
  const [h0a, h0b] = hashState(s0);
  let scratch = new Int32Array(s0.length);
  const r0 = enter(s0, null, h0a, h0b);
  if (r0) return r0;
  let tick = 0;
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.count) {
      onStack.delete(top.key);
      stack.pop();
      continue;
    }
    if ((++tick & 1023) === 0) {
      const now = Date.now();
      if (now > deadline) return cut('time limit');
      if (opts.shouldStop?.()) return cut('interrupted (Ctrl-C)');
      opts.onProgress?.({ states: res.states, transitions: res.transitions, depth: stack.length, elapsedMs: now - t0 });
      yield;
    }
    if (res.states >= maxStates) return cut(`${maxStates} states`);
    const i = top.next++;
    const step: Step = { kind: top.actions[i * 4]!, cpu: top.actions[i * 4 + 1]!, arg: top.actions[i * 4 + 2]!, choice: top.actions[i * 4 + 3]! };
    if (stack.length > maxDepth) {
      if (res.verdict === 'verified') res.verdict = 'incomplete';
      res.cutoff ??= `depth ${maxDepth}`;
      continue;
    }
    // Most successors were seen before: step a reused buffer, and keep it only if new.
    const t = scratch;
    t.set(top.state);
    found.length = 0;
    try {
      session.step(t, step.kind, step.cpu, step.arg, step.choice, found);
    } catch (e) {
      if (!(e instanceof CapacityError)) throw e;
      // A bound of the state layout: this branch is cut (the verdict can no longer be
      // "verified"), the others are still searched for violations.
      if (res.verdict === 'verified') res.verdict = 'incomplete';
      res.cutoff ??= `a machine bound: ${e.message}`;
      continue;
    }
    res.transitions++;
    if (found.length) {
      const path = pathOf(step);
      for (const v of found.slice(0, -1)) record(v, path);
      const r = fail(found[found.length - 1]!, path);
      if (r) return r;
      continue;
    }
    hashDelta(top.state, t, top.ha, top.hb, hv);
    if (top.reduced) {
      // Cycle proviso: an eager step back onto the stack must not hide the other actions.
      if (onStack.has(`${hv[0]}:${hv[1]}`)) {
        enumerate(m, driver, top.state, list);
        top.actions = list.data.slice(0, list.length * 4);
        top.count = list.length;
        top.next = 0;
        top.reduced = false;
        continue;
      }
    }
    const r = enter(t, step, hv[0]!, hv[1]!);
    if (r) return r;
    if (stack.length && stack[stack.length - 1]!.state === t) scratch = new Int32Array(t.length);
  }
  return finish();

  function cut(why: string): ExploreResult {
    res.verdict = 'incomplete';
    res.cutoff = why;
    return finish();
  }
}
