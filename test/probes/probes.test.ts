// The eleven probes (herd7 VMSA verdicts in kinds.txt) run on the machine through the
// TypeScript API with the brute-force enumerator.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROBES, runProbe } from '../helpers/probeMachine.js';

const kinds = new Map(
  readFileSync(new URL('./kinds.txt', import.meta.url), 'utf8')
    .split('\n').filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.trim().split(/\s+/) as [string, string]),
);

describe('herd7 probes under relaxed', () => {
  it('covers every probe in kinds.txt', () => {
    expect([...kinds.keys()].sort()).toEqual(Object.keys(PROBES).sort());
  });
  for (const [name, verdict] of kinds) {
    it(`${name}: ${verdict}`, () => {
      expect(runProbe(name, 'relaxed').observed).toBe(verdict === 'Allowed');
    });
  }
});

// Under sc, stores commit at once and loads read the newest write: the outcomes that need
// a load or store to be reordered disappear. Outcomes that come from early translation
// (a walk done before the store, used later) stay: they are not memory reordering.
const SC_ALLOWED = new Set(['SameT-po', 'SameT-dsb', 'MPpte-dmb-nodep']);

describe('probes under sc', () => {
  for (const name of Object.keys(PROBES)) {
    it(`${name}: ${SC_ALLOWED.has(name) ? 'Allowed' : 'Forbidden'}`, () => {
      expect(runProbe(name, 'sc').observed).toBe(SC_ALLOWED.has(name));
    });
  }
});

// Under tso (x86), stores commit in order and loads read the newest write: of the
// reorderings only store buffering (SB) remains, besides what early translation allows.
const TSO_ALLOWED = new Set([...SC_ALLOWED, 'SB-po']);

describe('probes under tso', () => {
  for (const name of Object.keys(PROBES)) {
    it(`${name}: ${TSO_ALLOWED.has(name) ? 'Allowed' : 'Forbidden'}`, () => {
      expect(runProbe(name, 'tso').observed).toBe(TSO_ALLOWED.has(name));
    });
  }
});
