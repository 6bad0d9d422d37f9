// Many tests against herd's verdicts: each test is run, compared with its reference (a
// kinds file or its `.expected` output), and counted as an agreement, a missed outcome
// (herd allows what ptmc never reaches: ptmc would call buggy code verified), a spurious
// one (ptmc reaches what herd forbids: a false alarm), or not expressible, with the reason.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readExpected, readKinds, normaliseState, type Expected } from './expected.js';
import { LitmusError, parseLitmus } from './parse.js';
import { runLitmus, type LitmusResult, type RunOptions, type Verdict } from './run.js';
import { LitmusUnsupported } from './values.js';

export type Outcome = 'agree' | 'missed' | 'spurious' | 'inexpressible' | 'incomplete' | 'no-reference';

export interface TestReport {
  file: string;
  name: string;
  outcome: Outcome;
  verdict?: Verdict;
  expected?: Verdict;
  /** Why the test is not expressible (a category), and the full message. */
  reason?: string;
  detail?: string;
  /** With a full reference: herd's states ptmc never reaches, and ptmc's that herd does not have. */
  missedStates?: string[];
  spuriousStates?: string[];
  bbm?: { ptmc: boolean; herd: boolean };
  states?: string[];
  explored?: number;
  ms: number;
}

export interface Summary {
  tests: number;
  expressible: number;
  agree: number;
  missed: number;
  spurious: number;
  inexpressible: number;
  incomplete: number;
  noReference: number;
  /** Inexpressible tests by reason, largest group first. */
  reasons: [string, number][];
  bbmAgree: number;
  bbmCompared: number;
  ms: number;
}

/** The .litmus files under a path (a file, or a directory searched recursively), in name order. */
export function litmusFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const out: string[] = [];
  for (const e of readdirSync(path).sort()) {
    const p = join(path, e);
    if (statSync(p).isDirectory()) out.push(...litmusFiles(p));
    else if (e.endsWith('.litmus')) out.push(p);
  }
  return out;
}

const kindsCache = new Map<string, Map<string, Verdict>>();

/**
 * The verdicts for a test: the given kinds file, or the nearest folder up from the test
 * with a kinds.txt, read with its other kinds files; herd's ETS2 lists (names with `ets2`)
 * apart: with `ets2`, only those.
 */
function kindsFor(file: string, kindsFile?: string, ets2 = false): Map<string, Verdict> | undefined {
  let dir = dirname(file);
  while (!kindsFile && !existsSync(join(dir, 'kinds.txt')) && dirname(dir) !== dir) dir = dirname(dir);
  const key = kindsFile ?? `${dir}${ets2 ? ' ets2' : ''}`;
  if (!kindsCache.has(key)) {
    const others = (): string[] => readdirSync(dir).filter((f) => /kinds\.txt$/.test(f) && f !== 'kinds.txt' && /ets2/i.test(f) === ets2).sort();
    const files = kindsFile ? [kindsFile] : existsSync(join(dir, 'kinds.txt'))
      ? (ets2 ? others() : ['kinds.txt', ...others()]).map((f) => join(dir, f))
      : [];
    const merged = new Map<string, Verdict>();
    for (const f of files) for (const [k, v] of readKinds(readFileSync(f, 'utf8'))) if (!merged.has(k)) merged.set(k, v);
    kindsCache.set(key, merged);
  }
  const m = kindsCache.get(key)!;
  return m.size ? m : undefined;
}

/** A reason's category: the message without its place and its particulars. */
function category(msg: string): string {
  const m = msg.replace(/^\d+:\d+: /, '');
  const ins = /^unsupported instruction (\S+)/.exec(m);
  if (ins) return `instruction ${ins[1]}`;
  const sys = /^(MSR|MRS) of (\S+)/.exec(m);
  if (sys) return `${sys[1]} ${sys[2]}`;
  if (m.startsWith('TTHM')) return 'TTHM (hardware access flag and dirty state)';
  if (m.startsWith('EL0')) return 'EL0 threads';
  return m.replace(/'[^']*'/g, "'…'").replace(/\b0x[0-9a-f]+\b/g, '…');
}

export function runOne(file: string, opts: RunOptions & { kinds?: string }): TestReport {
  const t0 = performance.now();
  const base = { file, name: basename(file, '.litmus') };
  const done = (r: Omit<TestReport, 'ms' | 'file' | 'name'> & { name?: string }): TestReport => ({ ...base, ...r, ms: performance.now() - t0 });
  let test;
  try {
    test = parseLitmus(file, readFileSync(file, 'utf8'));
  } catch (e) {
    if (!(e instanceof LitmusError)) throw e;
    return done({ outcome: 'inexpressible', reason: `parse: ${category(e.message.replace(/^.*?:\d+:\d+: /, ''))}`, detail: e.message });
  }
  // herd's full outputs (.expected) are without ETS2.
  const expText = !opts.ets2 && existsSync(`${file}.expected`) ? readFileSync(`${file}.expected`, 'utf8') : undefined;
  const expected: Expected | undefined = expText
    ? readExpected(expText, test.quantifier)
    : (() => {
      const k = kindsFor(file, opts.kinds, opts.ets2);
      const v = k?.get(test.name.toLowerCase()) ?? k?.get(basename(file, '.litmus').toLowerCase());
      return v ? { verdict: v } : undefined;
    })();
  let r: LitmusResult;
  try {
    r = runLitmus(test, { ...opts, bbm: expected?.bbm !== undefined });
  } catch (e) {
    if (!(e instanceof LitmusUnsupported)) throw e;
    return done({ name: test.name, outcome: 'inexpressible', reason: category(e.message), detail: e.message });
  }
  const common = { name: test.name, verdict: r.verdict, states: r.states, explored: r.statesExplored };
  if (r.errors.length) return done({ ...common, outcome: 'inexpressible', reason: `runtime: ${category(r.errors[0]!)}`, detail: r.errors.join('; ') });
  if (!r.complete) return done({ ...common, outcome: 'incomplete', reason: 'search cut off' });
  if (!expected) return done({ ...common, outcome: 'no-reference' });
  const outcome = compare(r.verdict, expected.verdict);
  const rep: TestReport = { ...base, ...common, outcome, expected: expected.verdict, ms: 0 };
  if (expected.states) {
    const ours = new Set(r.states.map(normaliseState));
    const theirs = new Set(expected.states);
    rep.missedStates = [...theirs].filter((s) => !ours.has(s));
    rep.spuriousStates = [...ours].filter((s) => !theirs.has(s));
    // With herd's whole state list, a state ptmc never reaches is missed even when the verdicts agree.
    if (rep.outcome === 'agree' && rep.missedStates.length) rep.outcome = 'missed';
    else if (rep.outcome === 'agree' && rep.spuriousStates.length) rep.outcome = 'spurious';
  }
  if (expected.bbm !== undefined && r.bbm !== undefined) rep.bbm = { ptmc: r.bbm, herd: expected.bbm };
  rep.ms = performance.now() - t0;
  return rep;
}

/** Rank of a verdict by how much of the condition is observed: never, sometimes, always. */
const RANK: Record<Verdict, number> = { Forbidden: 0, Allowed: 1, Required: 2 };

/**
 * A disagreement is missed when herd reaches a state ptmc does not: herd observes the
 * condition where ptmc never does (Allowed against Forbidden), or herd has a state against
 * it where ptmc has none (a `forall` ptmc finds Required and herd does not).
 */
export function compare(ours: Verdict, herd: Verdict): Outcome {
  if (ours === herd) return 'agree';
  if (herd === 'Required') return 'spurious';
  if (ours === 'Required') return 'missed';
  return RANK[ours] < RANK[herd] ? 'missed' : 'spurious';
}

export function summarise(reports: readonly TestReport[], ms: number): Summary {
  const count = (o: Outcome): number => reports.filter((r) => r.outcome === o).length;
  const reasons = new Map<string, number>();
  for (const r of reports) if (r.outcome === 'inexpressible') reasons.set(r.reason!, (reasons.get(r.reason!) ?? 0) + 1);
  const withBbm = reports.filter((r) => r.bbm);
  return {
    tests: reports.length,
    expressible: reports.filter((r) => ['agree', 'missed', 'spurious'].includes(r.outcome)).length,
    agree: count('agree'),
    missed: count('missed'),
    spurious: count('spurious'),
    inexpressible: count('inexpressible'),
    incomplete: count('incomplete'),
    noReference: count('no-reference'),
    reasons: [...reasons].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    bbmAgree: withBbm.filter((r) => r.bbm!.ptmc === r.bbm!.herd).length,
    bbmCompared: withBbm.length,
    ms,
  };
}
