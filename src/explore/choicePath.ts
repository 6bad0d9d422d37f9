// A choice path: the actions taken from the initial state, each (kind, cpu, arg, choice).
// It is what a counterexample is, and what replay re-executes.

export interface Step {
  kind: number;
  cpu: number;
  arg: number;
  choice: number;
}

export function stepKey(s: Step): string {
  return `${s.kind}:${s.cpu}:${s.arg}:${s.choice}`;
}

export function sameStep(a: Step, b: Step): boolean {
  return a.kind === b.kind && a.cpu === b.cpu && a.arg === b.arg && a.choice === b.choice;
}
