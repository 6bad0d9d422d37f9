// The state at the end of a trace, for readers: each root's page-table tree under the
// newest writes (leaves with their VA ranges) and each CPU's TLB and walk cache.

import { DESC_INVALID, DESC_TABLE } from '../arch/attrs.js';
import { levelShift } from '../arch/arm64/geometry.js';
import { tlbEntryName } from '../check/describe.js';
import { C_TTBR, TLB_ENTRY, WC_ENTRY } from '../machine/layout.js';
import type { Machine } from '../machine/machine.js';
import { newestWrite } from '../machine/memory.js';
import { tlbBase, W_FRAME, W_LEVEL, W_PREFIX, wcBase } from '../machine/tlb.js';

const hex = (n: number): string => '0x' + n.toString(16);

export function renderEndState(m: Machine, s: Int32Array): string[] {
  const out: string[] = [];
  const g = m.cfg.geometry;
  const roots = new Set<number>();
  for (let c = 0; c < m.layout.cpus; c++) roots.add(s[m.layout.cpu(c) + C_TTBR + 1]! - 1);
  const walk = (frame: number, level: number, vaBase: number, indent: string): void => {
    for (let i = 0; i < m.layout.entries; i++) {
      const w = newestWrite(m, s, frame * m.layout.entries + i);
      const lo = s[w]!;
      const hi = s[w + 1]!;
      const k = m.enc.descKind(lo, hi, level);
      if (k === DESC_INVALID && lo === 0 && hi === 0) continue;
      const va = vaBase + i * 2 ** levelShift(g, level);
      out.push(`${indent}[${i}] VA ${hex(va)}: ${m.enc.describeDesc(lo, hi, level)}`);
      if (k === DESC_TABLE) {
        const next = m.frameOfPfn(m.enc.descPfn(lo, hi));
        if (next >= 0 && level < 3) walk(next, level + 1, va, indent + '    ');
      }
    }
  };
  for (const r of roots) {
    if (r < 0) continue;
    out.push(`page tables from ${m.cfg.profile === 'x86_64' ? 'CR3' : 'TTBR1'} = frame ${r} (PA ${hex(m.framePa(r))}), newest writes:`);
    walk(r, g.rootLevel, 0, '  ');
  }
  for (let c = 0; c < m.layout.cpus; c++) {
    const tb = tlbBase(m, c);
    const wb = wcBase(m, c);
    const tlb = Array.from({ length: s[tb]! }, (_, i) => tlbEntryName(m, s, tb + 1 + i * TLB_ENTRY));
    const wc = Array.from({ length: s[wb]! }, (_, i) => {
      const e = wb + 1 + i * WC_ENTRY;
      return `[level ${s[e + W_LEVEL]} prefix ${s[e + W_PREFIX]} -> frame ${s[e + W_FRAME]}]`;
    });
    out.push(`CPU${c} TLB: ${tlb.length ? tlb.join(' ') : 'empty'}; walk cache: ${wc.length ? wc.join(' ') : 'empty'}`);
  }
  return out;
}
