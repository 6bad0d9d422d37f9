// The scaling family: CPU0 makes a whole last-level table's pages read-only under the
// mutex (set_memory_ro(0, PTRS_PER_PTE): a PTE update and a TLBI per page) while the other
// CPUs read one of the pages through their walkers. One parameter varies at a time, so each
// curve shows what that parameter costs: CPUs (interleavings), entries per table (steps of
// CPU0), walks per walker (walker interleavings), memory model (buffered stores).

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeWhole } from '../../src/cli/output.js';
import { checkMedian, ptmcCheck, root, type CheckFigures } from './measure.js';

export interface ScalingPoint {
  cpus: number;
  entries: number;
  walks: number;
  memoryModel: 'sc' | 'relaxed';
}

export interface ScalingRow extends ScalingPoint {
  scenario: string;
  reduced: CheckFigures & { runs: number };
  unreduced: (CheckFigures & { runs: number }) | null;
}

export interface SpeedupRow { workers: number; workersSearched: number; states: number; seconds: number; statesPerSecond: number; speedup: number; sameFinalStates: boolean }

export const pointName = (p: ScalingPoint): string => `family-c${p.cpus}-e${p.entries}-w${p.walks}-${p.memoryModel}`;

/** The family's scenario at one point, as YAML. */
export function familyScenario(p: ScalingPoint): string {
  const pages = p.entries;
  const readers = Array.from({ length: p.cpus - 1 }, () => '  - read: [0x1000]');
  return [
    `description: "scaling family: set_memory_ro over a whole table, ${p.cpus - 1} reader(s); ${p.cpus} CPUs, ${p.entries} entries, ${p.walks} walk(s), ${p.memoryModel}"`,
    `model: { files: [${JSON.stringify(join(root, 'models/pageattr.c'))}] }`,
    'machine:',
    `  geometry: { levels: 3, entries: ${p.entries}, contPtes: 2, contPmds: 2 }`,
    '  bbm: 2-noabort',
    `  memoryModel: ${p.memoryModel}`,
    'init:',
    '  map:',
    `    - { va: 0x0, pa: 0x0, size: 0x${(pages * 4096).toString(16)}, level: 3, prot: PAGE_KERNEL }`,
    'cpus:',
    `  - set_memory_ro(0x0, ${pages});`,
    ...readers,
    `walkers: { walks: ${p.walks} }`,
    'check:',
    '  mapped:',
    '    - { va: 0x1000, pa: 0x1000 }',
    'expect: verified',
    '',
  ].join('\n');
}

/** The family's scenario at one point, written under workDir; its path. */
export function writeFamilyScenario(p: ScalingPoint, workDir: string): string {
  mkdirSync(workDir, { recursive: true });
  const file = join(workDir, `${pointName(p)}.yaml`);
  writeWhole(file, familyScenario(p));
  return file;
}

/** Check each point (one worker: the curves are per core). */
export function runScaling(points: readonly ScalingPoint[], o: { workDir: string; repeats: number; unreduced: boolean; log: (s: string) => void }): ScalingRow[] {
  return points.map((p) => {
    const file = writeFamilyScenario(p, o.workDir);
    const reduced = checkMedian([file, '--workers', '1'], o.repeats);
    const unreduced = o.unreduced ? checkMedian([file, '--workers', '1', '--no-reduction'], o.repeats) : null;
    o.log(`  scaling ${pointName(p)}: ${reduced.verdict}, ${reduced.states.toLocaleString('en-US')} states, ${reduced.seconds} s` +
      (unreduced ? `; unreduced ${unreduced.states.toLocaleString('en-US')} states, ${unreduced.seconds} s` : ''));
    return { ...p, scenario: file, reduced, unreduced };
  });
}

/** Worker counts for the speedup curve: 1, 2, 4, ... and the core count. */
export function workerCounts(cores: number): number[] {
  const out = [1];
  for (let w = 2; w < cores; w *= 2) out.push(w);
  if (cores > 1) out.push(cores);
  return out;
}

/** One run per worker count of a scenario file (the verdict and final states must not change). */
export function runSpeedup(scenario: string, workers: readonly number[], log: (s: string) => void): SpeedupRow[] {
  let base: CheckFigures | null = null;
  return workers.map((w) => {
    const r = ptmcCheck([resolve(root, scenario), '--workers', String(w)]);
    base ??= r;
    const row = {
      workers: w, workersSearched: w === 1 ? 1 : r.workersSearched, states: r.states, seconds: r.seconds, statesPerSecond: r.statesPerSecond,
      speedup: +(base.seconds / Math.max(r.seconds, 1e-3)).toFixed(2),
      sameFinalStates: r.verdict === base.verdict && r.finalStatesDigest !== null && r.finalStatesDigest === base.finalStatesDigest,
    };
    log(`  speedup ${scenario} --workers ${w} (${row.workersSearched} searched): ${r.states.toLocaleString('en-US')} states, ${r.seconds} s, ${row.speedup}x, same final states: ${row.sameFinalStates}`);
    return row;
  });
}
