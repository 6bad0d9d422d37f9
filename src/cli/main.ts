// The ptmc command line: yargs commands; every command's outcome is an exit code
// (0 ok, 1 violation, 2 bad input, 3 internal error, 4 incomplete).

import yargs from 'yargs';
import { ConfigError } from '../arch/configError.js';
import { SEMANTICS_VERSION } from '../machine/index.js';
import { runCheck } from './checkCommand.js';
import { EXIT } from './exitCodes.js';
import { runFuzz } from './fuzzCommand.js';
import { runReplay } from './replayCommand.js';
import { runShrink } from './shrinkCommand.js';
import { InputError } from './run.js';
import { listenForInterrupt } from './interrupt.js';
import { runList, runTest } from './testCommand.js';
import { runLitmusCommand } from './litmusCommand.js';
import { memoryOption, workersOption } from './resources.js';

const VERSION = '0.1.0';

function positiveInt(v: number, option: string, min: number): number {
  if (!Number.isInteger(v) || v < min || v > 2 ** 32 - 1) throw new InputError(`ptmc: ${option}: must be an integer from ${min} to ${2 ** 32 - 1} (got ${v})`);
  return v;
}

/** --walks: a number of walks per walker per VA, or `unbounded`. */
function walksOption(v: string): number | 'unbounded' {
  if (v === 'unbounded') return v;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 16) throw new InputError(`ptmc: --walks: must be an integer from 0 to 16 or 'unbounded' (got ${v})`);
  return n;
}

/** { key: v } when v is given, else nothing (options are exact: no undefined values). */
function optional<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
}

/** --runs: run numbers are shared by workers in a 32-bit counter. */
function runsOption(v: number): number {
  if (!Number.isInteger(v) || v < 1 || v > 2 ** 31 - 1) throw new InputError(`ptmc: --runs: must be an integer from 1 to ${2 ** 31 - 1} (got ${v})`);
  return v;
}

function positiveNumber(v: number, option: string): number {
  if (!Number.isFinite(v) || v <= 0) throw new InputError(`ptmc: ${option}: must be a positive number (got ${v})`);
  return v;
}

export async function main(argv: string[]): Promise<number> {
  listenForInterrupt();
  let code: number = EXIT.ok;
  const run = async (f: () => number | Promise<number>): Promise<void> => {
    code = await f();
  };
  const parser = yargs(argv)
    .scriptName('ptmc')
    .usage('$0 <command> [options]\n\nA model checker for concurrent page-table code.')
    .strict()
    .demandCommand(1, 'name a command (see --help)')
    .command('check <scenario>', 'explore every interleaving of a scenario', (y) => y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'a scenarios/*.yaml file' })
      .option('memory-model', { choices: ['relaxed', 'sc', 'tso'] as const, describe: 'override the scenario\'s memory model' })
      .option('bbm', { type: 'string', choices: ['0', '2', '2-noabort'] as const, describe: 'override the machine\'s BBM level' })
      .option('walks', { type: 'string', describe: "walks per walker per VA (a model parameter), or 'unbounded'" })
      .option('max-states', { type: 'number', describe: 'stop after this many states (verdict: incomplete)' })
      .option('timeout', { type: 'number', describe: 'stop after this many seconds (verdict: incomplete)' })
      .option('reduction', { type: 'boolean', default: true, describe: 'partial-order reduction (--no-reduction to turn it off)' })
      .option('workers', { type: 'number', describe: 'worker threads (default: one per core)' })
      .option('memory', { type: 'string', describe: 'memory for the visited table, e.g. 512M, 2G (default: half the free memory, at most 4G)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary as one JSON line' })
      .option('out', { type: 'string', describe: 'where to write the trace (default results/<scenario>.trace.json)' }),
    (a) => run(() => runCheck({
      scenario: a.scenario, reduction: a.reduction, json: a.json, workers: workersOption(a.workers), ...optional('memoryBytes', memoryOption(a.memory)),
      ...(a.memoryModel ? { memoryModel: a.memoryModel } : {}), ...(a.bbm ? { bbm: a.bbm } : {}),
      ...(a.walks !== undefined ? { walks: walksOption(a.walks) } : {}), ...(a.maxStates !== undefined ? { maxStates: a.maxStates } : {}),
      ...(a.timeout !== undefined ? { timeout: a.timeout } : {}), ...(a.out ? { out: a.out } : {}),
    })))
    .command('fuzz <scenario>', 'run random schedules until one shows a violation, then shrink it', (y) => y
      .positional('scenario', { type: 'string', demandOption: true, describe: 'a scenarios/*.yaml file' })
      .option('strategy', { choices: ['random', 'pct', 'fast-check'] as const, default: 'random' as const, describe: 'how schedules are chosen' })
      .option('depth', { type: 'number', default: 3, describe: 'PCT\'s bug depth d (d-1 priority change points)' })
      .option('seed', { type: 'number', default: 1, describe: 'campaign seed (run i uses a seed derived from it and i)' })
      .option('runs', { type: 'number', default: 10_000, describe: 'number of runs' })
      .option('time', { type: 'number', describe: 'stop after this many seconds (exit 4 if runs remain)' })
      .option('max-steps', { type: 'number', describe: 'abandon a run after this many steps (default 10000)' })
      .option('shrink', { type: 'boolean', default: true, describe: 'shrink the failing schedule (--no-shrink to keep it)' })
      .option('keep-going', { type: 'boolean', default: false, describe: 'go on after a violation: the first run of each kind' })
      .option('reduction', { type: 'boolean', default: true, describe: 'random: take steps that commute with all others alone (--no-reduction: choose among all enabled actions)' })
      .option('workers', { type: 'number', describe: 'worker threads (default: one per core; fast-check runs on one)' })
      .option('memory-model', { choices: ['relaxed', 'sc', 'tso'] as const, describe: 'override the scenario\'s memory model' })
      .option('bbm', { type: 'string', choices: ['0', '2', '2-noabort'] as const, describe: 'override the machine\'s BBM level' })
      .option('walks', { type: 'string', describe: "walks per walker per VA (a model parameter), or 'unbounded'" })
      .option('fc-path', { type: 'string', describe: 'fast-check: replay the run of this counterexample path (a trace\'s options.fcPath) with --seed' })
      .option('out', { type: 'string', describe: 'where to write the trace (default results/<scenario>.fuzz.trace.json)' }),
    (a) => run(() => runFuzz({
      scenario: a.scenario, strategy: a.strategy, depth: positiveInt(a.depth, '--depth', 1), seed: positiveInt(a.seed, '--seed', 0), runs: runsOption(a.runs),
      shrink: a.shrink, keepGoing: a.keepGoing, reduction: a.reduction, workers: workersOption(a.workers), ...(a.time !== undefined ? { time: positiveNumber(a.time, '--time') } : {}),
      ...(a.maxSteps !== undefined ? { maxSteps: positiveInt(a.maxSteps, '--max-steps', 1) } : {}),
      ...(a.memoryModel ? { memoryModel: a.memoryModel } : {}), ...(a.bbm ? { bbm: a.bbm } : {}),
      ...(a.walks !== undefined ? { walks: walksOption(a.walks) } : {}), ...(a.out ? { out: a.out } : {}), ...(a.fcPath !== undefined ? { fcPath: a.fcPath } : {}),
    })))
    .command('shrink <trace>', 'shrink a trace to a 1-minimal schedule that still shows its violation', (y) => y
      .positional('trace', { type: 'string', demandOption: true })
      .option('out', { type: 'string', describe: 'where to write the shrunk trace (default <trace>.shrunk.trace.json)' }),
    (a) => run(() => runShrink(a.trace, a.out)))
    .command('replay <trace>', 're-execute a counterexample trace step by step', (y) => y
      .positional('trace', { type: 'string', demandOption: true }),
    (a) => run(() => runReplay(a.trace)))
    .command('test [dir]', 'check every scenario against its expected verdict', (y) => y
      .positional('dir', { type: 'string', default: 'scenarios' })
      .option('reduction', { type: 'boolean', default: true })
      .option('workers', { type: 'number', describe: 'worker threads (default: one per core)' })
      .option('memory', { type: 'string', describe: 'memory for the visited table (default: half the free memory, at most 4G)' }),
    (a) => run(() => runTest(a.dir, a.reduction, { workers: workersOption(a.workers), ...optional('memoryBytes', memoryOption(a.memory)) })))
    .command('list [dir]', 'list the scenarios, one line each', (y) => y
      .positional('dir', { type: 'string', default: 'scenarios' }),
    (a) => run(() => runList(a.dir)))
    .command('litmus <path>', "run herd7 AArch64 litmus tests (a file or a folder) and compare with herd's verdicts", (y) => y
      .positional('path', { type: 'string', demandOption: true })
      .option('kinds', { type: 'string', describe: "herd's verdicts (NAME VERDICT per line; default: the nearest kinds.txt, or X.litmus.expected)" })
      .option('report', { type: 'string', describe: 'write <report>.json and <report>.md (e.g. results/litmus-agreement)' })
      .option('timeout', { type: 'number', default: 60, describe: 'seconds per test' })
      .option('ets2', { type: 'boolean', default: false, describe: "a machine with FEAT_ETS2, against herd's ETS2 verdicts (the nearest *ets2*kinds.txt)" })
      .option('json', { type: 'boolean', default: false }),
    (a) => run(() => runLitmusCommand(a.path, { ...optional('kinds', a.kinds), ...optional('report', a.report), timeoutS: positiveNumber(a.timeout, '--timeout'), ets2: a.ets2, json: a.json })))
    .command('version', 'print the version and the machine semantics version', () => {}, () => {
      process.stdout.write(`ptmc ${VERSION} (semantics ${SEMANTICS_VERSION})\n`);
    })
    .fail((msg, err) => {
      if (err) throw err;
      throw new InputError(`ptmc: ${msg} (see ptmc --help)`);
    })
    .help()
    .exitProcess(false);
  try {
    await parser.parseAsync();
  } catch (e) {
    if (e instanceof InputError || e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      return EXIT.badInput;
    }
    process.stderr.write(`ptmc: internal error: ${(e as Error).message}\n(hint: rerun with the same arguments; if it persists, report it with the scenario and this message)\n`);
    return EXIT.internal;
  }
  return code;
}
