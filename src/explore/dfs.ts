// Exhaustive depth-first search over flat states with a fingerprint visited set and an
// optional partial-order reduction. Stops at the first violation; cut-offs (states,
// depth, time, an abort signal, a full visited table) make the verdict incomplete, never
// verified. The same loop runs in one thread or in each worker of a parallel search: there
// it starts from edges taken from the shared work queue and donates edges back to it.

import type { Violation } from '../check/property.js';
import { CapacityError } from '../machine/errors.js';
import { hashDelta, hashState } from '../machine/hash.js';
import { DEADLOCK, isDeadlocked } from '../check/deadlock.js';
import { A_PROG, ActionList, enumerate, isFinal } from '../machine/transitions.js';
import { stepAt, type Step } from './choicePath.js';
import { actorRange, NO_REDUCTION, type Actor, type Reduction } from './reduction.js';

const range = { start: 0, end: 0 };
import type { Session } from './session.js';
import { TableFull, type Visited } from './sharedVisited.js';
import { VisitedSet } from './visitedSet.js';
import { edgeFits, type Edge, type WorkQueue } from './workQueue.js';

/** The cut-off a search reports when its shouldStop() says stop (the CLI's Ctrl-C or SIGTERM). */
export const INTERRUPTED = 'interrupted (Ctrl-C or SIGTERM)';

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
  /** The visited set (default: a private one that grows). */
  visited?: Visited;
  /** Stop once this many states are stored and return the unexplored edges (`handoff`). */
  handoffAfter?: number;
  /** As a worker of a parallel search: start from the queue's edges and donate to it. */
  worker?: { queue: WorkQueue; index: number };
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
  /** With handoffAfter: the edges left to explore when the search handed off. */
  handoff?: Edge[];
}

interface Frame {
  state: Int32Array;
  actions: Int32Array;
  count: number;
  next: number;
  taken: Step | null;
  /** Only the eager step, or every step but the postponed walk starts, is being explored from this state. */
  reduced: boolean;
  /** The fingerprint as onStack holds it (one thread only; '' in a worker). */
  key: string;
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

export function emptyResult(): ExploreResult {
  return {
    verdict: 'verified', violations: new Map(), states: 0, transitions: 0, finalStates: 0, finals: new Set(), maxDepth: 0,
    elapsedMs: 0, eagerSteps: 0, visitedBytes: 0,
  };
}

/** The search itself; it yields every 1024 transitions. */
function* search(session: Session, opts: ExploreOptions): Generator<void, ExploreResult> {
  const { m, driver } = session;
  const reduction = opts.reduction ?? NO_REDUCTION;
  const maxStates = opts.maxStates ?? Infinity;
  const maxDepth = opts.maxDepth ?? Infinity;
  let handoffAfter = opts.handoffAfter ?? Infinity;
  const deadline = opts.timeoutMs === undefined ? Infinity : Date.now() + opts.timeoutMs;
  const t0 = Date.now();
  const visited: Visited = opts.visited ?? new VisitedSet();
  const worker = opts.worker;
  const list = new ActionList();
  const found: Violation[] = [];
  // Fingerprints on this thread's DFS stack (the one-thread cycle proviso).
  const onStack = new Set<string>();
  const res = emptyResult();
  const stack: Frame[] = [];
  /** The path to the state at the bottom of the stack (a worker's edge starts elsewhere). */
  let prefix: Step[] = [];
  const hv = new Int32Array(2);
  const actor: Actor = { kind: 0, cpu: 0, arg: 0 };
  /** The path to the state of stack frame f. */
  const pathTo = (f: number): Step[] => prefix.concat(stack.slice(1, f + 1).map((x) => x.taken!));
  const pathOf = (extra?: Step): Step[] => {
    const p = pathTo(stack.length - 1);
    if (extra) p.push(extra);
    return p;
  };
  /** Explore every action of frame fr from the start (the cycle proviso; a handoff). */
  const expandFully = (fr: Frame): void => {
    enumerate(m, driver, fr.state, list);
    fr.actions = list.data.slice(0, list.length * 4);
    fr.count = list.length;
    fr.next = 0;
    fr.reduced = false;
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
      actorRange(actions, count, actor, range);
      const i = range.start;
      const j = range.end;
      if (j > i && j - i < count) {
        actions = actions.slice(i * 4, j * 4);
        res.eagerSteps += count - (j - i);
        count = j - i;
        reduced = true;
      }
    } else if (reduction.postpone && !worker) {
      // One thread only: a worker's cycle proviso cannot see the other workers' stacks, and
      // the sound one it could use (any stored successor) gives back nearly all of the gain.
      const k = reduction.postpone(m, driver, s, actions, count);
      if (k < count) {
        res.eagerSteps += count - k;
        count = k;
        reduced = true;
      }
    }
    const key = worker ? '' : `${a}:${b}`;
    stack.push({ state: s, actions, count, next: 0, taken, reduced, key, ha: a, hb: b });
    if (!worker) onStack.add(key);
    const depth = prefix.length + stack.length - 1;
    if (depth > res.maxDepth) res.maxDepth = depth;
    return null;
  };

  /** Push the unexplored edges nearest the roots while the shared queue runs low. */
  const donate = (queue: WorkQueue): void => {
    for (let f = 0; f < stack.length - 1 && queue.count < 2 * queue.q.workers; f++) {
      const fr = stack[f]!;
      // A reduced CPU step has one action, and its proviso needs this frame: never donated.
      if (fr.next >= fr.count || (fr.reduced && fr.actions[0] === A_PROG)) continue;
      const path = pathTo(f);
      while (fr.count > fr.next) {
        if (!queue.push({ state: fr.state, ha: fr.ha, hb: fr.hb, path, step: stepAt(fr.actions, fr.count - 1) })) return;
        fr.count--;
      }
    }
  };

  if (worker) {
    const e = worker.queue.waitForWork(() => visited.sync?.());
    if (!e) return finish();
    startFrom(e);
  } else {
    const s0 = session.initialState();
    if (session.initialViolations.length) {
      for (const v of session.initialViolations.slice(0, -1)) record(v, []);
      const r = fail(session.initialViolations[session.initialViolations.length - 1]!, []);
      if (r) return r;
    }
    const [h0a, h0b] = hashState(s0);
    try {
      const r0 = enter(s0, null, h0a, h0b);
      if (r0) return r0;
    } catch (e) {
      if (!(e instanceof TableFull)) throw e;
      return cut(`the visited table is full (${e.message})`);
    }
  }
  let scratch: Int32Array = new Int32Array(m.layout.size);
  const spare: Int32Array[] = [];
  const chainScratch = new Int32Array(m.layout.size);
  const chainPrev = new Int32Array(m.layout.size);
  const chainFound: Violation[] = [];
  const chainHash = new Int32Array(2);
  let tick = 0;
  for (;;) {
    if (!stack.length) {
      if (!worker) break;
      const e = worker.queue.waitForWork(() => visited.sync?.());
      if (!e) break;
      startFrom(e);
    }
    const top = stack[stack.length - 1]!;
    if (top.next >= top.count) {
      if (!worker) onStack.delete(top.key);
      stack.pop();
      // Its buffer holds the next new state (allocating one per state costs more than the copy).
      if (top.state.length === m.layout.size && spare.length < 64) spare.push(top.state);
      continue;
    }
    if ((++tick & 1023) === 0) {
      const now = Date.now();
      if (now > deadline) return cut('time limit');
      if (opts.shouldStop?.()) return cut(INTERRUPTED);
      visited.sync?.();
      if (worker) {
        if (worker.queue.stopped) return cut('stopped');
        worker.queue.report(worker.index, res.states, res.transitions, prefix.length + stack.length);
        if (worker.queue.count < worker.queue.q.workers) donate(worker.queue);
      }
      opts.onProgress?.({ states: res.states, transitions: res.transitions, depth: prefix.length + stack.length, elapsedMs: now - t0 });
      yield;
    }
    if (res.states >= maxStates) return cut(`${maxStates} states`);
    if (res.states >= handoffAfter) {
      const edges = edgesLeft();
      if (edges.every(edgeFits)) {
        res.handoff = edges;
        return finish();
      }
      handoffAfter = res.states + 10_000; // a path too deep for the queue's slots: search on, try later
    }
    const i = top.next++;
    const step = stepAt(top.actions, i);
    if (prefix.length + stack.length > maxDepth) {
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
    // Cycle proviso: an eager step back onto this thread's stack (one thread), or an eager
    // CPU step to a state stored by anyone whose eager chain leads back here (a worker),
    // expands its state fully. In a worker, on a cycle of eager steps some state's
    // successor was stored before it, so one state of every such cycle is expanded
    // whatever the order. Walk steps cannot cycle (a walk in flight only moves forward, and
    // starting one is never eager), and eager CPU steps have one successor each, so the
    // only cycle through this step is the chain of eager CPU steps from its successor.
    // A state with postponed walks (one thread only) is expanded fully the same way.
    if (top.reduced && (worker ? step.kind === A_PROG && visited.has(hv[0]!, hv[1]!) && chainReturns(t, top.ha, top.hb) : onStack.has(`${hv[0]}:${hv[1]}`))) {
      expandFully(top);
      continue;
    }
    let r: ExploreResult | null;
    try {
      r = enter(t, step, hv[0]!, hv[1]!);
    } catch (e) {
      if (!(e instanceof TableFull)) throw e;
      return cut(`the visited table is full (${e.message})`);
    }
    if (r) return r;
    if (stack.length && stack[stack.length - 1]!.state === t) scratch = spare.pop() ?? new Int32Array(t.length);
  }
  return finish();

  /** Whether the chain of eager CPU steps from u (fingerprint hv) reaches state (a, b); true if unsure. */
  function chainReturns(u: Int32Array, a: number, b: number): boolean {
    const x = chainScratch;
    x.set(u);
    let xa = hv[0]!;
    let xb = hv[1]!;
    const h = chainHash;
    for (let n = 0; n < 64; n++) {
      if (xa === a && xb === b) return true;
      if (!reduction.eager(m, driver, x, actor) || actor.kind !== A_PROG) return false;
      try {
        enumerate(m, driver, x, list);
      } catch (e) {
        if (e instanceof CapacityError) return true; // unsure: expand
        throw e;
      }
      let mine = 0;
      for (let i = 0; i < list.length; i++) if (list.kind(i) === A_PROG && list.cpu(i) === actor.cpu) mine++;
      if (mine === list.length) return false; // not reduced: fully expanded
      const prev = chainPrev;
      prev.set(x);
      chainFound.length = 0;
      try {
        session.step(x, A_PROG, actor.cpu, 0, 0, chainFound);
      } catch (e) {
        if (e instanceof CapacityError) return true;
        throw e;
      }
      hashDelta(prev, x, xa, xb, h);
      xa = h[0]!;
      xb = h[1]!;
    }
    return true;
  }

  function startFrom(e: Edge): void {
    prefix = e.path;
    stack.push({
      state: e.state, actions: Int32Array.of(e.step.kind, e.step.cpu, e.step.arg, e.step.choice), count: 1, next: 0, taken: null,
      reduced: false, key: `${e.ha}:${e.hb}`, ha: e.ha, hb: e.hb,
    });
  }

  /** Every unexplored edge on the stack, nearest the root first. */
  function edgesLeft(): Edge[] {
    const out: Edge[] = [];
    stack.forEach((fr, f) => {
      // Its proviso would need this frame, and workers do not postpone walks: hand every
      // reduced state off fully expanded.
      if (fr.reduced) expandFully(fr);
      const path = pathTo(f);
      for (let i = fr.next; i < fr.count; i++) out.push({ state: fr.state, ha: fr.ha, hb: fr.hb, path, step: stepAt(fr.actions, i) });
    });
    return out;
  }

  function cut(why: string): ExploreResult {
    res.verdict = 'incomplete';
    res.cutoff = why;
    return finish();
  }
}
