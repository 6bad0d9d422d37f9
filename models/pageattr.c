/*
 * set_memory_ro() on the linear map, after Linux v6.18 arch/arm64/mm/pageattr.c and
 * mmu.c (GPL-2.0): split the range's boundaries (split_kernel_leaf_mapping(), which takes
 * pgtable_split_lock), then, in lazy MMU mode and without the lock, walk the range and
 * set PTE_RDONLY / clear PTE_WRITE on each leaf, then flush_tlb_kernel_range().
 *
 * Differences from the kernel: the page walk (walk_kernel_page_table_range_lockless with
 * pageattr_ops) is written out for one page per call; set_memory_ro takes the address as
 * an unsigned long. With PTMC_LOCKLESS_SPLIT, the split takes no lock (the seed's
 * proposal); otherwise it takes pgtable_split_lock as v6.18 does.
 */
#include "split_leaf_mapping.c"

DEFINE_MUTEX(pgtable_split_lock);

int split_kernel_leaf_mapping(unsigned long start, unsigned long end)
{
	int ret;

	if (!system_supports_bbml2_noabort())
		return 0;
#ifndef PTMC_LOCKLESS_SPLIT
	mutex_lock(&pgtable_split_lock);
#endif
	ret = split_leaf_mapping(start);
	if (!ret)
		ret = split_leaf_mapping(end);
#ifndef PTMC_LOCKLESS_SPLIT
	mutex_unlock(&pgtable_split_lock);
#endif
	return ret;
}

/* pageattr_{pud,pmd,pte}_entry for one address: apply the masks to the leaf mapping addr. */
static int change_page_prot(unsigned long addr, pteval_t set_mask, pteval_t clear_mask)
{
	pgd_t *pgdp = pgd_offset_k(addr);
	p4d_t *p4dp = p4d_offset(pgdp, addr);
	pud_t *pudp = pud_offset(p4dp, addr);
	pud_t pud = pudp_get(pudp);
	pmd_t *pmdp;
	pmd_t pmd;
	pte_t *ptep;
	pte_t pte;

	if (pud_leaf(pud)) {
		set_pud(pudp, __pud((pud_val(pud) & ~clear_mask) | set_mask));
		return 0;
	}
	pmdp = pmd_offset(pudp, addr);
	pmd = pmdp_get(pmdp);
	if (pmd_leaf(pmd)) {
		set_pmd(pmdp, __pmd((pmd_val(pmd) & ~clear_mask) | set_mask));
		return 0;
	}
	ptep = pte_offset_kernel(pmdp, addr);
	pte = __ptep_get(ptep);
	__set_pte(ptep, __pte((pte_val(pte) & ~clear_mask) | set_mask));
	return 0;
}

static int change_memory_common(unsigned long start, int numpages, pteval_t set_mask, pteval_t clear_mask)
{
	unsigned long size = numpages * PAGE_SIZE;
	unsigned long addr;
	int ret;

	ret = split_kernel_leaf_mapping(start, start + size);
	if (WARN_ON(ret))
		return ret;
	arch_enter_lazy_mmu_mode();
	for (addr = start; addr < start + size; addr += PAGE_SIZE)
		change_page_prot(addr, set_mask, clear_mask);
	arch_leave_lazy_mmu_mode();
	flush_tlb_kernel_range(start, start + size);
	return 0;
}

int set_memory_ro(unsigned long addr, int numpages)
{
	return change_memory_common(addr, numpages, PTE_RDONLY, PTE_WRITE);
}
