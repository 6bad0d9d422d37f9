// Partial-order reduction by eager local steps (an ample set of one transition). A CPU
// step that only touches what no other transition reads or writes — a store entering its
// own store buffer, a dmb(ishst) epoch, entering lazy MMU mode, a barrier that lazy mode
// only marks pending — commutes with every other transition and shows no event a
// property looks at, so exploring it alone from a state loses no final state and no
// violation (Peled's conditions C0-C2). C3 (the cycle proviso) is kept by the driver:
// a state whose eager successor is on the DFS stack is expanded fully.

import type { Machine } from '../machine/machine.js';
import type { CpuDriver } from '../machine/transitions.js';

/** Which kind of CPU step is the next one: lets the reduction ask without knowing the language. */
export interface StepClassifier {
  /** True if cpu's next step only changes that CPU's private state (see above). */
  isLocal(m: Machine, s: Int32Array, cpu: number): boolean;
}

export interface Reduction {
  readonly name: string;
  /** The CPU whose single step may be explored alone from s, or -1. */
  eagerCpu(m: Machine, d: CpuDriver, s: Int32Array): number;
}

export const NO_REDUCTION: Reduction = { name: 'none', eagerCpu: () => -1 };

export function eagerLocalSteps(classify: StepClassifier): Reduction {
  return {
    name: 'eager-local',
    eagerCpu(m, d, s) {
      for (let c = 0; c < m.layout.cpus; c++) {
        if (d.choices(m, s, c) === 1 && classify.isLocal(m, s, c)) return c;
      }
      return -1;
    },
  };
}
