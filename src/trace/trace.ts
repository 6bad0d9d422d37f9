// Counterexample traces as data: the choice path from the initial state, with what is
// needed to refuse a stale replay (hashes of the scenario and model files, the semantics
// version) and the rendered events for readers.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Step } from '../explore/choicePath.js';

export const TRACE_FORMAT = 1;

export interface Trace {
  format: number;
  semanticsVersion: number;
  scenario: string;
  /** sha256 of the scenario file and of each model file, by path. */
  hashes: Record<string, string>;
  options: Record<string, unknown>;
  seed: number;
  violation: { kind: string; message: string };
  steps: Step[];
  /** One line per step, as `ptmc replay` prints them. */
  rendered: string[];
}

export function fileHashes(paths: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of paths) {
    try {
      out[p] = createHash('sha256').update(readFileSync(p)).digest('hex');
    } catch {
      out[p] = 'missing';
    }
  }
  return out;
}

/** What changed since the trace was made, one line each (empty: nothing). */
export function staleness(t: Trace, semanticsVersion: number): string[] {
  const out: string[] = [];
  if (t.semanticsVersion !== semanticsVersion)
    out.push(`the trace was made under machine semantics version ${t.semanticsVersion}; this ptmc has version ${semanticsVersion}`);
  const now = fileHashes(Object.keys(t.hashes));
  for (const [p, h] of Object.entries(t.hashes)) if (now[p] !== h) out.push(`${p} ${now[p] === 'missing' ? 'is missing' : 'has changed'} since the trace was made`);
  return out;
}
