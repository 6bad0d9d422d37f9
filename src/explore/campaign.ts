// A fuzz campaign by strategy name: random and PCT run our loop (run i seeded from
// (seed, i)); fast-check runs its own, with its shrinking.

import { fastCheckCampaign } from './fastCheckFuzz.js';
import { fuzz, RANDOM, type FuzzOptions, type FuzzResult } from './fuzz.js';
import { pct } from './pct.js';
import type { Session } from './session.js';

export type StrategyName = 'random' | 'pct' | 'fast-check';
export const STRATEGIES: readonly StrategyName[] = ['random', 'pct', 'fast-check'];

export async function campaign(session: Session, strategy: StrategyName, o: FuzzOptions & { depth?: number }): Promise<FuzzResult> {
  if (strategy === 'fast-check') return await fastCheckCampaign(session, o);
  return fuzz(session, { ...o, strategy: strategy === 'pct' ? pct(o.depth ?? 3) : RANDOM });
}
