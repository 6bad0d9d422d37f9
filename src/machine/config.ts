// Machine configuration: what the user (or a scenario) passes, all optional, and
// resolveMachineConfig(), which fills every default in one place and rejects bad values
// with a one-line message naming the field.

import { ConfigError } from '../arch/configError.js';
import { makeGeometry, type Geometry, type GeometryOptions } from '../arch/arm64/geometry.js';
import type { Encoding, Profile } from '../arch/encoding.js';
import { encodingFor, PROFILES } from '../arch/profiles.js';

export type BbmLevel = '0' | '2' | '2-noabort';
/** relaxed: Arm's model; tso: x86's (stores commit in order, loads read the newest write). */
export type MemoryModel = 'relaxed' | 'sc' | 'tso';
export type FrameInit = 'free' | 'zero' | 'junk';

export interface ProbeOptions {
  /** Byte address; translated through TTBR1 unless ttbr is 0. */
  va: number;
  ttbr?: 0 | 1;
}

export interface FrameOptions {
  /** free: in the allocator's pool; zero/junk: in use from the start with that content. */
  init?: FrameInit;
  /** Descriptor values by slot (bigint), for frames that start in use. */
  content?: readonly bigint[];
}

export interface MachineOptions {
  profile?: Profile;
  geometry?: GeometryOptions;
  cpus?: number;
  /** Number of table frames in the pool. */
  frames?: number;
  /** Per-frame initial state; frames not listed start free. */
  frameInit?: Readonly<Record<number, FrameOptions>>;
  /** Page number (PFN) of frame 0; frames are consecutive pages. */
  framePfnBase?: number;
  /** Physical byte addresses of data words that explicit accesses read and write. */
  dataWords?: readonly number[];
  /** Initial 64-bit values of those data words (default 0). */
  dataInit?: readonly bigint[];
  probes?: readonly ProbeOptions[];
  /** Initial TTBR0/TTBR1 per CPU: a frame index, or -1 for none. */
  ttbr0?: number;
  ttbr1?: number;
  storeBufferDepth?: number;
  /** Committed writes kept per location (older ones no CPU can read are dropped). */
  historyDepth?: number;
  tlbEntries?: number;
  walkCacheEntries?: number;
  tlbiQueueDepth?: number;
  /** Walks each walker may complete per probe VA (a model parameter, printed with verdicts). */
  walksPerWalker?: number;
  /** Walkers walk at every moment, without bound (walk.ts saturateWalks); relaxed memory only. */
  unboundedWalks?: boolean;
  /** walkers[cpu][probe]: whether that CPU's walker may walk that VA (default: all). */
  walkers?: readonly (readonly boolean[])[];
  bbm?: BbmLevel;
  memoryModel?: MemoryModel;
  /** Whether pagetable allocation may fail (a nondeterministic choice). */
  allocFailure?: boolean;
  /** Per CPU: hardware access-flag updates (FEAT_HAFDBS, TCR.HA). */
  hardwareAf?: readonly boolean[];
  /** Per CPU: hardware dirty-state updates (TCR.HD; implies hardwareAf). */
  hardwareDirty?: readonly boolean[];
  /**
   * FEAT_ETS2: a walk that faults is ordered like the access (an early fault result serves
   * only an access ordered no later than its walk), and a TLBI's completion drops the fault
   * results for the pages it covers.
   */
  ets2?: boolean;
  /**
   * Memory compaction that changes no outcome (on by default; off only in the tests that
   * show it): renumber timestamps densely, merging those no reader can tell apart, and
   * drop writes that only a CPU that will never walk again could read (memory.ts). Off,
   * timestamps stay as they were given.
   */
  compactMemory?: boolean;
  /**
   * With compactMemory, also drop writes between commits (semantics 8): bound kernel-C
   * loads of tables allocated in the run by their first published pointer, and collect
   * when a step raises a floor (memory.ts). Off, memory is collected at commits only, as
   * semantics 7 did, which the SPIN twins encode (test/bench/spinTwins.test.ts).
   */
  eagerCollection?: boolean;
}

export interface Probe {
  readonly va: number;
  readonly vaPage: number;
  readonly region: 0 | 1;
}

export interface MachineConfig {
  readonly profile: Profile;
  readonly encoding: Encoding;
  readonly geometry: Geometry;
  readonly cpus: number;
  readonly frames: number;
  readonly frameInit: readonly { init: FrameInit; content: readonly bigint[] }[];
  readonly framePfnBase: number;
  readonly dataWords: readonly number[];
  readonly dataInit: readonly bigint[];
  readonly probes: readonly Probe[];
  readonly ttbr0: number;
  readonly ttbr1: number;
  readonly storeBufferDepth: number;
  readonly historyDepth: number;
  readonly tlbEntries: number;
  readonly walkCacheEntries: number;
  readonly tlbiQueueDepth: number;
  readonly walksPerWalker: number;
  readonly unboundedWalks: boolean;
  readonly walkers: readonly (readonly boolean[])[];
  readonly bbm: BbmLevel;
  readonly memoryModel: MemoryModel;
  readonly allocFailure: boolean;
  readonly compactMemory: boolean;
  readonly eagerCollection: boolean;
  readonly hardwareAf: readonly boolean[];
  readonly hardwareDirty: readonly boolean[];
  readonly ets2: boolean;
}

export function resolveMachineConfig(o: MachineOptions = {}, where = 'machine'): MachineConfig {
  const profile = o.profile ?? 'arm64';
  if (!PROFILES.includes(profile))
    throw new ConfigError(`${where}.profile: unknown profile '${String(o.profile)}' (supported: ${PROFILES.join(', ')})`);
  const encoding = encodingFor(profile);
  if (!encoding.hasCont)
    for (const k of ['contPtes', 'contPmds'] as const)
      if ((o.geometry?.[k] ?? 1) !== 1) throw new ConfigError(`${where}.geometry.${k}: ${profile} has no contiguous groups (must be 1)`);
  const geometry = makeGeometry({
    levels: encoding.defaultLevels, ...(encoding.hasCont ? {} : { contPtes: 1, contPmds: 1 }), ...o.geometry,
  }, `${where}.geometry`);
  if (profile === 'x86_64' && geometry.levels !== 4)
    throw new ConfigError(`${where}.geometry.levels: x86_64 is modelled with 4-level paging (got ${geometry.levels})`);
  const cpus = int(o.cpus ?? 2, `${where}.cpus`, 1, 8);
  const frames = int(o.frames ?? 8, `${where}.frames`, 1, 256);
  const vaPages = 2 ** (geometry.vaBits - geometry.pageShift);
  const framePfnBase = int(o.framePfnBase ?? Math.min(vaPages, 2 ** 36 - frames), `${where}.framePfnBase`, 0, 2 ** 36 - frames);
  const frameInit = Array.from({ length: frames }, (_, i) => {
    const f = o.frameInit?.[i];
    const init = f?.init ?? 'free';
    if (!['free', 'zero', 'junk'].includes(init))
      throw new ConfigError(`${where}.frameInit.${i}.init: must be free, zero or junk (got '${init}')`);
    const content = f?.content ?? [];
    if (content.length > geometry.entries)
      throw new ConfigError(`${where}.frameInit.${i}.content: ${content.length} values for a table of ${geometry.entries} entries`);
    return { init, content };
  });
  for (const k of Object.keys(o.frameInit ?? {}))
    if (!(Number(k) >= 0 && Number(k) < frames))
      throw new ConfigError(`${where}.frameInit.${k}: no such frame (the pool has ${frames}; raise ${where}.frames)`);
  const dataWords = (o.dataWords ?? []).map((pa, i) => {
    int(pa, `${where}.dataWords.${i}`, 0, 2 ** 48 - 8);
    if (pa % 8) throw new ConfigError(`${where}.dataWords.${i}: 0x${pa.toString(16)} is not 8-byte aligned`);
    return pa;
  });
  const dataInit = dataWords.map((_, i) => o.dataInit?.[i] ?? 0n);
  const probes = (o.probes ?? []).map((p, i): Probe => {
    const va = int(p.va, `${where}.probes.${i}.va`, 0, Number.MAX_SAFE_INTEGER);
    if (va >= 2 ** geometry.vaBits)
      throw new ConfigError(`${where}.probes.${i}.va: 0x${va.toString(16)} is outside the ${geometry.vaBits}-bit VA space (0 to 0x${(2 ** geometry.vaBits - 1).toString(16)})`);
    const region = p.ttbr ?? 1;
    if (region !== 0 && region !== 1) throw new ConfigError(`${where}.probes.${i}.ttbr: must be 0 or 1`);
    return { va, vaPage: Math.floor(va / 2 ** geometry.pageShift), region };
  });
  const ttbr = (v: number | undefined, name: string): number => {
    const r = v ?? -1;
    if (Number.isInteger(r) && r >= frames)
      throw new ConfigError(`${where}.${name}: frame ${r} is outside the frame pool (${frames} frames; raise ${where}.frames)`);
    int(r, `${where}.${name}`, -1, frames - 1);
    if (r >= 0 && frameInit[r]!.init === 'free')
      throw new ConfigError(`${where}.${name}: frame ${r} is a root but starts free (give it frameInit zero or junk)`);
    return r;
  };
  const walkers = Array.from({ length: cpus }, (_, c) =>
    probes.map((_, p) => {
      const w = o.walkers?.[c]?.[p];
      return w ?? true;
    }));
  if (o.walkers && o.walkers.length > cpus)
    throw new ConfigError(`${where}.walkers: ${o.walkers.length} rows for ${cpus} CPUs`);
  const bbm = o.bbm ?? '2-noabort';
  if (!['0', '2', '2-noabort'].includes(bbm))
    throw new ConfigError(`${where}.bbm: must be 0, 2 or 2-noabort (got '${String(bbm)}')`);
  const memoryModel = o.memoryModel ?? (profile === 'x86_64' ? 'tso' : 'relaxed');
  if (!['relaxed', 'sc', 'tso'].includes(memoryModel))
    throw new ConfigError(`${where}.memoryModel: must be relaxed, sc or tso (got '${String(memoryModel)}')`);
  if (profile === 'x86_64' && memoryModel === 'relaxed')
    throw new ConfigError(`${where}.memoryModel: x86_64 is tso (or sc), not relaxed`);
  const unboundedWalks = o.unboundedWalks ?? false;
  // Under sc and tso a walk spread over commits reads what no walk made at one moment reads.
  if (unboundedWalks && memoryModel !== 'relaxed') throw new ConfigError(`${where}: unbounded walks need relaxed memory`);
  return {
    profile,
    encoding,
    geometry,
    cpus,
    frames,
    frameInit,
    framePfnBase,
    dataWords,
    dataInit,
    probes,
    ttbr0: ttbr(o.ttbr0, 'ttbr0'),
    ttbr1: ttbr(o.ttbr1, 'ttbr1'),
    storeBufferDepth: int(o.storeBufferDepth ?? 8, `${where}.storeBufferDepth`, 1, 64),
    historyDepth: int(o.historyDepth ?? 4, `${where}.historyDepth`, 1, 32),
    tlbEntries: int(o.tlbEntries ?? 8, `${where}.tlbEntries`, 1, 256),
    walkCacheEntries: int(o.walkCacheEntries ?? 8, `${where}.walkCacheEntries`, 1, 256),
    tlbiQueueDepth: int(o.tlbiQueueDepth ?? 4, `${where}.tlbiQueueDepth`, 1, 64),
    walksPerWalker: int(o.walksPerWalker ?? 1, `${where}.walksPerWalker`, 0, 16),
    unboundedWalks,
    walkers,
    bbm,
    memoryModel,
    allocFailure: o.allocFailure ?? false,
    compactMemory: o.compactMemory ?? true,
    eagerCollection: o.eagerCollection ?? true,
    hardwareDirty: Array.from({ length: cpus }, (_, c) => o.hardwareDirty?.[c] ?? false),
    hardwareAf: Array.from({ length: cpus }, (_, c) => (o.hardwareAf?.[c] ?? false) || (o.hardwareDirty?.[c] ?? false)),
    ets2: o.ets2 ?? false,
  };
}

function int(v: number, field: string, lo: number, hi: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
    throw new ConfigError(`${field}: must be an integer from ${lo} to ${hi} (got ${String(v)})`);
  return v;
}
