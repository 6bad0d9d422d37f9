// A choice path: the actions taken from the initial state, each (kind, cpu, arg, choice).
// It is what a counterexample is, and what replay re-executes.

export interface Step {
  kind: number;
  cpu: number;
  arg: number;
  choice: number;
}

/** Action i of a list of (kind, cpu, arg, choice) quadruples (ActionList.data, a frame's actions). */
export function stepAt(actions: Int32Array, i: number): Step {
  return { kind: actions[i * 4]!, cpu: actions[i * 4 + 1]!, arg: actions[i * 4 + 2]!, choice: actions[i * 4 + 3]! };
}

export function stepKey(s: Step): string {
  return `${s.kind}:${s.cpu}:${s.arg}:${s.choice}`;
}

export function sameStep(a: Step, b: Step): boolean {
  return a.kind === b.kind && a.cpu === b.cpu && a.arg === b.arg && a.choice === b.choice;
}

/**
 * Who takes a step: a CPU's program, its store buffer, its TLBI queue, or one of its
 * walkers (per probe VA). Used to count context switches and by PCT.
 */
export function actorOf(kind: number, cpu: number, arg: number): number {
  if (kind === 1) return cpu; // A_PROG
  if (kind === 2) return 100 + cpu; // A_COMMIT
  if (kind === 3) return 200 + cpu; // A_TLBI
  return 1000 + cpu * 256 + arg; // A_WALK: CPU and probe VA
}

/** Steps whose actor differs from the previous step's. */
export function contextSwitches(steps: readonly Step[]): number {
  let n = 0;
  for (let i = 1; i < steps.length; i++) {
    const a = steps[i - 1]!;
    const b = steps[i]!;
    if (actorOf(a.kind, a.cpu, a.arg) !== actorOf(b.kind, b.cpu, b.arg)) n++;
  }
  return n;
}
