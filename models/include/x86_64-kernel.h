/*
 * The x86-64 page-table API of Linux v2.6.27 (the kernel of the 2008 CPA two-pass
 * thread), restated in kernel-C for ptmc. ptmc includes this file before every model of
 * an x86_64 machine. The geometry constants (PAGE_SIZE, PTRS_PER_PTE, PMD_SHIFT, ...) and
 * the entry bits and protections (_PAGE_PRESENT, _PAGE_NX, __PAGE_KERNEL_LARGE, ...) are
 * predefined from the scenario's machine. Definitions follow arch/x86/include/asm/
 * pgtable.h, pgtable_64.h, pgalloc_64.h and tlbflush.h of v2.6.27 (GPL-2.0); entries are
 * plain 64-bit integers, not structs.
 *
 * x86 operations are built from the machine's operations (docs/semantics.md, x86-64):
 * a locked or serializing instruction drains the store buffer (dmb(ish) waits for it),
 * INVLPG and CR4.PGE toggles are local invalidations that complete at once (a local TLBI
 * and dsb(nsh)), a shootdown is a broadcast TLBI waited for on every CPU (dsb(ish)).
 */
#ifndef PTMC_X86_64_KERNEL_H
#define PTMC_X86_64_KERNEL_H

#if PTMC_LEVELS != 4
#error "the x86_64 prelude is written for 4-level paging"
#endif

#define pte_val(x)	((pteval_t)(x))
#define pmd_val(x)	((pmdval_t)(x))
#define pud_val(x)	((pudval_t)(x))
#define pgd_val(x)	((pgdval_t)(x))
#define pgprot_val(x)	((pteval_t)(x))
#define __pte(x)	((pte_t)(x))
#define __pmd(x)	((pmd_t)(x))
#define __pud(x)	((pud_t)(x))
#define __pgd(x)	((pgd_t)(x))
#define __pgprot(x)	((pgprot_t)(x))

#define NULL		((void *)0)
#define ENOMEM		12
#define likely(x)	(x)
#define unlikely(x)	(x)
#define barrier()	do { } while (0)
/* A compile-time check in the kernel; here checked when reached, with constants folded. */
#define BUILD_BUG_ON(cond)	BUG_ON(cond)

/* The direct mapping is the identity in ptmc's machine: __va(pa) == pa (no PAGE_OFFSET). */
#define __pa(x)		((unsigned long)(x))
#define __va(x)		((unsigned long)(x))
#define init_level4_pgt	swapper_pg_dir

/* Memory ordering under TSO: only a full barrier (mfence, a locked op) does anything. */
#define smp_mb()	dmb(ish)
#define mb()		dmb(ish)
#define smp_wmb()	barrier()
#define smp_rmb()	barrier()

/* The protections the CPU supports: the CPA thread's first pass clears _PAGE_NX in it. */
pteval_t __supported_pte_mask = ~0UL;

static inline pteval_t massage_pgprot(pgprot_t pgprot)
{
	pteval_t protval = pgprot_val(pgprot);

	if (protval & _PAGE_PRESENT)
		protval &= __supported_pte_mask;
	return protval;
}

#define pfn_pte(pfn, prot)	__pte(((phys_addr_t)(pfn) << PAGE_SHIFT) | massage_pgprot(prot))
#define pfn_pmd(pfn, prot)	__pmd(((phys_addr_t)(pfn) << PAGE_SHIFT) | massage_pgprot(prot))
#define pte_pfn(pte)		((pte_val(pte) & PTE_PFN_MASK) >> PAGE_SHIFT)
#define pte_none(pte)		(!pte_val(pte))
#define pte_present(pte)	(!!(pte_val(pte) & _PAGE_PRESENT))
#define pte_write(pte)		(!!(pte_val(pte) & _PAGE_RW))
#define pte_exec(pte)		(!(pte_val(pte) & _PAGE_NX))
#define pte_huge(pte)		(!!(pte_val(pte) & _PAGE_PSE))

#define pmd_none(pmd)		(!pmd_val(pmd))
#define pmd_present(pmd)	(!!(pmd_val(pmd) & _PAGE_PRESENT))
#define pmd_large(pmd)		((pmd_val(pmd) & (_PAGE_PSE | _PAGE_PRESENT)) == (_PAGE_PSE | _PAGE_PRESENT))
#define pud_none(pud)		(!pud_val(pud))
#define pud_present(pud)	(!!(pud_val(pud) & _PAGE_PRESENT))
#define pud_large(pud)		((pud_val(pud) & (_PAGE_PSE | _PAGE_PRESENT)) == (_PAGE_PSE | _PAGE_PRESENT))
#define pgd_none(pgd)		(!pgd_val(pgd))
#define pgd_present(pgd)	(!!(pgd_val(pgd) & _PAGE_PRESENT))

#define pmd_page_vaddr(pmd)	__va(pmd_val(pmd) & PTE_PFN_MASK)
#define pud_page_vaddr(pud)	__va(pud_val(pud) & PTE_PFN_MASK)
#define pgd_page_vaddr(pgd)	__va(pgd_val(pgd) & PTE_PFN_MASK)

#define pgd_index(addr)		(((addr) >> PGDIR_SHIFT) & (PTRS_PER_PGD - 1))
#define pud_index(addr)		(((addr) >> PUD_SHIFT) & (PTRS_PER_PUD - 1))
#define pmd_index(addr)		(((addr) >> PMD_SHIFT) & (PTRS_PER_PMD - 1))
#define pte_index(addr)		(((addr) >> PAGE_SHIFT) & (PTRS_PER_PTE - 1))
#define pgd_offset_k(addr)	((pgd_t *)init_level4_pgt + pgd_index(addr))
#define pud_offset(pgdp, addr)	((pud_t *)pgd_page_vaddr(READ_ONCE(*(pgdp))) + pud_index(addr))
#define pmd_offset(pudp, addr)	((pmd_t *)pud_page_vaddr(READ_ONCE(*(pudp))) + pmd_index(addr))
#define pte_offset_kernel(pmdp, addr)	((pte_t *)pmd_page_vaddr(READ_ONCE(*(pmdp))) + pte_index(addr))

/* native_set_pte() and friends: one plain store each (no barrier on x86). */
#define set_pte(ptep, pte)	WRITE_ONCE(*(ptep), pte)
#define set_pmd(pmdp, pmd)	WRITE_ONCE(*(pmdp), pmd)
#define set_pud(pudp, pud)	WRITE_ONCE(*(pudp), pud)
#define set_pgd(pgdp, pgd)	WRITE_ONCE(*(pgdp), pgd)
#define pte_clear(mm, addr, ptep)	set_pte(ptep, __pte(0))

#define pmd_populate_kernel(mm, pmdp, pte)	set_pmd(pmdp, __pmd(_PAGE_TABLE | __pa(pte)))
#define pud_populate(mm, pudp, pmd)		set_pud(pudp, __pud(_PAGE_TABLE | __pa(pmd)))
#define pgd_populate(mm, pgdp, pud)		set_pgd(pgdp, __pgd(_PAGE_TABLE | __pa(pud)))

/* INVLPG: serializing (the store buffer drains), invalidates the page locally at once. */
static inline void __flush_tlb_one(unsigned long addr)
{
	smp_mb();
	__tlbi_range(vaae1, addr, addr + PAGE_SIZE);
	dsb(nsh);
	isb();
}

/* The local flush of everything, global pages included (a CR4.PGE toggle). */
static inline void __flush_tlb_all(void)
{
	smp_mb();
	__tlbi_range(vmalle1, 0, 0);
	dsb(nsh);
	isb();
}

/* The shootdown: every CPU has flushed before it returns. */
static inline void flush_tlb_all(void)
{
	smp_mb();
	__tlbi_range(vmalle1is, 0, 0);
	dsb(ish);
	isb();
}

/* MOV to CR3 (serializing). Stale entries are kept: see docs/semantics.md, x86-64. */
static inline void write_cr3(unsigned long pgd_pa)
{
	smp_mb();
	write_sysreg(pgd_pa, ttbr1_el1);
	isb();
}

/*
 * alloc_low_page() returns the zeroed page's virtual address and stores its physical
 * address through a pointer; ptmc's kernel-C cannot take a local's address, so this one
 * returns the physical address (== the virtual one).
 */
static inline unsigned long alloc_low_page(void)
{
	unsigned long pa = __ptmc_alloc_table(1);

	BUG_ON(pa == ~0UL);
	return pa;
}
#define unmap_low_page(p)	do { } while (0)

/* The page-count statistics of /proc/meminfo: not modelled. */
enum pg_level { PG_LEVEL_NONE, PG_LEVEL_4K, PG_LEVEL_2M, PG_LEVEL_1G };
#define update_page_count(level, pages)	do { } while (0)

/* Locks: a word of shared memory, a fully ordered RMW to take, a release store to drop. */
#define DEFINE_SPINLOCK(name)	unsigned long name = 0
#define spin_lock(l)		__ptmc_lock(l)
#define spin_unlock(l)		__ptmc_unlock(l)

#endif /* PTMC_X86_64_KERNEL_H */
