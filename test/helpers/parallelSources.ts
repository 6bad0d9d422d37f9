// Search sources for the parallel tests: workers import this file (compiled to dist/ by
// tsc, see tsconfig.json) to build the same random-program search as the test's thread.

import { eagerSteps, NO_REDUCTION } from '../../src/explore/reduction.js';
import { compiledUrl, type SearchSetup, type SearchSource } from '../../src/explore/searchSource.js';
import type { Machine } from '../../src/machine/machine.js';
import type { Program } from '../../src/machine/program.js';
import { observer, randomSession, withCaches } from './randomPrograms.js';

export interface RandomArg {
  program: Program;
  reduction: boolean;
  memoryModel?: 'relaxed' | 'sc';
  /** Throw from the n-th step (a crash to contain: given to the workers' source only). */
  crashAfter?: number;
  /** Wrong on purpose: loads taken as local steps (the test of the test). */
  wrongLoads?: boolean;
}

export function randomSetup(arg: RandomArg): SearchSetup {
  const { session, driver } = randomSession(arg.program, true, arg.memoryModel ? { memoryModel: arg.memoryModel } : {});
  if (arg.crashAfter !== undefined) {
    const step = session.step.bind(session);
    let n = 0;
    session.step = (...a) => {
      if (++n >= arg.crashAfter!) throw new Error('injected crash');
      step(...a);
    };
  }
  const classify = arg.wrongLoads ? { isLocal: (m: Machine, s: Int32Array, c: number) => driver.isLocal(m, s, c) || /"op":"load"/.test(driver.describe(m, s, c)) } : driver;
  return { session, reduction: arg.reduction ? eagerSteps(classify) : NO_REDUCTION, observe: withCaches(session, observer(session, driver)) };
}

export function randomSource(arg: RandomArg): SearchSource {
  return { module: compiledUrl(import.meta.url), name: 'randomSetup', arg };
}
