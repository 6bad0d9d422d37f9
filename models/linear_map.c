/*
 * Building the linear map with kernel-C before the CPUs start (a scenario's init.run), in
 * the shape of __create_pgd_mapping(): one PMD table per PUD entry, filled with PMD blocks
 * (contiguous where a whole CONT_PMD group fits), then populated. Not kernel code: a
 * smaller version of what arch/arm64/mm/mmu.c does at boot, over the prelude's helpers.
 */

/* Map [0, size) VA == PA with PMD blocks; size is a multiple of PUD_SIZE. */
void map_linear_pmd_blocks(unsigned long size)
{
	unsigned long addr, next;
	int i;

	for (addr = 0; addr < size; addr = next) {
		pud_t *pudp = pud_offset(p4d_offset(pgd_offset_k(addr), addr), addr);
		phys_addr_t pmd_phys = try_pgd_pgtable_alloc_init_mm(TABLE_PMD);
		pmd_t *pmdp = (pmd_t *)phys_to_virt(pmd_phys);

		BUG_ON(pmd_phys == INVALID_PHYS_ADDR_ULL);
		next = addr + PUD_SIZE;
		for (i = 0; i < PTRS_PER_PMD; i++) {
			unsigned long va = addr + i * PMD_SIZE;
			pgprot_t prot = __pgprot(PROT_SECT_NORMAL);

			if (CONT_PMD_SIZE <= PUD_SIZE)
				prot = __pgprot(pgprot_val(prot) | PTE_CONT);
			set_pmd(pmdp + i, pfn_pmd(va >> PAGE_SHIFT, prot));
		}
		dsb(ishst);
		__pud_populate(pudp, pmd_phys, PUD_TYPE_TABLE | PUD_TABLE_AF | PUD_TABLE_UXN);
	}
}
