// Kernel-C benchmark: machine steps per second of the compiled seed functions
// (split_leaf_mapping() run alone, sequentially, on the default geometry), the search's
// states per second on the first 200,000 states of split-mutex, and the memory compaction's
// effect. The flagship scenarios' figures are the suite's (bench/suite/flagship.ts).
// Figures go to results/bench-kernel.json, or to the folder given as the first argument (written whole or not at all).

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROT_SECT_NORMAL } from '../src/arch/arm64/bits.js';
import { Session } from '../src/explore/session.js';
import { compileModel } from '../src/lang/model.js';
import { KernelDriver } from '../src/lang/runtime.js';
import { resolveMachineConfig, type MachineOptions } from '../src/machine/config.js';
import { A_PROG, ActionList, enumerate, isFinal } from '../src/machine/transitions.js';
import { check, load } from '../src/cli/run.js';
import { explore } from '../src/explore/dfs.js';
import { eagerSteps } from '../src/explore/reduction.js';
import { writeWhole } from '../src/cli/output.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function seedSteps(ms: number): { runs: number; steps: number; seconds: number } {
  const opts: MachineOptions = {
    geometry: { levels: 3, entries: 4 }, cpus: 1, frames: 8, ttbr1: 0, memoryModel: 'sc',
    frameInit: { 0: { init: 'zero', content: [PROT_SECT_NORMAL] } },
  };
  const spec = { files: [join(root, 'models/split_leaf_mapping.c')], cpus: ['split_leaf_mapping(0x1000); split_leaf_mapping(0x6000);'] };
  const { program } = compileModel(spec, resolveMachineConfig(opts));
  const cfg = resolveMachineConfig({ ...opts, dataWords: program.globals.map((g) => g.pa) });
  const driver = new KernelDriver(program, 1);
  const session = new Session(cfg, driver, []);
  const list = new ActionList();
  let runs = 0;
  let steps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    const s = session.initialState();
    while (!isFinal(session.m, driver, s)) {
      enumerate(session.m, driver, s, list);
      let i = 0;
      while (list.kind(i) !== A_PROG) i++;
      session.step(s, A_PROG, 0, 0, list.choice(i), []);
      steps++;
    }
    runs++;
  }
  return { runs, steps, seconds: (performance.now() - t0) / 1000 };
}

async function main(): Promise<void> {
  seedSteps(300); // warm-up
  const seq = seedSteps(2000);
  const mutex = load(join(root, 'scenarios/slow/split-mutex.yaml'));
  const t1 = performance.now();
  const big = (await check(mutex, { reduction: true, maxStates: 200_000, workers: 1 })).result;
  const bigSeconds = (performance.now() - t1) / 1000;
  // Memory compaction on and off, on one CPU making a page read-only with no walker, each
  // capped at 20 s: the cost the compaction removes (commit orders nobody can observe).
  const alone = load(join(root, 'bench/scenarios/set-memory-ro-alone.yaml'));
  const compaction = [true, false].map((compactMemory) => {
    const session = new Session({ ...alone.built.cfg, compactMemory }, alone.built.driver, alone.built.props);
    const t = performance.now();
    const r = explore(session, { reduction: eagerSteps(alone.built.driver), timeoutMs: 20_000 });
    return { compactMemory, verdict: r.verdict, states: r.states, seconds: +((performance.now() - t) / 1000).toFixed(3) };
  });
  const result = {
    benchmark: 'kernel',
    date: new Date().toISOString(),
    node: process.version,
    seedSequential: {
      what: 'split_leaf_mapping(0x1000); split_leaf_mapping(0x6000) on one CPU, sc memory, default geometry',
      runs: seq.runs, steps: seq.steps, seconds: +seq.seconds.toFixed(3),
      stepsPerSecond: Math.round(seq.steps / seq.seconds), stepsPerRun: Math.round(seq.steps / seq.runs),
    },
    compaction,
    mutexFirst200k: { states: big.states, transitions: big.transitions, seconds: +bigSeconds.toFixed(3), statesPerSecond: Math.round(big.states / bigSeconds) },
  };
  const out = join(process.argv[2] ?? join(root, 'results'), 'bench-kernel.json'); // the suite passes its --out
  writeWhole(out, JSON.stringify(result, null, 2) + '\n');
  console.log(`ptmc kernel-C benchmark (node ${process.version})`);
  console.log(`  seed split_leaf_mapping, sequential: ${result.seedSequential.stepsPerSecond.toLocaleString('en-US')} steps/s (${result.seedSequential.stepsPerRun} steps per run, ${seq.runs} runs)`);
  console.log(`  check split-mutex (first 200,000 states): ${result.mutexFirst200k.statesPerSecond.toLocaleString('en-US')} states/s, ${result.mutexFirst200k.transitions} transitions`);
  for (const c of compaction) console.log(`  set_memory_ro alone, no walker, compaction ${c.compactMemory ? 'on' : 'off'}: ${c.verdict}, ${c.states.toLocaleString('en-US')} states, ${c.seconds} s`);
  console.log(`  -> ${out}`);
}

void main();
