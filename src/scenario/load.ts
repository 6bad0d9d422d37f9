// Reading a scenario: YAML (with positions), then the schema; every mistake becomes
// `file:line:col: field: what is wrong`, one line each.

import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { scenarioSchema, type ScenarioFile } from './schema.js';

export class ScenarioError extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join('\n'));
    this.name = 'ScenarioError';
  }
}

export function loadScenarioText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ScenarioError([`${path}: cannot read the scenario (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`]);
  }
}

export function parseScenario(path: string, text: string): ScenarioFile {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const where = (offset: number): string => {
    const p = lc.linePos(offset);
    return `${path}:${p.line}:${p.col}`;
  };
  if (doc.errors.length) throw new ScenarioError(doc.errors.map((e) => `${where(e.pos[0])}: ${e.message.split('\n')[0]}`));
  const data: unknown = doc.toJS();
  const r = scenarioSchema.safeParse(data);
  if (r.success) return r.data;
  const lines = r.error.issues.map((issue) => {
    const keys = issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k));
    // Point at the deepest node that exists (a missing field points at its parent).
    let node: unknown;
    for (let n = keys.length; n >= 0 && !isNode(node); n--) node = n === 0 ? doc.contents : doc.getIn(keys.slice(0, n), true);
    const range = isNode(node) ? node.range : undefined;
    const field = keys.length ? keys.join('.') : '(top level)';
    const msg = issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}` : issue.message;
    return `${range ? where(range[0]) : `${path}:1:1`}: ${field}: ${msg}`;
  });
  throw new ScenarioError(lines);
}
