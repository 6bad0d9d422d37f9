// State hashing: two independent 32-bit multiply-xorshift lanes over every word, read as
// one 64-bit fingerprint. Equal states hash equal by construction (the layout is canonical).

export function hashState(s: Int32Array): [number, number] {
  let h1 = 0x9e3779b9 | 0;
  let h2 = 0x85ebca6b | 0;
  for (let i = 0; i < s.length; i++) {
    const w = s[i]!;
    h1 = Math.imul(h1 ^ w, 0x01000193);
    h1 ^= h1 >>> 15;
    h2 = Math.imul(h2 + w, 0x5bd1e995);
    h2 ^= h2 >>> 13;
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2b2ae35);
  return [h1 ^ (h1 >>> 13), h2 ^ (h2 >>> 16)];
}

/** The fingerprint as a string key (for sets in tests and the brute-force enumerator). */
export function stateKey(s: Int32Array): string {
  const [a, b] = hashState(s);
  return (a >>> 0).toString(36) + ':' + (b >>> 0).toString(36);
}
