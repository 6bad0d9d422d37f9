/*
 * Seed 001, "arm64, mm: transitional tables" (Pavel Tatashin, 2019): kexec and hibernate
 * copy the linear map into tables allocated from a safe place, with flags that change the
 * copy: TRANS_MKWRITE clears the read-only bit of every leaf, TRANS_MKVALID makes invalid
 * but non-empty PTEs (debug_pagealloc's unmapped pages) valid, TRANS_CHECKPFN checks
 * each PTE's PFN first, TRANS_FORCEMAP lets trans_table_map_page() overwrite a translation
 * the tables already have (without it that is -ENXIO). After the patch's
 * trans_table_copy_{pte,pmd,pud}(), its documentation of the flags, and the hibernate code
 * it generalises (GPL-2.0), written over the prelude's helpers.
 *
 * Differences from the kernel: one copy function per level for the range [start, end)
 * of the live linear map; pfn_valid() is "the PFN is below PTMC_MAX_PFN"; an error leaves
 * the tables allocated so far to the caller (hibernate releases its safe pages whole);
 * trans_table_map_page() maps one page and meets blocks only at the PTE level. With
 * PTMC_MKWRITE_PUD_ONLY the read-only bit is cleared only at the level the new
 * PUD_SECT_RDONLY names (PUD sections) and not at the PTE level, where James Morse says
 * the linear map's read-only pages are ("only happen at the PTE level").
 */

#define TRANS_MKWRITE	BIT(0)
#define TRANS_MKVALID	BIT(1)
#define TRANS_CHECKPFN	BIT(2)
#define TRANS_FORCEMAP	BIT(3)

#define PUD_SECT_RDONLY	((pudval_t)1 << 7)	/* AP[2] */

#ifndef ENXIO
#define ENXIO		6
#endif

#ifndef PTMC_MAX_PFN
#define PTMC_MAX_PFN	0x40
#endif

/* The copy's root and the last error, for the final predicate. */
unsigned long trans_root;
long trans_error;

static int copy_pte(pmd_t *dst_pmdp, pmd_t *src_pmdp, unsigned long start, unsigned long end, int flags)
{
	phys_addr_t dst = pagetable_alloc(GFP_PGTABLE_KERNEL, 0);
	unsigned long addr;

	for (addr = start; addr < end; addr += PAGE_SIZE) {
		pte_t pte = __ptep_get(pte_offset_kernel(src_pmdp, addr));
		pte_t *dst_ptep = (pte_t *)phys_to_virt(dst) + pte_index(addr);

		if (pte_none(pte))
			continue;
		if ((flags & TRANS_CHECKPFN) && (pte_val(pte) >> PAGE_SHIFT & 0xfffffffff) >= PTMC_MAX_PFN)
			return -ENXIO;
#ifndef PTMC_MKWRITE_PUD_ONLY
		if (flags & TRANS_MKWRITE)
			pte = pte_mkwrite_novma(pte);
#endif
		/* hibernate's old code: debug_pagealloc && !pte_none(pte), made valid */
		if ((flags & TRANS_MKVALID) && !pte_valid(pte))
			pte = pte_mkvalid(pte);
		WRITE_ONCE(*dst_ptep, pte);
	}
	__pmd_populate(dst_pmdp, dst, PMD_TYPE_TABLE | PMD_TABLE_AF | PMD_TABLE_UXN);
	return 0;
}

static int copy_pmd(pud_t *dst_pudp, pud_t *src_pudp, unsigned long start, unsigned long end, int flags)
{
	phys_addr_t dst = pagetable_alloc(GFP_PGTABLE_KERNEL, 0);
	unsigned long addr, next;
	int ret;

	for (addr = start; addr < end; addr = next) {
		pmd_t *src_pmdp = pmd_offset(src_pudp, addr);
		pmd_t pmd = pmdp_get(src_pmdp);
		pmd_t *dst_pmdp = (pmd_t *)phys_to_virt(dst) + pmd_index(addr);

		next = addr + PMD_SIZE;
		if (pmd_none(pmd))
			continue;
		if (pmd_table(pmd)) {
			ret = copy_pte(dst_pmdp, src_pmdp, addr, next, flags);
			if (ret)
				return ret;
			continue;
		}
#ifndef PTMC_MKWRITE_PUD_ONLY
		if (flags & TRANS_MKWRITE)
			pmd = __pmd(pmd_val(pmd) & ~PMD_SECT_RDONLY);
#endif
		WRITE_ONCE(*dst_pmdp, pmd);
	}
	__pud_populate(dst_pudp, dst, PUD_TYPE_TABLE | PUD_TABLE_AF | PUD_TABLE_UXN);
	return 0;
}

/* trans_table_create_copy() for [start, end) of the linear map: the new root, or 0. */
unsigned long trans_table_create_copy(unsigned long start, unsigned long end, int flags)
{
	phys_addr_t root = pagetable_alloc(GFP_PGTABLE_KERNEL, 0);
	unsigned long addr, next;

	for (addr = start; addr < end; addr = next) {
		pud_t *src_pudp = pud_offset(p4d_offset(pgd_offset_k(addr), addr), addr);
		pud_t pud = pudp_get(src_pudp);
		pud_t *dst_pudp = (pud_t *)phys_to_virt(root) + pud_index(addr);

		next = addr + PUD_SIZE;
		if (pud_none(pud))
			continue;
		if (pud_table(pud)) {
			trans_error = copy_pmd(dst_pudp, src_pudp, addr, next, flags);
			if (trans_error)
				return 0;
			continue;
		}
		if (flags & TRANS_MKWRITE)
			pud = __pud(pud_val(pud) & ~PUD_SECT_RDONLY);
		WRITE_ONCE(*dst_pudp, pud);
	}
	dsb(ishst);
	trans_root = root;
	return root;
}

/*
 * trans_table_map_page(): map one page at addr in the tables at root (kexec's relocation
 * code and buffers), allocating tables on the way. A translation already there is a
 * conflict: -ENXIO, unless TRANS_FORCEMAP, which overwrites it.
 */
long trans_table_map_page(unsigned long root, unsigned long addr, phys_addr_t pa, int flags)
{
	pud_t *pudp = (pud_t *)phys_to_virt(root) + pud_index(addr);
	pmd_t *pmdp;
	pte_t *ptep;

	if (pud_none(pudp_get(pudp)))
		__pud_populate(pudp, pagetable_alloc(GFP_PGTABLE_KERNEL, 0), PUD_TYPE_TABLE | PUD_TABLE_AF | PUD_TABLE_UXN);
	else if (!pud_table(pudp_get(pudp)))
		return trans_error = -ENXIO;
	pmdp = pmd_offset(pudp, addr);
	if (pmd_none(pmdp_get(pmdp)))
		__pmd_populate(pmdp, pagetable_alloc(GFP_PGTABLE_KERNEL, 0), PMD_TYPE_TABLE | PMD_TABLE_AF | PMD_TABLE_UXN);
	else if (!pmd_table(pmdp_get(pmdp)))
		return trans_error = -ENXIO;
	ptep = pte_offset_kernel(pmdp, addr);
	if (!pte_none(__ptep_get(ptep)) && !(flags & TRANS_FORCEMAP))
		return trans_error = -ENXIO;
	WRITE_ONCE(*ptep, pfn_pte(pa >> PAGE_SHIFT, PAGE_KERNEL_EXEC));
	dsb(ishst);
	return 0;
}
