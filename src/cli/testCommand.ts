// `ptmc test [dir]`: check every scenario against its `expect`; `ptmc list`: one line each.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INTERRUPTED } from '../explore/dfs.js';
import { EXIT } from './exitCodes.js';
import { check, InputError, load } from './run.js';
import { wasInterrupted, whilePolled } from './interrupt.js';
import type { Resources } from './resources.js';

export function scenarioFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(dir, f));
  } catch {
    throw new InputError(`${dir}: no such directory`);
  }
}

export async function runTest(dir: string, reduction: boolean, resources: Partial<Resources>): Promise<number> {
  return whilePolled(() => testAll(dir, reduction, resources));
}

async function testAll(dir: string, reduction: boolean, resources: Partial<Resources>): Promise<number> {
  let passed = 0;
  let failed = 0;
  const files = scenarioFiles(dir);
  for (const f of files) {
    if (wasInterrupted()) break;
    let line: string;
    try {
      const l = load(f);
      const t0 = Date.now();
      const { result: r } = await check(l, { reduction, shouldStop: wasInterrupted, ...resources });
      if (wasInterrupted() && r.verdict === 'incomplete') continue; // counted below among those not run
      const got = r.verdict === 'violation' ? r.violation!.kind : r.verdict;
      const ok = got === l.built.expect;
      if (ok) passed++;
      else failed++;
      line = `${ok ? 'ok  ' : 'FAIL'} ${f}: expected ${l.built.expect}, got ${got}${r.cutoff ? ` (${r.cutoff})` : ''} [${r.states} states, ${((Date.now() - t0) / 1000).toFixed(1)} s]`;
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      failed++;
      line = `FAIL ${f}: ${e.message}`;
    }
    process.stdout.write(line + '\n');
  }
  if (wasInterrupted()) {
    // The scenario cut off counts as neither: it said nothing.
    process.stdout.write(`${passed} passed, ${failed} failed; ${INTERRUPTED} with ${files.length - passed - failed} not run\n`);
    return EXIT.incomplete;
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed ? EXIT.violation : EXIT.ok;
}

export function runList(dir: string): number {
  for (const f of scenarioFiles(dir)) {
    const text = readFileSync(f, 'utf8');
    const desc = /^description:\s*(.+)$/m.exec(text)?.[1]?.replace(/^['"]|['"]$/g, '') ?? '';
    const expect = /^expect:\s*(.+)$/m.exec(text)?.[1] ?? '?';
    process.stdout.write(`${f.padEnd(48)} ${expect.padEnd(22)} ${desc}\n`);
  }
  return EXIT.ok;
}
