// Loading and checking a scenario, shared by check, test and replay: input errors become
// one-line messages (exit 2), the search result becomes a verdict.

import { relative, resolve } from 'node:path';
import { ConfigError } from '../arch/configError.js';
import type { Violation } from '../check/property.js';
import { emptyResult } from '../explore/dfs.js';
import { checkParallel, type ParallelCheckResult } from '../explore/parallelCheck.js';
import { playSchedule } from '../explore/schedule.js';
import { eagerSteps, NO_REDUCTION } from '../explore/reduction.js';
import { Session } from '../explore/session.js';
import { format, type Diagnostic } from '../lang/diagnostics.js';
import { ModelError, SCENARIO_FILE } from '../lang/model.js';
import { CapacityError } from '../machine/errors.js';
import { SEMANTICS_VERSION } from '../machine/index.js';
import { buildScenario, type BuiltScenario, type Overrides } from '../scenario/build.js';
import { loadScenarioText, parseScenario, placeFieldError, ScenarioError } from '../scenario/load.js';
import { fieldHashes, fileHashes, TRACE_FORMAT, type Trace } from '../trace/trace.js';
import { renderRun } from '../trace/render.js';
import { DEFAULT_RESOURCES, type Resources } from './resources.js';
import { parseSize } from '../scenario/size.js';
import { fingerprintKey, scenarioSource } from './scenarioSource.js';

/** A mistake in what the user gave us: printed as is, exit status 2. */
export class InputError extends Error {}

export interface CheckOptions extends Overrides, Partial<Resources> {
  maxStates?: number;
  maxDepth?: number;
  timeoutMs?: number;
  reduction: boolean;
  shouldStop?: () => boolean;
  onProgress?: (p: { states: number; transitions: number; depth: number; elapsedMs: number }) => void;
  /** Keep the final states' fingerprints (for --json's digest). */
  observe?: boolean;
}

export interface Loaded {
  path: string;
  built: BuiltScenario;
  session: Session;
  cutoffs: { maxStates?: number; maxDepth?: number; timeout?: number; memory?: string | number };
}

export function load(path: string, over: Overrides = {}): Loaded {
  let text = '';
  try {
    text = loadScenarioText(path);
    const sc = parseScenario(path, text);
    const built = buildScenario(path, sc, over);
    return { path, built, session: new Session(built.cfg, built.driver, built.props), cutoffs: sc.cutoffs };
  } catch (e) {
    if (e instanceof ScenarioError) throw new InputError(e.message);
    if (e instanceof ConfigError) throw new InputError(placeFieldError(path, text, e.message));
    if (e instanceof ModelError) throw new InputError(e.diagnostics.filter((d) => d.severity === 'error').map((d) => scenarioPlace(path, d, e.scenarioLines)).join('\n'));
    throw e;
  }
}

/**
 * A diagnostic in the scenario's own kernel-C (the CPUs' statements, the final predicate)
 * is placed by scenario field; one in a model file keeps its file:line:col.
 */
function scenarioPlace(path: string, d: Diagnostic, lines: Readonly<Record<number, string>>): string {
  if (d.span.file !== SCENARIO_FILE) return format(d);
  return `${path}: ${lines[d.span.line] ?? 'cpus'}: error PT${d.code}: ${d.message}`;
}

export interface CheckOutcome {
  result: ParallelCheckResult;
  /** The reduction's name, as the summary prints it. */
  reduction: string;
  /** Set when the search stopped on a bound of the machine layout (an incomplete verdict). */
  capacity?: string;
  trace?: Trace;
}

export async function check(l: Loaded, o: CheckOptions): Promise<CheckOutcome> {
  const red = o.reduction ? eagerSteps(l.built.driver) : NO_REDUCTION;
  const maxStates = o.maxStates ?? l.cutoffs.maxStates;
  const maxDepth = o.maxDepth ?? l.cutoffs.maxDepth;
  const timeoutMs = o.timeoutMs ?? (l.cutoffs.timeout !== undefined ? l.cutoffs.timeout * 1000 : undefined);
  const overrides: Overrides = { ...(o.memoryModel ? { memoryModel: o.memoryModel } : {}), ...(o.bbm ? { bbm: o.bbm } : {}), ...(o.walks !== undefined ? { walks: o.walks } : {}) };
  // With observe, final states are kept by fingerprint so that runs can be compared (--json's digest).
  const source = scenarioSource({ path: l.path, overrides, reduction: o.reduction, ...(o.observe ? { observe: true } : {}) });
  let result: ParallelCheckResult;
  try {
    result = await checkParallel({ session: l.session, reduction: red, ...(o.observe ? { observe: fingerprintKey } : {}) }, source, {
      workers: o.workers ?? DEFAULT_RESOURCES.workers,
      memoryBytes: o.memoryBytes ?? (l.cutoffs.memory !== undefined ? parseSize(l.cutoffs.memory)! : DEFAULT_RESOURCES.memoryBytes),
      ...(o.handoffAfter !== undefined ? { handoffAfter: o.handoffAfter } : {}),
      ...(maxStates !== undefined ? { maxStates } : {}),
      ...(maxDepth !== undefined ? { maxDepth } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(o.shouldStop ? { shouldStop: o.shouldStop } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    });
  } catch (e) {
    if (!(e instanceof CapacityError)) throw e;
    const r: ParallelCheckResult = { ...emptyResult(), verdict: 'incomplete', cutoff: `a machine bound: ${e.message}`, workersUsed: 0, workersSearched: 0 };
    return { result: r, reduction: red.name, capacity: e.message };
  }
  const out: CheckOutcome = { result, reduction: red.name };
  if (result.verdict === 'violation') out.trace = makeTrace(l, result.violation!, result.path!, o);
  return out;
}

/** A trace of steps; `how` says where it came from (a fuzz strategy and run, a shrink). */
export function makeTrace(l: Loaded, v: Violation, steps: Trace['steps'], o: Overrides, seed = 0, how: Record<string, unknown> = {}): Trace {
  const fields = fieldHashes(l.path);
  return {
    format: TRACE_FORMAT,
    semanticsVersion: SEMANTICS_VERSION,
    scenario: relative(process.cwd(), l.path),
    hashes: fileHashes([resolve(l.path), ...l.built.modelFiles.map((f) => resolve(f))]),
    ...(fields ? { scenarioFields: fields } : {}),
    options: { ...(o.memoryModel ? { memoryModel: o.memoryModel } : {}), ...(o.bbm ? { bbm: o.bbm } : {}), ...(o.walks !== undefined ? { walks: o.walks } : {}), ...how },
    seed,
    violation: { kind: v.kind, message: v.message },
    steps,
    rendered: renderRun(l.session, steps),
  };
}

/** Re-execute a trace's steps; returns the violations its last step (or the state it reaches) shows. */
export function replaySteps(l: Loaded, steps: Trace['steps']): Violation[] {
  const p = playSchedule(l.session, steps);
  if (p.impossibleAt >= 0)
    throw new InputError(`${l.path}: the trace's step ${p.impossibleAt + 1} (${JSON.stringify(steps[p.impossibleAt])}) is not possible in this scenario: not a trace of it`);
  return p.violations;
}
