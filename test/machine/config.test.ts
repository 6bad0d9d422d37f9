// Machine configuration: bad values are rejected with a one-line ConfigError naming the
// field, and the kernel constants derive from the geometry as Linux derives them.

import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/arch/configError.js';
import { makeGeometry } from '../../src/arch/arm64/geometry.js';
import { resolveMachineConfig, type MachineOptions } from '../../src/machine/config.js';

/** The ConfigError resolveMachineConfig throws for o (fails the test if it does not throw one). */
function rejection(o: MachineOptions): ConfigError {
  try {
    resolveMachineConfig(o);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const err = e as ConfigError;
    expect(err.name).toBe('ConfigError');
    expect(err.message).not.toMatch(/[\r\n]/);
    expect(err.message.length).toBeGreaterThan(0);
    return err;
  }
  return expect.fail(`accepted ${JSON.stringify(o, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
}

const KiB = 1024n;
const MiB = 1024n * KiB;
const GiB = 1024n * MiB;

describe('bad configuration is rejected with a one-line message naming the field', () => {
  it.each([3, 6, 12, 100, 1000, 0, -4, 2.5])('entries per table %s (not a power of two from 2 to 512)', (entries) => {
    const e = rejection({ geometry: { entries } });
    expect(e.message).toMatch(/^machine\.geometry\.entries: /);
    expect(e.message).toContain(String(entries));
  });

  it('entries 1024 (a power of two, but above 512)', () => {
    expect(rejection({ geometry: { entries: 1024 } }).message).toMatch(/^machine\.geometry\.entries: /);
  });

  it.each([5, 1, 0, 3.5])('levels %s (2 to 4 are supported)', (levels) => {
    const e = rejection({ geometry: { levels } });
    expect(e.message).toMatch(/^machine\.geometry\.levels: /);
    expect(e.message).toContain(`(got ${levels})`);
  });

  it('a contiguous group that is not a power of two, or larger than a table', () => {
    expect(rejection({ geometry: { contPtes: 3 } }).message).toMatch(/^machine\.geometry\.contPtes: /);
    expect(rejection({ geometry: { entries: 4, contPmds: 8 } }).message).toMatch(/^machine\.geometry\.contPmds: /);
  });

  it('a probe VA outside the VA space', () => {
    // default geometry: 3 levels of 4 entries, 12 + 3*2 = 18 VA bits
    const e = rejection({ probes: [{ va: 0x40000 }] });
    expect(e.message).toMatch(/^machine\.probes\.0\.va: /);
    expect(e.message).toContain('0x40000');
    expect(e.message).toContain('18-bit');
    // the last byte of the VA space is fine, and the field index is the probe's
    expect(() => resolveMachineConfig({ probes: [{ va: 0x3ffff }] })).not.toThrow();
    expect(rejection({ probes: [{ va: 0 }, { va: 0x3ffff }, { va: 2 ** 18 }] }).message).toMatch(/^machine\.probes\.2\.va: /);
    expect(rejection({ probes: [{ va: -1 }] }).message).toMatch(/^machine\.probes\.0\.va: /);
    // at 4 levels x 512 entries the VA space is 48 bits (framePfnBase given: see the known bug below)
    const real = { levels: 4, entries: 512 };
    expect(() => resolveMachineConfig({ geometry: real, framePfnBase: 0x1000, probes: [{ va: 2 ** 48 - 4096 }] })).not.toThrow();
    expect(rejection({ geometry: real, framePfnBase: 0x1000, probes: [{ va: 2 ** 48 }] }).message).toMatch(/^machine\.probes\.0\.va: /);
  });

  // The default framePfnBase (the first page past the VA space) must stay within 36 PFN bits.
  it('the real geometry (4 levels x 512) with the default framePfnBase is accepted', () => {
    expect(() => resolveMachineConfig({ geometry: { levels: 4, entries: 512 } })).not.toThrow();
  });

  it('a frameInit naming a frame beyond the pool', () => {
    const e = rejection({ frames: 4, frameInit: { 0: { init: 'zero' }, 4: { init: 'zero' } } });
    expect(e.message).toMatch(/^machine\.frameInit\.4: /);
    expect(e.message).toContain('machine.frames');
  });

  it('a root (TTBR) naming a frame beyond the pool', () => {
    for (const field of ['ttbr0', 'ttbr1'] as const) {
      const e = rejection({ frames: 2, frameInit: { 0: { init: 'zero' } }, [field]: 2 });
      expect(e.message).toMatch(new RegExp(`^machine\\.${field}: `));
      expect(e.message).toMatch(/frame|machine\.frames|from -1 to 1/);
    }
  });

  it('a root that starts free', () => {
    const e = rejection({ frames: 2, frameInit: { 0: { init: 'zero' } }, ttbr1: 1 });
    expect(e.message).toMatch(/^machine\.ttbr1: /);
    expect(e.message).toContain('frame 1');
  });

  it('more initial descriptors than a table has entries', () => {
    const e = rejection({ frameInit: { 0: { init: 'zero', content: [0n, 0n, 0n, 0n, 0n] } } });
    expect(e.message).toMatch(/^machine\.frameInit\.0\.content: /);
  });

  it('an unknown BBM level', () => {
    for (const bbm of ['1', '3', 'noabort', '']) {
      const e = rejection({ bbm: bbm as MachineOptions['bbm'] });
      expect(e.message).toMatch(/^machine\.bbm: /);
      expect(e.message).toContain(`'${bbm}'`);
    }
  });

  it('an x86_64 machine that is relaxed, not 4-level, or has contiguous groups', () => {
    expect(rejection({ profile: 'x86_64', memoryModel: 'relaxed' }).message).toBe('machine.memoryModel: x86_64 is tso (or sc), not relaxed');
    expect(rejection({ profile: 'x86_64', geometry: { levels: 3 } }).message).toBe('machine.geometry.levels: x86_64 is modelled with 4-level paging (got 3)');
    expect(rejection({ profile: 'x86_64', geometry: { contPtes: 2 } }).message).toBe('machine.geometry.contPtes: x86_64 has no contiguous groups (must be 1)');
    expect(rejection({ profile: 'sparc' as MachineOptions['profile'] }).message).toBe("machine.profile: unknown profile 'sparc' (supported: arm64, x86_64)");
  });

  it('an unknown memory model', () => {
    for (const memoryModel of ['pso', 'RELAXED', 'promising']) {
      const e = rejection({ memoryModel: memoryModel as MachineOptions['memoryModel'] });
      expect(e.message).toMatch(/^machine\.memoryModel: /);
      expect(e.message).toContain(`'${memoryModel}'`);
    }
  });

  it('the field path starts at the caller\'s name for the block', () => {
    expect(() => resolveMachineConfig({ geometry: { levels: 5 } }, 'scenario.machine')).toThrow(/^scenario\.machine\.geometry\.levels: /);
  });

  it('good values pass, and the defaults are the documented ones', () => {
    const c = resolveMachineConfig({});
    expect(c.geometry.levels).toBe(3);
    expect(c.geometry.entries).toBe(4);
    expect(c.geometry.contEntries).toEqual([1, 1, 2, 2]);
    expect(c.bbm).toBe('2-noabort');
    expect(c.memoryModel).toBe('relaxed');
    for (const bbm of ['0', '2', '2-noabort'] as const) expect(resolveMachineConfig({ bbm }).bbm).toBe(bbm);
    for (const memoryModel of ['relaxed', 'sc', 'tso'] as const) expect(resolveMachineConfig({ memoryModel }).memoryModel).toBe(memoryModel);
    for (const levels of [2, 3, 4]) for (const entries of [2, 4, 8, 256, 512]) {
      const vaBits = 12 + levels * Math.log2(entries); // at most 12 + 4 * 9 = 48
      // framePfnBase explicit at 48 bits: see the known bug above
      const o = vaBits === 48 ? { geometry: { levels, entries }, framePfnBase: 1 } : { geometry: { levels, entries } };
      expect(() => resolveMachineConfig(o)).not.toThrow();
    }
  });
});

describe('derived kernel constants', () => {
  it('default geometry: 3 levels, 4 entries, contiguous groups of 2', () => {
    const k = makeGeometry().constants;
    expect(k.PAGE_SHIFT).toBe(12n);
    expect(k.PAGE_SIZE).toBe(4096n);
    expect(k.PTRS_PER_PTE).toBe(4n);
    expect(k.PTRS_PER_PMD).toBe(4n);
    expect(k.PTRS_PER_PUD).toBe(1n); // folded
    expect(k.PTRS_PER_PGD).toBe(4n);
    expect(k.PMD_SIZE).toBe(16n * KiB);
    expect(k.PUD_SIZE).toBe(64n * KiB);
    expect(k.CONT_PTES).toBe(2n);
    expect(k.CONT_PTE_SIZE).toBe(8n * KiB);
    expect(k.CONT_PMDS).toBe(2n);
    expect(k.CONT_PMD_SIZE).toBe(32n * KiB);
    // PUD folded into the PGD with 3 levels: one root entry spans a PUD
    expect(k.PGDIR_SIZE).toBe(64n * KiB);
    expect(k.PGDIR_SIZE).toBe(k.PUD_SIZE);
    expect(k.VA_BITS).toBe(18n);
    // shifts agree with sizes, masks are the 64-bit complements
    for (const n of ['PMD', 'PUD', 'P4D', 'PGDIR', 'CONT_PTE', 'CONT_PMD']) {
      expect(1n << k[`${n}_SHIFT`]!, n).toBe(k[`${n}_SIZE`]);
      expect(k[`${n}_MASK`], n).toBe(BigInt.asUintN(64, ~(k[`${n}_SIZE`]! - 1n)));
    }
    expect(k.PAGE_MASK).toBe(0xfffffffffffff000n);
    expect(k.PMD_MASK).toBe(0xffffffffffffc000n);
  });

  it('machine config carries the same constants as its geometry', () => {
    const c = resolveMachineConfig({ geometry: { levels: 4, entries: 8, contPtes: 4 } });
    expect(c.geometry.constants).toEqual(makeGeometry({ levels: 4, entries: 8, contPtes: 4 }).constants);
  });

  it('4 levels x 512 entries: the real arm64 4K-granule values', () => {
    const g = makeGeometry({ levels: 4, entries: 512, contPtes: 16, contPmds: 16 });
    const k = g.constants;
    expect(g.vaBits).toBe(48);
    expect(g.rootLevel).toBe(0);
    expect(k.PAGE_SIZE).toBe(4096n);
    expect(k.PTRS_PER_PTE).toBe(512n);
    expect(k.PTRS_PER_PMD).toBe(512n);
    expect(k.PTRS_PER_PUD).toBe(512n);
    expect(k.PTRS_PER_PGD).toBe(512n);
    expect(k.PMD_SHIFT).toBe(21n);
    expect(k.PMD_SIZE).toBe(2n * MiB);
    expect(k.PUD_SHIFT).toBe(30n);
    expect(k.PUD_SIZE).toBe(1n * GiB);
    expect(k.PGDIR_SHIFT).toBe(39n);
    expect(k.PGDIR_SIZE).toBe(512n * GiB);
    expect(k.CONT_PTES).toBe(16n);
    expect(k.CONT_PTE_SHIFT).toBe(16n);
    expect(k.CONT_PTE_SIZE).toBe(64n * KiB);
    expect(k.CONT_PMDS).toBe(16n);
    expect(k.CONT_PMD_SHIFT).toBe(25n);
    expect(k.CONT_PMD_SIZE).toBe(32n * MiB);
    expect(k.VA_BITS).toBe(48n);
  });

  it('3 levels x 512 entries (39-bit VA): PUD folded into the PGD as in Linux', () => {
    const k = makeGeometry({ levels: 3, entries: 512 }).constants;
    expect(k.VA_BITS).toBe(39n);
    expect(k.PGDIR_SHIFT).toBe(30n);
    expect(k.PUD_SHIFT).toBe(30n);
    expect(k.PTRS_PER_PUD).toBe(1n);
    expect(k.PMD_SIZE).toBe(2n * MiB);
  });

  it('2 levels: PMD folded into the PGD', () => {
    const k = makeGeometry({ levels: 2, entries: 4 }).constants;
    expect(k.PTRS_PER_PMD).toBe(1n);
    expect(k.PGDIR_SHIFT).toBe(k.PMD_SHIFT);
    expect(k.PMD_SIZE).toBe(16n * KiB);
    expect(k.VA_BITS).toBe(16n);
  });
});
