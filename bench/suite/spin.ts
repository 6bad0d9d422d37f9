// ptmc side by side with SPIN (issue 9): the Promela twins in bench/spin/ encode the same
// problems as two ptmc scenarios, state for state, so that without reduction on either side
// both tools store the same number of states (bench/spin/README.md). For each pair this
// runs ptmc (reduced and --no-reduction, one worker) and SPIN's pan (gcc -O2 -DSAFETY, with
// and without -DNOREDUCE), each `repeats` times, and reports the counts, the median times
// and the ratios. A missing SPIN or gcc is reported, never thrown; an error that SPIN
// reports (an assertion, the depth limit) is thrown: the twin is then wrong.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { load } from '../../src/cli/run.js';
import { explore } from '../../src/explore/dfs.js';
import { Session } from '../../src/explore/session.js';
import { checkMedian, repeated, root } from './measure.js';

export interface PtmcRun { states: number; transitions: number; seconds: number; statesPerSecond: number; verdict: string }
export interface SpinRun { states: number; transitions: number; seconds: number; statesPerSecond: number; memoryMiB: number }
export interface SpinRow {
  /** 'split-race' | 'bbm' */
  pair: string;
  /** Repo-relative path of the ptmc scenario. */
  scenario: string;
  /** Repo-relative path of the Promela twin. */
  promela: string;
  ptmc: { reduced: PtmcRun; unreduced: PtmcRun };
  /** reduced: SPIN's partial-order reduction on; unreduced: -DNOREDUCE. */
  spin: { reduced: SpinRun; unreduced: SpinRun };
  /** ptmc.unreduced.states === spin.unreduced.states */
  equalUnreduced: boolean;
  /** statesPerSecond: ptmc / SPIN, unreduced; statesReduced: ptmc.reduced.states / spin.reduced.states. */
  ratios: { statesPerSecond: number; statesReduced: number };
}
export interface SpinSection { available: boolean; version: string | null; note: string; rows: SpinRow[] }

/**
 * The pairs: a ptmc scenario and its Promela twin, with the states SPIN 6.5.2 stores for the
 * twin under -DNOREDUCE. test/bench/spinTwins.test.ts checks, without SPIN, that ptmc still
 * reaches that many: a machine change that alters these state spaces must be carried into
 * the twins (bench/spin/verify-states.mjs compares them state for state).
 */
export const SPIN_PAIRS: readonly { pair: string; scenario: string; promela: string; spinUnreducedStates: number }[] = [
  { pair: 'split-race', scenario: 'bench/scenarios/spin-split-race.yaml', promela: 'bench/spin/split-race.pml', spinUnreducedStates: 166_452 },
  { pair: 'bbm', scenario: 'bench/scenarios/spin-bbm.yaml', promela: 'bench/spin/bbm.pml', spinUnreducedStates: 148_920 },
];

/** pan's depth bound (-m): far above the twins' depths (24 and 34); reaching it is an error. */
const PAN_DEPTH = 100_000;
const GCC_FLAGS = ['-O2', '-DSAFETY'];

function run(cmd: string, args: readonly string[], opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    cwd: opts.cwd ?? root, encoding: 'utf8', maxBuffer: 1 << 26, timeout: opts.timeoutMs ?? 600_000,
    ...(opts.env ? { env: opts.env } : {}),
  });
}

/** Whether `cmd` runs (ENOENT and friends: no). */
function runs(cmd: string, args: readonly string[]): SpawnSyncReturns<string> | null {
  const r = run(cmd, args, { timeoutMs: 30_000 });
  return r.error || r.status === null ? null : r;
}

function spinVersion(): string | null {
  const r = runs('spin', ['-V']);
  if (!r || r.status !== 0) return null;
  return /Spin Version (\S+)/.exec(r.stdout + r.stderr)?.[1] ?? 'unknown';
}

/**
 * `apt-get install -y spin`, as root or with passwordless sudo, non-interactively, with a
 * timeout. Returns why it could not, or null when it ran and succeeded.
 */
function installSpin(): string | null {
  let prefix: string[] = [];
  if (process.getuid?.() !== 0) {
    const sudo = runs('sudo', ['-n', 'true']);
    if (!sudo || sudo.status !== 0) return 'not root and no passwordless sudo, so apt-get was not tried';
    prefix = ['sudo', '-n'];
  }
  // A fresh Debian has empty package lists: update them first. `env` sets the frontend
  // under sudo too (sudo -E may be refused).
  const aptGet = (args: string[], timeoutMs: number): SpawnSyncReturns<string> => {
    const argv = [...prefix, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args];
    return run(argv[0]!, argv.slice(1), { timeoutMs });
  };
  for (const [args, what] of [[['update', '-q'], 'apt-get update'], [['install', '-y', '-q', 'spin'], 'apt-get install -y spin']] as const) {
    const r = aptGet([...args], 180_000);
    if (r.error) return `${what} failed: ${r.error.message}`;
    if (r.status !== 0) return `${what} exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-1)[0] ?? ''}`;
  }
  return null;
}

function num(re: RegExp, text: string, what: string, where: string): number {
  const m = re.exec(text);
  if (!m) throw new Error(`${where}: no "${what}" in pan's output:\n${text}`);
  return Number(m[1]);
}

/** One run of a compiled pan; throws if SPIN reports an error or the depth bound was hit. */
function panRun(dir: string, exe: string, where: string): SpinRun {
  const r = run(join(dir, exe), [`-m${PAN_DEPTH}`], { cwd: dir });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.error || r.status !== 0) throw new Error(`${where}: pan exited ${r.status ?? r.error?.message}:\n${out}`);
  if (/max search depth too small/.test(out)) throw new Error(`${where}: pan hit its depth bound (-m${PAN_DEPTH}):\n${out}`);
  const errors = num(/errors: (\d+)/, out, 'errors', where);
  if (errors !== 0) throw new Error(`${where}: SPIN reports errors: ${errors}:\n${out}`);
  const states = num(/(\d+) states, stored/, out, 'states, stored', where);
  const seconds = num(/pan: elapsed time ([\d.e+-]+) seconds/, out, 'elapsed time', where);
  return {
    states,
    transitions: num(/(\d+) transitions \(= stored\+matched\)/, out, 'transitions', where),
    seconds,
    statesPerSecond: Math.round(states / Math.max(seconds, 1e-3)),
    memoryMiB: num(/([\d.]+)\s+total actual memory usage/, out, 'total actual memory usage', where),
  };
}

/** `repeats` runs of pan: the first run's counts, the median time and memory. */
function panMedian(dir: string, exe: string, repeats: number, where: string): SpinRun {
  const { runs: _, ...r } = repeated(where, repeats, () => panRun(dir, exe, where), ['memoryMiB']);
  return r;
}

/** spin -a, then pan twice (with and without -DNOREDUCE). Throws on a compile error. */
function buildPan(workDir: string, pair: string, promela: string): string {
  const dir = resolve(workDir, pair);
  mkdirSync(dir, { recursive: true });
  const pml = basename(promela);
  copyFileSync(join(root, promela), join(dir, pml));
  const a = run('spin', ['-a', pml], { cwd: dir });
  if (a.status !== 0) throw new Error(`spin -a ${promela} exited ${a.status ?? a.error?.message}:\n${a.stdout}${a.stderr}`);
  for (const [exe, extra] of [['pan-noreduce', ['-DNOREDUCE']], ['pan-reduce', []]] as const) {
    const g = run('gcc', [...GCC_FLAGS, ...extra, '-w', '-o', exe, 'pan.c'], { cwd: dir });
    if (g.status !== 0) throw new Error(`gcc ${[...GCC_FLAGS, ...extra].join(' ')} for ${promela} exited ${g.status ?? g.error?.message}:\n${g.stderr}`);
  }
  return dir;
}

function ptmcRun(scenario: string, repeats: number): PtmcRun {
  const f = checkMedian([scenario, '--workers', '1'], Math.max(1, repeats));
  return { states: f.states, transitions: f.transitions, seconds: f.seconds, statesPerSecond: f.statesPerSecond, verdict: f.verdict };
}

/** A session on a twin's ptmc scenario (its path) that collects memory at commits only, as the twins do. */
export function twinSession(path: string): Session {
  const { built } = load(path);
  return new Session({ ...built.cfg, eagerCollection: false }, built.driver, built.props);
}

/**
 * ptmc without reduction, collecting memory at commits only as the twins do (README.md;
 * the default also collects when a floor rises, and stores fewer states). No CLI option
 * turns that off, so this one runs in this process, timing the search alone as `check` does.
 */
function ptmcPlainRun(scenario: string, repeats: number): PtmcRun {
  return repeated(`ptmc ${scenario} (no reduction, collecting at commits)`, Math.max(1, repeats), () => {
    const session = twinSession(join(root, scenario));
    const t0 = performance.now();
    const r = explore(session);
    const seconds = (performance.now() - t0) / 1000;
    return { states: r.states, transitions: r.transitions, seconds, statesPerSecond: r.states / Math.max(seconds, 1e-3), verdict: r.verdict };
  });
}

export function spinSection(o: { install: boolean; repeats: number; workDir: string }): SpinSection {
  const missing = (why: string): SpinSection => ({ available: false, version: null, note: `SPIN is not installed (${why})`, rows: [] });
  let version = spinVersion();
  if (version === null) {
    if (!o.install) return missing('no `spin` on PATH; installing it was not asked for');
    const why = installSpin();
    if (why !== null) return missing(`no \`spin\` on PATH; ${why}`);
    version = spinVersion();
    if (version === null) return missing('apt-get install -y spin ran, but `spin -V` still does not run');
  }
  const gcc = runs('gcc', ['--version']);
  if (!gcc || gcc.status !== 0) return { available: false, version, note: `SPIN ${version} is installed, but gcc (needed to compile pan) is not`, rows: [] };

  const rows: SpinRow[] = [];
  for (const p of SPIN_PAIRS) {
    const dir = buildPan(o.workDir, p.pair, p.promela);
    const spin = {
      reduced: panMedian(dir, 'pan-reduce', o.repeats, `${p.promela} (pan -DSAFETY)`),
      unreduced: panMedian(dir, 'pan-noreduce', o.repeats, `${p.promela} (pan -DSAFETY -DNOREDUCE)`),
    };
    const ptmc = { reduced: ptmcRun(p.scenario, o.repeats), unreduced: ptmcPlainRun(p.scenario, o.repeats) };
    rows.push({
      pair: p.pair, scenario: p.scenario, promela: p.promela, ptmc, spin,
      equalUnreduced: ptmc.unreduced.states === spin.unreduced.states,
      ratios: {
        statesPerSecond: ptmc.unreduced.statesPerSecond / Math.max(spin.unreduced.statesPerSecond, 1),
        statesReduced: ptmc.reduced.states / Math.max(spin.reduced.states, 1),
      },
    });
  }
  return {
    available: true,
    version,
    note: `SPIN ${version}; pan built with gcc ${GCC_FLAGS.join(' ')} (and -DNOREDUCE for the unreduced run), exhaustive, run with -m${PAN_DEPTH}; ` +
      `ptmc with --workers 1 (unreduced: in process, collecting memory at commits only, as the twins do); ${o.repeats > 1 ? `median of ${o.repeats} runs each` : 'one run each'}; times are each tool's own search time. ` +
      `SPIN's transitions count the initial state's store as one (ptmc's + 1). bench/spin/README.md explains the twins.`,
    rows,
  };
}
