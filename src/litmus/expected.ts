// herd7's expected results: a kinds file (`NAME VERDICT` per line) or a test's `.expected`
// output (States, Observation, `Flag Warning-BBM-expected`).

import type { Verdict } from './run.js';

export interface Expected {
  verdict: Verdict;
  /** herd's final states, when the full output is known. */
  states?: string[];
  bbm?: boolean;
}

function verdictOf(word: string): Verdict | undefined {
  const w = word.toLowerCase();
  if (w === 'allowed' || w === 'allow') return 'Allowed';
  if (w === 'forbidden' || w === 'forbid') return 'Forbidden';
  if (w === 'required' || w === 'require') return 'Required';
  return undefined;
}

/** A kinds file: lower-cased test name to verdict. Quirks: `#` comments, a verdict glued to its name. */
export function readKinds(text: string): Map<string, Verdict> {
  const out = new Map<string, Verdict>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+)\s+(\S+)$/.exec(line);
    if (m && verdictOf(m[2]!)) {
      if (!out.has(m[1]!.toLowerCase())) out.set(m[1]!.toLowerCase(), verdictOf(m[2]!)!);
      continue;
    }
    const glued = /^(\S+?)(Allowed|Allow|Forbidden|Forbid|Required)$/.exec(line);
    if (glued && !out.has(glued[1]!.toLowerCase())) out.set(glued[1]!.toLowerCase(), verdictOf(glued[2]!)!);
  }
  return out;
}

/** herd's output for one test. */
export function readExpected(text: string, quantifier: 'exists' | '~exists' | 'forall'): Expected | undefined {
  const lines = text.split('\n');
  const obs = lines.map((l) => /^Observation\s+\S+\s+(Sometimes|Always|Never)/.exec(l)).find(Boolean);
  if (!obs) return undefined;
  const o = obs[1]!;
  const verdict: Verdict = quantifier === 'forall' && o === 'Always' ? 'Required' : o === 'Never' ? 'Forbidden' : 'Allowed';
  const k = lines.findIndex((l) => /^States\s+\d+/.test(l));
  const n = k >= 0 ? Number(/\d+/.exec(lines[k]!)![0]) : 0;
  const states = k >= 0 ? lines.slice(k + 1, k + 1 + n).map(normaliseState).sort() : undefined;
  return { verdict, ...(states ? { states } : {}), bbm: lines.some((l) => /^Flag Warning-BBM-expected/.test(l)) };
}

/**
 * A state line in a comparable form: parts sorted, herd's `D-MMU` written `MMU`, negated
 * fault atoms (`~Fault(...)`) dropped.
 */
export function normaliseState(line: string): string {
  return line.split(';').map((p) => p.trim().replace(/\bD-MMU:/, 'MMU:').replace(/\s+/g, ' ')).filter((p) => p && !p.startsWith('~'))
    .sort().join('; ');
}
