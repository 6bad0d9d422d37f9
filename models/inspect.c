/*
 * Helpers for scenarios' final predicates: what the page tables (newest writes) say about
 * an address. Plain kernel-C over the prelude's walkers; nothing here is kernel code.
 */

/* The leaf descriptor that maps addr, and its level (1 PUD, 2 PMD, 3 PTE; 0 if unmapped). */
static unsigned long leaf_of(unsigned long addr, int *levelp)
{
	pud_t *pudp = pud_offset(p4d_offset(pgd_offset_k(addr), addr), addr);
	pud_t pud = pudp_get(pudp);
	pmd_t *pmdp;
	pmd_t pmd;
	pte_t pte;

	if (!pud_present(pud))
		return 0;
	if (pud_leaf(pud))
		return pud_val(pud);
	pmdp = pmd_offset(pudp, addr);
	pmd = pmdp_get(pmdp);
	if (!pmd_present(pmd) || pmd_leaf(pmd))
		return pmd_val(pmd);
	pte = __ptep_get(pte_offset_kernel(pmdp, addr));
	return pte_val(pte);
}

/* Whether addr is mapped read-only. */
int page_readonly(unsigned long addr)
{
	unsigned long leaf = leaf_of(addr, NULL);

	return pte_valid(leaf) && (leaf & PTE_RDONLY) && !(leaf & PTE_WRITE);
}

/* Whether every page of [start, end) is mapped by a level-3, non-contiguous PTE. */
int all_pages(unsigned long start, unsigned long end)
{
	unsigned long addr;

	for (addr = start; addr < end; addr += PAGE_SIZE) {
		pud_t *pudp = pud_offset(p4d_offset(pgd_offset_k(addr), addr), addr);
		pmd_t *pmdp;
		pte_t pte;

		if (!pud_table(pudp_get(pudp)))
			return 0;
		pmdp = pmd_offset(pudp, addr);
		if (!pmd_table(pmdp_get(pmdp)))
			return 0;
		pte = __ptep_get(pte_offset_kernel(pmdp, addr));
		if (!pte_valid(pte) || pte_cont(pte))
			return 0;
	}
	return 1;
}

/* Yang Shi's point: repainting [start, end) by splitting only at its ends. */
int repaint_by_ends(unsigned long start, unsigned long end)
{
	int ret = split_leaf_mapping(start);

	if (!ret)
		ret = split_leaf_mapping(end);
	return ret;
}

/*
 * The walk of addr under the tables rooted at root: the leaf descriptor (or the invalid
 * entry that ends it) if want_level is 0, else its level (1 PUD, 2 PMD, 3 PTE).
 */
static unsigned long root_walk(unsigned long root, unsigned long addr, int want_level)
{
	pud_t *pudp = pud_offset(p4d_offset((pgd_t *)phys_to_virt(root) + pgd_index(addr), addr), addr);
	pud_t pud = pudp_get(pudp);
	pmd_t *pmdp;
	pmd_t pmd;

	if (pud_none(pud) || !pud_table(pud))
		return want_level ? 1 : pud_val(pud);
	pmdp = pmd_offset(pudp, addr);
	pmd = pmdp_get(pmdp);
	if (pmd_none(pmd) || !pmd_table(pmd))
		return want_level ? 2 : pmd_val(pmd);
	return want_level ? 3 : pte_val(__ptep_get(pte_offset_kernel(pmdp, addr)));
}

/*
 * Whether the tables at copy translate every page of [start, end) like the tables at orig
 * (both roots are physical addresses; swapper_pg_dir is the live linear map): the same
 * leaf at the same level, so the same output address and attributes, except that with
 * mkwrite every leaf of the copy is writable, and with mkvalid every invalid but non-empty
 * PTE of orig (debug_pagealloc's unmapped pages) is valid in the copy. Table-level
 * attributes (APTable, PXNTable, ...) are not compared.
 */
int same_translation(unsigned long orig, unsigned long copy, unsigned long start, unsigned long end, int mkwrite, int mkvalid)
{
	unsigned long addr;

	for (addr = start; addr < end; addr += PAGE_SIZE) {
		unsigned long la = root_walk(orig, addr, 1);
		unsigned long lb = root_walk(copy, addr, 1);
		unsigned long a = root_walk(orig, addr, 0);
		unsigned long b = root_walk(copy, addr, 0);

		if (la != lb)
			return 0;	/* a different size: a different output address somewhere */
		if (mkvalid && la == 3 && a && !pte_valid(__pte(a)))
			a |= PTE_VALID;
		if (!pte_valid(__pte(a))) {
			if (pte_valid(__pte(b)))
				return 0;	/* the copy maps what the original does not */
			continue;
		}
		if (!pte_valid(__pte(b)))
			return 0;
		if (mkwrite) {
			if (b & PTE_RDONLY)
				return 0;	/* must be writable */
			a &= ~PTE_RDONLY;
			a |= b & PTE_WRITE;
		}
		if (a != b)
			return 0;	/* output address or attributes differ */
	}
	return 1;
}

/* Whether every valid leaf of the tables at root in [start, end) maps a PFN below max_pfn. */
int pfns_below(unsigned long root, unsigned long start, unsigned long end, unsigned long max_pfn)
{
	unsigned long addr;

	for (addr = start; addr < end; addr += PAGE_SIZE) {
		unsigned long leaf = root_walk(root, addr, 0);

		if (pte_valid(__pte(leaf)) && ((leaf & PTE_ADDR_LOW) >> PAGE_SHIFT) >= max_pfn)
			return 0;
	}
	return 1;
}
