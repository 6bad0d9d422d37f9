// `ptmc litmus` end to end: one test prints herd-style states and its verdict next to
// herd's, a folder prints a summary and writes the report whole, a known disagreement
// exits 1, and bad input exits 2 with a placed one-line error.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'ptmc-litmus-'));

function ptmc(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/ptmc.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('ptmc litmus', () => {
  it('runs one test: its final states, its verdict and herd\'s', () => {
    const r = ptmc('litmus', 'test/litmus/probes/MPpte-dmb.litmus');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Test MPpte-dmb Forbidden');
    expect(r.out).toMatch(/States 3\n/);
    expect(r.out).toContain('1:X2=0; Fault(P1:L0,x,MMU:Translation);');
    expect(r.out).toMatch(/agree\s+MPpte-dmb\s+Forbidden herd Forbidden/);
  });

  it('runs a folder, prints the summary and writes the report', () => {
    const rep = join(tmp, 'agreement');
    const r = ptmc('litmus', 'test/litmus/probes', '--report', rep);
    expect(r.code).toBe(0);
    expect(r.out).toContain('22 tests: 22 expressible, 22 agree, 0 missed, 0 spurious');
    const j = JSON.parse(readFileSync(`${rep}.json`, 'utf8')) as Record<string, unknown>;
    expect(j).toMatchObject({ ets2: false, expressible: 22, agree: 22, missed: 0, spurious: 0 });
    expect(readFileSync(`${rep}.md`, 'utf8')).toContain('| 22 | 22 | 22 | 0 | 0 |');
  });

  it('exits 1 on a disagreement with herd (a false alarm: a fault as an ordering point)', () => {
    const r = ptmc('litmus', 'test/litmus/herd7-vmsa/aarch64-VMSA/FA.litmus');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/spurious\s+FA\s+Allowed herd Forbidden/);
  });

  it('--ets2 runs a machine with FEAT_ETS2 against herd\'s ETS2 verdicts', () => {
    const f = 'test/litmus/herd7-vmsa/aarch64-VMSA/D15347-M-load-shoot+po.litmus';
    expect(ptmc('litmus', f).out).toMatch(/agree\s+D15347-M-load-shoot\+po\s+Allowed herd Allowed/);
    const r = ptmc('litmus', '--ets2', f);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/agree\s+D15347-M-load-shoot\+po\s+Forbidden herd Forbidden/);
  });

  it('refuses bad input with one placed line and exit 2', () => {
    const bad = join(tmp, 'bad.litmus');
    writeFileSync(bad, 'AArch64 bad\n{ 0:X1=x; }\n P0 ;\n LDR W0,[X1] ;\nexists (0:X0=\n');
    const r = ptmc('litmus', bad);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(new RegExp(`^${bad.replace(/[.+]/g, '\\$&')}:\\d+:\\d+: `));
    expect(ptmc('litmus', join(tmp, 'missing.litmus')).code).toBe(2);
    expect(existsSync(join(tmp, 'missing.litmus'))).toBe(false);
  });

  it('says why a test cannot be expressed, exit 2', () => {
    const r = ptmc('litmus', 'test/litmus/herd7-vmsa/AArch64.kvm/A024.litmus');
    expect(r.code).toBe(2);
    expect(r.out).toContain('unsupported instruction AT');
  });
});
