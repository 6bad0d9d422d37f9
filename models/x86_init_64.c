/*
 * kernel_physical_mapping_init() of Linux v2.6.27 (arch/x86/mm/init_64.c, GPL-2.0) with
 * Suresh Siddha's "x86, cpa: make the kernel physical mapping initialization a two pass
 * sequence" (seed 004), scaled to ptmc's machine.
 *
 *   PTMC_PASSES 2      the patch: a first pass with the early attributes (_PAGE_NX
 *                      cleared from __supported_pte_mask), __flush_tlb_all(), a second
 *                      pass with the real ones. 1: one pass with the real attributes.
 *   PTMC_OVERWRITE 1   the patch: existing entries are set again (goto repeat_set_pte).
 *                      0: the code before it, which keeps every existing entry.
 *   PTMC_KERNEL_TABLES_END
 *                      where the kernel image's static tables end (is_kernel()): by
 *                      default every table in use before the CPUs start. 0 under Xen,
 *                      which provides its own initial tables.
 *
 * Edits: alloc_low_page() returns the physical address (no &local in kernel-C);
 * init_mm.page_table_lock is pgt_lock, taken where the seed's diff shows it (around
 * phys_pte_update() and the large-page set_pte()) and otherwise only around a populate,
 * so that no path takes it twice; after_bootmem is 0 and every range is RAM
 * (e820_any_mapped() is always true); printk and the 32-bit paths are gone.
 */

#ifndef PTMC_PASSES
#define PTMC_PASSES 2
#endif
#ifndef PTMC_OVERWRITE
#define PTMC_OVERWRITE 1
#endif
#ifndef PTMC_KERNEL_TABLES_END
#define PTMC_KERNEL_TABLES_END __ptmc_static_tables_end
#endif

DEFINE_SPINLOCK(pgt_lock);
static int physical_mapping_iter;

static unsigned long phys_pte_init(pte_t *pte_page, unsigned long addr, unsigned long end)
{
	unsigned long pages = 0;
	unsigned long last_map_addr = end;
	int i;
	pte_t *pte = pte_page + pte_index(addr);

	for (i = pte_index(addr); i < PTRS_PER_PTE; i++, addr += PAGE_SIZE, pte++) {
		if (addr >= end) {
			for (; i < PTRS_PER_PTE; i++, pte++)
				set_pte(pte, __pte(0));
			break;
		}

		if (pte_val(*pte))
#if PTMC_OVERWRITE
			goto repeat_set_pte;
#else
			continue;
#endif

		pages++;
repeat_set_pte:
		set_pte(pte, pfn_pte(addr >> PAGE_SHIFT, PAGE_KERNEL));
		last_map_addr = (addr & PAGE_MASK) + PAGE_SIZE;
	}
	if (physical_mapping_iter == 1)
		update_page_count(PG_LEVEL_4K, pages);
	return last_map_addr;
}

static unsigned long phys_pte_update(pmd_t *pmd, unsigned long address, unsigned long end)
{
	pte_t *pte = (pte_t *)pmd_page_vaddr(*pmd);

	return phys_pte_init(pte, address, end);
}

static unsigned long phys_pmd_init(pmd_t *pmd_page, unsigned long address, unsigned long end,
				   unsigned long page_size_mask)
{
	unsigned long pages = 0;
	unsigned long last_map_addr = end;
	int i = pmd_index(address);

	for (; i < PTRS_PER_PMD; i++, address += PMD_SIZE) {
		unsigned long pte_phys;
		pmd_t *pmd = pmd_page + pmd_index(address);
		pte_t *pte;

		if (address >= end) {
			for (; i < PTRS_PER_PMD; i++, pmd++)
				set_pmd(pmd, __pmd(0));
			break;
		}

		if (pmd_val(*pmd)) {
			if (!pmd_large(*pmd)) {
				spin_lock(&pgt_lock);
				last_map_addr = phys_pte_update(pmd, address, end);
				spin_unlock(&pgt_lock);
				continue;
			}
#if PTMC_OVERWRITE
			goto repeat_set_pte;
#else
			continue;
#endif
		}

		if (page_size_mask & (1 << PG_LEVEL_2M)) {
			pages++;
repeat_set_pte:
			spin_lock(&pgt_lock);
			set_pte((pte_t *)pmd, pfn_pte(address >> PAGE_SHIFT, PAGE_KERNEL_LARGE));
			spin_unlock(&pgt_lock);
			last_map_addr = (address & PMD_MASK) + PMD_SIZE;
			continue;
		}

		pte_phys = alloc_low_page();
		pte = (pte_t *)__va(pte_phys);
		last_map_addr = phys_pte_init(pte, address, end);
		unmap_low_page(pte);

		spin_lock(&pgt_lock);
		pmd_populate_kernel(&init_mm, pmd, __va(pte_phys));
		spin_unlock(&pgt_lock);
	}
	if (physical_mapping_iter == 1)
		update_page_count(PG_LEVEL_2M, pages);
	return last_map_addr;
}

static unsigned long phys_pmd_update(pud_t *pud, unsigned long address, unsigned long end,
				     unsigned long page_size_mask)
{
	pmd_t *pmd = pmd_offset(pud, 0);
	unsigned long last_map_addr;

	last_map_addr = phys_pmd_init(pmd, address, end, page_size_mask);
	__flush_tlb_all();
	return last_map_addr;
}

static unsigned long phys_pud_init(pud_t *pud_page, unsigned long addr, unsigned long end,
				   unsigned long page_size_mask)
{
	unsigned long pages = 0;
	unsigned long last_map_addr = end;
	int i = pud_index(addr);

	for (; i < PTRS_PER_PUD; i++, addr = (addr & PUD_MASK) + PUD_SIZE) {
		unsigned long pmd_phys;
		pud_t *pud = pud_page + pud_index(addr);
		pmd_t *pmd;

		if (addr >= end)
			break;

		if (pud_val(*pud)) {
			if (!pud_large(*pud)) {
				last_map_addr = phys_pmd_update(pud, addr, end, page_size_mask);
				continue;
			}
#if PTMC_OVERWRITE
			goto repeat_set_pte;
#else
			continue;
#endif
		}

		if (page_size_mask & (1 << PG_LEVEL_1G)) {
			pages++;
repeat_set_pte:
			spin_lock(&pgt_lock);
			set_pte((pte_t *)pud, pfn_pte(addr >> PAGE_SHIFT, PAGE_KERNEL_LARGE));
			spin_unlock(&pgt_lock);
			last_map_addr = (addr & PUD_MASK) + PUD_SIZE;
			continue;
		}

		pmd_phys = alloc_low_page();
		pmd = (pmd_t *)__va(pmd_phys);

		last_map_addr = phys_pmd_init(pmd, addr, end, page_size_mask);
		unmap_low_page(pmd);
		spin_lock(&pgt_lock);
		pud_populate(&init_mm, pud, __va(pmd_phys));
		spin_unlock(&pgt_lock);
	}
	__flush_tlb_all();
	if (physical_mapping_iter == 1)
		update_page_count(PG_LEVEL_1G, pages);
	return last_map_addr;
}

static unsigned long phys_pud_update(pgd_t *pgd, unsigned long addr, unsigned long end,
				     unsigned long page_size_mask)
{
	pud_t *pud = (pud_t *)pgd_page_vaddr(*pgd);

	return phys_pud_init(pud, addr, end, page_size_mask);
}

/* The kernel image's static tables (head_64.S's level3/level2 tables). */
static int is_kernel(unsigned long pfn)
{
	unsigned long pg_addresss = pfn << PAGE_SHIFT;

	return pg_addresss >= __pa(init_level4_pgt) && pg_addresss < __pa(PTMC_KERNEL_TABLES_END);
}

unsigned long kernel_physical_mapping_init(unsigned long start, unsigned long end,
					   unsigned long page_size_mask)
{
	unsigned long next, last_map_addr;
	pteval_t cached_supported_pte_mask = __supported_pte_mask;
	unsigned long cache_start = start;
	unsigned long cache_end = end;

	BUILD_BUG_ON((__PAGE_KERNEL_LARGE & ~__PAGE_KERNEL_IDENT_LARGE_EXEC) != _PAGE_NX);
#if PTMC_PASSES == 2
	__supported_pte_mask &= ~(_PAGE_NX);
	physical_mapping_iter = 1;
#else
	physical_mapping_iter = 2;
#endif

repeat:
	last_map_addr = cache_end;

	start = (unsigned long)__va(cache_start);
	end = (unsigned long)__va(cache_end);

	for (; start < end; start = next) {
		pgd_t *pgd = pgd_offset_k(start);
		unsigned long pud_phys;
		pud_t *pud;

		next = (start + PGDIR_SIZE) & PGDIR_MASK;
		if (next > end)
			next = end;

		if (pgd_val(*pgd)) {
			if (is_kernel(pte_pfn(*((pte_t *)pgd))))
				goto realloc;
			last_map_addr = phys_pud_update(pgd, __pa(start), __pa(end), page_size_mask);
			continue;
		}

realloc:
		pud_phys = alloc_low_page();
		pud = (pud_t *)__va(pud_phys);
		last_map_addr = phys_pud_init(pud, __pa(start), __pa(next), page_size_mask);
		unmap_low_page(pud);

		spin_lock(&pgt_lock);
		pgd_populate(&init_mm, pgd, __va(pud_phys));
		spin_unlock(&pgt_lock);
	}
	__flush_tlb_all();

	if (physical_mapping_iter == 1) {
		physical_mapping_iter = 2;
		/* Second iteration will set the actual desired PTE attributes. */
		__supported_pte_mask = cached_supported_pte_mask;
		goto repeat;
	}
	return last_map_addr;
}
