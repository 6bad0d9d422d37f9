// From a parsed scenario to what the explorer runs: the machine configuration (initial
// tables built from the declared mappings, probe VAs, walkers), the compiled model and
// its driver, and the properties. Every default lives here.

import { dirname, resolve } from 'node:path';
import { levelShift } from '../arch/arm64/geometry.js';
import { ConfigError } from '../arch/configError.js';
import type { Encoding } from '../arch/encoding.js';
import { makeProperties, PROFILE_PROPERTIES, type Property, type Violation, type ViolationKind } from '../check/index.js';
import { commitStore, sbCount } from '../machine/cpu.js';
import type { Machine } from '../machine/machine.js';
import { newestWrite } from '../machine/memory.js';
import { resolveMachineConfig, type MachineConfig, type MachineOptions } from '../machine/config.js';
import { compileModel, FINAL_FUNCTION, FINAL_RESULT, GLOBALS_BASE, INIT_FUNCTION } from '../lang/model.js';
import { KernelDriver } from '../lang/runtime.js';
import type { ScenarioFile } from './schema.js';

export interface Overrides {
  memoryModel?: 'relaxed' | 'sc' | 'tso';
  bbm?: '0' | '2' | '2-noabort';
  walks?: number | 'unbounded';
}

export interface BuiltScenario {
  readonly cfg: MachineConfig;
  readonly driver: KernelDriver;
  readonly props: Property[];
  /** Every file the compiled model was read from (prelude and includes included). */
  readonly modelFiles: string[];
  /** "verified" or the expected violation kind. */
  readonly expect: string;
  /** The model parameters a verdict holds under, one line. */
  readonly parameters: string;
}

export function buildScenario(path: string, sc: ScenarioFile, over: Overrides = {}): BuiltScenario {
  const base = dirname(resolve(path));
  const modelFiles = sc.model.files.map((f) => resolve(base, f));
  const m = sc.machine;
  const geometryOnly = resolveMachineConfig({ profile: m.profile, geometry: m.geometry });
  const g = geometryOnly.geometry;
  const enc = geometryOnly.encoding;
  const vaLimit = 2 ** g.vaBits;

  // Initial tables: frame 0 is the TTBR1 root; tables below are allocated in order.
  const frames: bigint[][] = [[]];
  const tableAt = new Map<string, number>();
  const slot = (frame: number, i: number, v: bigint): void => {
    frames[frame]![i] = v;
  };
  sc.init.map.forEach((mp, k) => {
    const where = `init.map.${k}`;
    const prot = protValue(enc, mp.prot, `${where}.prot`);
    if (mp.cont && !enc.hasCont) throw new ConfigError(`${where}.cont: ${enc.profile} has no contiguous hint`);
    const leaf = 2 ** levelShift(g, mp.level);
    if (mp.level < g.rootLevel) throw new ConfigError(`${where}.level: level ${mp.level} is above the root (level ${g.rootLevel}) of a ${g.levels}-level machine`);
    if (mp.va % leaf || mp.pa % leaf || mp.size % leaf || mp.size === 0)
      throw new ConfigError(`${where}: va, pa and size must be multiples of the level-${mp.level} size 0x${leaf.toString(16)}`);
    if (mp.va + mp.size > vaLimit) throw new ConfigError(`${where}: the mapping ends past the VA space (0x${vaLimit.toString(16)})`);
    for (let off = 0; off < mp.size; off += leaf) {
      const va = mp.va + off;
      let frame = 0;
      for (let l = g.rootLevel; l < mp.level; l++) {
        const idx = Math.floor(va / 2 ** levelShift(g, l)) % g.entries;
        const key = `${frame}:${idx}`;
        let next = tableAt.get(key);
        if (next === undefined) {
          next = frames.length;
          frames.push([]);
          tableAt.set(key, next);
          slot(frame, idx, -1n - BigInt(next)); // patched to a table descriptor below
        }
        frame = next;
      }
      const idx = Math.floor(va / leaf) % g.entries;
      slot(frame, idx, enc.leafDesc(BigInt(mp.pa + off), prot, mp.level, mp.cont));
    }
  });

  const touched = new Set<number>();
  const cpuText = sc.cpus.map((c, i) => {
    if (typeof c === 'string') {
      for (const mt of c.matchAll(/\b(0x[0-9a-fA-F]+|\d+)\b/g)) {
        const v = Number(mt[1]);
        if (v % 4096 === 0 && v > 0 && v < vaLimit) touched.add(v);
      }
      return c;
    }
    const [field, vas] = 'read' in c ? ['read', c.read] : ['write', c.write];
    vas.forEach((va, j) => {
      if (va >= vaLimit) throw new ConfigError(`cpus.${i}.${field}.${j}: 0x${va.toString(16)} is outside the ${g.vaBits}-bit VA space`);
      touched.add(va);
    });
    const access = (va: number): string => ('write' in c
      ? `__ptmc_write_va(0x${va.toString(16)}, 0x${c.value.toString(16)}UL);`
      : `__ptmc_read_va(0x${va.toString(16)});`);
    return Array.from({ length: c.repeat }, () => vas.map(access).join(' ')).join(' ');
  });
  // never: a number is a TTBR1 VA; { va, ttbr: 0 } one walked through TTBR0.
  const never = sc.check.never.map((n) => (typeof n === 'number' ? { va: n, ttbr: 1 as const } : n));
  const never1 = never.filter((n) => n.ttbr === 1).map((n) => n.va);
  const probeVas = sc.walkers.vas ?? [...new Set([...touched, ...sc.check.mapped.map((e) => e.va), ...never1])].sort((a, b) => a - b);
  for (const v of [...probeVas, ...sc.check.mapped.map((e) => e.va), ...never1])
    if (!probeVas.includes(v)) probeVas.push(v);
  const ttbr0Vas = [...sc.walkers.ttbr0];
  for (const n of never) if (n.ttbr === 0 && !ttbr0Vas.includes(n.va)) ttbr0Vas.push(n.va);
  ttbr0Vas.forEach((va, i) => {
    if (va >= vaLimit) throw new ConfigError(`walkers.ttbr0.${i}: 0x${va.toString(16)} is outside the ${g.vaBits}-bit VA space`);
  });
  const probes = [...probeVas.map((va) => ({ va, ttbr: 1 as const })), ...ttbr0Vas.map((va) => ({ va, ttbr: 0 as const }))];
  const cpus = sc.cpus.length;
  const walkerCpus = sc.walkers.cpus ?? [...Array(cpus).keys()];
  walkerCpus.forEach((c, i) => {
    if (c >= cpus) throw new ConfigError(`walkers.cpus.${i}: there is no CPU${c} (the scenario has ${cpus})`);
  });
  // Named pages after the tables: the model sees each as a #define of its physical address.
  const pageFrames = sc.init.pages.map((p, i) => {
    if (p.content.length > g.entries) throw new ConfigError(`init.pages.${i}.content: ${p.content.length} values for a page of ${g.entries} entries`);
    frames.push([...p.content]);
    return frames.length - 1;
  });
  const used = frames.length;
  const walks = over.walks ?? sc.walkers.walks;
  const options: MachineOptions = {
    profile: m.profile,
    geometry: m.geometry,
    cpus,
    frames: m.frames ?? used + 2 * cpus + (sc.init.run !== undefined ? 4 : 0),
    probes,
    ttbr1: 0,
    ...walkOptions(walks),
    walkers: Array.from({ length: cpus }, (_, c) => probes.map(() => walkerCpus.includes(c))),
    bbm: over.bbm ?? m.bbm,
    ...(over.memoryModel ?? m.memoryModel ? { memoryModel: over.memoryModel ?? m.memoryModel } : {}),
    allocFailure: m.allocFailure,
    // Lazy MMU mode may leave a whole split's stores in the buffer until one barrier.
    storeBufferDepth: m.storeBufferDepth ?? 16,
    // A table slot may see its initial value, the allocation, the split and the permission change.
    historyDepth: m.historyDepth ?? 8,
    // Unbounded walkers keep every entry a walk could have filled since the last TLBI.
    ...(m.tlbEntries ? { tlbEntries: m.tlbEntries } : walks === 'unbounded' ? { tlbEntries: 32 } : {}),
    ...(m.walkCacheEntries ? { walkCacheEntries: m.walkCacheEntries } : walks === 'unbounded' ? { walkCacheEntries: 16 } : {}),
  };
  if ((options.frames ?? 0) < used) throw new ConfigError(`machine.frames: the initial tables need ${used} frames`);
  const pfnBase = m.frameBase !== undefined ? frameBasePfn(m.frameBase, options.frames ?? used) : Math.min(vaLimit / 4096, 2 ** 36 - (options.frames ?? used));
  options.framePfnBase = pfnBase;
  const framePa = (f: number): bigint => BigInt((pfnBase + f) * 4096);
  options.frameInit = Object.fromEntries(frames.map((content, f) => [f, {
    init: pageFrames.includes(f) ? sc.init.pages[pageFrames.indexOf(f)]!.init : 'zero' as const,
    content: Array.from({ length: g.entries }, (_, i) => {
      const v = content[i] ?? 0n;
      return v < 0n ? enc.tableDesc(framePa(Number(-1n - v))) : v;
    }),
  }]));
  const pageDefines = Object.fromEntries(sc.init.pages.map((p, i) => [p.name, `0x${framePa(pageFrames[i]!).toString(16)}UL`]));
  const spec = {
    files: modelFiles, defines: { ...pageDefines, ...sc.model.defines }, cpus: cpuText,
    ...(sc.check.final !== undefined ? { final: sc.check.final } : {}),
    ...(sc.init.run !== undefined ? { init: sc.init.run } : {}),
  };
  const { program, files } = compileModel(spec, resolveMachineConfig(options));
  options.dataWords = program.globals.map((gl) => gl.pa);
  options.dataInit = program.globals.map((gl) => gl.init);
  const cfg = resolveMachineConfig(options);
  const x86 = cfg.profile === 'x86_64';
  if (m.xenPv && !x86) throw new ConfigError('machine.xenPv: Xen PV rules need profile x86_64');
  const names: ViolationKind[] = sc.check.properties ?? [
    ...(x86 ? ['size-and-attr-change' as const] : ['tlb-conflict' as const, 'bbm' as const]),
    ...(m.xenPv ? ['xen-pt-writable' as const, 'xen-large-page' as const] : []),
    'torn-walk', 'walk-after-free', 'leak', 'assert', 'model-error', 'deadlock',
    ...(sc.check.mapped.length || sc.check.never.length ? ['translation' as const] : []),
    ...(sc.check.final !== undefined ? ['final' as const] : []),
  ];
  names.forEach((n, i) => {
    const only = PROFILE_PROPERTIES[n];
    if (only !== undefined && only !== cfg.profile) throw new ConfigError(`check.properties.${i}: '${n}' is an ${only} property (the machine is ${cfg.profile})`);
    if (n.startsWith('xen-') && !m.xenPv) throw new ConfigError(`check.properties.${i}: '${n}' needs machine.xenPv: true`);
  });
  const probeOf = (va: number, ttbr: 0 | 1 = 1): number => probes.findIndex((p) => p.va === va && p.ttbr === ttbr);
  const props = makeProperties(cfg, names, {
    translation: {
      mapped: sc.check.mapped.map((e) => ({ probe: probeOf(e.va), pa: e.pa, ...(e.writable !== undefined ? { writable: e.writable } : {}) })),
      never: never.map((n) => probeOf(n.va, n.ttbr)),
    },
  });
  const driver = new KernelDriver(program, cfg.cpus, program.named![INIT_FUNCTION] ?? -1);
  if (names.includes('final')) {
    if (sc.check.final === undefined) throw new ConfigError("check.properties: 'final' needs check.final, a kernel-C expression");
    const resultPa = program.globals.find((gl) => gl.name === FINAL_RESULT)!.pa;
    props.push(finalProperty(driver, sc.check.final, program.named![FINAL_FUNCTION]!, resultPa));
  }
  const expect = sc.expect.startsWith('verified') ? 'verified' : sc.expect.replace(/^violation: ?/, '');
  const arch = x86 ? (m.xenPv ? 'Xen PV rules, ' : '') : `BBM level ${cfg.bbm}, `;
  const parameters = `${cfg.cpus} CPUs, ${g.levels} levels x ${g.entries} entries, ${arch}${cfg.memoryModel} memory, ` +
    `${cfg.unboundedWalks ? 'unbounded walks' : `<= ${cfg.walksPerWalker} walk${cfg.walksPerWalker === 1 ? '' : 's'}`} per walker per VA, ${walkerCpus.length ? `walkers on CPUs ${walkerCpus.join(",")}` : "no walkers"} for VAs ${probes.map((p) => `0x${p.va.toString(16)}${p.ttbr === 0 ? ' (TTBR0)' : ''}`).join(', ')}`;
  // Every file the model read (the prelude and #includes too): a trace is stale if any changed.
  return { cfg, driver, props, modelFiles: files, expect, parameters };
}

/**
 * The `final` property: at each final state, run the scenario's predicate on a copy of the
 * state (on CPU 0, which has returned, reading the newest writes) and report it false.
 */
function finalProperty(driver: KernelDriver, expr: string, fnId: number, resultPa: number): Property {
  return {
    name: 'final',
    onFinal(m: Machine, s: Int32Array, out: Violation[]): void {
      const t = s.slice();
      const problems = driver.runToEnd(m, t, 0, fnId);
      if (problems.length) {
        out.push({ kind: 'final', message: `the final predicate \`${expr}\` could not be evaluated: ${problems[0]!.message}` });
        return;
      }
      while (sbCount(m, t, 0) > 0) commitStore(m, t, 0, 0);
      const w = newestWrite(m, t, m.dataLoc(resultPa));
      if (t[w] === 0 && t[w + 1] === 0) out.push({ kind: 'final', message: `the final predicate \`${expr}\` is false at this end state.` });
    },
  };
}

function protValue(enc: Encoding, name: string, field: string): bigint {
  let v = 0n;
  for (const part of name.split('|').map((p) => p.trim())) {
    if (/^(0x[0-9a-f]+|\d+)$/i.test(part)) v |= BigInt(part);
    else if (part in enc.names) v |= enc.names[part]!;
    else throw new ConfigError(`${field}: unknown ${enc.profile} protection '${part}' (e.g. PAGE_KERNEL, PAGE_KERNEL_RO, ${enc.profile === 'x86_64' ? '_PAGE_NX' : 'PTE_RDONLY'} | PAGE_KERNEL)`);
  }
  return v;
}

/** machine.frameBase: page-aligned, and the pool must end below the model's globals. */
function frameBasePfn(pa: number, frames: number): number {
  if (pa % 4096) throw new ConfigError(`machine.frameBase: 0x${pa.toString(16)} is not page-aligned`);
  if (pa + frames * 4096 > GLOBALS_BASE) throw new ConfigError(`machine.frameBase: the ${frames} frames from 0x${pa.toString(16)} reach the model's globals at 0x${GLOBALS_BASE.toString(16)}`);
  return pa / 4096;
}

/** `walks: N` bounds each walker's walks per VA; `unbounded` saturates (machine/saturate.ts). */
function walkOptions(walks: number | 'unbounded'): Pick<MachineOptions, 'walksPerWalker' | 'unboundedWalks'> {
  return walks === 'unbounded' ? { unboundedWalks: true } : { walksPerWalker: walks };
}
