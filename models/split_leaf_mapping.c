/*
 * split_contpte, split_pmd, split_contpmd, split_pud and split_leaf_mapping, as Ryan
 * Roberts posted them on linux-arm-kernel (Re: [PATCH 3/4] arm64: mm: support large
 * block mapping when rodata=full, 16 Jun 2025; GPL-2.0, from arch/arm64/mm/mmu.c),
 * copied verbatim from the thread, with two changes, both under #ifdef so that the
 * default build is the seed text:
 *
 * - The two populate lines under "TODO: THIS NEEDS TO BE CMPXCHG THEN FREE THE TABLE IF
 *   WE LOST" are wrapped in #ifdef PTMC_CMPXCHG_POPULATE: without it, the plain store of
 *   the seed; with it, the TODO done (cmpxchg the table in, free ours if we lost; the
 *   walk then continues from whatever table is there, as pmd_offset/pte_offset_kernel
 *   re-read the entry).
 * - The two dsb(ishst) before populate are wrapped in #ifndef PTMC_NO_POPULATE_DSB, so a
 *   scenario can check what they are for (with them gone, lazy MMU mode leaves no barrier
 *   between filling a table and publishing it).
 *
 * - PTMC_CMPXCHG_FIXED (with PTMC_CMPXCHG_POPULATE) is ptmc's fix of what the TODO alone
 *   leaves racy, not kernel code: split_contpmd()/split_contpte() clear the Cont bit with
 *   a cmpxchg loop (a plain read-modify-write can write a block back over the table
 *   another CPU just populated), and split_leaf_mapping() re-reads the PMD after
 *   split_contpmd() (split_pmd() would otherwise compare against the Cont value it just
 *   cleared) and splits it only if it is still a block.
 *
 * INVALID_PHYS_ADDR comes from the same patch. The kernel API the code calls
 * (__set_pte, set_pmd, try_pgd_pgtable_alloc_init_mm, ...) is in
 * models/include/arm64-kernel.h, which ptmc includes first.
 */

/* Sentinel used to represent failure to allocate for phys_addr_t type. */
#define INVALID_PHYS_ADDR -1

static void split_contpte(pte_t *ptep)
{
	int i;

	ptep = PTR_ALIGN_DOWN(ptep, sizeof(*ptep) * CONT_PTES);
	for (i = 0; i < CONT_PTES; i++, ptep++)
#ifdef PTMC_CMPXCHG_FIXED
	{
		pte_t old = __ptep_get(ptep);

		while (pte_cont(old) && cmpxchg(ptep, pte_val(old), pte_val(pte_mknoncont(old))) != pte_val(old))
			old = __ptep_get(ptep);
	}
#else
		__set_pte(ptep, pte_mknoncont(__ptep_get(ptep)));
#endif
}

static int split_pmd(pmd_t *pmdp, pmd_t pmd)
{
	pmdval_t tableprot = PMD_TYPE_TABLE | PMD_TABLE_UXN | PMD_TABLE_AF;
	unsigned long pfn = pmd_pfn(pmd);
	pgprot_t prot = pmd_pgprot(pmd);
	phys_addr_t pte_phys;
	pte_t *ptep;
	int i;

	pte_phys = try_pgd_pgtable_alloc_init_mm(TABLE_PTE);
	if (pte_phys == INVALID_PHYS_ADDR)
		return -ENOMEM;
	ptep = (pte_t *)phys_to_virt(pte_phys);

	if (pgprot_val(prot) & PMD_SECT_PXN)
		tableprot |= PMD_TABLE_PXN;

	prot = __pgprot((pgprot_val(prot) & ~PTE_TYPE_MASK) | PTE_TYPE_PAGE);
	prot = __pgprot(pgprot_val(prot) | PTE_CONT);

	for (i = 0; i < PTRS_PER_PTE; i++, ptep++, pfn++)
		__set_pte(ptep, pfn_pte(pfn, prot));

	/*
	 * Ensure the pte entries are visible to the table walker by the time
	 * the pmd entry that points to the ptes is visible.
	 */
#ifndef PTMC_NO_POPULATE_DSB
	dsb(ishst);
#endif

	// TODO: THIS NEEDS TO BE CMPXCHG THEN FREE THE TABLE IF WE LOST.
#ifdef PTMC_CMPXCHG_POPULATE
	if (cmpxchg(pmdp, pmd_val(pmd), __phys_to_pmd_val(pte_phys) | tableprot) != pmd_val(pmd))
		pagetable_free(pte_phys);
#else
	__pmd_populate(pmdp, pte_phys, tableprot);
#endif

	return 0;
}

static void split_contpmd(pmd_t *pmdp)
{
	int i;

	pmdp = PTR_ALIGN_DOWN(pmdp, sizeof(*pmdp) * CONT_PMDS);
	for (i = 0; i < CONT_PMDS; i++, pmdp++)
#ifdef PTMC_CMPXCHG_FIXED
	{
		pmd_t old = pmdp_get(pmdp);

		while (pmd_leaf(old) && pmd_cont(old) && cmpxchg(pmdp, pmd_val(old), pmd_val(pmd_mknoncont(old))) != pmd_val(old))
			old = pmdp_get(pmdp);
	}
#else
		set_pmd(pmdp, pmd_mknoncont(pmdp_get(pmdp)));
#endif
}

static int split_pud(pud_t *pudp, pud_t pud)
{
	pudval_t tableprot = PUD_TYPE_TABLE | PUD_TABLE_UXN | PUD_TABLE_AF;
	unsigned int step = PMD_SIZE >> PAGE_SHIFT;
	unsigned long pfn = pud_pfn(pud);
	pgprot_t prot = pud_pgprot(pud);
	phys_addr_t pmd_phys;
	pmd_t *pmdp;
	int i;

	pmd_phys = try_pgd_pgtable_alloc_init_mm(TABLE_PMD);
	if (pmd_phys == INVALID_PHYS_ADDR)
		return -ENOMEM;
	pmdp = (pmd_t *)phys_to_virt(pmd_phys);

	if (pgprot_val(prot) & PMD_SECT_PXN)
		tableprot |= PUD_TABLE_PXN;

	prot = __pgprot((pgprot_val(prot) & ~PMD_TYPE_MASK) | PMD_TYPE_SECT);
	prot = __pgprot(pgprot_val(prot) | PTE_CONT);

	for (i = 0; i < PTRS_PER_PMD; i++, pmdp++, pfn += step)
		set_pmd(pmdp, pfn_pmd(pfn, prot));

	/*
	 * Ensure the pmd entries are visible to the table walker by the time
	 * the pud entry that points to the pmds is visible.
	 */
#ifndef PTMC_NO_POPULATE_DSB
	dsb(ishst);
#endif

	// TODO: THIS NEEDS TO BE CMPXCHG THEN FREE THE TABLE IF WE LOST.
#ifdef PTMC_CMPXCHG_POPULATE
	if (cmpxchg(pudp, pud_val(pud), __phys_to_pud_val(pmd_phys) | tableprot) != pud_val(pud))
		pagetable_free(pmd_phys);
#else
	__pud_populate(pudp, pmd_phys, tableprot);
#endif

	return 0;
}

int split_leaf_mapping(unsigned long addr)
{
	pgd_t *pgdp, pgd;
	p4d_t *p4dp, p4d;
	pud_t *pudp, pud;
	pmd_t *pmdp, pmd;
	pte_t *ptep, pte;
	int ret = 0;

	/*
	 * !BBML2_NOABORT systems should not be trying to change permissions on
	 * anything that is not pte-mapped in the first place. Just return early
	 * and let the permission change code raise a warning if not already
	 * pte-mapped.
	 */
	if (!system_supports_bbml2_noabort())
		return 0;

	/*
	 * Ensure addr is at least page-aligned since this is the finest
	 * granularity we can split to.
	 */
	if (addr != PAGE_ALIGN(addr))
		return -EINVAL;

	arch_enter_lazy_mmu_mode();

	/*
	 * PGD: If addr is PGD aligned then addr already describes a leaf
	 * boundary. If not present then there is nothing to split.
	 */
	if (ALIGN_DOWN(addr, PGDIR_SIZE) == addr)
		goto out;
	pgdp = pgd_offset_k(addr);
	pgd = pgdp_get(pgdp);
	if (!pgd_present(pgd))
		goto out;

	/*
	 * P4D: If addr is P4D aligned then addr already describes a leaf
	 * boundary. If not present then there is nothing to split.
	 */
	if (ALIGN_DOWN(addr, P4D_SIZE) == addr)
		goto out;
	p4dp = p4d_offset(pgdp, addr);
	p4d = p4dp_get(p4dp);
	if (!p4d_present(p4d))
		goto out;

	/*
	 * PUD: If addr is PUD aligned then addr already describes a leaf
	 * boundary. If not present then there is nothing to split. Otherwise,
	 * if we have a pud leaf, split to contpmd.
	 */
	if (ALIGN_DOWN(addr, PUD_SIZE) == addr)
		goto out;
	pudp = pud_offset(p4dp, addr);
	pud = pudp_get(pudp);
	if (!pud_present(pud))
		goto out;
	if (pud_leaf(pud)) {
		ret = split_pud(pudp, pud);
		if (ret)
			goto out;
	}

	/*
	 * CONTPMD: If addr is CONTPMD aligned then addr already describes a
	 * leaf boundary. If not present then there is nothing to split.
	 * Otherwise, if we have a contpmd leaf, split to pmd.
	 */
	if (ALIGN_DOWN(addr, CONT_PMD_SIZE) == addr)
		goto out;
	pmdp = pmd_offset(pudp, addr);
	pmd = pmdp_get(pmdp);
	if (!pmd_present(pmd))
		goto out;
	if (pmd_leaf(pmd)) {
		if (pmd_cont(pmd))
			split_contpmd(pmdp);
		/*
		 * PMD: If addr is PMD aligned then addr already describes a
		 * leaf boundary. Otherwise, split to contpte.
		 */
		if (ALIGN_DOWN(addr, PMD_SIZE) == addr)
			goto out;
#ifdef PTMC_CMPXCHG_FIXED
		pmd = pmdp_get(pmdp);
		if (pmd_leaf(pmd))
#endif
		ret = split_pmd(pmdp, pmd);
		if (ret)
			goto out;
	}

	/*
	 * CONTPTE: If addr is CONTPTE aligned then addr already describes a
	 * leaf boundary. If not present then there is nothing to split.
	 * Otherwise, if we have a contpte leaf, split to pte.
	 */
	if (ALIGN_DOWN(addr, CONT_PMD_SIZE) == addr)
		goto out;
	ptep = pte_offset_kernel(pmdp, addr);
	pte = __ptep_get(ptep);
	if (!pte_present(pte))
		goto out;
	if (pte_cont(pte))
		split_contpte(ptep);

out:
	arch_leave_lazy_mmu_mode();
	return ret;
}