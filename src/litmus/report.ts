// The agreement report: results/litmus-agreement.json (every test) and .md (readable alone).

import { cpus, totalmem } from 'node:os';
import type { Summary, TestReport } from './catalogue.js';

export function reportJson(path: string, summary: Summary, tests: readonly TestReport[], ets2 = false): string {
  return JSON.stringify({
    path,
    ets2,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    ...summary,
    tests: tests.map(({ states: _s, ...t }) => ({ ...t, ms: Math.round(t.ms) })),
  }, null, 1) + '\n';
}

export function reportMarkdown(path: string, s: Summary, tests: readonly TestReport[], ets2 = false): string {
  const list = (o: string): string => tests.filter((t) => t.outcome === o)
    .map((t) => `| \`${t.name}\` | ${t.verdict ?? ''} | ${t.expected ?? ''} |`).join('\n');
  const lines = [
    `# ptmc against herd7's VMSA verdicts${ets2 ? ' with FEAT_ETS2' : ''}`,
    '',
    `\`ptmc litmus ${path}${ets2 ? ' --ets2' : ''}\` on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}:` +
      ` ${s.tests} tests in ${(s.ms / 1000).toFixed(1)} s.`,
    '',
    '**missed**: herd allows an outcome ptmc never reaches (ptmc could call buggy code verified).',
    '**spurious**: ptmc reaches an outcome herd forbids (a false alarm).',
    '',
    '| tests | expressible | agree | missed | spurious | not expressible | cut off | no reference |',
    '|---|---|---|---|---|---|---|---|',
    `| ${s.tests} | ${s.expressible} | ${s.agree} | ${s.missed} | ${s.spurious} | ${s.inexpressible} | ${s.incomplete} | ${s.noReference} |`,
    '',
    s.bbmCompared ? `herd's \`Flag Warning-BBM-expected\` against ptmc's \`bbm\` property: ${s.bbmAgree} of ${s.bbmCompared} agree.\n` : '',
    '## Not expressible, by reason',
    '',
    '| reason | tests |',
    '|---|---|',
    ...s.reasons.map(([r, n]) => `| ${r} | ${n} |`),
    '',
    '## Missed',
    '',
    '| test | ptmc | herd |',
    '|---|---|---|',
    list('missed'),
    '',
    '## Spurious',
    '',
    '| test | ptmc | herd |',
    '|---|---|---|',
    list('spurious'),
    '',
  ];
  return lines.join('\n');
}
