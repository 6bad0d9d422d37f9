// The brute-force enumerator: every interleaving, no reduction, states deduplicated by
// their exact words. It is the oracle the real explorer is tested against, not a tool
// for users: it keeps every state in a JS Map.

import type { Violation, ViolationKind } from '../check/property.js';
import { DEADLOCK, isDeadlocked } from '../check/deadlock.js';
import { ActionList, enumerate, isFinal } from '../machine/transitions.js';
import type { Step } from './choicePath.js';
import type { Session } from './session.js';


export interface BruteForceResult {
  /** Observation keys of the final states (see `observe`). */
  finals: Set<string>;
  /** The first violation found of each kind, with the steps that reach it. */
  violations: Map<ViolationKind, { violation: Violation; path: Step[] }>;
  states: number;
  transitions: number;
}

export interface BruteForceOptions {
  /** What a final state shows (registers, memory...). Default: every word. */
  observe?: (s: Int32Array) => string;
  maxStates?: number;
}

function exactKey(s: Int32Array): string {
  return Buffer.from(s.buffer, s.byteOffset, s.byteLength).toString('latin1');
}

export function bruteForce(session: Session, opts: BruteForceOptions = {}): BruteForceResult {
  const { m, driver } = session;
  const observe = opts.observe ?? exactKey;
  const maxStates = opts.maxStates ?? 2_000_000;
  const res: BruteForceResult = { finals: new Set(), violations: new Map(), states: 0, transitions: 0 };
  const parent = new Map<string, { from: string; step: Step } | null>();
  const s0 = session.initialState();
  for (const v of session.initialViolations) res.violations.set(v.kind, { violation: v, path: [] });
  const k0 = exactKey(s0);
  parent.set(k0, null);
  const stack: [Int32Array, string][] = [[s0, k0]];
  const actions = new ActionList();
  const found: Violation[] = [];
  const pathTo = (key: string): Step[] => {
    const p: Step[] = [];
    for (let e = parent.get(key); e; e = parent.get(e.from)) p.push(e.step);
    return p.reverse();
  };
  const report = (v: Violation, path: Step[]): void => {
    if (!res.violations.has(v.kind)) res.violations.set(v.kind, { violation: v, path });
  };
  while (stack.length) {
    const [s, key] = stack.pop()!;
    res.states++;
    if (res.states > maxStates) throw new Error(`bruteForce: more than ${maxStates} states`);
    if (isFinal(m, driver, s)) {
      res.finals.add(observe(s));
      found.length = 0;
      session.finalViolations(s, found);
      for (const v of found) report(v, pathTo(key));
    }
    enumerate(m, driver, s, actions);
    if (isDeadlocked(m, driver, s, actions)) report(DEADLOCK, pathTo(key));
    const n = actions.length;
    const list = actions.data.slice(0, n * 4);
    for (let i = 0; i < n; i++) {
      const step = { kind: list[i * 4]!, cpu: list[i * 4 + 1]!, arg: list[i * 4 + 2]!, choice: list[i * 4 + 3]! };
      const t = s.slice();
      found.length = 0;
      session.step(t, step.kind, step.cpu, step.arg, step.choice, found);
      res.transitions++;
      const tk = exactKey(t);
      if (found.length) {
        const path = [...pathTo(key), step];
        for (const v of found) report(v, path);
        continue;
      }
      if (parent.has(tk)) continue;
      parent.set(tk, { from: key, step });
      stack.push([t, tk]);
    }
  }
  return res;
}
