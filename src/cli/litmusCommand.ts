// `ptmc litmus <file|dir>`: run herd7 AArch64 litmus tests on the machine. One file: its
// final states, whether the condition is observed, the verdict and herd's (when known).
// A folder: one line per test, the agreement summary, and with --report the results files.

import { existsSync, readFileSync } from 'node:fs';
import { litmusFiles, runOne, summarise, type TestReport } from '../litmus/catalogue.js';
import { LitmusError, parseLitmus } from '../litmus/parse.js';
import { reportJson, reportMarkdown } from '../litmus/report.js';
import { EXIT } from './exitCodes.js';
import { wasInterrupted } from './interrupt.js';
import { writeWhole } from './output.js';
import { InputError } from './run.js';

export interface LitmusOptions {
  kinds?: string;
  report?: string;
  /** FEAT_ETS2, compared with herd's ETS2 verdicts. */
  ets2: boolean;
  timeoutS: number;
  json: boolean;
}

function line(r: TestReport): string {
  const herd = r.expected ? ` herd ${r.expected}` : '';
  const why = r.reason ? ` (${r.reason})` : '';
  return `${r.outcome.padEnd(14)} ${r.name.padEnd(56)} ${r.verdict ?? ''}${herd}${why}`;
}

export function runLitmusCommand(path: string, o: LitmusOptions): number {
  if (!existsSync(path)) throw new InputError(`${path}: no such file or directory`);
  if (o.kinds !== undefined && !existsSync(o.kinds)) throw new InputError(`--kinds: ${o.kinds}: no such file`);
  const files = litmusFiles(path);
  if (files.length === 0) throw new InputError(`${path}: no .litmus files`);
  const opts = { timeoutMs: o.timeoutS * 1000, ets2: o.ets2, ...(o.kinds ? { kinds: o.kinds } : {}) };
  if (files.length === 1 && files[0] === path) {
    try {
      parseLitmus(path, readFileSync(path, 'utf8')); // a placed error for bad input
    } catch (e) {
      if (e instanceof LitmusError) throw new InputError(e.message);
      throw e;
    }
    const r = runOne(path, opts);
    if (o.json) process.stdout.write(JSON.stringify(r, null, 1) + '\n');
    else {
      process.stdout.write(`Test ${r.name} ${r.verdict ?? ''}\n`);
      if (r.states) process.stdout.write(`States ${r.states.length}\n${r.states.map((s) => s + '\n').join('')}`);
      process.stdout.write(`${line(r)}\n`);
      if (r.missedStates?.length) process.stdout.write(`herd's states ptmc never reaches:\n${r.missedStates.map((s) => '  ' + s + '\n').join('')}`);
      if (r.spuriousStates?.length) process.stdout.write(`ptmc's states herd does not have:\n${r.spuriousStates.map((s) => '  ' + s + '\n').join('')}`);
      if (r.detail) process.stdout.write(`${r.detail}\n`);
    }
    if (r.outcome === 'inexpressible') return EXIT.badInput;
    if (r.outcome === 'incomplete') return EXIT.incomplete;
    return r.outcome === 'missed' || r.outcome === 'spurious' ? EXIT.violation : EXIT.ok;
  }
  const t0 = performance.now();
  const reports: TestReport[] = [];
  for (const f of files) {
    if (wasInterrupted()) break;
    const r = runOne(f, opts);
    reports.push(r);
    if (!o.json) process.stdout.write(`${line(r)}\n`);
  }
  const s = summarise(reports, performance.now() - t0);
  const interrupted = reports.length < files.length;
  if (o.json) process.stdout.write(JSON.stringify({ ...s, tests: reports }, null, 1) + '\n');
  else {
    process.stdout.write(`\n${s.tests} tests${interrupted ? ` of ${files.length} (interrupted)` : ''}: ${s.expressible} expressible, ${s.agree} agree, ` +
      `${s.missed} missed, ${s.spurious} spurious, ${s.inexpressible} not expressible, ${s.incomplete} cut off, ${s.noReference} without a reference ` +
      `(${(s.ms / 1000).toFixed(1)} s)\n`);
    for (const [r, n] of s.reasons.slice(0, 5)) process.stdout.write(`  not expressible: ${n} ${r}\n`);
  }
  if (o.report && !interrupted) {
    writeWhole(`${o.report}.json`, reportJson(path, s, reports, o.ets2));
    writeWhole(`${o.report}.md`, reportMarkdown(path, s, reports, o.ets2));
  }
  if (s.missed || s.spurious) return EXIT.violation;
  return interrupted || s.incomplete ? EXIT.incomplete : EXIT.ok;
}
