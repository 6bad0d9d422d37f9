// What a property is: a named module that looks at a transition's events (and may keep
// words of its own in the state) or at a final state, and reports violations as data.

import type { EventBuffer } from '../machine/events.js';
import type { ExtraRegion } from '../machine/layout.js';
import type { Machine } from '../machine/machine.js';

export type ViolationKind =
  | 'tlb-conflict' | 'tlb-conflict-abort' | 'bbm' | 'torn-walk' | 'walk-after-free' | 'translation'
  | 'leak' | 'assert' | 'model-error' | 'deadlock' | 'final'
  | 'size-and-attr-change' | 'xen-pt-writable' | 'xen-large-page';

export interface Violation {
  readonly kind: ViolationKind;
  /** One paragraph naming the CPUs, VAs, descriptors and TLB entries involved. */
  readonly message: string;
}

export interface Property {
  readonly name: ViolationKind;
  /** State words the property keeps (part of the state: they are hashed and cloned). */
  readonly regions?: readonly ExtraRegion[];
  onEvents?(m: Machine, s: Int32Array, events: EventBuffer, out: Violation[]): void;
  onFinal?(m: Machine, s: Int32Array, out: Violation[]): void;
}
