// x86-64 paging-entry bits (4-level paging, 4K pages), with Linux's names. The protections
// are those of include/asm-x86/pgtable.h as the CPA two-pass series left it (v2.6.28):
// __PAGE_KERNEL_EXEC includes _PAGE_GLOBAL, and head_64.S's __PAGE_KERNEL_IDENT_LARGE_EXEC
// is __PAGE_KERNEL_LARGE_EXEC, so it differs from __PAGE_KERNEL_LARGE in NX only (the
// patch's BUILD_BUG_ON). Values are bigint for the language; decode.ts reads halves.

const B = (n: number): bigint => 1n << BigInt(n);

/** Bit positions the machine decodes directly. */
export const XBIT = {
  PRESENT: 0,
  RW: 1,
  USER: 2,
  PWT: 3,
  PCD: 4,
  ACCESSED: 5,
  DIRTY: 6,
  PSE: 7, // a large page at the PDPT and PD levels; PAT on a 4K PTE
  GLOBAL: 8,
  NX: 63,
} as const;

export const _PAGE_PRESENT = B(XBIT.PRESENT);
export const _PAGE_RW = B(XBIT.RW);
export const _PAGE_USER = B(XBIT.USER);
export const _PAGE_PWT = B(XBIT.PWT);
export const _PAGE_PCD = B(XBIT.PCD);
export const _PAGE_ACCESSED = B(XBIT.ACCESSED);
export const _PAGE_DIRTY = B(XBIT.DIRTY);
export const _PAGE_PSE = B(XBIT.PSE);
export const _PAGE_PAT = B(7);
export const _PAGE_GLOBAL = B(XBIT.GLOBAL);
export const _PAGE_PAT_LARGE = B(12);
export const _PAGE_NX = B(XBIT.NX);
export const PTE_PFN_MASK = ((1n << 40n) - 1n) << 12n; // physical address bits 51:12
export const PTE_FLAGS_MASK = ~PTE_PFN_MASK & ((1n << 64n) - 1n);

export const _PAGE_TABLE = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY;
export const _KERNPG_TABLE = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY;

// Kernel protections: MAKE_GLOBAL applied, before masking with __supported_pte_mask
// (which pfn_pte does in the prelude, as massage_pgprot does in the kernel).
export const __PAGE_KERNEL_EXEC = _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_GLOBAL;
export const __PAGE_KERNEL = __PAGE_KERNEL_EXEC | _PAGE_NX;
export const __PAGE_KERNEL_RO = __PAGE_KERNEL & ~_PAGE_RW;
export const __PAGE_KERNEL_RX = __PAGE_KERNEL_EXEC & ~_PAGE_RW;
export const __PAGE_KERNEL_LARGE = __PAGE_KERNEL | _PAGE_PSE;
export const __PAGE_KERNEL_LARGE_EXEC = __PAGE_KERNEL_EXEC | _PAGE_PSE;
export const __PAGE_KERNEL_IDENT_LARGE_EXEC = __PAGE_KERNEL_LARGE_EXEC;

/** Every name above (and PAGE_KERNEL* without the underscores), for models and scenarios. */
export const X86_DESCRIPTOR_NAMES: Readonly<Record<string, bigint>> = {
  _PAGE_PRESENT, _PAGE_RW, _PAGE_USER, _PAGE_PWT, _PAGE_PCD, _PAGE_ACCESSED, _PAGE_DIRTY, _PAGE_PSE, _PAGE_PAT,
  _PAGE_GLOBAL, _PAGE_PAT_LARGE, _PAGE_NX, PTE_PFN_MASK, PTE_FLAGS_MASK, _PAGE_TABLE, _KERNPG_TABLE,
  __PAGE_KERNEL_EXEC, __PAGE_KERNEL, __PAGE_KERNEL_RO, __PAGE_KERNEL_RX, __PAGE_KERNEL_LARGE,
  __PAGE_KERNEL_LARGE_EXEC, __PAGE_KERNEL_IDENT_LARGE_EXEC,
  PAGE_KERNEL: __PAGE_KERNEL, PAGE_KERNEL_EXEC: __PAGE_KERNEL_EXEC, PAGE_KERNEL_RO: __PAGE_KERNEL_RO,
  PAGE_KERNEL_RX: __PAGE_KERNEL_RX, PAGE_KERNEL_LARGE: __PAGE_KERNEL_LARGE,
  PAGE_KERNEL_LARGE_EXEC: __PAGE_KERNEL_LARGE_EXEC, PAGE_KERNEL_IDENT_LARGE_EXEC: __PAGE_KERNEL_IDENT_LARGE_EXEC,
};
