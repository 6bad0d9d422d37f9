// The profiles a machine may have, and each one's Encoding.

import { arm64Encoding } from './arm64/encoding.js';
import type { Encoding, Profile } from './encoding.js';
import { x86Encoding } from './x86_64/encoding.js';

export const PROFILES: readonly Profile[] = ['arm64', 'x86_64'];

export function encodingFor(profile: Profile): Encoding {
  return profile === 'x86_64' ? x86Encoding : arm64Encoding;
}
