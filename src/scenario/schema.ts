// The scenario file format (scenarios/*.yaml), as a zod schema: what a user may write.
// Defaults are filled later, in build.ts, in one place.

import { z } from 'zod';
import { MAX_MEMORY, MIN_MEMORY, parseSize } from './size.js';

const int = z.number().int();
const address = z.union([int.nonnegative(), z.string().regex(/^(0x[0-9a-fA-F]+|\d+)$/, 'expected a number or hex string')])
  .transform((v) => (typeof v === 'string' ? Number(v) : v));

/** A 64-bit descriptor value: a number up to 2^53, or a quoted hex string for the rest. */
const descriptor = z.union([
  z.number().refine((v) => Number.isSafeInteger(v) && v >= 0, 'a 64-bit value must be quoted, e.g. "0x0068000000030701"'),
  z.string().regex(/^0x[0-9a-fA-F]{1,16}$/, 'expected a hex string of up to 16 digits'),
]).transform((v) => BigInt(v));

export const PROPERTY_NAMES = [
  'tlb-conflict', 'tlb-conflict-abort', 'bbm', 'torn-walk', 'walk-after-free', 'translation', 'leak',
  'assert', 'model-error', 'deadlock', 'final', 'size-and-attr-change', 'xen-pt-writable', 'xen-large-page',
] as const;

const mapping = z.strictObject({
  va: address,
  pa: address,
  size: address,
  /** Arm level of the leaves: 1 (PUD block), 2 (PMD block), 3 (pages). */
  level: int.min(1).max(3),
  prot: z.string().default('PAGE_KERNEL'),
  cont: z.boolean().default(false),
});

const cpu = z.union([
  z.string().min(1),
  z.strictObject({ read: z.array(address).min(1), repeat: int.min(1).max(16).default(1) }),
  /** Translated writes of value to each VA (through the TLB, checked against permissions). */
  z.strictObject({ write: z.array(address).min(1), value: address.default(0), repeat: int.min(1).max(16).default(1) }),
]);

export const scenarioSchema = z.strictObject({
  description: z.string().optional(),
  model: z.strictObject({
    files: z.array(z.string().min(1)).min(1),
    defines: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  }),
  machine: z.strictObject({
    profile: z.enum(['arm64', 'x86_64']).default('arm64'),
    geometry: z.strictObject({
      levels: int.optional(), entries: int.optional(), contPtes: int.optional(), contPmds: int.optional(),
    }).default({}),
    bbm: z.enum(['0', '2', '2-noabort']).default('2-noabort'),
    /** Default: relaxed on arm64, tso on x86_64. */
    memoryModel: z.enum(['relaxed', 'sc', 'tso']).optional(),
    allocFailure: z.boolean().default(false),
    /** x86_64: Xen PV's rules (page-table frames never mapped writable, no large pages). */
    xenPv: z.boolean().default(false),
    /** Physical address of the first table frame (default: just past the VA space). */
    frameBase: address.optional(),
    frames: int.optional(),
    storeBufferDepth: int.optional(),
    historyDepth: int.optional(),
    tlbEntries: int.optional(),
    walkCacheEntries: int.optional(),
  }).default({ profile: 'arm64', geometry: {}, bbm: '2-noabort', allocFailure: false, xenPv: false }),
  init: z.strictObject({
    map: z.array(mapping).default([]),
    /**
     * Pages in use from the start, named for the model (a #define of the page's physical
     * address): `junk` holds descriptor-looking garbage, `zero` zeroes; `content` sets the
     * first entries.
     */
    pages: z.array(z.strictObject({
      name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a C identifier'),
      init: z.enum(['junk', 'zero']).default('junk'),
      content: z.array(descriptor).default([]),
    })).default([]),
    /** Kernel-C statements run on CPU0 before the CPUs start; all CPUs see what they did. */
    run: z.string().min(1).optional(),
  }).default({ map: [], pages: [] }),
  cpus: z.array(cpu).min(1).max(8),
  walkers: z.strictObject({
    vas: z.array(address).optional(),
    cpus: z.array(int.nonnegative()).optional(),
    walks: z.union([int.min(0).max(16), z.literal('unbounded')]).default(1),
    /** VAs walked through TTBR0 (the others go through TTBR1, where the linear map is). */
    ttbr0: z.array(address).default([]),
  }).default({ walks: 1, ttbr0: [] }),
  check: z.strictObject({
    properties: z.array(z.enum(PROPERTY_NAMES)).optional(),
    mapped: z.array(z.strictObject({ va: address, pa: address, writable: z.boolean().optional() })).default([]),
    /** VAs that must never translate: a number (through TTBR1), or { va, ttbr: 0 }. */
    never: z.array(z.union([address, z.strictObject({ va: address, ttbr: z.union([z.literal(0), z.literal(1)]) })])).default([]),
    /** A kernel-C expression over the end state that must be true (the `final` property). */
    final: z.string().min(1).optional(),
  }).default({ mapped: [], never: [] }),
  cutoffs: z.strictObject({
    maxStates: int.positive().optional(),
    maxDepth: int.positive().optional(),
    timeout: z.number().positive().optional(),
    /** The visited table's memory, e.g. 2G (the same as --memory). */
    memory: z.union([z.string(), int]).refine((v) => {
      const n = parseSize(v);
      return n !== null && n >= MIN_MEMORY && n <= MAX_MEMORY;
    }, 'expected a size from 1M to 16G, e.g. 512M or 2G').optional(),
  }).default({}),
  expect: z.string().regex(/^(verified|violation: ?[a-z-]+)$/, "expected 'verified' or 'violation: <kind>'"),
});

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioFile = z.output<typeof scenarioSchema>;
