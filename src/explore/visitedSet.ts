// The visited set: 64-bit state fingerprints in an open-addressing table (linear probing
// over a BigInt64Array-free layout: two Int32 lanes per slot, 0/0 marks empty). It grows
// by doubling; the multi-core issue replaces it with a SharedArrayBuffer table.

export class VisitedSet {
  private lo: Int32Array;
  private hi: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacityLog2 = 16) {
    this.lo = new Int32Array(1 << capacityLog2);
    this.hi = new Int32Array(1 << capacityLog2);
    this.mask = (1 << capacityLog2) - 1;
  }

  /** Insert fingerprint (a, b); true if it was new. */
  add(a: number, b: number): boolean {
    if (a === 0 && b === 0) a = 1; // 0/0 is the empty marker
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask;
    for (;;) {
      const x = this.lo[i]!;
      const y = this.hi[i]!;
      if (x === 0 && y === 0) break;
      if (x === a && y === b) return false;
      i = (i + 1) & this.mask;
    }
    this.lo[i] = a;
    this.hi[i] = b;
    if (++this.size * 2 > this.mask) this.grow();
    return true;
  }

  has(a: number, b: number): boolean {
    if (a === 0 && b === 0) a = 1;
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask;
    for (;;) {
      const x = this.lo[i]!;
      const y = this.hi[i]!;
      if (x === 0 && y === 0) return false;
      if (x === a && y === b) return true;
      i = (i + 1) & this.mask;
    }
  }

  /** Bytes the table occupies. */
  bytes(): number {
    return this.lo.byteLength * 2;
  }

  private grow(): void {
    const { lo, hi } = this;
    this.lo = new Int32Array(lo.length * 2);
    this.hi = new Int32Array(lo.length * 2);
    this.mask = this.lo.length - 1;
    this.size = 0;
    for (let i = 0; i < lo.length; i++) if (lo[i] !== 0 || hi[i] !== 0) this.add(lo[i]!, hi[i]!);
  }
}
