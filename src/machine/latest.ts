// Translation under the newest committed writes (what memory says now, ignoring caches),
// optionally with one location's value replaced. The BBM and leak checks use it to ask
// "what did this VA translate to just before and just after this commit".

import { A_AF, DESC_INVALID, DESC_TABLE } from '../arch/attrs.js';
import { C_TTBR, C_TTBR_PENDING, P_WACTIVE, P_WATTRS, P_WFRAME, P_WLEVEL, WC_ENTRY } from './layout.js';
import type { Machine } from './machine.js';
import { newestWrite } from './memory.js';
import { wcBase, wcCovers, W_ATTRS, W_FRAME, W_LEVEL } from './tlb.js';
import { alignDown, leafSizeLog2, slotLoc, walkerBase } from './walk.js';

export class Translation {
  valid = false;
  /** Output page of the translated VA page (not the block base). */
  oa = 0;
  size = 0;
  attrs = 0;
  level = 0;
  /** Whether the walk read the overridden location. */
  touched = false;
  /** Level at which the walk read the overridden location. */
  touchedLevel = 0;
}

export function translateLatest(
  m: Machine, s: Int32Array, frame: number, level: number, attrs: number, vaPage: number,
  overLoc: number, overLo: number, overHi: number, out: Translation,
): Translation {
  out.valid = false;
  out.touched = false;
  for (;;) {
    if (frame < 0) return out;
    const loc = slotLoc(m, frame, level, vaPage);
    let lo: number;
    let hi: number;
    if (loc === overLoc) {
      lo = overLo;
      hi = overHi;
      out.touched = true;
      out.touchedLevel = level;
    } else {
      const w = newestWrite(m, s, loc);
      lo = s[w]!;
      hi = s[w + 1]!;
    }
    const k = m.enc.descKind(lo, hi, level);
    if (k === DESC_INVALID) return out;
    if (k === DESC_TABLE) {
      frame = m.frameOfPfn(m.enc.descPfn(lo, hi));
      attrs |= m.enc.tableAttrs(lo, hi);
      level++;
      continue;
    }
    const a = m.enc.leafAttrs(lo, hi) | attrs;
    if (((a >> A_AF) & 1) === 0) return out;
    const size = leafSizeLog2(m, level, hi);
    out.valid = true;
    out.size = size;
    out.attrs = a;
    out.level = level;
    out.oa = alignDown(m.enc.descPfn(lo, hi), size) + (vaPage - alignDown(vaPage, size));
    return out;
  }
}

/**
 * Every place a walk for (region, vaPage) may start from now: each CPU's current and
 * pending TTBR, its walk-cache entries for the VA, and its walks in flight for probe
 * (frame, level, attrs triples, deduplicated).
 */
export function liveStarts(m: Machine, s: Int32Array, region: number, vaPage: number, probe: number): number[] {
  const out: number[] = [];
  const add = (f: number, l: number, a: number): void => {
    for (let i = 0; i < out.length; i += 3) if (out[i] === f && out[i + 1] === l && out[i + 2] === a) return;
    out.push(f, l, a);
  };
  const root = m.cfg.geometry.rootLevel;
  for (let c = 0; c < m.layout.cpus; c++) {
    const cb = m.layout.cpu(c);
    if (s[cb + C_TTBR + region]! > 0) add(s[cb + C_TTBR + region]! - 1, root, 0);
    const p = s[cb + C_TTBR_PENDING + region]!;
    if (p > 1) add(p - 2, root, 0);
    const wb = wcBase(m, c);
    for (let i = 0; i < s[wb]!; i++) {
      const e = wb + 1 + i * WC_ENTRY;
      if (wcCovers(m, s, e, region, vaPage)) add(s[e + W_FRAME]!, s[e + W_LEVEL]! + 1, s[e + W_ATTRS]!);
    }
    const w = walkerBase(m, c, probe);
    if (s[w + P_WACTIVE] !== 0 && s[w + P_WFRAME]! >= 0) add(s[w + P_WFRAME]!, s[w + P_WLEVEL]!, s[w + P_WATTRS]!);
  }
  return out;
}
