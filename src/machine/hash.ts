// State fingerprints: a Zobrist-style additive hash, the sum over nonzero words of a mix of
// (index, value), in two independent 32-bit lanes read as one 64-bit fingerprint. Equal
// states hash equal by construction (the layout is canonical), and a successor's hash is
// its parent's plus the change of the words that differ (hashDelta), so the search pays a
// compare per word instead of a mix.

function lane1(i: number, v: number): number {
  let h = Math.imul(v ^ Math.imul(i, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function lane2(i: number, v: number): number {
  let h = Math.imul(v + Math.imul(i + 1, 0x7feb352d), 0x846ca68b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x27d4eb2f);
  return h ^ (h >>> 13);
}

export function hashState(s: Int32Array): [number, number] {
  let a = 0;
  let b = 0;
  for (let i = 0; i < s.length; i++) {
    const v = s[i]!;
    if (v !== 0) {
      a = (a + lane1(i, v)) | 0;
      b = (b + lane2(i, v)) | 0;
    }
  }
  return [a, b];
}

/** The hash of child, given its parent and the parent's hash; out receives [a, b]. */
export function hashDelta(parent: Int32Array, child: Int32Array, pa: number, pb: number, out: Int32Array): void {
  let a = pa;
  let b = pb;
  const n = child.length;
  // Four words per test: most of a successor equals its parent (a quarter of the branches).
  for (let i = 0; i < n; i += 4) {
    if (i + 4 <= n && ((parent[i]! ^ child[i]!) | (parent[i + 1]! ^ child[i + 1]!) | (parent[i + 2]! ^ child[i + 2]!) | (parent[i + 3]! ^ child[i + 3]!)) === 0) continue;
    const end = Math.min(i + 4, n);
    for (let k = i; k < end; k++) {
      const p = parent[k]!;
      const c = child[k]!;
      if (p === c) continue;
      if (p !== 0) {
        a = (a - lane1(k, p)) | 0;
        b = (b - lane2(k, p)) | 0;
      }
      if (c !== 0) {
        a = (a + lane1(k, c)) | 0;
        b = (b + lane2(k, c)) | 0;
      }
    }
  }
  out[0] = a;
  out[1] = b;
}
