// Micro-benchmark of the flat machine state (npm run build && npm run bench).
//
// At the default geometry (3 levels of 4 entries, contiguous groups of 2), 3 CPUs, four
// probe VAs and a root frame holding a linear map of one PUD-sized block:
//   - transitions/s: a seeded random walk. From a state, enumerate() the enabled actions,
//     pick one, copy the state into a preallocated buffer with set(), apply the action
//     there. Restart from the initial state at a final state, a dead end, or after
//     MAX_DEPTH steps. The programs do stores, loads, dmb/dsb, isb, tlbi and translated
//     loads; the walkers of every CPU walk every probe VA.
//   - hash+clone/s: copy a realistic (mid-run) state into a preallocated buffer with set()
//     and hashState() it, HASH_ITERS times.
// Figures go to results/bench-machine.json, or to the folder given as the first argument (written whole or not at all).

import { writeWhole } from '../src/cli/output.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROT_SECT_NORMAL } from '../src/arch/arm64/bits.js';
import { Session } from '../src/explore/session.js';
import { resolveMachineConfig, type MachineOptions } from '../src/machine/config.js';
import { DMB_FULL, DMB_LD, DMB_ST, DSB_FULL, DSB_ST } from '../src/machine/cpu.js';
import { CapacityError } from '../src/machine/errors.js';
import { hashState } from '../src/machine/hash.js';
import { ProgramDriver, type Program } from '../src/machine/program.js';
import { TLBI_VA, TLBI_VA_LAST } from '../src/machine/tlbi.js';
import { A_WALK, ActionList, enumerate, isFinal } from '../src/machine/transitions.js';

const SEED = 0x5eed1234;
const MAX_DEPTH = 200;
const WALK_WARMUP_MS = 500;
const WALK_MS = 5000;
const HASH_ITERS = 2_000_000;

// Geometry at the defaults: root = Arm level 1, one root entry maps a PUD (64 KiB),
// a level-2 entry 16 KiB, a page 4 KiB. Frames start at PFN 64 (PA 0x40000).
const PFN_BASE = 64;
const BLOCK_PA = 0x100000n;
const X_PA = 0x300000;
const Y_PA = 0x300008;
const tableDesc = (frame: number): bigint => BigInt((PFN_BASE + frame) * 4096) | 3n;

const OPTIONS: MachineOptions = {
  cpus: 3,
  frames: 2,
  framePfnBase: PFN_BASE,
  frameInit: {
    0: { init: 'zero', content: [BLOCK_PA | PROT_SECT_NORMAL] }, // linear map: one PUD-sized block
    1: { init: 'zero' }, // the PMD table CPU0 splits the block into
  },
  dataWords: [X_PA, Y_PA],
  probes: [{ va: 0x1000 }, { va: 0x5000 }, { va: 0x9000 }, { va: 0x11000 }],
  ttbr1: 0,
  walksPerWalker: 1,
};

const PROGRAM: Program = [
  [
    // split the block into PMD blocks (no break-before-make: no properties are checked here)
    { op: 'store', loc: { frame: 1, index: 0 }, val: BLOCK_PA | PROT_SECT_NORMAL },
    { op: 'store', loc: { frame: 1, index: 1 }, val: (BLOCK_PA + 0x4000n) | PROT_SECT_NORMAL },
    { op: 'dsb', kind: DSB_ST },
    { op: 'store', loc: { frame: 0, index: 0 }, val: tableDesc(1) },
    { op: 'dsb', kind: DSB_FULL },
    { op: 'tlbi', kind: TLBI_VA, probe: 0 },
    { op: 'dsb', kind: DSB_FULL },
    { op: 'isb' },
    { op: 'loadVA', probe: 0, dst: 4 },
  ],
  [
    { op: 'load', loc: { pa: X_PA }, dst: 2 },
    { op: 'store', loc: { pa: Y_PA }, val: 1n },
    { op: 'dmb', kind: DMB_ST },
    { op: 'store', loc: { pa: X_PA }, val: 1n },
    { op: 'dmb', kind: DMB_FULL },
    { op: 'loadVA', probe: 1, dst: 3, dep: 2 },
  ],
  [
    { op: 'load', loc: { pa: Y_PA }, dst: 2 },
    { op: 'dmb', kind: DMB_LD },
    { op: 'load', loc: { pa: X_PA }, dst: 3, dep: 2 },
    { op: 'tlbi', kind: TLBI_VA_LAST, probe: 1 },
    { op: 'dsb', kind: DSB_FULL },
    { op: 'loadVA', probe: 2, dst: 4 },
  ],
];

/** mulberry32: a small seeded PRNG, returning uint32. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const cfg = resolveMachineConfig(OPTIONS);
const driver = new ProgramDriver(PROGRAM, cfg.cpus);
const session = new Session(cfg, driver, []);
const m = session.m;
const s0 = session.initialState();
const words = s0.length;
const list = new ActionList();

interface WalkStats {
  transitions: number;
  ms: number;
  runs: number;
  finals: number;
  deadEnds: number;
  cutoffs: number;
  capacity: number;
  walkSteps: number;
}

/** Random walk for at least `ms` milliseconds; two preallocated buffers, no allocation per step. */
function randomWalk(ms: number, seed: number): WalkStats {
  const rnd = prng(seed);
  let cur = new Int32Array(words);
  let next = new Int32Array(words);
  cur.set(s0);
  const st: WalkStats = { transitions: 0, ms: 0, runs: 1, finals: 0, deadEnds: 0, cutoffs: 0, capacity: 0, walkSteps: 0 };
  let depth = 0;
  const t0 = performance.now();
  const deadline = t0 + ms;
  for (;;) {
    // check the clock every 1024 transitions
    if ((st.transitions & 1023) === 0 && performance.now() >= deadline) break;
    let restart = false;
    if (depth >= MAX_DEPTH) {
      st.cutoffs++;
      restart = true;
    } else if (isFinal(m, driver, cur)) {
      st.finals++;
      restart = true;
    } else {
      enumerate(m, driver, cur, list);
      if (list.length === 0) {
        st.deadEnds++;
        restart = true;
      } else {
        const i = rnd() % list.length;
        next.set(cur);
        try {
          session.step(next, list.kind(i), list.cpu(i), list.arg(i), list.choice(i), []);
        } catch (e) {
          if (!(e instanceof CapacityError)) throw e;
          st.capacity++;
          restart = true;
        }
        if (!restart) {
          if (list.kind(i) === A_WALK) st.walkSteps++;
          const t = cur;
          cur = next;
          next = t;
          depth++;
          st.transitions++;
        }
      }
    }
    if (restart) {
      cur.set(s0);
      depth = 0;
      st.runs++;
    }
  }
  st.ms = performance.now() - t0;
  return st;
}

/** A realistic state: the deepest non-final state of a few seeded runs, at most 40 steps in. */
function realisticState(): Int32Array {
  const rnd = prng(SEED ^ 0x1234);
  let best = s0.slice();
  let bestOccupancy = -1;
  for (let run = 0; run < 50; run++) {
    const s = s0.slice();
    for (let d = 0; d < 40 && !isFinal(m, driver, s); d++) {
      enumerate(m, driver, s, list);
      if (list.length === 0) break;
      const i = rnd() % list.length;
      session.step(s, list.kind(i), list.cpu(i), list.arg(i), list.choice(i), []);
      let nz = 0;
      for (let k = 0; k < s.length; k++) if (s[k] !== 0) nz++;
      if (nz > bestOccupancy) {
        bestOccupancy = nz;
        best = s.slice();
      }
    }
  }
  return best;
}

function hashClone(src: Int32Array, iters: number): { ms: number; check: number } {
  const buf = new Int32Array(src.length);
  let check = 0;
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) {
    buf.set(src);
    const h = hashState(buf);
    check = (check + (h[0] ^ h[1]) + i) | 0;
  }
  return { ms: performance.now() - t0, check };
}

function main(): void {
  randomWalk(WALK_WARMUP_MS, SEED ^ 1); // JIT warm-up
  const w = randomWalk(WALK_MS, SEED);
  const perSec = (w.transitions / w.ms) * 1000;

  const real = realisticState();
  let nonzero = 0;
  for (let k = 0; k < real.length; k++) if (real[k] !== 0) nonzero++;
  hashClone(real, 200_000); // warm-up
  const h = hashClone(real, HASH_ITERS);
  const hashPerSec = (HASH_ITERS / h.ms) * 1000;

  const g = cfg.geometry;
  const result = {
    benchmark: 'machine',
    date: new Date().toISOString(),
    node: process.version,
    config: {
      levels: g.levels,
      entries: g.entries,
      contPtes: g.contEntries[3],
      cpus: cfg.cpus,
      probes: cfg.probes.length,
      frames: cfg.frames,
      dataWords: cfg.dataWords.length,
      historyDepth: cfg.historyDepth,
      storeBufferDepth: cfg.storeBufferDepth,
      tlbEntries: cfg.tlbEntries,
      walkCacheEntries: cfg.walkCacheEntries,
      walksPerWalker: cfg.walksPerWalker,
      memoryModel: cfg.memoryModel,
    },
    stateWords: words,
    stateBytes: words * 4,
    randomWalk: {
      seed: SEED,
      maxDepth: MAX_DEPTH,
      transitions: w.transitions,
      seconds: +(w.ms / 1000).toFixed(3),
      transitionsPerSecond: Math.round(perSec),
      microsecondsPerTransition: +((w.ms * 1000) / w.transitions).toFixed(3),
      runs: w.runs,
      finalStates: w.finals,
      deadEnds: w.deadEnds,
      depthCutoffs: w.cutoffs,
      capacityErrors: w.capacity,
      walkerStepShare: +(w.walkSteps / w.transitions).toFixed(3),
    },
    hashClone: {
      iterations: HASH_ITERS,
      stateNonzeroWords: nonzero,
      seconds: +(h.ms / 1000).toFixed(3),
      perSecond: Math.round(hashPerSec),
      microsecondsPerOp: +((h.ms * 1000) / HASH_ITERS).toFixed(4),
      checksum: h.check,
    },
  };

  const here = dirname(fileURLToPath(import.meta.url));
  // dist/bench/machine.js -> project root is two levels up
  const root = join(here, '..', '..');
  const out = join(process.argv[2] ?? join(root, 'results'), 'bench-machine.json'); // the suite passes its --out
  writeWhole(out, JSON.stringify(result, null, 2) + '\n');

  const rows: [string, string][] = [
    ['geometry', `${g.levels} levels x ${g.entries} entries, cont ${g.contEntries[3]}`],
    ['CPUs / probes / frames', `${cfg.cpus} / ${cfg.probes.length} / ${cfg.frames}`],
    ['state size', `${words} words (${words * 4} bytes, ${nonzero} nonzero in the hashed state)`],
    ['transitions/s (random walk)', `${Math.round(perSec).toLocaleString('en-US')}  (${result.randomWalk.microsecondsPerTransition} us each)`],
    ['  runs / finals / dead ends / cut-offs', `${w.runs} / ${w.finals} / ${w.deadEnds} / ${w.cutoffs}  (capacity errors ${w.capacity})`],
    ['  walker-step share', `${(w.walkSteps / w.transitions * 100).toFixed(1)} %`],
    ['hash+clone/s (set + hashState)', `${Math.round(hashPerSec).toLocaleString('en-US')}  (${result.hashClone.microsecondsPerOp} us each, ${HASH_ITERS.toLocaleString('en-US')} iterations)`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`ptmc machine benchmark (node ${process.version})`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  console.log(`  -> ${out}`);
}

main();
