/*
 * Seed 000, "arm64: mm: rework page table creation" (Mark Rutland, 2016): the kernel builds
 * an entirely new set of kernel tables with page-level boundaries and installs them in TTBR1
 * while the early tables, which map the same VAs with blocks, may still be cached. Switching
 * directly lets the block's TLB entry sit beside the pages' (a TLB conflict without
 * FEAT_BBM); the series' sequence goes through the reserved TTBR1 and a local TLB
 * invalidate first (cpu_replace_ttbr1, from idmap_cpu_replace_ttbr1).
 *
 * Written for ptmc after the series' description, over the prelude's helpers;
 * split_pmd() and create_mapping_page() follow v4.4's arch/arm64/mm/mmu.c (GPL-2.0), cut
 * down to one page. The tables are built by physical address (the series' FIX_* mappings
 * are not modelled: model code reads and writes tables untranslated).
 */

/* New tables mapping [0, size) VA == PA with pages; returns the new root's physical address. */
phys_addr_t build_page_tables(unsigned long size)
{
	phys_addr_t root = pagetable_alloc(GFP_PGTABLE_KERNEL, 0);
	unsigned long addr;

	for (addr = 0; addr < size; addr += PMD_SIZE) {
		pud_t *pudp = (pud_t *)phys_to_virt(root) + pud_index(addr);
		pmd_t *pmdp;
		pte_t *ptep;
		phys_addr_t pte_phys;
		int i;

		if (pud_none(READ_ONCE(*pudp)))
			__pud_populate(pudp, pagetable_alloc(GFP_PGTABLE_KERNEL, 0), PUD_TYPE_TABLE | PUD_TABLE_AF | PUD_TABLE_UXN);
		pmdp = pmd_offset(pudp, addr);
		pte_phys = pagetable_alloc(GFP_PGTABLE_KERNEL, 0);
		ptep = (pte_t *)phys_to_virt(pte_phys);
		for (i = 0; i < PTRS_PER_PTE; i++)
			__set_pte(ptep + i, pfn_pte((addr >> PAGE_SHIFT) + i, PAGE_KERNEL));
		__pmd_populate(pmdp, pte_phys, PMD_TYPE_TABLE | PMD_TABLE_AF | PMD_TABLE_UXN);
	}
	return root;
}

/* Switch straight from the early tables to the new ones (what the series must not do). */
void switch_ttbr1_direct(unsigned long size)
{
	phys_addr_t root = build_page_tables(size);

	dsb(ishst);
	write_sysreg(root, ttbr1_el1);
	isb();
}

/* The series' sequence: reserved TTBR1, isb, local TLB invalidate, dsb, new TTBR1, isb. */
void switch_ttbr1_safe(unsigned long size)
{
	phys_addr_t root = build_page_tables(size);

	dsb(ishst);
	cpu_replace_ttbr1(root, 0);
}

/*
 * create_mapping() of one page over live tables, as arm64 did before the series (v4.4's
 * alloc_init_pte() and split_pmd(), cut down to one page). Two things the series wants to
 * BUG() on, as "serious bugs in kernel page table" code:
 * - a page inside a PMD block: the block is split in place (a new table of pages with the
 *   least restrictive permissions, installed over the live block, then flush_tlb_all());
 * - a page already mapped elsewhere: the live entry gets a new output address (an
 *   overlapping entry).
 * Either way the old and new TLB entries may both be live. break_first does
 * break-before-make instead: the live entry is made invalid and flushed first.
 */
static void split_pmd(pmd_t *pmdp, pte_t *ptep)
{
	unsigned long pfn = pmd_pfn(READ_ONCE(*pmdp));
	int i;

	for (i = 0; i < PTRS_PER_PTE; i++)
		set_pte(ptep + i, pfn_pte(pfn + i, PAGE_KERNEL_EXEC));
}

void create_mapping_page(unsigned long addr, phys_addr_t pa, int break_first)
{
	pmd_t *pmdp = pmd_offset(pud_offset(p4d_offset(pgd_offset_k(addr), addr), addr), addr);
	pmd_t pmd = READ_ONCE(*pmdp);
	pte_t *ptep;

	if (pmd_none(pmd) || pmd_sect(pmd)) {
		phys_addr_t pte_phys = pagetable_alloc(GFP_PGTABLE_KERNEL, 0);

		if (pmd_sect(pmd))
			split_pmd(pmdp, (pte_t *)phys_to_virt(pte_phys));
		if (break_first && pmd_sect(pmd)) {	/* break-before-make: invalid, flush, then the table */
			pmd_clear(pmdp);
			flush_tlb_kernel_range(addr & PMD_MASK, (addr & PMD_MASK) + PMD_SIZE);
		}
		__pmd_populate(pmdp, pte_phys, PMD_TYPE_TABLE);
		flush_tlb_all();
	}
	ptep = pte_offset_kernel(pmdp, addr);
	if (break_first && pte_valid(READ_ONCE(*ptep))) {
		pte_clear(&init_mm, addr, ptep);
		flush_tlb_kernel_range(addr, addr + PAGE_SIZE);
	}
	set_pte(ptep, pfn_pte(pa >> PAGE_SHIFT, PAGE_KERNEL));
	dsb(ishst);
	isb();
}

/*
 * KASAN's early shadow (kasan_init() as the series leaves it): the shadow region is first
 * mapped by early tables, then replaced by real shadow mappings while the kernel runs on
 * it. Edited in place, the live root entry changes from a block to a table of pages at
 * other addresses. The series copies the root (tmp_pg_dir), switches TTBR1 to the copy,
 * edits the original (no longer live), and switches back.
 */
static void populate_shadow(pud_t *pudp, phys_addr_t shadow)
{
	phys_addr_t pmd_phys = pagetable_alloc(GFP_PGTABLE_KERNEL, 0);
	pmd_t *pmdp = (pmd_t *)phys_to_virt(pmd_phys);
	int i;

	for (i = 0; i < PTRS_PER_PMD; i++)
		set_pmd(pmdp + i, pfn_pmd((shadow >> PAGE_SHIFT) + i * (PMD_SIZE >> PAGE_SHIFT), __pgprot(PROT_SECT_NORMAL)));
	dsb(ishst);
	__pud_populate(pudp, pmd_phys, PUD_TYPE_TABLE | PUD_TABLE_AF | PUD_TABLE_UXN);
}

void kasan_init_in_place(unsigned long addr, phys_addr_t shadow)
{
	populate_shadow(pud_offset(p4d_offset(pgd_offset_k(addr), addr), addr), shadow);
	dsb(ishst);
	isb();
}

void kasan_init_via_copy(unsigned long addr, phys_addr_t shadow)
{
	phys_addr_t tmp = pagetable_alloc(GFP_PGTABLE_KERNEL, 0);
	pud_t *pudp = pud_offset(p4d_offset(pgd_offset_k(addr), addr), addr);
	int i;

	for (i = 0; i < PTRS_PER_PUD; i++)	/* memcpy(tmp_pg_dir, swapper_pg_dir, ...) */
		WRITE_ONCE(*((pud_t *)phys_to_virt(tmp) + i), READ_ONCE(*((pud_t *)swapper_pg_dir + i)));
	dsb(ishst);
	cpu_replace_ttbr1(tmp, 0);
	pud_clear(pudp);			/* clear_pgds() on the original, now not live */
	populate_shadow(pudp, shadow);
	dsb(ishst);
	cpu_replace_ttbr1(swapper_pg_dir, 0);
	pagetable_free(tmp);			/* the kernel's tmp_pg_dir is static */
}

/*
 * kasan_init() before the series: the same copy, but switched with cpu_set_ttbr1() and
 * flush_tlb_all() afterwards. Switching back to the edited tables while the early block
 * may still be in the TLB is the conflict the series' cpu_replace_ttbr1() avoids.
 */
static void cpu_set_ttbr1_then_flush(phys_addr_t root)
{
	write_sysreg(root, ttbr1_el1);
	isb();
	flush_tlb_all();
}

void kasan_init_via_copy_direct(unsigned long addr, phys_addr_t shadow)
{
	phys_addr_t tmp = pagetable_alloc(GFP_PGTABLE_KERNEL, 0);
	pud_t *pudp = pud_offset(p4d_offset(pgd_offset_k(addr), addr), addr);
	int i;

	for (i = 0; i < PTRS_PER_PUD; i++)
		WRITE_ONCE(*((pud_t *)phys_to_virt(tmp) + i), READ_ONCE(*((pud_t *)swapper_pg_dir + i)));
	dsb(ishst);
	cpu_set_ttbr1_then_flush(tmp);
	pud_clear(pudp);
	populate_shadow(pudp, shadow);
	dsb(ishst);
	cpu_set_ttbr1_then_flush(swapper_pg_dir);
	pagetable_free(tmp);
}
