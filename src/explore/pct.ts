// PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
// ASPLOS 2010): actors get random priorities, the highest-priority enabled actor always
// moves, and at d-1 random steps the actor that moves drops below every other. A bug of
// depth d shows with probability at least 1/(n k^(d-1)) per run. Actors here are each
// CPU's program, each CPU's store buffer, each CPU's TLBI queue and each walker; among one
// actor's actions (which write a load reads, which store commits) the choice is random.
// k, the run length, is estimated once per campaign: the longest of PCT_CALIBRATION_RUNS
// random runs made before run 0 (the paper takes k from earlier runs).

import type { ActionList } from '../machine/transitions.js';
import { actorOf } from './choicePath.js';
import { calibrationLength, type Strategy } from './fuzz.js';

/** Runs before run 0 whose longest length is PCT's k. */
export const PCT_CALIBRATION_RUNS = 8;

export function pct(depth: number): Strategy {
  let steps = 100;
  return {
    name: 'pct',
    prepare(session, seed, maxSteps) {
      steps = Math.max(1, calibrationLength(session, seed, maxSteps, PCT_CALIBRATION_RUNS));
    },
    chooser(_session, rng) {
      const prio = new Map<number, number>();
      const changeAt = Array.from({ length: depth - 1 }, () => rng.below(steps));
      const ofActor: number[] = [];
      return (enabled: ActionList, step: number): number => {
        let best = -1;
        let bestPrio = -1;
        for (let i = 0; i < enabled.length; i++) {
          const a = actorOf(enabled.kind(i), enabled.cpu(i), enabled.arg(i));
          let p = prio.get(a);
          if (p === undefined) {
            p = depth + rng.below(1 << 24); // above every change point's priority
            prio.set(a, p);
          }
          if (p > bestPrio || (p === bestPrio && a < best)) {
            bestPrio = p;
            best = a;
          }
        }
        ofActor.length = 0;
        for (let i = 0; i < enabled.length; i++) if (actorOf(enabled.kind(i), enabled.cpu(i), enabled.arg(i)) === best) ofActor.push(i);
        const j = changeAt.indexOf(step);
        if (j >= 0) prio.set(best, depth - 1 - j); // change point j: below all, and below earlier ones
        return ofActor[rng.below(ofActor.length)]!;
      };
    },
  };
}
