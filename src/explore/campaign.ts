// A fuzz campaign by strategy name: random and PCT run our loop (run i seeded from
// (seed, i)), on several workers when given more than one and a source to build them
// from; fast-check runs its own loop, with its shrinking, on one thread.

import { fastCheckCampaign } from './fastCheckFuzz.js';
import { fuzz, type FuzzOptions, type FuzzResult } from './fuzz.js';
import { makeStrategy } from './fuzzShare.js';
import { fuzzParallel } from './parallelFuzz.js';
import type { SearchSource } from './searchSource.js';
import type { Session } from './session.js';

export type StrategyName = 'random' | 'pct' | 'fast-check';
export const STRATEGIES: readonly StrategyName[] = ['random', 'pct', 'fast-check'];

export interface CampaignOptions extends FuzzOptions {
  depth?: number;
  /** false: random chooses among all enabled actions (default: after the eager steps). */
  reduction?: boolean;
  workers?: number;
  /** What workers build their session from (needed when workers > 1). */
  source?: SearchSource;
}

export async function campaign(session: Session, strategy: StrategyName, o: CampaignOptions): Promise<FuzzResult> {
  if (strategy === 'fast-check') return await fastCheckCampaign(session, o);
  const depth = o.depth ?? 3;
  if ((o.workers ?? 1) > 1 && o.source) return await fuzzParallel(session, o.source, { ...o, strategy, depth, workers: o.workers! });
  return fuzz(session, { ...o, strategy: makeStrategy(strategy, depth, o.reduction ?? true) });
}
