// A scenario as a search source: what a worker loads to run the same search as the main
// thread (the scenario file, the overrides, whether the reduction is on).

import { hashState } from '../machine/hash.js';
import { eagerSteps, NO_REDUCTION } from '../explore/reduction.js';
import { compiledUrl, type SearchSetup, type SearchSource } from '../explore/searchSource.js';
import type { Overrides } from '../scenario/build.js';
import { load } from './run.js';

export interface ScenarioArg {
  path: string;
  overrides: Overrides;
  reduction: boolean;
  /** Observe final states by fingerprint (tests compare the sets). */
  observe?: boolean;
}

/** How a final state is observed: by its fingerprint. */
export const fingerprintKey = (s: Int32Array): string => hashState(s).join(':');

export function scenarioSetup(arg: ScenarioArg): SearchSetup {
  const l = load(arg.path, arg.overrides);
  return {
    session: l.session,
    reduction: arg.reduction ? eagerSteps(l.built.driver) : NO_REDUCTION,
    ...(arg.observe ? { observe: fingerprintKey } : {}),
  };
}

export function scenarioSource(arg: ScenarioArg): SearchSource {
  return { module: compiledUrl(import.meta.url), name: 'scenarioSetup', arg };
}
