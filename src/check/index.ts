// check: properties, each a small module returning violations as data.

import type { MachineConfig } from '../machine/config.js';
import { bbmProperty } from './bbm.js';
import { leakProperty } from './leak.js';
import { sizeAndAttrChangeProperty } from './sizeAndAttrChange.js';
import { xenProperty } from './xenPv.js';
import type { Property, ViolationKind } from './property.js';
import { tlbConflictProperty } from './tlbConflict.js';
import { translationProperty, type TranslationParams } from './translation.js';
import { tornWalkProperty, walkAfterFreeProperty } from './walks.js';

export * from './property.js';
export { reachableFrames } from './leak.js';
export type { Expectation, TranslationParams } from './translation.js';

/** The machine-level properties, by name. */
export const MACHINE_PROPERTIES = [
  'tlb-conflict', 'bbm', 'torn-walk', 'walk-after-free', 'translation', 'leak', 'size-and-attr-change', 'xen-pt-writable', 'xen-large-page',
] as const;

/** Properties that only mean something on one profile. */
export const PROFILE_PROPERTIES: Readonly<Record<string, 'arm64' | 'x86_64'>> = {
  'tlb-conflict': 'arm64', 'tlb-conflict-abort': 'arm64', bbm: 'arm64',
  'size-and-attr-change': 'x86_64', 'xen-pt-writable': 'x86_64', 'xen-large-page': 'x86_64',
};

export interface PropertyParams {
  translation?: TranslationParams;
}

/**
 * Build the named properties for a machine configuration. 'tlb-conflict' also reports
 * 'tlb-conflict-abort' at BBM level 2.
 */
export function makeProperties(cfg: MachineConfig, names: readonly ViolationKind[], params: PropertyParams = {}): Property[] {
  const out: Property[] = [];
  for (const n of names) {
    switch (n) {
      case 'tlb-conflict': case 'tlb-conflict-abort':
        if (!out.some((p) => p.name === 'tlb-conflict')) out.push(tlbConflictProperty());
        break;
      case 'bbm': out.push(bbmProperty(cfg)); break;
      case 'torn-walk': out.push(tornWalkProperty()); break;
      case 'walk-after-free': out.push(walkAfterFreeProperty()); break;
      case 'translation': out.push(translationProperty(params.translation ?? { mapped: [], never: [] })); break;
      case 'leak': out.push(leakProperty()); break;
      case 'size-and-attr-change': out.push(sizeAndAttrChangeProperty()); break;
      case 'xen-pt-writable': case 'xen-large-page': out.push(xenProperty(n)); break;
      default: break; // language-level properties (assert, model-error, deadlock, final) live elsewhere
    }
  }
  return out;
}
