// Partial-order reduction by eager steps: from some states a single actor's next step (all
// of its choices) is explored alone, an ample set of one actor.
//
// - A CPU step that only touches what no other transition reads or writes — a store
//   entering its own store buffer, a dmb(ishst) epoch, entering lazy MMU mode, a barrier
//   that lazy mode only marks pending — commutes with every other transition and shows no
//   event a property looks at (Peled's conditions C0-C2).
// - Under relaxed memory, a walk in flight runs to its end at once. Its reads could as well
//   have been made at the moment it ends: every write it read is still readable then (the
//   walk's floor keeps it, and nothing that raises the CPU's walk floor — isb, a TLBI
//   completing — lets a walk survive; a walk from a pending TTBR reads at the dsb view
//   recorded by that TTBR write, and another TTBR write cuts it), and it fills the walk
//   cache only when it ends. So a walk run whole at any moment covers every walk spread
//   over time. Not under sc or tso, where a read sees only the newest write: a walk through the old root into a table changed
//   since is a behaviour no whole walk has (test/explore/reduction.test.ts).
//
// - Under relaxed memory, a walk may also start later than it does (postponedWalks): until
//   its CPU next does something that reads or changes what the walk reads or fills (an isb,
//   a TLBI completing there, a TTBR write, a translated access), or some CPU allocates or
//   frees a frame or writes a table slot some walk may read (bbm and the x86 rules check
//   each such write against every walk cache, latest.ts liveStarts; a slot no walk can
//   read, such as one of a table not yet hooked in, changes no translation), every write
//   the walk read stays readable at the same floor, and nothing else looks at the CPU's
//   TLB or walk cache. So a CPU's walk starts are explored only where such a step is
//   enabled, where the programs are done (final states are recorded with TLBIs still
//   pending), or where nothing but walks can move. (A walk can also enable its CPU's
//   blocked translated access: with hardware AF, while a relaxed atomic is pending on the
//   leaf. The atomic's step observed every walker, so the walk can be moved back there.)
//
// C3 (the cycle proviso) is kept by the driver (dfs.ts): in one thread, a state whose
// reduced successor is on the DFS stack is expanded fully; in a worker of a parallel
// search (which does not postpone walks), one whose eager CPU step leads to a stored state
// from which the chain of eager steps leads back (docs/search.md).

import { A_COMMIT, A_PROG, A_TLBI, A_WALK, programsDone, WALKS_ALL, WALKS_OWN, type CpuDriver } from '../machine/transitions.js';
import { sbLoc } from '../machine/cpu.js';
import { P_WACTIVE } from '../machine/layout.js';
import type { Machine } from '../machine/machine.js';
import { walkerReach, walkMayRead } from '../machine/memory.js';

/** Which kind of CPU step is the next one: lets the reduction ask without knowing the language. */
export interface StepClassifier {
  /** True if cpu's next step only changes that CPU's private state (see above). */
  isLocal(m: Machine, s: Int32Array, cpu: number): boolean;
  /** How cpu's next step bears on walkers (WALKS_*); without it no walk is postponed. */
  walkEffect?(m: Machine, s: Int32Array, cpu: number): number;
}

/** The actor whose step is explored alone: every action with this kind, cpu and arg. */
export interface Actor {
  kind: number;
  cpu: number;
  arg: number;
}

export interface Reduction {
  readonly name: string;
  /** Fill `out` with the actor whose step may be explored alone from s; false if none. */
  eager(m: Machine, d: CpuDriver, s: Int32Array, out: Actor): boolean;
  /**
   * Drop from the enabled (kind, cpu, arg, choice) list the walk starts that may wait
   * (compacting it in place); returns the new count. Called where eager found no actor.
   */
  postpone?(m: Machine, d: CpuDriver, s: Int32Array, actions: Int32Array, count: number): number;
}

export const NO_REDUCTION: Reduction = { name: 'none', eager: () => false };

/**
 * Where the actor's actions sit in an enabled list of (kind, cpu, arg, choice) quadruples:
 * they are contiguous in enumeration order. Sets out.start and out.end (end === start: none).
 */
export function actorRange(data: Int32Array, count: number, actor: Actor, out: { start: number; end: number }): void {
  let i = 0;
  while (i < count && !(data[i * 4] === actor.kind && data[i * 4 + 1] === actor.cpu && data[i * 4 + 2] === actor.arg)) i++;
  let j = i;
  while (j < count && data[j * 4] === actor.kind && data[j * 4 + 1] === actor.cpu && data[j * 4 + 2] === actor.arg) j++;
  out.start = i;
  out.end = j;
}

export function eagerSteps(classify: StepClassifier): Reduction {
  const walkEffect = classify.walkEffect?.bind(classify);
  return {
    name: walkEffect ? 'eager local steps, whole walks, postponed walk starts' : 'eager local steps and whole walks',
    ...(walkEffect ? { postpone: (m: Machine, d: CpuDriver, s: Int32Array, a: Int32Array, n: number) => postponedWalks(m, d, s, a, n, walkEffect) } : {}),
    eager(m, d, s, out) {
      const L = m.layout;
      for (let c = 0; c < L.cpus; c++) {
        for (let p = 0; p < L.probes && !m.readsNewest; p++) {
          if (s[L.probe(c, p) + P_WACTIVE] === 0) continue;
          out.kind = A_WALK;
          out.cpu = c;
          out.arg = p;
          return true;
        }
        if (d.choices(m, s, c) === 1 && classify.isLocal(m, s, c)) {
          out.kind = A_PROG;
          out.cpu = c;
          out.arg = 0;
          return true;
        }
      }
      return false;
    },
  };
}

/**
 * Drop the walk starts of every CPU none of whose observers is enabled (see above): its
 * program's next step bears on no walker (WALKS_NONE) and no TLBI is completing on it, and
 * no CPU's next step allocates or frees (WALKS_ALL). Nothing is dropped under sc or tso
 * (a later walk reads only newer writes), nor where nothing but walks is enabled.
 */
export function postponedWalks(
  m: Machine, d: CpuDriver, s: Int32Array, a: Int32Array, n: number, walkEffect: (m: Machine, s: Int32Array, cpu: number) => number,
  tlbiObserves = true, // false only in the test that this rule's checks can fail
): number {
  if (m.readsNewest || programsDone(m, d, s)) return n;
  let reach: Uint8Array | null = null;
  let observed = 0; // bit c: a step that observes CPU c's walks is enabled
  let other = false;
  let asked = 0; // bit c: CPU c's program step classified
  for (let i = 0; i < n; i++) {
    const kind = a[i * 4]!;
    if (kind === A_WALK) continue;
    other = true;
    const c = a[i * 4 + 1]!;
    if (kind === A_TLBI) observed |= tlbiObserves ? 1 << c : 0;
    else if (kind === A_COMMIT) {
      if (walkMayRead(m, (reach ??= walkerReach(m, s)), sbLoc(m, s, c, a[i * 4 + 2]!))) return n;
    } else if (kind === A_PROG && !(asked & (1 << c))) {
      asked |= 1 << c;
      const e = walkEffect(m, s, c);
      if (e === WALKS_ALL) return n;
      if (e === WALKS_OWN) observed |= 1 << c;
    }
  }
  if (!other) return n;
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (a[i * 4] === A_WALK && !(observed & (1 << a[i * 4 + 1]!))) continue;
    if (k !== i) a.copyWithin(k * 4, i * 4, i * 4 + 4);
    k++;
  }
  return k;
}
