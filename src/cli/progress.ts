// The progress line on stderr (states, states/s, depth, elapsed), drawn by cli-progress;
// nothing at all when stderr is not a terminal.

import { SingleBar } from 'cli-progress';

export interface ProgressLine {
  update(p: { states: number; depth: number; elapsedMs: number }): void;
  stop(): void;
}

/** A bar whose first frame shows `initial` (an empty payload would print the raw template). */
function bar(format: string, initial: Record<string, string | number>): SingleBar {
  const b = new SingleBar({ stream: process.stderr, format, hideCursor: true, clearOnComplete: true, fps: 5 });
  b.start(1, 0, initial);
  return b;
}

/** The fuzzer's line: runs, runs/s, steps/s, the shortest failing schedule so far, elapsed. */
export function fuzzProgressLine(enabled: boolean): { update(p: { runs: number; steps: number; elapsedMs: number; best: number }): void; stop(): void } | undefined {
  if (!enabled || !process.stderr.isTTY) return undefined;
  const b = bar('  {runs} runs | {rate} runs/s | {steps} steps/s | best {best} | {secs} s', { runs: 0, rate: 0, steps: 0, best: '-', secs: '0.0' });
  return {
    update: (p) => b.update(0, {
      runs: p.runs.toLocaleString('en-US'),
      rate: Math.round(p.runs / Math.max(1, p.elapsedMs) * 1000).toLocaleString('en-US'),
      steps: Math.round(p.steps / Math.max(1, p.elapsedMs) * 1000).toLocaleString('en-US'),
      best: p.best ? `${p.best} steps` : '-',
      secs: (p.elapsedMs / 1000).toFixed(1),
    }),
    stop: () => b.stop(),
  };
}

export function progressLine(enabled: boolean): ProgressLine | undefined {
  if (!enabled || !process.stderr.isTTY) return undefined;
  const b = bar('  {states} states | {rate} states/s | depth {depth} | {secs} s', { states: 0, rate: 0, depth: 0, secs: '0.0' });
  return {
    update: (p) => b.update(0, {
      states: p.states.toLocaleString('en-US'),
      rate: Math.round(p.states / Math.max(1, p.elapsedMs) * 1000).toLocaleString('en-US'),
      depth: p.depth,
      secs: (p.elapsedMs / 1000).toFixed(1),
    }),
    stop: () => b.stop(),
  };
}
