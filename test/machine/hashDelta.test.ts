// A successor's fingerprint computed from its parent's (hashDelta, the search's hot path)
// equals the one computed from scratch (hashState), whatever words changed: at the ends,
// in a partial last block of four, to or from zero.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashDelta, hashState } from '../../src/machine/hash.js';

describe('hashDelta', () => {
  it('equals hashState of the child (500 random states and changes)', () => {
    const word = fc.oneof(fc.constant(0), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
    fc.assert(fc.property(
      fc.array(word, { minLength: 1, maxLength: 41 }),
      fc.array(fc.tuple(fc.nat(), word), { maxLength: 6 }),
      (words, changes) => {
        const parent = Int32Array.from(words);
        const child = parent.slice();
        for (const [i, v] of changes) child[i % child.length] = v;
        const [pa, pb] = hashState(parent);
        const out = new Int32Array(2);
        hashDelta(parent, child, pa, pb, out);
        expect([out[0], out[1]]).toEqual(hashState(child));
      },
    ), { numRuns: 500, seed: 0xd17a });
  });
});
