// Fuzzing as a fast-check property: the input is the choice list (element j picks among
// the actions enabled at step j, modulo their number; past its end the first is taken), the
// property fails when the run shows a violation. fast-check's shrinking then finds a short
// failing choice list; its seed and counterexample path (the trace's seed and
// options.fcPath) make fast-check replay that run. Run i is fast-check's run i
// under the given seed; a trace's run is the first failing one, and its schedule is what
// fast-check shrank that run to (then ptmc shrinks it further).

import fc from 'fast-check';
import { INTERRUPTED } from './dfs.js';
import { calibrationLength, runWith, type FuzzOptions, type FuzzResult, type RunResult } from './fuzz.js';
import type { Session } from './session.js';

export async function fastCheckCampaign(session: Session, o: FuzzOptions): Promise<FuzzResult> {
  const t0 = performance.now();
  const maxSteps = o.maxSteps ?? 10_000;
  // Choice lists as long as a run is (from a calibration run), so a list steers all of it.
  const length = Math.min(maxSteps, Math.max(8, calibrationLength(session, o.seed, maxSteps) * 2));
  let steps = 0;
  let abandoned = 0;
  const play = (choices: readonly number[]): RunResult =>
    runWith(session, (enabled, step) => (step < choices.length ? choices[step]! % enabled.length : 0), maxSteps);
  // Figures count the campaign's runs, not fast-check's shrinking runs after the first failure.
  let firstFailure: FuzzResult['firstFailure']; // set once: the campaign has failed
  let played = 0;
  let stopped = false;
  let best = 0; // the shortest failing run so far, fast-check's shrinking runs included
  let last = performance.now();
  const out = await fc.check(fc.asyncProperty(fc.array(fc.nat({ max: 0xffff }), { maxLength: length, size: 'max' }), async (choices) => {
    if (performance.now() - last > 50) {
      o.onProgress?.({ runs: played, steps, elapsedMs: performance.now() - t0, best });
      await new Promise((resolve) => setImmediate(resolve)); // let Ctrl-C be heard
      last = performance.now();
    }
    if (stopped || o.shouldStop?.()) {
      stopped = true;
      return true; // the remaining runs pass at once; the verdict says interrupted
    }
    const r = play(choices);
    if (!firstFailure || o.passAll) {
      played++;
      steps += r.path.length;
      if (r.abandoned) abandoned++;
    }
    if (r.violation !== undefined && (best === 0 || r.path.length < best)) best = r.path.length;
    if (r.violation !== undefined && !firstFailure) {
      firstFailure = { kind: r.violation.kind, elapsedMs: performance.now() - t0 };
    }
    return o.passAll === true || r.violation === undefined;
  }), {
    seed: o.seed | 0, numRuns: o.runs, ...(o.fcPath !== undefined ? { path: o.fcPath } : {}),
    ...(o.timeoutMs !== undefined ? { interruptAfterTimeLimit: o.timeoutMs, markInterruptAsFailure: false } : {}),
  });
  const runs = stopped ? played : out.numRuns;
  const res: FuzzResult = { verdict: 'clean', runs, steps, abandoned, elapsedMs: 0, kinds: new Map() };
  if (out.failed && out.counterexample) {
    const r = play(out.counterexample[0]);
    // Replaying a path, fast-check counts only the runs it replays: the run is the path's first number.
    const run = o.fcPath !== undefined ? Number(o.fcPath.split(':')[0]) : out.numRuns - 1;
    Object.assign(res, { verdict: 'violation', violation: r.violation, path: r.path, run, fcPath: out.counterexamplePath ?? '' });
    res.kinds.set(r.violation!.kind, { run, violation: r.violation!, path: r.path });
  } else if (stopped) {
    res.verdict = 'incomplete';
    res.cutoff = INTERRUPTED;
  } else if (out.interrupted || runs < o.runs) {
    res.verdict = 'incomplete';
    res.cutoff = 'time limit';
  }
  res.elapsedMs = performance.now() - t0;
  if (firstFailure) res.firstFailure = firstFailure;
  return res;
}
