// What each tier of the benchmark suite runs. `quick` is `npm run bench` (under 15 minutes
// on 2 cores), `full` is `npm run bench:full` (under an hour: the whole litmus catalogue,
// the wider scaling grid, 20-seed medians), `tiny` is the harness test's configuration.

import type { ScalingPoint } from './scaling.js';

export type TierName = 'tiny' | 'quick' | 'full';

export interface Tier {
  name: TierName;
  /** Flagship scenarios (scenarios/<name>.yaml) with the verdict or violation kind they give. */
  flagship: readonly (readonly [string, string])[];
  /** Timed repeats of each check (medians reported). */
  repeats: number;
  /** Seeds per fuzz strategy for the runs-to-first-violation medians, and each seed's run budget. */
  fuzzSeeds: number;
  fuzzBudget: number;
  /** Runs for each strategy's runs/s and steps/s. */
  fuzzRateRuns: number;
  scaling: readonly ScalingPoint[];
  /** Whether each scaling point is also checked without the reduction. */
  scalingUnreduced: boolean;
  /**
   * The speedup curve's scenario (1, 2, 4, ... workers up to the cores): a file, or a point
   * of the scaling family. It needs more states than the main thread explores before it
   * hands work to the workers (10,000), or no worker ever searches.
   */
  speedup: string | ScalingPoint;
  spinRepeats: number;
  /** The machine and kernel-C micro-benchmarks (bench/machine.ts, bench/kernel.ts). */
  micro: boolean;
  /** The whole herd7 VMSA catalogue through `ptmc litmus`. */
  litmus: boolean;
}

const FLAGSHIP = [
  ['split-lockless-plain', 'leak'], ['split-lockless-lost-ro', 'final'], ['split-bbm0-forced', 'bbm'],
  ['split-lockless-cmpxchg', 'model-error'], ['split-lazy-nodsb', 'torn-walk'], ['repaint-ends', 'final'],
  ['split-mutex-sc', 'verified'],
] as const;

/** One thing varied at a time from the base point (2 CPUs, 4 entries, 1 walk, sc). */
export const BASE: ScalingPoint = { cpus: 2, entries: 4, walks: 1, memoryModel: 'sc' };
const star = (cpus: number[], entries: number[], walks: number[]): ScalingPoint[] => [
  ...cpus.map((c) => ({ ...BASE, cpus: c })),
  ...entries.filter((e) => e !== BASE.entries).map((e) => ({ ...BASE, entries: e })),
  ...walks.filter((w) => w !== BASE.walks).map((w) => ({ ...BASE, walks: w })),
  { ...BASE, memoryModel: 'relaxed' as const },
];

export const TIERS: Record<TierName, Tier> = {
  tiny: {
    name: 'tiny', flagship: [['split-bbm0-forced', 'bbm'], ['rework-ttbr1-safe', 'verified']], repeats: 1,
    fuzzSeeds: 2, fuzzBudget: 200, fuzzRateRuns: 20,
    scaling: star([2], [4, 8], [1]), scalingUnreduced: true,
    speedup: { ...BASE, walks: 3 }, spinRepeats: 1, micro: false, litmus: false,
  },
  quick: {
    name: 'quick', flagship: FLAGSHIP, repeats: 3, fuzzSeeds: 20, fuzzBudget: 2000, fuzzRateRuns: 300,
    scaling: star([2, 3, 4], [4, 8, 16], [1, 2, 3]), scalingUnreduced: false,
    speedup: 'scenarios/split-mutex-sc.yaml', spinRepeats: 3, micro: true, litmus: false,
  },
  full: {
    name: 'full', flagship: FLAGSHIP, repeats: 5, fuzzSeeds: 20, fuzzBudget: 40_000, fuzzRateRuns: 1000,
    scaling: star([2, 3, 4], [4, 8, 16], [1, 2, 3, 4]), scalingUnreduced: true,
    speedup: 'scenarios/split-mutex-sc.yaml', spinRepeats: 5, micro: true, litmus: true,
  },
};
