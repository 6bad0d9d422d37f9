/*
 * The arm64 page-table API of Linux v6.18, restated in kernel-C for ptmc.
 * ptmc includes this file before every model. Functions here are ordinary model code;
 * the machine operations they reach (READ_ONCE, WRITE_ONCE, dsb, __tlbi_range,
 * queue_pte_barriers, __ptmc_alloc_table, ...) are the language's builtins
 * (docs/language.md). The geometry constants (PAGE_SIZE, PTRS_PER_PTE, PMD_SHIFT,
 * CONT_PTES, ...) and descriptor bits (PTE_VALID, PMD_TYPE_TABLE, ...) are predefined
 * from the scenario's machine. Definitions follow arch/arm64/include/asm/pgtable.h,
 * pgtable-hwdef.h, tlbflush.h and include/linux/pgtable.h (GPL-2.0); where the kernel
 * wraps descriptors in structs, ptmc uses plain 64-bit integers.
 */
#ifndef PTMC_ARM64_KERNEL_H
#define PTMC_ARM64_KERNEL_H

#define pte_val(x)	((pteval_t)(x))
#define pmd_val(x)	((pmdval_t)(x))
#define pud_val(x)	((pudval_t)(x))
#define p4d_val(x)	((p4dval_t)(x))
#define pgd_val(x)	((pgdval_t)(x))
#define pgprot_val(x)	((pteval_t)(x))
#define __pte(x)	((pte_t)(x))
#define __pmd(x)	((pmd_t)(x))
#define __pud(x)	((pud_t)(x))
#define __p4d(x)	((p4d_t)(x))
#define __pgd(x)	((pgd_t)(x))
#define __pgprot(x)	((pgprot_t)(x))
#define pte_pmd(pte)	((pmd_t)(pte))
#define pmd_pte(pmd)	((pte_t)(pmd))
#define pud_pte(pud)	((pte_t)(pud))

#define NULL		((void *)0)
#define true		1
#define false		0
#define ENOMEM		12
#define EINVAL		22
#define EBUSY		16
#define EAGAIN		11
#define INVALID_PHYS_ADDR_ULL	(~(phys_addr_t)0)

#define BIT(nr)			(1UL << (nr))
#define BIT_ULL(nr)		(1ULL << (nr))
#define ALIGN_DOWN(x, a)	((x) & ~((unsigned long)(a) - 1))
#define ALIGN(x, a)		(((x) + ((unsigned long)(a) - 1)) & ~((unsigned long)(a) - 1))
#define PAGE_ALIGN(addr)	ALIGN(addr, PAGE_SIZE)
/* The kernel casts back with typeof(p); ptmc converts the integer back on assignment. */
#define PTR_ALIGN_DOWN(p, a)	ALIGN_DOWN((unsigned long)(p), (a))
#define IS_ALIGNED(x, a)	(((x) & ((unsigned long)(a) - 1)) == 0)
#define round_down(x, y)	((x) & ~((unsigned long)(y) - 1))
#define round_up(x, y)		((((x) - 1) | ((unsigned long)(y) - 1)) + 1)
#define min(a, b)		((a) < (b) ? (a) : (b))
#define max(a, b)		((a) > (b) ? (a) : (b))
#define fallthrough		do {} while (0)
#define likely(x)		(x)
#define unlikely(x)		(x)

/* The linear map is the identity in ptmc's machine: VA == PA. */
#define phys_to_virt(x)		((unsigned long)(x))
#define virt_to_phys(x)		((phys_addr_t)(x))
#define __pa(x)			((phys_addr_t)(x))
#define __va(x)			((unsigned long)(x))
#define __phys_to_pte_val(p)	((pteval_t)(p))
#define __phys_to_pmd_val(p)	((pmdval_t)(p))
#define __phys_to_pud_val(p)	((pudval_t)(p))
#define __phys_to_p4d_val(p)	((p4dval_t)(p))
#define __phys_to_pgd_val(p)	((pgdval_t)(p))

#define smp_wmb()		dmb(ishst)
#define smp_rmb()		dmb(ishld)
#define smp_mb()		dmb(ish)

/* Descriptors: predicates and constructors. */
#define pte_present_invalid(pte)	((pte_val(pte) & (PTE_VALID | PTE_PRESENT_INVALID)) == PTE_PRESENT_INVALID)
#define pte_valid(pte)		(!!(pte_val(pte) & PTE_VALID))
#define pte_present(pte)	(pte_valid(pte) || pte_present_invalid(pte))
#define pte_none(pte)		(!pte_val(pte))
#define pte_cont(pte)		(!!(pte_val(pte) & PTE_CONT))
#define pte_write(pte)		(!!(pte_val(pte) & PTE_WRITE))
#define pte_rdonly(pte)		(!!(pte_val(pte) & PTE_RDONLY))
#define pte_user(pte)		(!!(pte_val(pte) & PTE_USER))
#define pte_valid_not_user(pte)	((pte_val(pte) & (PTE_VALID | PTE_USER | PTE_UXN)) == (PTE_VALID | PTE_UXN))
#define pte_pfn(pte)		((pte_val(pte) & PTE_ADDR_LOW) >> PAGE_SHIFT)
#define pfn_pte(pfn, prot)	__pte(((phys_addr_t)(pfn) << PAGE_SHIFT) | pgprot_val(prot))
#define pte_pgprot(pte)		__pgprot(pte_val(pte) & ~PTE_ADDR_LOW)
#define pte_mknoncont(pte)	__pte(pte_val(pte) & ~PTE_CONT)
#define pte_mkcont(pte)		__pte(pte_val(pte) | PTE_CONT)
#define pte_mkwrite_novma(pte)	__pte((pte_val(pte) | PTE_WRITE) & ~PTE_RDONLY)
#define pte_mkwrite(pte, vma)	pte_mkwrite_novma(pte)
#define pte_wrprotect(pte)	__pte((pte_val(pte) & ~PTE_WRITE) | PTE_RDONLY)
#define pte_mkvalid(pte)	__pte(pte_val(pte) | PTE_VALID)
#define set_pte_bit(pte, prot)	__pte(pte_val(pte) | pgprot_val(prot))
#define clear_pte_bit(pte, prot) __pte(pte_val(pte) & ~pgprot_val(prot))

#define pmd_none(pmd)		(!pmd_val(pmd))
#define pmd_valid(pmd)		pte_valid(pmd_pte(pmd))
#define pmd_present(pmd)	pte_present(pmd_pte(pmd))
#define pmd_table(pmd)		((pmd_val(pmd) & PMD_TYPE_MASK) == PMD_TYPE_TABLE)
#define pmd_sect(pmd)		((pmd_val(pmd) & PMD_TYPE_MASK) == PMD_TYPE_SECT)
#define pmd_leaf(pmd)		(pmd_present(pmd) && !pmd_table(pmd))
#define pmd_cont(pmd)		pte_cont(pmd_pte(pmd))
#define pmd_pfn(pmd)		((pmd_val(pmd) & PTE_ADDR_LOW) >> PAGE_SHIFT)
#define pfn_pmd(pfn, prot)	__pmd(((phys_addr_t)(pfn) << PAGE_SHIFT) | pgprot_val(prot))
#define pmd_pgprot(pmd)		__pgprot(pmd_val(pmd) & ~PTE_ADDR_LOW)
#define pmd_mknoncont(pmd)	__pmd(pmd_val(pmd) & ~PMD_SECT_CONT)
#define pmd_page_paddr(pmd)	((phys_addr_t)(pmd_val(pmd) & PTE_ADDR_LOW))

#define pud_none(pud)		(!pud_val(pud))
#define pud_valid(pud)		pte_valid(pud_pte(pud))
#define pud_present(pud)	pte_present(pud_pte(pud))
#define pud_table(pud)		((pud_val(pud) & PUD_TYPE_MASK) == PUD_TYPE_TABLE)
#define pud_sect(pud)		((pud_val(pud) & PUD_TYPE_MASK) == PUD_TYPE_SECT)
#define pud_leaf(pud)		(pud_present(pud) && !pud_table(pud))
#define pud_pfn(pud)		((pud_val(pud) & PTE_ADDR_LOW) >> PAGE_SHIFT)
#define pfn_pud(pfn, prot)	__pud(((phys_addr_t)(pfn) << PAGE_SHIFT) | pgprot_val(prot))
#define pud_pgprot(pud)		__pgprot(pud_val(pud) & ~PTE_ADDR_LOW)
#define pud_page_paddr(pud)	((phys_addr_t)(pud_val(pud) & PTE_ADDR_LOW))
#define pud_sect_supported()	(PTMC_LEVELS >= 3)

#define p4d_page_paddr(p4d)	((phys_addr_t)(p4d_val(p4d) & PTE_ADDR_LOW))
#define pgd_page_paddr(pgd)	((phys_addr_t)(pgd_val(pgd) & PTE_ADDR_LOW))

/* Table indices and walking, with the levels above the root folded as Linux folds them. */
#define pgd_index(addr)		(((addr) >> PGDIR_SHIFT) & (PTRS_PER_PGD - 1))
#define pud_index(addr)		(((addr) >> PUD_SHIFT) & (PTRS_PER_PUD - 1))
#define pmd_index(addr)		(((addr) >> PMD_SHIFT) & (PTRS_PER_PMD - 1))
#define pte_index(addr)		(((addr) >> PAGE_SHIFT) & (PTRS_PER_PTE - 1))
#define pgd_offset_k(addr)	((pgd_t *)swapper_pg_dir + pgd_index(addr))
#define __pte_offset_phys(pmd, addr) (pmd_page_paddr(pmd) + pte_index(addr) * sizeof(pte_t))

#define pgdp_get(pgdp)		READ_ONCE(*(pgdp))
#define p4dp_get(p4dp)		READ_ONCE(*(p4dp))
#define pudp_get(pudp)		READ_ONCE(*(pudp))
#define pmdp_get(pmdp)		READ_ONCE(*(pmdp))
#define __ptep_get(ptep)	READ_ONCE(*(ptep))
#define ptep_get(ptep)		__ptep_get(ptep)

/* The P4D level is always folded into the PGD (no 5-level tables). */
#define pgd_none(pgd)		0
#define pgd_present(pgd)	1
#define pgd_bad(pgd)		0
#define p4d_offset(pgdp, addr)	((p4d_t *)(pgdp))

#if PTMC_LEVELS == 4
#define p4d_none(p4d)		(!p4d_val(p4d))
#define p4d_present(p4d)	pte_present(__pte(p4d_val(p4d)))
#define pud_offset(p4dp, addr)	((pud_t *)(p4d_page_paddr(READ_ONCE(*(p4dp))) + pud_index(addr) * sizeof(pud_t)))
#else
/* 3 or 2 levels: the PUD is folded into the P4D (and so into the PGD). */
#define p4d_none(p4d)		0
#define p4d_present(p4d)	1
#define pud_offset(p4dp, addr)	((pud_t *)(p4dp))
#endif

#if PTMC_LEVELS >= 3
#define pmd_offset(pudp, addr)	((pmd_t *)(pud_page_paddr(READ_ONCE(*(pudp))) + pmd_index(addr) * sizeof(pmd_t)))
#else
/* 2 levels: the PMD is folded into the PUD: the root entries are PMDs. */
#undef pud_none
#undef pud_present
#undef pud_leaf
#define pud_none(pud)		0
#define pud_present(pud)	1
#define pud_leaf(pud)		0
#define pmd_offset(pudp, addr)	((pmd_t *)(pudp))
#endif

#define pte_offset_kernel(pmdp, addr)	((pte_t *)__pte_offset_phys(READ_ONCE(*(pmdp)), addr))

/*
 * Setters. __set_pte and set_pmd/set_pud emit dsb(ishst); isb() for a valid (kernel)
 * entry, or only mark them pending in lazy MMU mode (queue_pte_barriers, a builtin).
 */
#define __set_pte_nosync(ptep, pte)	WRITE_ONCE(*(ptep), pte)

static inline void __set_pte_complete(pte_t pte)
{
	if (pte_valid_not_user(pte))
		queue_pte_barriers();
}

static inline void __set_pte(pte_t *ptep, pte_t pte)
{
	__set_pte_nosync(ptep, pte);
	__set_pte_complete(pte);
}

#define set_pte(ptep, pte)	__set_pte(ptep, pte)

static inline void set_pmd(pmd_t *pmdp, pmd_t pmd)
{
	WRITE_ONCE(*pmdp, pmd);
	if (pmd_valid(pmd))
		queue_pte_barriers();
}

static inline void set_pud(pud_t *pudp, pud_t pud)
{
	WRITE_ONCE(*pudp, pud);
	if (pud_valid(pud))
		queue_pte_barriers();
}

static inline void set_p4d(p4d_t *p4dp, p4d_t p4d)
{
	WRITE_ONCE(*p4dp, p4d);
	dsb(ishst);
	isb();
}

#define pte_clear(mm, addr, ptep)	__set_pte(ptep, __pte(0))
#define pmd_clear(pmdp)			set_pmd(pmdp, __pmd(0))
#define pud_clear(pudp)			set_pud(pudp, __pud(0))

static inline void __pmd_populate(pmd_t *pmdp, phys_addr_t ptep, pmdval_t prot)
{
	set_pmd(pmdp, __pmd(__phys_to_pmd_val(ptep) | prot));
}

static inline void __pud_populate(pud_t *pudp, phys_addr_t pmdp, pudval_t prot)
{
	set_pud(pudp, __pud(__phys_to_pud_val(pmdp) | prot));
}

#define pmd_populate_kernel(mm, pmdp, ptep) \
	__pmd_populate(pmdp, __pa(ptep), PMD_TYPE_TABLE | PMD_TABLE_AF | PMD_TABLE_UXN)

/* Lazy MMU mode (v6.18: TIF_LAZY_MMU / TIF_LAZY_MMU_PENDING). */
#define arch_enter_lazy_mmu_mode()	__ptmc_lazy_enter()
#define arch_leave_lazy_mmu_mode()	__ptmc_lazy_leave()

/* TLB maintenance (asm/tlbflush.h). */
static inline void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	start = round_down(start, PAGE_SIZE);
	end = round_up(end, PAGE_SIZE);
	dsb(ishst);
	__tlbi_range(vaale1is, start, end);
	dsb(ish);
	isb();
}

static inline void __flush_tlb_kernel_pgtable(unsigned long kaddr)
{
	dsb(ishst);
	__tlbi_range(vaae1is, kaddr, kaddr + PAGE_SIZE);
	dsb(ish);
	isb();
}

static inline void flush_tlb_all(void)
{
	dsb(ishst);
	__tlbi_range(vmalle1is, 0, 0);
	dsb(ish);
	isb();
}

static inline void local_flush_tlb_all(void)
{
	dsb(nshst);
	__tlbi_range(vmalle1, 0, 0);
	dsb(nsh);
	isb();
}

/* Page-table pages. */
#define __GFP_ZERO		0x100u
#define GFP_KERNEL		0xcc0u
#define GFP_PGTABLE_KERNEL	(GFP_KERNEL | __GFP_ZERO)
enum pgtable_type { TABLE_PTE, TABLE_PMD, TABLE_PUD, TABLE_P4D };

#define pagetable_alloc(gfp, order)	__ptmc_alloc_table(((gfp) & __GFP_ZERO) != 0)
#define pagetable_free(pa)		__ptmc_free_table(pa)

static inline phys_addr_t try_pgd_pgtable_alloc_init_mm(enum pgtable_type pgtable_type)
{
	return pagetable_alloc(GFP_PGTABLE_KERNEL & ~__GFP_ZERO, 0);
}

static inline phys_addr_t pgd_pgtable_alloc_init_mm(enum pgtable_type pgtable_type)
{
	phys_addr_t pa = pagetable_alloc(GFP_PGTABLE_KERNEL & ~__GFP_ZERO, 0);

	BUG_ON(pa == INVALID_PHYS_ADDR_ULL);
	return pa;
}

/* FEAT_BBM level 2 without aborts, from the machine (a scenario may force it). */
#ifndef system_supports_bbml2_noabort
#define system_supports_bbml2_noabort()	PTMC_BBML2_NOABORT
#endif

/* Locks: a word of shared memory, taken with a fully ordered RMW and released with a release store. */
#define DEFINE_MUTEX(name)	unsigned long name = 0
#define DEFINE_SPINLOCK(name)	unsigned long name = 0
#define mutex_lock(l)		__ptmc_lock(l)
#define mutex_unlock(l)		__ptmc_unlock(l)
#define spin_lock(l)		__ptmc_lock(l)
#define spin_unlock(l)		__ptmc_unlock(l)
unsigned long init_mm = 0;
#define mmap_write_lock(mm)	__ptmc_lock(mm)
#define mmap_write_unlock(mm)	__ptmc_unlock(mm)

#define VM_WARN_ON(x)		WARN_ON(x)
#define VM_BUG_ON(x)		BUG_ON(x)

/* Bit search (asm-generic/bitops/__ffs.h): undefined for 0, as in the kernel. */
static inline unsigned long __ffs(unsigned long word)
{
	unsigned long num = 0;

	while (!(word & 1)) {
		word >>= 1;
		num++;
	}
	return num;
}

/*
 * TTBR switching (asm/mmu_context.h, mm/proc.S). ptmc's reserved_pg_dir is "no table":
 * a walk from it faults at once, as one from an all-invalid table does.
 */
#define reserved_pg_dir		0UL

static inline void cpu_set_reserved_ttbr0_nosync(void)
{
	write_sysreg(reserved_pg_dir, ttbr0_el1);
}

static inline void cpu_set_reserved_ttbr0(void)
{
	cpu_set_reserved_ttbr0_nosync();
	isb();
}

/* idmap_cpu_replace_ttbr1: reserved TTBR1, isb, local TLB flush, then the new tables. */
static inline void cpu_replace_ttbr1(unsigned long pgdp, unsigned long idmap)
{
	write_sysreg(reserved_pg_dir, ttbr1_el1);
	isb();
	__tlbi_range(vmalle1, 0, 0);
	dsb(nsh);
	isb();
	write_sysreg(pgdp, ttbr1_el1);
	isb();
}

#endif /* PTMC_ARM64_KERNEL_H */
