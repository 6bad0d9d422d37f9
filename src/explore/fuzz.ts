// Fuzzing: many random schedules, run i seeded from (seed, i), stopping at the first run
// that shows a violation. Runs go in order, so the reported run is the lowest-numbered
// failing one whatever the timing. A clean campaign proves nothing, and says so.

import { DEADLOCK, isDeadlocked } from '../check/deadlock.js';
import type { Violation } from '../check/property.js';
import { CapacityError } from '../machine/errors.js';
import { ActionList, enumerate, isFinal } from '../machine/transitions.js';
import type { Step } from './choicePath.js';
import { Rng, runSeed } from './prng.js';
import type { Session } from './session.js';

export interface FuzzOptions {
  seed: number;
  runs: number;
  /** Steps after which a run is abandoned (it shows nothing). */
  maxSteps?: number;
  timeoutMs?: number;
  shouldStop?: () => boolean;
  onProgress?: (p: FuzzProgress) => void;
}

export interface FuzzProgress {
  runs: number;
  steps: number;
  elapsedMs: number;
}

export interface FuzzResult {
  verdict: 'clean' | 'violation' | 'incomplete';
  runs: number;
  steps: number;
  /** Runs abandoned at maxSteps or on a machine bound. */
  abandoned: number;
  violation?: Violation;
  path?: Step[];
  /** The failing run's number. */
  run?: number;
  cutoff?: string;
  elapsedMs: number;
}

const list = new ActionList();

/** One uniformly random schedule. */
export function randomRun(session: Session, rng: Rng, maxSteps: number): { path: Step[]; violation?: Violation; abandoned: boolean } {
  const { m, driver } = session;
  const s = session.initialState();
  const path: Step[] = [];
  if (session.initialViolations.length) return { path, violation: session.initialViolations[0]!, abandoned: false };
  const found: Violation[] = [];
  for (;;) {
    if (isFinal(m, driver, s)) {
      session.finalViolations(s, found);
      return { path, ...(found.length ? { violation: found[0]! } : {}), abandoned: false };
    }
    enumerate(m, driver, s, list);
    if (list.length === 0 || isDeadlocked(list)) return { path, violation: DEADLOCK, abandoned: false };
    if (path.length >= maxSteps) return { path, abandoned: true };
    const k = rng.below(list.length);
    const st: Step = { kind: list.kind(k), cpu: list.cpu(k), arg: list.arg(k), choice: list.choice(k) };
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

/** Run the campaign, giving the event loop a turn now and then (Ctrl-C). */
export async function fuzz(session: Session, o: FuzzOptions): Promise<FuzzResult> {
  const t0 = Date.now();
  const deadline = o.timeoutMs === undefined ? Infinity : t0 + o.timeoutMs;
  const maxSteps = o.maxSteps ?? 10_000;
  const res: FuzzResult = { verdict: 'clean', runs: 0, steps: 0, abandoned: 0, elapsedMs: 0 };
  let last = t0;
  for (let i = 0; i < o.runs; i++) {
    const now = Date.now();
    if (now > deadline || o.shouldStop?.()) {
      res.verdict = 'incomplete';
      res.cutoff = now > deadline ? 'time limit' : 'interrupted (Ctrl-C)';
      break;
    }
    if (now - last > 50) {
      o.onProgress?.({ runs: res.runs, steps: res.steps, elapsedMs: now - t0 });
      await new Promise((resolve) => setImmediate(resolve));
      last = Date.now();
    }
    const r = randomRun(session, new Rng(runSeed(o.seed, i)), maxSteps);
    res.runs++;
    res.steps += r.path.length;
    if (r.abandoned) res.abandoned++;
    if (r.violation) {
      Object.assign(res, { verdict: 'violation', violation: r.violation, path: r.path, run: i });
      break;
    }
  }
  res.elapsedMs = Date.now() - t0;
  return res;
}
