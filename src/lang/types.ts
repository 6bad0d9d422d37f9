// C types of the kernel-C subset on the LP64 ABI, and the integer rules: promotions, the
// usual arithmetic conversions, wraparound for unsigned and two's complement truncation.

export type CType =
  | { readonly kind: 'int'; readonly bits: 8 | 16 | 32 | 64; readonly signed: boolean; readonly name: string; readonly bool?: boolean }
  | { readonly kind: 'ptr'; readonly to: CType; readonly name?: string }
  | { readonly kind: 'void' }
  | { readonly kind: 'struct'; readonly name: string };

const int = (bits: 8 | 16 | 32 | 64, signed: boolean, name: string, bool = false): CType => ({ kind: 'int', bits, signed, name, ...(bool ? { bool } : {}) });

export const T_VOID: CType = { kind: 'void' };
export const T_BOOL = int(8, false, 'bool', true);
/** Plain char is unsigned, as the kernel builds it (-funsigned-char) and as the arm64 ABI has it. */
export const T_CHAR = int(8, false, 'char');
export const T_INT = int(32, true, 'int');
export const T_UINT = int(32, false, 'unsigned int');
export const T_LONG = int(64, true, 'long');
export const T_ULONG = int(64, false, 'unsigned long');

/** The kernel's typedefs. Descriptor types are plain 64-bit integers here (the kernel wraps them in structs). */
export const TYPEDEFS: Readonly<Record<string, CType>> = {
  u8: int(8, false, 'u8'), u16: int(16, false, 'u16'), u32: int(32, false, 'u32'), u64: int(64, false, 'u64'),
  s8: int(8, true, 's8'), s16: int(16, true, 's16'), s32: int(32, true, 's32'), s64: int(64, true, 's64'),
  __u64: int(64, false, '__u64'), __s64: int(64, true, '__s64'), __u32: int(32, false, '__u32'),
  size_t: int(64, false, 'size_t'), ssize_t: int(64, true, 'ssize_t'), uintptr_t: int(64, false, 'uintptr_t'),
  phys_addr_t: int(64, false, 'phys_addr_t'), gfp_t: int(32, false, 'gfp_t'),
  pteval_t: int(64, false, 'pteval_t'), pmdval_t: int(64, false, 'pmdval_t'), pudval_t: int(64, false, 'pudval_t'),
  p4dval_t: int(64, false, 'p4dval_t'), pgdval_t: int(64, false, 'pgdval_t'),
  pte_t: int(64, false, 'pte_t'), pmd_t: int(64, false, 'pmd_t'), pud_t: int(64, false, 'pud_t'),
  p4d_t: int(64, false, 'p4d_t'), pgd_t: int(64, false, 'pgd_t'), pgprot_t: int(64, false, 'pgprot_t'),
  bool: T_BOOL, _Bool: T_BOOL,
};

export function ptr(to: CType): CType {
  return { kind: 'ptr', to };
}

export function isInt(t: CType): t is Extract<CType, { kind: 'int' }> {
  return t.kind === 'int';
}

export function isScalar(t: CType): boolean {
  return t.kind === 'int' || t.kind === 'ptr';
}

export function sizeOf(t: CType): number {
  if (t.kind === 'int') return t.bits / 8;
  if (t.kind === 'ptr') return 8;
  return 1; // GNU C: sizeof(void) == 1, and void * arithmetic is byte arithmetic
}

export function typeName(t: CType): string {
  if (t.kind === 'int') return t.name;
  if (t.kind === 'ptr') return `${typeName(t.to)} *`;
  if (t.kind === 'struct') return `struct ${t.name}`;
  return 'void';
}

/** Integer promotion: anything narrower than int becomes int. */
export function promote(t: CType): CType {
  if (t.kind === 'int' && t.bits < 32) return T_INT;
  return t;
}

/** The usual arithmetic conversions (C11 6.3.1.8) for two integer operands. */
export function usualArith(a: CType, b: CType): CType {
  const x = promote(a);
  const y = promote(b);
  if (x.kind !== 'int' || y.kind !== 'int') return T_ULONG;
  if (x.bits === y.bits && x.signed === y.signed) return x;
  if (x.signed === y.signed) return x.bits > y.bits ? x : y;
  const [u, s] = x.signed ? [y, x] : [x, y];
  if (u.bits >= s.bits) return u;
  return s; // the signed type is wider, so it holds every value of the unsigned one
}

/** Bring v into the range of integer type t (pointers are unsigned 64-bit). */
export function wrap(t: CType, v: bigint): bigint {
  if (t.kind === 'int') {
    if (t.bool) return v !== 0n ? 1n : 0n;
    return t.signed ? BigInt.asIntN(t.bits, v) : BigInt.asUintN(t.bits, v);
  }
  return BigInt.asUintN(64, v);
}
