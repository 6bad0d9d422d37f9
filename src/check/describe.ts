// Shared wording for violation explanations: VAs, PAs, descriptors, TLB entries.

import { T_ATTRS, T_LEVEL, T_OA, T_REGION, T_SIZE, T_VABASE } from '../machine/tlb.js';
import type { Machine } from '../machine/machine.js';

export const hex = (n: number): string => '0x' + n.toString(16);

export function vaName(m: Machine, probe: number): string {
  const p = m.cfg.probes[probe]!;
  return `VA ${hex(p.va)}${p.region === 0 ? ' (TTBR0)' : ''}`;
}

export function locName(m: Machine, loc: number): string {
  const L = m.layout;
  if (loc >= L.tableLocs) return `data word at PA ${hex(m.paOfLoc(loc))}`;
  return `descriptor at PA ${hex(m.paOfLoc(loc))} (frame ${Math.floor(loc / L.entries)} slot ${loc % L.entries})`;
}

export function descName(m: Machine, lo: number, hi: number, level: number): string {
  return m.enc.describeDesc(lo, hi, level);
}

/** A TLB tuple at offset e of s. */
export function tlbEntryName(m: Machine, s: Int32Array, e: number): string {
  return tlbTupleName(m, s[e + T_REGION]!, s[e + T_VABASE]!, s[e + T_SIZE]!, s[e + T_OA]!, s[e + T_ATTRS]!, s[e + T_LEVEL]!);
}

export function tlbTupleName(m: Machine, region: number, vaBase: number, size: number, oa: number, attrs: number, level: number): string {
  const bytes = 2 ** size * 4096;
  return `[${region === 0 ? 'TTBR0 ' : ''}VA ${hex(vaBase * 4096)}-${hex(vaBase * 4096 + bytes - 1)} -> PA ${hex(oa * 4096)}, ` +
    `${bytes >= 1024 * 1024 ? bytes / 1024 / 1024 + ' MiB' : bytes / 1024 + ' KiB'} level-${level} ${m.enc.describeAttrs(attrs)}]`;
}
