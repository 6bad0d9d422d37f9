// Scaled VMSAv8-64 4K-granule geometry: levels, entries per table, contiguous groups,
// and the kernel constants derived from them so pasted code works at any scale.

import { ConfigError } from '../configError.js';

export interface GeometryOptions {
  /** Translation levels, 2 to 4 (real arm64: 3 or 4 with 4K pages). */
  levels?: number;
  /** Entries per table, a power of two from 2 to 512 (real: 512). */
  entries?: number;
  /** Entries in a contiguous PTE group (real: 16). */
  contPtes?: number;
  /** Entries in a contiguous PMD group (real: 16). */
  contPmds?: number;
}

export interface Geometry {
  readonly levels: number;
  readonly entries: number;
  /** log2(entries): VA bits resolved per level. */
  readonly bitsPerLevel: number;
  /** Arm level number of the root table: 4 - levels (0 for 4 levels, 1 for 3, 2 for 2). */
  readonly rootLevel: number;
  readonly pageShift: number;
  /** VA bits covered by one root table. */
  readonly vaBits: number;
  /** Entries per contiguous group, indexed by Arm level (1 where Cont is not allowed). */
  readonly contEntries: readonly number[];
  /** Kernel constants (PAGE_SIZE, PTRS_PER_PTE, PMD_SIZE, CONT_PTE_SIZE, ...). */
  readonly constants: Readonly<Record<string, bigint>>;
}

export const LAST_LEVEL = 3;
export const PAGE_SHIFT = 12;

/** log2 of the bytes one entry at Arm level `level` maps. */
export function levelShift(g: Geometry, level: number): number {
  return g.pageShift + (LAST_LEVEL - level) * g.bitsPerLevel;
}

/** Blocks (non-table leaves) are allowed at levels 1 and 2 with the 4K granule; pages at 3. */
export function leafAllowed(level: number): boolean {
  return level >= 1;
}

export function makeGeometry(opts: GeometryOptions = {}, where = 'machine.geometry'): Geometry {
  const levels = opts.levels ?? 3;
  const entries = opts.entries ?? 4;
  const contPtes = opts.contPtes ?? 2;
  const contPmds = opts.contPmds ?? 2;
  if (!Number.isInteger(levels) || levels < 2 || levels > 4)
    throw new ConfigError(`${where}.levels: must be 2, 3 or 4 (got ${levels})`);
  if (!isPow2(entries) || entries < 2 || entries > 512)
    throw new ConfigError(`${where}.entries: must be a power of two from 2 to 512 (got ${entries})`);
  for (const [name, v] of [['contPtes', contPtes], ['contPmds', contPmds]] as const)
    if (!isPow2(v) || v > entries)
      throw new ConfigError(`${where}.${name}: must be a power of two no larger than entries (got ${v})`);
  const bitsPerLevel = Math.log2(entries);
  const rootLevel = 4 - levels;
  const vaBits = PAGE_SHIFT + levels * bitsPerLevel;
  if (vaBits > 48) throw new ConfigError(`${where}: ${levels} levels of ${entries} entries exceed 48 VA bits`);
  const contEntries = [1, 1, contPmds, contPtes];
  const g: Geometry = { levels, entries, bitsPerLevel, rootLevel, pageShift: PAGE_SHIFT, vaBits, contEntries, constants: {} };
  return { ...g, constants: kernelConstants(g) };
}

/**
 * The kernel's geometry constants. Levels above the root are folded as Linux folds them
 * (3 levels: PGD = PUD, P4D folded; 2 levels: PGD = PMD), so PGDIR_SIZE is the root's span.
 */
function kernelConstants(g: Geometry): Record<string, bigint> {
  const sh = (level: number): bigint => BigInt(levelShift(g, level));
  const E = BigInt(g.entries);
  const c: Record<string, bigint> = {};
  c.PAGE_SHIFT = BigInt(g.pageShift);
  c.PAGE_SIZE = 1n << c.PAGE_SHIFT;
  c.PAGE_MASK = mask64(~(c.PAGE_SIZE - 1n));
  c.PTRS_PER_PTE = E;
  c.PTRS_PER_PMD = g.levels >= 3 ? E : 1n;
  c.PTRS_PER_PUD = g.levels >= 4 ? E : 1n;
  c.PTRS_PER_P4D = 1n;
  c.PTRS_PER_PGD = E;
  c.PMD_SHIFT = sh(2);
  c.PUD_SHIFT = g.levels >= 3 ? sh(1) : sh(2);
  c.P4D_SHIFT = g.levels >= 4 ? sh(0) : c.PUD_SHIFT;
  c.PGDIR_SHIFT = sh(g.rootLevel);
  for (const n of ['PMD', 'PUD', 'P4D', 'PGDIR'] as const) {
    c[`${n}_SIZE`] = 1n << c[`${n}_SHIFT`]!;
    c[`${n}_MASK`] = mask64(~(c[`${n}_SIZE`]! - 1n));
  }
  c.CONT_PTES = BigInt(g.contEntries[3]!);
  c.CONT_PTE_SHIFT = c.PAGE_SHIFT + BigInt(Math.log2(g.contEntries[3]!));
  c.CONT_PTE_SIZE = c.CONT_PTES * c.PAGE_SIZE;
  c.CONT_PTE_MASK = mask64(~(c.CONT_PTE_SIZE - 1n));
  c.CONT_PMDS = BigInt(g.contEntries[2]!);
  c.CONT_PMD_SHIFT = c.PMD_SHIFT + BigInt(Math.log2(g.contEntries[2]!));
  c.CONT_PMD_SIZE = c.CONT_PMDS * c.PMD_SIZE;
  c.CONT_PMD_MASK = mask64(~(c.CONT_PMD_SIZE - 1n));
  c.VA_BITS = BigInt(g.vaBits);
  return c;
}

function isPow2(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

function mask64(v: bigint): bigint {
  return BigInt.asUintN(64, v);
}
