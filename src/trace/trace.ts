// Counterexample traces as data: the choice path from the initial state, with what is
// needed to refuse a stale replay (hashes of the scenario and model files, the semantics
// version) and the rendered events for readers.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { parse } from 'yaml';
import type { Step } from '../explore/choicePath.js';

export const TRACE_FORMAT = 1;

export interface Trace {
  format: number;
  semanticsVersion: number;
  scenario: string;
  /** sha256 of the scenario file (first) and of each model file, by absolute path. */
  hashes: Record<string, string>;
  /** sha256 of each top-level field of the scenario, to say which changed. */
  scenarioFields?: Record<string, string>;
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

/** sha256 of each top-level field of a YAML scenario; undefined if it is not a YAML mapping. */
export function fieldHashes(path: string): Record<string, string> | undefined {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc)) out[k] = createHash('sha256').update(JSON.stringify(v) ?? 'undefined').digest('hex');
  return out;
}

/** Which scenario fields differ between two fieldHashes results, in words. */
function fieldChanges(then: Record<string, string>, now: Record<string, string> | undefined): string {
  if (now === undefined) return ' (it no longer parses as a scenario)';
  const changed = Object.keys(then).filter((k) => k in now && now[k] !== then[k]);
  const removed = Object.keys(then).filter((k) => !(k in now));
  const added = Object.keys(now).filter((k) => !(k in then));
  const parts = [changed.length ? `changed: ${changed.join(', ')}` : '', removed.length ? `removed: ${removed.join(', ')}` : '', added.length ? `added: ${added.join(', ')}` : ''].filter(Boolean);
  return parts.length ? ` (${parts.join('; ')})` : ' (no field changed: comments or layout only)';
}

/** The scenario file a trace was made from: its absolute path when it has one. */
export function traceScenarioPath(t: Trace): string {
  const first = Object.keys(t.hashes)[0];
  return first !== undefined && isAbsolute(first) ? first : t.scenario;
}

/** What changed since the trace was made, one line each (empty: nothing). */
export function staleness(t: Trace, semanticsVersion: number): string[] {
  const out: string[] = [];
  if (t.semanticsVersion !== semanticsVersion)
    out.push(`the trace was made under machine semantics version ${t.semanticsVersion}; this ptmc has version ${semanticsVersion}`);
  const now = fileHashes(Object.keys(t.hashes));
  const scenario = Object.keys(t.hashes)[0];
  for (const [p, h] of Object.entries(t.hashes)) {
    if (now[p] === h) continue;
    const what = p === scenario && t.scenarioFields && now[p] !== 'missing' ? fieldChanges(t.scenarioFields, fieldHashes(p)) : '';
    out.push(`${p} ${now[p] === 'missing' ? 'is missing' : 'has changed'} since the trace was made${what}`);
  }
  return out;
}
