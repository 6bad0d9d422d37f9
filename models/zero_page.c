/*
 * Seed 002, "arm64: mm: place empty_zero_page in bss" (2016): with the zero page in .bss it
 * is full of junk until .bss is zeroed, and, as Will Deacon noted, "we don't have a dsb
 * after zeroing the zero page (which we need to make sure the zeroes are visible to the
 * page table walker". The zero page served as the reserved TTBR0 of that time
 * (cpu_set_reserved_ttbr0() installed it): no walk through it may find a valid entry.
 *
 * Not kernel code: the zeroing (the .bss clear in head.S) and the first use of the
 * reserved TTBR0 are written out for one page; empty_zero_page is the page the scenario
 * declares in init.pages, its physical address.
 */

static void clear_zero_page(void)
{
	int i;

	for (i = 0; i < PTRS_PER_PTE; i++)
		WRITE_ONCE(((unsigned long *)empty_zero_page)[i], 0);
}

static void reserve_ttbr0(void)
{
	write_sysreg(empty_zero_page, ttbr0_el1);
	isb();
	local_flush_tlb_all();
}

/* As the patch had it: zero, then use, with no barrier between. */
void zero_then_reserve(void)
{
	clear_zero_page();
	reserve_ttbr0();
}

/*
 * With the dsb the thread asks for: the TTBR write waits for the dsb, so a walk through the
 * new TTBR0 sees the zeroes (verified; a false alarm before semantics 5).
 */
void zero_dsb_then_reserve(void)
{
	clear_zero_page();
	dsb(ishst);
	reserve_ttbr0();
}

/* The dsb, then an isb: verified under ptmc's machine. */
void zero_dsb_isb_then_reserve(void)
{
	clear_zero_page();
	dsb(ishst);
	isb();
	reserve_ttbr0();
}
