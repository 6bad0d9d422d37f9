// `ptmc shrink <trace.json>`: shrink a trace from check or fuzz to a 1-minimal schedule
// that still shows its violation; writes the shrunk trace (by default next to the input).

import { shrink } from '../explore/shrink.js';
import { EXIT } from './exitCodes.js';
import { writeWhole } from './output.js';
import { traceScenarioPath } from '../trace/trace.js';
import { readTrace } from './replayCommand.js';
import { InputError, load, makeTrace, replaySteps } from './run.js';

export function runShrink(path: string, out?: string): number {
  const t = readTrace(path, 'shrink');
  const l = load(traceScenarioPath(t), t.options as never);
  const found = replaySteps(l, t.steps);
  const v = found.find((x) => x.kind === t.violation.kind);
  if (!v) throw new InputError(`${path}: the trace does not show its ${t.violation.kind} violation any more; nothing to shrink`);
  const steps = shrink(l.session, t.steps, v.kind);
  // Keep everything the trace said of where it came from (strategy, depth, run, ...).
  const { foundSteps, ...from } = t.options as Record<string, unknown>;
  const trace = makeTrace(l, v, steps, t.options as never, t.seed, { ...from, foundSteps: foundSteps ?? t.steps.length, shrunk: true });
  const dest = out ?? path.replace(/(\.trace)?\.json$/, '.shrunk.trace.json');
  writeWhole(dest, JSON.stringify(trace, null, 1) + '\n');
  process.stdout.write(`${t.steps.length} steps shrunk to ${steps.length} (1-minimal); written to ${dest}\n${trace.rendered.join('\n')}\n\nviolation: ${v.kind}\n  ${v.message}\n`);
  return EXIT.violation;
}
