// arm64 VMSAv8-64 descriptor bits, 4K granule, with Linux v6.18's names
// (arch/arm64/include/asm/pgtable-hwdef.h, pgtable-prot.h).
// Values are bigint for the language; the machine decodes lo/hi 32-bit halves (see decode.ts).

const B = (n: number): bigint => 1n << BigInt(n);

/** Bit positions the machine decodes directly. */
export const BIT = {
  VALID: 0,
  TABLE: 1, // table (levels 0-2) or page (level 3)
  ATTRINDX: 2, // 3 bits
  USER: 6, // AP[1]
  RDONLY: 7, // AP[2]
  SH: 8, // 2 bits
  AF: 10,
  NG: 11,
  DBM: 51,
  CONT: 52,
  PXN: 53,
  UXN: 54,
  PXN_TABLE: 59,
  UXN_TABLE: 60,
} as const;

export const PTE_VALID = B(BIT.VALID);
export const PTE_TYPE_MASK = 3n;
export const PTE_TYPE_PAGE = 3n;
export const PTE_TABLE_BIT = B(BIT.TABLE);
export const PTE_USER = B(BIT.USER);
export const PTE_RDONLY = B(BIT.RDONLY);
export const PTE_SHARED = 3n << 8n;
export const PTE_AF = B(BIT.AF);
export const PTE_NG = B(BIT.NG);
export const PTE_GP = B(50);
export const PTE_DBM = B(BIT.DBM);
export const PTE_CONT = B(BIT.CONT);
export const PTE_PXN = B(BIT.PXN);
export const PTE_UXN = B(BIT.UXN);
export const PTE_ADDR_LOW = ((1n << 36n) - 1n) << 12n; // OA[47:12]
export const PTE_ATTRINDX_MASK = 7n << 2n;
export const PTE_ATTRINDX = (t: bigint): bigint => t << 2n;
// Software bits (pgtable-prot.h).
export const PTE_WRITE = PTE_DBM;
export const PTE_SWP_EXCLUSIVE = B(2);
export const PTE_DIRTY = B(55);
export const PTE_SPECIAL = B(56);
export const PTE_PRESENT_INVALID = PTE_NG; // only when !PTE_VALID

export const PMD_TYPE_MASK = 3n;
export const PMD_TYPE_TABLE = 3n;
export const PMD_TYPE_SECT = 1n;
export const PMD_TABLE_BIT = B(BIT.TABLE);
export const PMD_TABLE_AF = B(10);
export const PMD_TABLE_PXN = B(BIT.PXN_TABLE);
export const PMD_TABLE_UXN = B(BIT.UXN_TABLE);
export const PMD_SECT_VALID = B(0);
export const PMD_SECT_USER = B(6);
export const PMD_SECT_RDONLY = B(7);
export const PMD_SECT_S = 3n << 8n;
export const PMD_SECT_AF = B(10);
export const PMD_SECT_NG = B(11);
export const PMD_SECT_CONT = B(52);
export const PMD_SECT_PXN = B(53);
export const PMD_SECT_UXN = B(54);

export const PUD_TYPE_MASK = 3n;
export const PUD_TYPE_TABLE = 3n;
export const PUD_TYPE_SECT = 1n;
export const PUD_TABLE_BIT = B(1);
export const PUD_TABLE_AF = B(10);
export const PUD_TABLE_PXN = B(BIT.PXN_TABLE);
export const PUD_TABLE_UXN = B(BIT.UXN_TABLE);
export const PUD_SECT_RDONLY = B(7);

export const P4D_TYPE_TABLE = 3n;
export const P4D_TYPE_SECT = 1n;
export const P4D_TABLE_AF = B(10);
export const P4D_TABLE_PXN = B(BIT.PXN_TABLE);
export const P4D_TABLE_UXN = B(BIT.UXN_TABLE);
export const PGD_TYPE_TABLE = 3n;
export const PGD_TABLE_AF = B(10);
export const PGD_TABLE_PXN = B(BIT.PXN_TABLE);
export const PGD_TABLE_UXN = B(BIT.UXN_TABLE);

// Memory types (asm/memory.h) and the kernel's default protections (pgtable-prot.h),
// with PTE_MAYBE_NG / PTE_MAYBE_SHARED taken as 0 / PTE_SHARED (no KPTI, no LPA2).
export const MT_NORMAL = 0n;
export const MT_NORMAL_TAGGED = 1n;
export const MT_NORMAL_NC = 2n;
export const MT_DEVICE_nGnRnE = 3n;
export const MT_DEVICE_nGnRE = 4n;

export const PROT_DEFAULT = PTE_TYPE_PAGE | PTE_SHARED | PTE_AF;
export const PROT_SECT_DEFAULT = PMD_TYPE_SECT | PMD_SECT_S | PMD_SECT_AF;
export const PROT_NORMAL = PROT_DEFAULT | PTE_PXN | PTE_UXN | PTE_WRITE | PTE_ATTRINDX(MT_NORMAL);
export const PROT_SECT_NORMAL = PROT_SECT_DEFAULT | PMD_SECT_PXN | PMD_SECT_UXN | PTE_WRITE | PTE_ATTRINDX(MT_NORMAL);
export const PROT_SECT_NORMAL_EXEC = PROT_SECT_DEFAULT | PMD_SECT_UXN | PTE_WRITE | PTE_ATTRINDX(MT_NORMAL);
export const PAGE_KERNEL = PROT_NORMAL;
export const PAGE_KERNEL_RO = (PROT_NORMAL & ~PTE_WRITE) | PTE_RDONLY;
export const PAGE_KERNEL_ROX = (PROT_NORMAL & ~(PTE_WRITE | PTE_PXN)) | PTE_RDONLY;
export const PAGE_KERNEL_EXEC = PROT_NORMAL & ~PTE_PXN;

/** Every name above, for the language's builtin constants and for trace decoding. */
export const DESCRIPTOR_NAMES: Readonly<Record<string, bigint>> = {
  PTE_VALID, PTE_TYPE_MASK, PTE_TYPE_PAGE, PTE_TABLE_BIT, PTE_USER, PTE_RDONLY, PTE_SHARED, PTE_AF,
  PTE_NG, PTE_GP, PTE_DBM, PTE_CONT, PTE_PXN, PTE_UXN, PTE_ADDR_LOW, PTE_ATTRINDX_MASK, PTE_WRITE,
  PTE_SWP_EXCLUSIVE, PTE_DIRTY, PTE_SPECIAL, PTE_PRESENT_INVALID,
  PMD_TYPE_MASK, PMD_TYPE_TABLE, PMD_TYPE_SECT, PMD_TABLE_BIT, PMD_TABLE_AF, PMD_TABLE_PXN, PMD_TABLE_UXN,
  PMD_SECT_VALID, PMD_SECT_USER, PMD_SECT_RDONLY, PMD_SECT_S, PMD_SECT_AF, PMD_SECT_NG, PMD_SECT_CONT,
  PMD_SECT_PXN, PMD_SECT_UXN,
  PUD_TYPE_MASK, PUD_TYPE_TABLE, PUD_TYPE_SECT, PUD_TABLE_BIT, PUD_TABLE_AF, PUD_TABLE_PXN, PUD_TABLE_UXN,
  PUD_SECT_RDONLY,
  P4D_TYPE_TABLE, P4D_TYPE_SECT, P4D_TABLE_AF, P4D_TABLE_PXN, P4D_TABLE_UXN,
  PGD_TYPE_TABLE, PGD_TABLE_AF, PGD_TABLE_PXN, PGD_TABLE_UXN,
  MT_NORMAL, MT_NORMAL_TAGGED, MT_NORMAL_NC, MT_DEVICE_nGnRnE, MT_DEVICE_nGnRE,
  PROT_DEFAULT, PROT_SECT_DEFAULT, PROT_NORMAL, PROT_SECT_NORMAL, PROT_SECT_NORMAL_EXEC,
  PAGE_KERNEL, PAGE_KERNEL_RO, PAGE_KERNEL_ROX, PAGE_KERNEL_EXEC,
};
