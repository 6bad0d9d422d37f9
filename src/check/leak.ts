// Leaks, judged at a final state: a frame allocated (not freed) that no CPU's TTBR reaches
// through the newest writes.

import { DESC_TABLE } from '../arch/attrs.js';
import { C_TTBR } from '../machine/layout.js';
import { FRAME_USED, type Machine } from '../machine/machine.js';
import { newestWrite } from '../machine/memory.js';
import { hex } from './describe.js';
import type { Property, Violation } from './property.js';

export function reachableFrames(m: Machine, s: Int32Array): Set<number> {
  const seen = new Set<number>();
  const visit = (f: number, level: number): void => {
    if (f < 0 || seen.has(f)) return;
    seen.add(f);
    if (level >= 3) return;
    for (let i = 0; i < m.layout.entries; i++) {
      const w = newestWrite(m, s, f * m.layout.entries + i);
      if (m.enc.descKind(s[w]!, s[w + 1]!, level) === DESC_TABLE) visit(m.frameOfPfn(m.enc.descPfn(s[w]!, s[w + 1]!)), level + 1);
    }
  };
  for (let c = 0; c < m.layout.cpus; c++)
    for (let r = 0; r < 2; r++) visit(s[m.layout.cpu(c) + C_TTBR + r]! - 1, m.cfg.geometry.rootLevel);
  return seen;
}

export function leakProperty(): Property {
  return {
    name: 'leak',
    onFinal(m: Machine, s: Int32Array, out: Violation[]): void {
      const reach = reachableFrames(m, s);
      for (let f = 0; f < m.layout.frames; f++) {
        if (s[m.layout.frameBase + f] === FRAME_USED && !reach.has(f))
          out.push({ kind: 'leak', message: `Frame ${f} (PA ${hex(m.framePa(f))}) was allocated and is neither reachable from any TTBR nor freed at the end of the run: a page-table page leaked (e.g. the loser of a populate race).` });
      }
    },
  };
}
