// End to end through the built CLI (bin/ptmc.js runs dist/, which `npm install` builds):
// a buggy flagship scenario is found, its trace replays, a stale trace is refused, and
// bad input gets one line and exit status 2.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { load } from '../../src/cli/run.js';
import { playSchedule } from '../../src/explore/schedule.js';

const root = new URL('../..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'ptmc-cli-'));

function ptmcIn(cwd: string, ...args: string[]): { code: number; out: string; err: string } {
  if (!existsSync(join(root, 'dist/src/cli/main.js'))) throw new Error('dist/ is missing: run npm run build (npm install does it)');
  const r = spawnSync(process.execPath, [join(root, 'bin/ptmc.js'), ...args], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function ptmc(...args: string[]): { code: number; out: string; err: string } {
  return ptmcIn(root, ...args);
}

function scenario(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

const MODEL = join(root, 'models/pageattr.c');
const X86 = `model: { files: [${join(root, 'models/x86_init_64.c')}] }
expect: verified
machine: { profile: x86_64 }
cpus: ["kernel_physical_mapping_init(0x0, 0x10000, 0);"]
`;
const GOOD = `model: { files: [${MODEL}] }
machine: { memoryModel: sc }
init: { map: [ { va: 0, pa: 0, size: 0x10000, level: 1 } ] }
cpus: [ "set_memory_ro(0x1000, 1);" ]
expect: verified
`;

describe('ptmc check and replay', () => {
  const trace = join(tmp, 'lockless.trace.json');

  it('finds the leak of the lockless split and writes a trace', () => {
    const r = ptmc('check', 'scenarios/split-lockless-plain.yaml', '--out', trace);
    expect(r.code).toBe(1);
    expect(r.out).toContain('VIOLATION: leak');
    expect(JSON.parse(readFileSync(trace, 'utf8')).violation.kind).toBe('leak');
  });

  it('replays the trace to the same violation (exit 1)', () => {
    const r = ptmc('replay', trace);
    expect(r.code).toBe(1);
    expect(r.out).toContain('reproduced: leak');
  });

  it('refuses a trace whose scenario changed (exit 2)', () => {
    const t = JSON.parse(readFileSync(trace, 'utf8'));
    const key = Object.keys(t.hashes)[0]!;
    t.hashes[key] = '0'.repeat(64);
    const stale = join(tmp, 'stale.trace.json');
    writeFileSync(stale, JSON.stringify(t));
    const r = ptmc('replay', stale);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/has changed since the trace was made/);
  });

  it('replays from another directory, and a stale trace names the scenario fields that changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ptmc-cwd-'));
    const text = readFileSync(join(root, 'scenarios/split-lockless-plain.yaml'), 'utf8').replace('../models/', `${root}models/`);
    writeFileSync(join(dir, 'plain.yaml'), text);
    expect(ptmcIn(dir, 'check', 'plain.yaml', '--out', 't.json').code).toBe(1);
    const elsewhere = ptmcIn(tmpdir(), 'replay', join(dir, 't.json'));
    expect(elsewhere.out).toContain('reproduced: leak');
    writeFileSync(join(dir, 'plain.yaml'), text.replace('set_memory_ro(0x1000, 1);', 'set_memory_ro(0x1000, 2);') + '# a comment\n');
    const r = ptmcIn(dir, 'replay', 't.json');
    expect(r.code).toBe(2);
    expect(r.err.trim()).toMatch(/plain\.yaml has changed since the trace was made \(changed: cpus\)$/);
    writeFileSync(join(dir, 'plain.yaml'), 'cpus: [\n');
    expect(ptmcIn(dir, 'replay', 't.json').err.trim()).toMatch(/plain\.yaml has changed since the trace was made \(it no longer parses as a scenario\)$/);
  });

  it('--bbm 0 overrides the scenario (a number on the command line is read as the level)', () => {
    const r = ptmc('check', 'scenarios/rework-remap-live-bbm.yaml', '--bbm', '0');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/BBM level 0,/);
    const out = join(tmp, 'bbm0.fuzz.json');
    expect(ptmc('fuzz', 'scenarios/rework-split-live-section.yaml', '--bbm', '0', '--runs', '50', '--out', out).code).toBe(1);
    expect(JSON.parse(readFileSync(out, 'utf8')).options.bbm).toBe('0');
  });

  it('refuses a trace with an impossible step (exit 2)', () => {
    const t = JSON.parse(readFileSync(trace, 'utf8'));
    t.steps[3].choice = 99;
    const bad = join(tmp, 'bad-step.trace.json');
    writeFileSync(bad, JSON.stringify(t));
    const r = ptmc('replay', bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/step 4 .* is not possible in this scenario/);
  });

  it('verifies a one-CPU permission change', () => {
    const r = ptmc('check', scenario('one.yaml', GOOD));
    expect(r.out).toMatch(/^verified under the arm64 machine with 1 CPUs/);
    expect(r.code).toBe(0);
  });
});

describe('the final predicate', () => {
  const withFinal = (expr: string): string =>
    GOOD.replace(`files: [${MODEL}]`, `files: [${MODEL}, ${join(root, 'models/inspect.c')}]`) +
    `check: { properties: [final], final: "${expr}" }\n`;
  it('holds: verified', () => {
    const r = ptmc('check', scenario('final-ok.yaml', withFinal('page_readonly(0x1000) && !page_readonly(0x2000)')));
    expect(r.out).toMatch(/^verified/);
    expect(r.code).toBe(0);
  });
  it('does not hold: a final violation whose trace replays', () => {
    const out = join(tmp, 'final.trace.json');
    const r = ptmc('check', scenario('final-bad.yaml', withFinal('page_readonly(0x2000)')), '--out', out);
    expect(r.code).toBe(1);
    expect(r.out).toContain('the final predicate `page_readonly(0x2000)` is false');
    expect(ptmc('replay', out).out).toContain('reproduced: final');
  });
});

describe('interrupting a check', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} (Ctrl-C, timeout(1)) prints what was explored, says incomplete, and exits 4`, async () => {
      const child = spawn(process.execPath, [join(root, 'bin/ptmc.js'), 'check', 'scenarios/slow/split-mutex.yaml'], { cwd: root });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await new Promise((r) => setTimeout(r, 5000)); // past start-up, even with every core busy
      child.kill(signal);
      const code = await new Promise<number | null>((r) => child.on('close', r));
      expect(code).toBe(4);
      expect(out).toMatch(/^INCOMPLETE: cut off at interrupted \(Ctrl-C or SIGTERM\); nothing was verified/);
      expect(out).toMatch(/states \d+, transitions \d+/);
      expect(out).not.toMatch(/verified under/);
    });
  }

  it('SIGTERM stops `ptmc test` at the scenario it is on: the rest are not run, and it exits 4', async () => {
    const child = spawn(process.execPath, [join(root, 'bin/ptmc.js'), 'test', 'scenarios/slow'], { cwd: root });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => setTimeout(r, 5000)); // past start-up, even with every core busy
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(4);
    // Each scenario takes longer than the wait: none ends, so every one is reported not run.
    const slow = readdirSync(join(root, 'scenarios/slow')).filter((f) => f.endsWith('.yaml')).length;
    expect(out).toBe(`0 passed, 0 failed; interrupted (Ctrl-C or SIGTERM) with ${slow} not run\n`);
  });
});

describe('bad input: one line, exit 2', () => {
  const bad = (args: string[], pattern: RegExp): void => {
    const r = ptmc(...args);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(pattern);
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
  };
  it('a missing file', () => bad(['check', join(tmp, 'nope.yaml')], /nope\.yaml: cannot read the scenario/));
  it('a YAML error', () => bad(['check', scenario('yaml.yaml', 'cpus: [\n')], /yaml\.yaml:\d+:\d+: /));
  it('an unknown property', () => bad(['check', scenario('prop.yaml', GOOD + 'check: { properties: [bbm, tlb-confict] }\n')], /prop\.yaml:6:\d+: check\.properties\.1: /));
  it('a CPU calling a function the model does not define', () =>
    bad(['check', scenario('fn.yaml', GOOD.replace('set_memory_ro(0x1000, 1);', 'set_memory_rw(0x1000, 1);'))], /fn\.yaml: cpus\.0: error PT3008: call to 'set_memory_rw'/));
  it('a probe outside the VA space', () => bad(['check', scenario('va.yaml', GOOD + 'walkers: { vas: [0x40000000] }\n')], /machine\.probes\.0\.va: 0x40000000 is outside/));
  it('a page with a name that is not a C identifier', () =>
    bad(['check', scenario('page.yaml', GOOD.replace('init: {', 'init: { pages: [ { name: 2zero } ],'))], /page\.yaml:3:\d+: init\.pages\.0\.name: expected a C identifier/));
  it('an unquoted 64-bit page value', () =>
    bad(['check', scenario('page64.yaml', GOOD.replace('init: {', 'init: { pages: [ { name: zp, content: [0x0068000000030701] } ],'))], /init\.pages\.0\.content\.0: a 64-bit value must be quoted/));
  it('an unknown option', () => bad(['check', 'scenarios/split-lockless-plain.yaml', '--frobnicate'], /Unknown argument: frobnicate/));
  it('a bad --walks', () => bad(['check', 'scenarios/split-lockless-plain.yaml', '--walks', 'lots'], /--walks: must be an integer from 0 to 16 or 'unbounded'/));
  it('unbounded walks under sc', () => bad(['check', 'scenarios/repaint-ends.yaml', '--walks', 'unbounded'], /repaint-ends\.yaml: machine: unbounded walks need relaxed memory/));
  it('init code calling a function the model does not define', () =>
    bad(['check', scenario('init.yaml', GOOD.replace('init: { map: [ { va: 0, pa: 0, size: 0x10000, level: 1 } ] }', 'init: { run: "map_linear(0x10000);" }'))], /init\.yaml: init\.run: error PT3008: call to 'map_linear'/));
  it('an arm64 property on an x86_64 machine', () =>
    bad(['check', scenario('x86prop.yaml', X86 + 'check: { properties: [size-and-attr-change, bbm] }\n')], /x86prop\.yaml:5:\d+: check\.properties\.1: 'bbm' is an arm64 property \(the machine is x86_64\)/));
  it('a Xen rule without machine.xenPv', () =>
    bad(['check', scenario('xen.yaml', X86 + 'check: { properties: [xen-pt-writable] }\n')], /xen\.yaml:5:\d+: check\.properties\.0: 'xen-pt-writable' needs machine\.xenPv: true/));
  it('an x86_64 machine with relaxed memory', () =>
    bad(['check', scenario('x86rel.yaml', X86.replace('profile: x86_64', 'profile: x86_64, memoryModel: relaxed'))], /x86rel\.yaml:3:\d+: machine\.memoryModel: x86_64 is tso \(or sc\), not relaxed/));
  it('a translated write outside the VA space', () =>
    bad(['check', scenario('wr.yaml', GOOD.replace('"set_memory_ro(0x1000, 1);"', '{ write: [0x1000, 0x40000000], value: 1 }'))], /cpus\.0\.write\.1: 0x40000000 is outside/));
});

describe('init code and translated writes', () => {
  const INIT = `model: { files: [${MODEL}, ${join(root, 'models/linear_map.c')}] }
init: { run: "map_linear_pmd_blocks(0x10000);RO" }
cpus: [ { write: [0x1000], value: 0x5a } ]
check: { mapped: [ { va: 0x1000, pa: 0x1000, writable: true } ] }
expect: verified
`;
  it('a CPU writes through the tables the init code built', () => {
    const r = ptmc('check', scenario('init-ok.yaml', INIT.replace('RO', '')), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).verdict).toBe('verified');
  });
  it('and faults once the init code made the page read-only', () => {
    const r = ptmc('check', scenario('init-ro.yaml', INIT.replace('RO', ' set_memory_ro(0x1000, 1);')), '--out', join(tmp, 'init-ro.trace.json'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/CPU0's write to VA 0x1000 took a permission fault; the VA must stay writable/);
  });
});

describe('the scenarios', () => {
  it('ptmc test scenarios/: every scenario meets its expect', () => {
    const r = ptmc('test', 'scenarios');
    const count = readdirSync(join(root, 'scenarios')).filter((f) => f.endsWith('.yaml')).length;
    expect(r.out).toMatch(new RegExp(`^${count} passed, 0 failed$`, 'm'));
    expect(r.code).toBe(0);
  }, 900_000); // the mutex scenario is verified exhaustively: a few million states

  it('--json digests the final states: the reduced and unreduced searches store different states but end in the same ones', () => {
    const digest = (...o: string[]) => {
      const r = ptmc('check', 'scenarios/x86-kpmi-two-pass.yaml', '--json', ...o);
      expect(r.code).toBe(0);
      return JSON.parse(r.out) as { states: number; finalStates: number; finalStatesDigest: string };
    };
    const reduced = digest();
    const plain = digest('--no-reduction');
    expect(plain.states).toBeGreaterThan(reduced.states);
    expect(reduced.finalStatesDigest).toMatch(/^[0-9a-f]{16}$/);
    expect(plain.finalStatesDigest).toBe(reduced.finalStatesDigest);
  });

  it('the trace of every violating scenario replays to its violation', () => {
    const files = readdirSync(join(root, 'scenarios')).filter((f) => f.endsWith('.yaml'));
    const violating = files.filter((f) => /^expect: "?violation/m.test(readFileSync(join(root, 'scenarios', f), 'utf8')));
    let replayed = 0;
    for (const f of violating) {
      const out = join(tmp, `${f}.trace.json`);
      expect(ptmc('check', join('scenarios', f), '--out', out).code).toBe(1);
      const r = ptmc('replay', out);
      expect(r.out, f).toContain(`reproduced: ${JSON.parse(readFileSync(out, 'utf8')).violation.kind}`);
      replayed++;
    }
    expect(violating.length).toBeGreaterThan(0);
    expect(replayed).toBe(violating.length);
  });
});

describe('ptmc fuzz and ptmc shrink', () => {
  it('finds the leak, writes a shrunk trace that replays, byte-identical for one seed', () => {
    const a = join(tmp, 'fz-a.json');
    const b = join(tmp, 'fz-b.json');
    const r = ptmc('fuzz', 'scenarios/split-lockless-plain.yaml', '--seed', '3', '--runs', '200', '--out', a);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^VIOLATION: leak \(run \d+ of seed 3\)/);
    expect(r.out).toMatch(/shrunk to \d+ \(1-minimal/);
    expect(ptmc('fuzz', 'scenarios/split-lockless-plain.yaml', '--seed', '3', '--runs', '200', '--out', b).code).toBe(1);
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
    expect(ptmc('replay', a).out).toContain('reproduced: leak');
  });

  it('pct and fast-check traces are byte-identical for one seed; fast-check\'s seed + path replays its run', () => {
    for (const strategy of ['pct', 'fast-check']) {
      const [a, b] = [join(tmp, `${strategy}-a.json`), join(tmp, `${strategy}-b.json`)];
      const args = ['fuzz', 'scenarios/split-lazy-nodsb.yaml', '--strategy', strategy, '--seed', '5', '--runs', '1000'];
      expect(ptmc(...args, '--out', a).code).toBe(1);
      expect(ptmc(...args, '--out', b, ...(strategy === 'pct' ? ['--workers', '2'] : [])).code).toBe(1);
      expect(readFileSync(b, 'utf8'), strategy).toBe(readFileSync(a, 'utf8'));
    }
    // Seed 1 first fails at a late run: with its path, one run replays it; without, one run is clean.
    const first = join(tmp, 'fast-check-seed1.json');
    const args = ['fuzz', 'scenarios/split-lazy-nodsb.yaml', '--strategy', 'fast-check', '--seed', '1'];
    expect(ptmc(...args, '--runs', '1000', '--out', first).code).toBe(1);
    const { run, fcPath } = JSON.parse(readFileSync(first, 'utf8')).options as { run: number; fcPath: string };
    expect(run).toBeGreaterThan(0);
    expect(fcPath).toMatch(new RegExp(`^${run}(:\\d+)*$`));
    const again = join(tmp, 'fast-check-path.json');
    expect(ptmc(...args, '--runs', '1', '--fc-path', fcPath, '--out', again).code).toBe(1);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(first, 'utf8'));
    expect(ptmc(...args, '--runs', '1').code).toBe(0);
  });

  it('a clean campaign says it proves nothing (exit 0); one cut short by --time exits 4', () => {
    const clean = ptmc('fuzz', 'scenarios/init-code-write.yaml', '--runs', '20');
    expect(clean.code).toBe(0);
    expect(clean.out).toMatch(/no violation found in 20 random runs .*this is not a proof/);
    const cut = ptmc('fuzz', 'scenarios/split-mutex-sc.yaml', '--runs', '100000000', '--time', '1');
    expect(cut.code).toBe(4);
    expect(cut.out).toMatch(/INCOMPLETE: cut off at time limit/);
  });

  it('shrinks a trace from check to a 1-minimal one that still replays', () => {
    const t = join(tmp, 'bbm.trace.json');
    expect(ptmc('check', 'scenarios/split-bbm0-forced.yaml', '--out', t).code).toBe(1);
    const out = join(tmp, 'bbm.small.json');
    const r = ptmc('shrink', t, '--out', out);
    expect(r.code).toBe(1);
    const before = JSON.parse(readFileSync(t, 'utf8')).steps.length;
    const after = JSON.parse(readFileSync(out, 'utf8')).steps.length;
    expect(after).toBeLessThan(before);
    expect(ptmc('replay', out).out).toContain('reproduced: bbm');
    // 1-minimal: without any one of its steps the schedule is impossible or shows no bbm.
    const steps = JSON.parse(readFileSync(out, 'utf8')).steps as Parameters<typeof playSchedule>[1];
    const l = load(join(root, 'scenarios/split-bbm0-forced.yaml'));
    for (let i = 0; i < steps.length; i++) {
      const p = playSchedule(l.session, [...steps.slice(0, i), ...steps.slice(i + 1)]);
      expect(p.impossibleAt >= 0 || !p.violations.some((v) => v.kind === 'bbm'), `without step ${i + 1}`).toBe(true);
    }
  });

  it('--keep-going collects a trace per violation kind, each of which replays', () => {
    const out = join(tmp, 'kg.json');
    const r = ptmc('fuzz', 'scenarios/split-lockless-plain.yaml', '--strategy', 'pct', '--keep-going', '--runs', '300', '--out', out);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/kinds found: leak \(run 0\), model-error \(run \d+\)/);
    expect(ptmc('replay', out).out).toContain('reproduced: leak');
    expect(ptmc('replay', join(tmp, 'kg.model-error.trace.json')).out).toContain('reproduced: model-error');
  });

  it('a bad option value is one line, exit 2', () => {
    const r = ptmc('fuzz', 'scenarios/split-lockless-plain.yaml', '--runs', '0');
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe('ptmc: --runs: must be an integer from 1 to 2147483647 (got 0)');
  });
});

describe('multi-core: --workers and --memory', () => {
  it('a fuzz trace is byte-identical with 1 and 2 workers', () => {
    const a = join(tmp, 'w1.trace.json');
    const b = join(tmp, 'w2.trace.json');
    const args = ['fuzz', 'scenarios/split-lazy-nodsb.yaml', '--seed', '1', '--runs', '1000'];
    expect(ptmc(...args, '--workers', '1', '--out', a).code).toBe(1);
    const r = ptmc(...args, '--workers', '2', '--out', b);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/2 workers/);
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
  });

  it('a full visited table ends the check incomplete (exit 4) and says how much memory the next table size needs', () => {
    const r = ptmc('check', 'scenarios/split-mutex-sc.yaml', '--workers', '2', '--memory', '1M');
    expect(r.code).toBe(4);
    expect(r.out).toMatch(/^INCOMPLETE: cut off at the visited table is full/);
    expect(r.out).toMatch(/a complete run needs more than this; the next table size needs --memory \d+[MG]/);
    expect(r.out).not.toMatch(/verified under/);
  });

  it('the JSON summary names the workers used', () => {
    const r = ptmc('check', 'scenarios/split-mutex-relaxed-cpus.yaml', '--workers', '2', '--max-states', '40000', '--json');
    expect(r.code).toBe(4);
    const j = JSON.parse(r.out);
    expect(j.workers).toBe(2);
    expect(j.workersUsed).toBe(2); // 40,000 states: past the main thread's first 10,000
  });

  it('a scenario bounds the table with cutoffs.memory, checked and placed', () => {
    const mutex = readFileSync(join(root, 'scenarios/split-mutex-sc.yaml'), 'utf8').replace('../models/', `${root}/models/`);
    const small = ptmc('check', scenario('mem.yaml', mutex + 'cutoffs: { memory: 1M }\n'), '--workers', '1');
    expect(small.code).toBe(4); // 1M holds 111,000 states of its 3 million
    expect(small.out).toMatch(/^INCOMPLETE: cut off at the visited table is full/);
    const r = ptmc('check', scenario('mem-bad.yaml', GOOD + 'cutoffs: { memory: 12X }\n'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/mem-bad\.yaml:6:\d+: cutoffs\.memory: expected a size from 1M to 16G/);
  });

  it('bad --workers and --memory: one line, exit 2', () => {
    for (const [opt, val, msg] of [['--workers', '0', /--workers: must be an integer from 1 to 64/], ['--memory', '12X', /--memory: must be a size from 1M to 16G/]] as const) {
      const r = ptmc('check', 'scenarios/split-lockless-plain.yaml', opt, val);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(msg);
    }
  });
});
