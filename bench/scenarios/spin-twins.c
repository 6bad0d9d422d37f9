/*
 * Kernel-C for the two SPIN twin scenarios (bench/scenarios/spin-*.yaml, bench/spin/*.pml).
 * Written small on purpose: every machine operation here is one step of the Promela model.
 */

/* Split the level-2 block that maps VA 0 into a table of pages, without a lock. */
void twin_split(void)
{
	pmd_t *pmdp = (pmd_t *)swapper_pg_dir;
	pmd_t old = READ_ONCE(*pmdp);
	if (!pmd_sect(old))
		return;			/* someone else split it */
	pte_t *ptep = (pte_t *)__ptmc_alloc_table(1);
	WRITE_ONCE(ptep[0], pfn_pte(0, PAGE_KERNEL));
	WRITE_ONCE(ptep[1], pfn_pte(1, PAGE_KERNEL));
	dsb(ishst);
	WRITE_ONCE(*pmdp, __pmd(__pa(ptep) | PMD_TYPE_TABLE));
}

/* The PTE of VA 0x1000: slot 1 of frame 1, the table right after the root. */
#define TWIN_PTEP	((pte_t *)(swapper_pg_dir + PAGE_SIZE) + 1)

/* Move VA 0x1000 from PA 0x1000 to PA 0x3000 with break-before-make. */
void twin_bbm(void)
{
	pte_t *ptep = TWIN_PTEP;
	WRITE_ONCE(*ptep, 0);				/* break */
	dsb(ishst);
	__tlbi_range(vaae1is, 0x1000, 0x2000);		/* TLBI VAAE1IS, VA 0x1000 */
	dsb(ish);
	WRITE_ONCE(*ptep, pfn_pte(3, PAGE_KERNEL));	/* make */
	dsb(ishst);
	isb();
}
