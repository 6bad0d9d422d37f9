// Check, state by state, that a SPIN twin and its ptmc scenario have the same reachable
// states without reduction (bench/spin/README.md). Part of ptmc (MIT licence).
//
//   npx tsc -p tsconfig.json && node bench/spin/verify-states.mjs [split-race|bbm ...]
//
// ptmc side: every state reachable without reduction (exact words, as the brute-force
// enumerator keeps them), each decoded into the twin's variables. SPIN side: pan.c is
// patched to print those variables for every state it stores. The two sets must be equal
// once SPIN's control states are renamed to the program points ptmc's CPUs stand at (that
// renaming is inferred, and must be a bijection). Needs spin and gcc; writes to a temp dir.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => join(root, 'dist', 'src', p);
const { twinSession } = await import(join(root, 'dist', 'bench', 'suite', 'spin.js'));
const { ActionList, enumerate } = await import(dist('machine/transitions.js'));
const Lay = await import(dist('machine/layout.js'));

const split = (v) => { const b = BigInt.asUintN(64, v); return `${Number(b & 0xffffffffn) | 0}:${Number(b >> 32n) | 0}`; };
const list = (xs) => xs.join(',');

/** Per pair: the scenario, the model, what SPIN prints, and how a ptmc state decodes. */
const PAIRS = {
  'split-race': {
    scenario: 'bench/scenarios/spin-split-race.yaml',
    promela: 'bench/spin/split-race.pml',
    cpus: 2,
    spinFields: () => {
      const f = ['gt', 'mn', 'mv', 'mts', 'fr', 'vR', 'vW', 'vFl', 'vDsb', 'coh', 'wEarly', 'wAct', 'wLvl', 'wFrame', 'wFloor', 'wDone', 'wFill', 'wFillView', 'tlb', 'wc'];
      for (const c of [0, 1]) {
        f.push(`pc${c}=((P0 *)pptr(${c}))->_p`, `pt${c}=((P0 *)pptr(${c}))->ptep`, `sbn${c}=((Q1 *)qptr(${c}))->Qlen`);
        for (const i of [0, 1]) f.push(`sbl${c}${i}=((Q1 *)qptr(${c}))->contents[${i}].fld0`, `sbv${c}${i}=((Q1 *)qptr(${c}))->contents[${i}].fld1`);
      }
      return f;
    },
    decoder(m, d, L) {
      const PK = m.enc.names.PAGE_KERNEL;
      const code = new Map([
        [split(0n), 0], [split(m.enc.leafDesc(0n, PK, 2, false)), 1], [split(m.enc.tableDesc(BigInt(m.framePa(1)))), 2],
        [split(m.enc.tableDesc(BigInt(m.framePa(2)))), 3], [split(m.enc.leafDesc(0n, PK, 3, false)), 4], [split(m.enc.leafDesc(0x1000n, PK, 3, false)), 5],
      ]);
      const cv = (lo, hi) => { const c = code.get(`${lo}:${hi}`); if (c === undefined) throw new Error(`unexpected value ${lo}:${hi}`); return c; };
      const H = 4, SBCAP = 2;
      return (s) => {
        const o = { gt: s[Lay.G_TIME] };
        const mn = [], mv = [], mts = [];
        for (let l = 0; l < 6; l++) {
          const b = L.mem(l), n = s[b];
          if (n > H) throw new Error('history longer than the twin keeps');
          mn.push(n);
          for (let i = 0; i < H; i++) {
            const w = b + 1 + i * Lay.MEM_ENTRY;
            if (i < n && s[w + 3] !== 0) throw new Error('write flags');
            mv.push(i < n ? cv(s[w], s[w + 1]) : 0); mts.push(i < n ? s[w + 2] : 0);
          }
        }
        Object.assign(o, { mn: list(mn), mv: list(mv), mts: list(mts), fr: list([0, 1, 2].map((f) => s[L.frameBase + f])) });
        const cs = [0, 1].map((k) => L.cpu(k));
        for (const [nm, off] of [['vR', Lay.C_VR], ['vW', Lay.C_VW], ['vFl', Lay.C_VFLOOR], ['vDsb', Lay.C_VDSB]]) o[nm] = list(cs.map((b) => s[b + off]));
        o.coh = list(cs.flatMap((b) => Array.from(s.subarray(b + L.cCoh, b + L.cCoh + 6))));
        const W = [0, 1, 2].map((k) => L.probe(k, 0));
        const pw = (off, g = (x) => x) => list(W.map((w) => g(s[w + off])));
        Object.assign(o, {
          wEarly: pw(Lay.P_EARLY, (x) => (x ? 1 : 0)), wAct: pw(Lay.P_WACTIVE), wLvl: pw(Lay.P_WLEVEL), wFrame: pw(Lay.P_WFRAME),
          wFloor: pw(Lay.P_WFLOOR), wDone: pw(Lay.P_WDONE), wFill: pw(Lay.P_WFILLS), wFillView: pw(Lay.P_WFILLS + 2),
        });
        const tlb = [], wc = [];
        for (let k = 0; k < 3; k++) {
          const tb = L.cpu(k) + L.cTlb; let t = 0;
          for (let i = 0; i < s[tb]; i++) t |= s[tb + 1 + i * Lay.TLB_ENTRY + 5] === 2 ? 1 : 2; // level 2: the block entry
          tlb.push(t);
          const wb = L.cpu(k) + L.cWc; const e = [0, 0, 0];
          for (let i = 0; i < s[wb]; i++) e[s[wb + 1 + i * Lay.WC_ENTRY + 3]] = 1 + s[wb + 1 + i * Lay.WC_ENTRY + 5];
          wc.push(...e);
        }
        Object.assign(o, { tlb: list(tlb), wc: list(wc) });
        // Per CPU: program point, the local ptep (a frame), the store buffer.
        const pc = [];
        for (let k = 0; k < 2; k++) {
          const pos = d.position(m, s, k);
          pc.push(pos ? pos.line : 'ret');
          const kc = L.region('kc') + k * d.words;
          let f = 0;
          for (let w = 0; w < d.words; w++) for (const g of [1, 2]) if (s[kc + w] === m.framePa(g)) f = g;
          o[`pt${k}`] = f;
          const b = cs[k] + L.cSb, n = s[b];
          o[`sbn${k}`] = n;
          for (let i = 0; i < SBCAP; i++) {
            const e = b + 1 + i * Lay.SB_ENTRY;
            if (i < n && (s[e + 3] || s[e + 4])) throw new Error('store-buffer epoch or flags');
            o[`sbl${k}${i}`] = i < n ? s[e] : 0; o[`sbv${k}${i}`] = i < n ? cv(s[e + 1], s[e + 2]) : 0;
          }
        }
        o.pc = list(pc);
        return o;
      };
    },
  },
  bbm: {
    scenario: 'bench/scenarios/spin-bbm.yaml',
    promela: 'bench/spin/bbm.pml',
    cpus: 1,
    spinFields: () => [
      'gt', 'mn', 'mv', 'mts', 'vR', 'vW', 'vFl', 'vDsb', 'vCse', 'vTlbi', 'coh', 'tlbiOut', 'tqn', 'tqv', 'wEarly', 'wEarlyFl', 'wAct', 'wLvl',
      'wFloor', 'wStart', 'wDone', 'wFill', 'wFillView', 'tlb', 'wcHas', 'wcView', 'bbmSt', 'bbmView',
      'pc0=((P0 *)pptr(0))->_p', 'sbn=((Q1 *)qptr(0))->Qlen', 'sbv=((Q1 *)qptr(0))->contents[0].fld0',
    ],
    decoder(m, d, L) {
      const PK = m.enc.names.PAGE_KERNEL;
      const code = new Map([[split(0n), 0], [split(m.enc.leafDesc(0x1000n, PK, 3, false)), 1], [split(m.enc.leafDesc(0x3000n, PK, 3, false)), 2]]);
      const cv = (lo, hi) => { const c = code.get(`${lo}:${hi}`); if (c === undefined) throw new Error(`unexpected value ${lo}:${hi}`); return c; };
      const H = 4, NW = 3;
      return (s) => {
        // Locations 0-2 (root[0], root[1], the PTE of VA 0) keep one write, stamped 0.
        for (let l = 0; l < 3; l++) { const b = L.mem(l); if (s[b] !== 1 || s[b + 3] !== 0) throw new Error(`location ${l} changed`); }
        const b = L.mem(3), n = s[b];
        if (n > H) throw new Error('history longer than the twin keeps');
        const mv = [], mts = [];
        for (let i = 0; i < H; i++) { const w = b + 1 + i * Lay.MEM_ENTRY; mv.push(i < n ? cv(s[w], s[w + 1]) : 0); mts.push(i < n ? s[w + 2] : 0); }
        const c0 = L.cpu(0), cs = [0, 1, 2, 3].map((k) => L.cpu(k)), W = [1, 2, 3].map((k) => L.probe(k, 0));
        const pw = (off, g = (x) => x) => list(W.map((w) => g(s[w + off])));
        const sbn = s[c0 + L.cSb];
        const tlb = [], wcHas = [], wcView = [];
        for (let k = 1; k <= NW; k++) {
          const tb = L.cpu(k) + L.cTlb; let t = 0;
          for (let i = 0; i < s[tb]; i++) t |= s[tb + 1 + i * Lay.TLB_ENTRY + 3] === 1 ? 1 : 2; // OA page 1: the old mapping
          tlb.push(t);
          const wb = L.cpu(k) + L.cWc; wcHas.push(s[wb]); wcView.push(s[wb] ? s[wb + 1 + 5] : 0);
        }
        const r = L.region('bbm');
        const pos = d.position(m, s, 0);
        return {
          gt: s[Lay.G_TIME], mn: n, mv: list(mv), mts: list(mts),
          vR: s[c0 + Lay.C_VR], vW: s[c0 + Lay.C_VW], vFl: s[c0 + Lay.C_VFLOOR], vDsb: s[c0 + Lay.C_VDSB], vCse: s[c0 + Lay.C_VCSE],
          vTlbi: list(cs.map((c) => s[c + Lay.C_VTLBI])), coh: s[c0 + L.cCoh + 3], tlbiOut: s[c0 + Lay.C_TLBI_OUT],
          tqn: list(cs.map((c) => s[c + L.cTq])), tqv: list(cs.map((c) => (s[c + L.cTq] ? s[c + L.cTq + 1 + 4] : 0))),
          wEarly: pw(Lay.P_EARLY, (x) => (x ? 1 : 0)), wEarlyFl: pw(Lay.P_EARLY_FLOOR), wAct: pw(Lay.P_WACTIVE), wLvl: pw(Lay.P_WLEVEL),
          wFloor: pw(Lay.P_WFLOOR), wStart: pw(Lay.P_WSTART), wDone: pw(Lay.P_WDONE), wFill: pw(Lay.P_WFILLS, (x) => (x ? 1 : 0)),
          wFillView: pw(Lay.P_WFILLS + 2), tlb: list(tlb), wcHas: list(wcHas), wcView: list(wcView), bbmSt: s[r], bbmView: s[r + 4],
          sbn, sbv: sbn ? cv(s[c0 + L.cSb + 2], s[c0 + L.cSb + 3]) : 0, pc: pos ? String(pos.line) : 'ret',
        };
      };
    },
  },
};

function ptmcStates(pair) {
  const ses = twinSession(join(root, pair.scenario)), m = ses.m, d = ses.driver;
  const decode = pair.decoder(m, d, m.layout);
  const key = (s) => Buffer.from(s.buffer, s.byteOffset, s.byteLength).toString('latin1');
  const s0 = ses.initialState();
  const seen = new Map([[key(s0), s0]]);
  const stack = [s0], al = new ActionList();
  while (stack.length) {
    const s = stack.pop();
    enumerate(m, d, s, al);
    const acts = al.data.slice(0, al.length * 4);
    for (let i = 0; i < al.length; i++) {
      const t = s.slice(), found = [];
      ses.step(t, acts[i * 4], acts[i * 4 + 1], acts[i * 4 + 2], acts[i * 4 + 3], found);
      if (found.length) throw new Error(`ptmc reports ${found[0].kind}: the scenario must verify`);
      const k = key(t);
      if (!seen.has(k)) { seen.set(k, t); stack.push(t); }
    }
  }
  return [...seen.values()].map(decode); // the initial state first
}

function spinStates(pair, dir) {
  const pml = pair.promela.split('/').pop();
  copyFileSync(join(root, pair.promela), join(dir, pml));
  execFileSync('spin', ['-a', pml], { cwd: dir });
  const fields = pair.spinFields();
  const h = readFileSync(join(dir, 'pan.h'), 'utf8');
  const size = (f) => {
    const mt = new RegExp(`\\n\\t(?:uchar|unsigned) ${f}(?:\\[(\\d+)\\])?(?: : 1)?;`).exec(h);
    if (!mt) throw new Error(`no ${f} in pan.h (hidden by SPIN as write-only?)`);
    return Number(mt[1] ?? 0);
  };
  const body = fields.map((f) => {
    const [nm, ex] = f.includes('=') ? f.split(/=(.*)/s) : [f, null];
    if (ex) return `fprintf(ptmc_f, "${nm}=%d ", (int) (${ex}));`;
    const n = size(f);
    return n === 0 ? `fprintf(ptmc_f, "${f}=%d ", (int) now.${f});`
      : `fprintf(ptmc_f, "${f}="); for (int i = 0; i < ${n}; i++) fprintf(ptmc_f, "%d%s", (int) now.${f}[i], i + 1 < ${n} ? "," : " ");`;
  }).join('\n');
  let c = readFileSync(join(dir, 'pan.c'), 'utf8');
  const hook = 'nstates++;';
  if (!c.includes(hook)) throw new Error('pan.c has no nstates++');
  c = c.replace('#include "pan.h"', '#include "pan.h"\nstatic void ptmc_dump(void);').split(hook).join(`${hook} ptmc_dump();`);
  c += `\nstatic FILE *ptmc_f;\nstatic void ptmc_dump(void) {\nif (!ptmc_f) ptmc_f = fopen("states.txt", "w");\n${body}\nfprintf(ptmc_f, "\\n");\n}\n`;
  writeFileSync(join(dir, 'pan.c'), c);
  execFileSync('gcc', ['-O0', '-w', '-DSAFETY', '-DNOREDUCE', '-o', 'pan', 'pan.c'], { cwd: dir });
  const out = execFileSync(join(dir, 'pan'), ['-m100000'], { cwd: dir, encoding: 'utf8' });
  if (!/errors: 0/.test(out)) throw new Error(`pan: ${out}`);
  return readFileSync(join(dir, 'states.txt'), 'utf8').trim().split('\n').map((line) => {
    const o = {};
    for (const tok of line.trim().split(' ')) { const i = tok.indexOf('='); o[tok.slice(0, i)] = tok.slice(i + 1); }
    o.pc = list(Array.from({ length: pair.cpus }, (_, k) => o[`pc${k}`]));
    for (let k = 0; k < pair.cpus; k++) delete o[`pc${k}`];
    return o;
  });
}

function compare(name, a, b) {
  const keys = Object.keys(a[0]).filter((k) => k !== 'pc').sort();
  const bk = Object.keys(b[0]).filter((k) => k !== 'pc').sort();
  if (list(keys) !== list(bk)) throw new Error(`${name}: fields differ: ${keys} / ${bk}`);
  const rest = (o) => keys.map((k) => `${k}=${o[k]}`).join(' ');
  // Infer the renaming of program points: from the initial states, and from states whose
  // other fields occur once on each side; then the last one left, if one is left.
  const ma = new Map(), mb = new Map();
  for (const o of a) ma.set(rest(o), [...(ma.get(rest(o)) ?? []), o.pc]);
  for (const o of b) mb.set(rest(o), [...(mb.get(rest(o)) ?? []), o.pc]);
  const ren = new Map();
  const pairUp = (x, y) => x.split(',').forEach((p, i) => { if (!ren.has(p)) ren.set(p, y.split(',')[i]); });
  pairUp(a[0].pc, b[0].pc);
  for (const [k, v] of ma) if (v.length === 1 && mb.get(k)?.length === 1) pairUp(v[0], mb.get(k)[0]);
  const pa = new Set(a.flatMap((o) => o.pc.split(','))), pb = new Set(b.flatMap((o) => o.pc.split(',')));
  const la = [...pa].filter((p) => !ren.has(p)), lb = [...pb].filter((p) => ![...ren.values()].includes(p));
  if (la.length === 1 && lb.length === 1) ren.set(la[0], lb[0]);
  if (new Set(ren.values()).size !== ren.size || ren.size !== pa.size || pa.size !== pb.size) throw new Error(`${name}: no bijection between program points: ${[...ren]}`);
  const sa = new Set(a.map((o) => `${rest(o)} pc=${o.pc.split(',').map((p) => ren.get(p)).join(',')}`));
  const sb = new Set(b.map((o) => `${rest(o)} pc=${o.pc}`));
  const onlyA = [...sa].filter((x) => !sb.has(x)), onlyB = [...sb].filter((x) => !sa.has(x));
  console.log(`${name}: ptmc ${a.length} states (${sa.size} distinct decoded), SPIN ${b.length} states; program points ${[...ren].map(([x, y]) => `${x}->${y}`).join(' ')}`);
  if (sa.size !== a.length || onlyA.length || onlyB.length) {
    console.log(`  DIFFERENT: ${onlyA.length} only in ptmc, ${onlyB.length} only in SPIN`, onlyA[0] ?? '', onlyB[0] ?? '');
    process.exitCode = 1;
  } else console.log('  the same states');
}

for (const name of process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(PAIRS)) {
  const pair = PAIRS[name];
  if (!pair) throw new Error(`unknown pair ${name} (${Object.keys(PAIRS).join(', ')})`);
  const dir = mkdtempSync(join(tmpdir(), `ptmc-spin-${name}-`));
  compare(name, ptmcStates(pair), spinStates(pair, dir));
}
