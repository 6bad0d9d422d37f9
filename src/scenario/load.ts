// Reading a scenario: YAML (with positions), then the schema; every mistake becomes
// `file:line:col: field: what is wrong`, one line each.

import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
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
    const range = deepestNode(doc, keys, 0)?.range;
    const field = keys.length ? keys.join('.') : '(top level)';
    const msg = issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}` : issue.message;
    return `${range ? where(range[0]) : `${path}:1:1`}: ${field}: ${msg}`;
  });
  throw new ScenarioError(lines);
}

/** The deepest node of `keys` the document has, if at least `min` keys of it exist (a missing field: its parent). */
function deepestNode(doc: Document, keys: readonly (string | number)[], min: number): { range?: [number, number, number] | null } | undefined {
  for (let n = keys.length; n >= min; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(keys.slice(0, n), true);
    if (isNode(node)) return node;
  }
  return undefined;
}

/**
 * Place a later error about a scenario field (`check.properties.1: ...`, from building the
 * scenario) at the field in the file, when the file writes it (at least its first two
 * keys); otherwise (a default, or a command-line override) the message names the file only.
 */
export function placeFieldError(path: string, text: string, message: string): string {
  const field = /^([A-Za-z_]\w*(?:\.\w+)+): /.exec(message)?.[1];
  if (field !== undefined) {
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
    const keys = field.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    const range = deepestNode(doc, keys, 2)?.range;
    if (range) {
      const p = lc.linePos(range[0]);
      return `${path}:${p.line}:${p.col}: ${message}`;
    }
  }
  return `${path}: ${message}`;
}
