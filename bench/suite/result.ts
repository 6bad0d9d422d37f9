// The shape of results/bench.json.

import type { FlagshipRow } from './flagship.js';
import type { Dimension } from './plots.js';
import type { ScalingPoint, ScalingRow, SpeedupRow } from './scaling.js';
import type { SpinSection } from './spin.js';
import type { TierName } from './tiers.js';

export interface Target {
  target: string;
  value: string;
  /** null: not measured in this tier. */
  met: boolean | null;
}

export interface BenchResult {
  benchmark: 'ptmc';
  tier: TierName;
  command: string;
  date: string;
  commit: string | null;
  seconds: number;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; os: string };
  repeats: number;
  fuzzSeeds: number;
  fuzzBudget: number;
  targets: Target[];
  flagship: FlagshipRow[];
  spin: SpinSection;
  scaling: ScalingRow[];
  speedup: { scenario: string; rows: SpeedupRow[] };
  /** The scaling family's base point (each curve varies one parameter from it). */
  scalingBase: ScalingPoint;
  /** The plots written (file names relative to bench.md): curves of two or more points, and the speedup. */
  plots: { key: Dimension | 'speedup'; file: string; title: string; points: number }[];
  micro: { transitionsPerSecond: number; hashClonesPerSecond: number; seedStepsPerSecond: number } | null;
  litmus: { tests: number; expressible: number; agree: number; missed: number; spurious: number; seconds: number } | null;
}
