// Integer and control-flow semantics of compiled kernel-C, checked by running tiny models
// alone (sc memory) and reading the globals they wrote back from the final machine state.
// Expected values are what GCC/Clang give for the same C on arm64 (LP64; signed overflow
// and out-of-range conversions wrap in two's complement, as the kernel builds with
// -fno-strict-overflow).

import { describe, expect, it } from 'vitest';
import { runSequential } from '../helpers/kernel.js';
import { Ev } from '../../src/machine/events.js';
import { globalPa, globalSigned, globalValue, runRecorded, setupModel } from '../helpers/kernelRun.js';

const GLOBALS = 'unsigned long r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11;\n';
const ONES = 0xffff_ffff_ffff_ffffn;

/** Run `body` (a model defining `void t(void)`) with the globals r0..r11; return readers. */
function run(body: string): { u: (n: string) => bigint; s: (n: string) => bigint } {
  const setup = setupModel(GLOBALS + body, 't();');
  const { state, violations } = runSequential(setup);
  expect(violations).toEqual([]);
  return { u: (n) => globalValue(setup, state, n), s: (n) => globalSigned(setup, state, n) };
}

describe('kernel-C integer semantics', () => {
  it('unsigned arithmetic wraps around at the width of its type', () => {
    const { u } = run(`
void t(void)
{
	u64 z = 0;
	u32 w = 0;
	u32 m = 0xffffffff;
	u8 b = 250;
	unsigned long big = 0xffffffffffffffffUL;

	r0 = z - 1;
	w = w - 1;
	r1 = w;
	m++;
	r2 = m;
	b += 10;
	r3 = b;
	r4 = big + 2;
	r5 = 0U - 1;		/* unsigned int, then zero-extended */
	r6 = 0UL - 1;
	r7 = (u32)(w + 2);
}`);
    expect(u('r0')).toBe(ONES);
    expect(u('r1')).toBe(0xffff_ffffn);
    expect(u('r2')).toBe(0n);
    expect(u('r3')).toBe(4n);
    expect(u('r4')).toBe(1n);
    expect(u('r5')).toBe(0xffff_ffffn);
    expect(u('r6')).toBe(ONES);
    expect(u('r7')).toBe(1n);
  });

  it('shifts: 1UL << 63, runtime shift counts, arithmetic right shift of negatives, promotion', () => {
    const { u, s } = run(`
void t(void)
{
	int n = 63;
	long neg = -16;
	int ineg = -1;
	u8 c = 0x80;
	unsigned long top;

	r0 = 1UL << 63;
	r1 = 1UL << n;
	top = 1UL << n;
	r2 = top >> 63;
	r3 = neg >> 2;
	r4 = 0x80000000U << 1;			/* unsigned int: the bit falls off */
	r5 = (unsigned long)0x80000000U << 1;
	r6 = c << 1;				/* promoted to int first */
	r7 = (unsigned int)ineg >> 28;		/* logical */
	r8 = ineg >> 28;			/* arithmetic */
	r9 = BIT(52) >> 52;
	r10 = 1U << 31;
}`);
    expect(u('r0')).toBe(0x8000_0000_0000_0000n);
    expect(u('r1')).toBe(0x8000_0000_0000_0000n);
    expect(u('r2')).toBe(1n);
    expect(s('r3')).toBe(-4n);
    expect(u('r4')).toBe(0n);
    expect(u('r5')).toBe(0x1_0000_0000n);
    expect(u('r6')).toBe(0x100n);
    expect(u('r7')).toBe(0xfn);
    expect(s('r8')).toBe(-1n);
    expect(u('r9')).toBe(1n);
    expect(u('r10')).toBe(0x8000_0000n);
  });

  it('int arithmetic is 32-bit: overflow wraps in two\'s complement, conversions truncate', () => {
    const { u, s } = run(`
void t(void)
{
	int i = 0x7fffffff;
	int j = 0x10000;
	long l;
	long l2;
	int tr;
	s8 sb;
	u16 h;
	short sh;

	i = i + 1;
	r0 = i;
	r1 = j * j;			/* 2^32 in 32 bits: 0 */
	l = j * j;			/* still an int multiplication */
	r2 = l;
	l2 = (long)j * j;
	r3 = l2;
	tr = (int)0x123456789UL;
	r4 = tr;
	sb = (s8)0xff;
	r5 = sb;
	h = 0x12345;
	r6 = h;
	sh = 0x8000;
	r7 = sh;
	r10 = h * h;			/* u16 promotes to int: 0x2345 * 0x2345 fits */
	h = 0xffff;
	r11 = h * h;			/* int overflow: wraps negative, then sign-extends */
	r8 = -i;			/* -INT_MIN wraps back to INT_MIN */
	r9 = i - 1;			/* INT_MIN - 1 wraps to INT_MAX */
}`);
    expect(s('r0')).toBe(-2147483648n);
    expect(u('r0')).toBe(0xffff_ffff_8000_0000n); // sign-extended into the unsigned long
    expect(u('r1')).toBe(0n);
    expect(u('r2')).toBe(0n);
    expect(u('r3')).toBe(0x1_0000_0000n);
    expect(u('r4')).toBe(0x2345_6789n);
    expect(s('r5')).toBe(-1n);
    expect(u('r6')).toBe(0x2345n);
    expect(s('r7')).toBe(-32768n);
    expect(s('r8')).toBe(-2147483648n);
    expect(s('r9')).toBe(2147483647n);
    expect(u('r10')).toBe(0x2345n * 0x2345n);
    expect(u('r11')).toBe(0xffff_ffff_fffe_0001n);
  });

  it('integer literals get their C type from value, radix and suffix', () => {
    const { u, s } = run(`
void t(void)
{
	r0 = 0xffffffff + 1;		/* hex: unsigned int, wraps */
	r1 = 4294967295 + 1;		/* decimal: long */
	r2 = -2147483648;		/* 2147483648 is a long, so no overflow */
	r3 = 0x7fffffff + 1;		/* int: wraps */
	r4 = 010 + 0x10 + 'a';
	r5 = ~0;
	r6 = ~0U;
	r7 = (1U << 1UL) - 3;		/* a shift has the promoted left operand's type */
	r8 = -0x80000000;		/* unsigned int: stays 0x80000000 */
	r9 = 0x100000000 - 1;		/* long */
}`);
    expect(u('r0')).toBe(0n);
    expect(u('r1')).toBe(0x1_0000_0000n);
    expect(s('r2')).toBe(-2147483648n);
    expect(s('r3')).toBe(-2147483648n);
    expect(u('r4')).toBe(8n + 16n + 97n);
    expect(s('r5')).toBe(-1n);
    expect(u('r6')).toBe(0xffff_ffffn);
    expect(u('r7')).toBe(0xffff_ffffn);
    expect(u('r8')).toBe(0x8000_0000n);
    expect(u('r9')).toBe(0xffff_ffffn);
  });

  it('sizeof does not evaluate its operand; an assignment has the converted value', () => {
    const { u } = run(`
void t(void)
{
	int i = 1;
	u8 b;

	r0 = sizeof(r1++) + sizeof(i++) + sizeof(char);
	r2 = i;
	r3 = (b = 300);
	r4 = r5 = r6 = 9;
}`);
    expect(u('r0')).toBe(8n + 4n + 1n);
    expect(u('r1')).toBe(0n);
    expect(u('r2')).toBe(1n);
    expect(u('r3')).toBe(44n);
    expect([u('r4'), u('r5'), u('r6')]).toEqual([9n, 9n, 9n]);
  });

  it('comparisons follow the usual arithmetic conversions', () => {
    const { u } = run(`
void t(void)
{
	int ret = -ENOMEM;
	int m1 = -1;
	unsigned long one = 1;
	unsigned int uone = 1;
	long lm1 = -1;
	unsigned int u = 0;
	u8 big = 200;
	s8 small = -1;

	r0 = ret < 0;
	r1 = -1 < 1UL;			/* -1 becomes ULONG_MAX */
	r2 = m1 < one;
	r3 = m1 < uone;			/* int vs unsigned int: unsigned */
	r4 = lm1 < uone;		/* long is wider: signed */
	r5 = u - 1 > 0;
	r6 = big > small;		/* both promoted to int */
	r7 = -1L < 1U;
	r8 = ret == -12;
	r9 = m1 == 0xffffffff;		/* unsigned int: -1 converts to 0xffffffff */
	r10 = lm1 == 0xffffffff;	/* long: 0xffffffff stays positive */
}`);
    expect(u('r0')).toBe(1n);
    expect(u('r1')).toBe(0n);
    expect(u('r2')).toBe(0n);
    expect(u('r3')).toBe(0n);
    expect(u('r4')).toBe(1n);
    expect(u('r5')).toBe(1n);
    expect(u('r6')).toBe(1n);
    expect(u('r7')).toBe(1n);
    expect(u('r8')).toBe(1n);
    expect(u('r9')).toBe(1n);
    expect(u('r10')).toBe(0n);
  });

  it('phys_addr_t: -1 is INVALID_PHYS_ADDR, negative errnos sign-extend, unsigned int zero-extends', () => {
    const { u } = run(`
#define INVALID_PHYS_ADDR	(~(phys_addr_t)0)
void t(void)
{
	phys_addr_t pa = -1;
	int e = -EINVAL;
	phys_addr_t pe = e;
	unsigned int ue = -1;
	phys_addr_t pu = ue;

	r0 = pa == INVALID_PHYS_ADDR;
	r1 = pa == INVALID_PHYS_ADDR_ULL;
	r2 = pa == -1;
	r3 = pa;
	r4 = pe;
	r5 = pu;
	r6 = pu == INVALID_PHYS_ADDR;
}`);
    expect(u('r0')).toBe(1n);
    expect(u('r1')).toBe(1n);
    expect(u('r2')).toBe(1n);
    expect(u('r3')).toBe(ONES);
    expect(u('r4')).toBe(0xffff_ffff_ffff_ffean);
    expect(u('r5')).toBe(0xffff_ffffn);
    expect(u('r6')).toBe(0n);
  });

  it('division and modulo truncate toward zero; unsigned division of converted negatives', () => {
    const { u, s } = run(`
void t(void)
{
	int a = -7, b = 2;
	long x = -9;
	unsigned int ud = -7;

	r0 = a / b;
	r1 = a % b;
	r2 = 7 / -2;
	r3 = 7 % -2;
	r4 = a / 2UL;			/* converted to unsigned long first */
	r5 = x / 4;
	r6 = x % 4;
	r7 = ud / 2;
	r8 = -a / b;
	r9 = (a * b) % 5;
}`);
    expect(s('r0')).toBe(-3n);
    expect(s('r1')).toBe(-1n);
    expect(s('r2')).toBe(-3n);
    expect(s('r3')).toBe(1n);
    expect(u('r4')).toBe(0x7fff_ffff_ffff_fffcn);
    expect(s('r5')).toBe(-2n);
    expect(s('r6')).toBe(-1n);
    expect(u('r7')).toBe(0x7fff_fffcn);
    expect(s('r8')).toBe(3n);
    expect(s('r9')).toBe(-4n);
  });

  it('! and truth tests look at all 64 bits', () => {
    const { u } = run(`
void t(void)
{
	unsigned long hi = 1UL << 40;
	pte_t pte = __pte(PTE_CONT);
	bool bb;
	u32 low;

	r0 = !hi;
	r1 = !!hi;
	r2 = pte_cont(pte);
	r3 = pte_none(pte);
	if (hi)
		r4 = 1;
	else
		r4 = 2;
	r5 = hi && 1;
	r6 = hi ? 3 : 4;
	bb = hi;
	r7 = bb;
	low = hi;
	r8 = !low;			/* the truncation dropped bit 40 */
	r9 = 0;
	while (hi) {
		hi >>= 8;
		r9++;
	}
}`);
    expect(u('r0')).toBe(0n);
    expect(u('r1')).toBe(1n);
    expect(u('r2')).toBe(1n);
    expect(u('r3')).toBe(0n);
    expect(u('r4')).toBe(1n);
    expect(u('r5')).toBe(1n);
    expect(u('r6')).toBe(3n);
    expect(u('r7')).toBe(1n);
    expect(u('r8')).toBe(1n);
    expect(u('r9')).toBe(6n);
  });

  it('the conditional operator: one arm evaluated, result in the common type', () => {
    const { u } = run(`
void t(void)
{
	int c0 = 0, c1 = 1;

	r0 = c0 ? 10 : 20;
	r1 = c1 ? -1 : 1U;		/* unsigned int */
	r2 = c1 ? -1 : 1UL;		/* unsigned long */
	r3 = c0 ? (r4 = 7) : (r5 = 8);
	r6 = c1 ? c0 ? 1 : 2 : 3;
	r7 = (c1 ? 5 : 6) + 1;
}`);
    expect(u('r0')).toBe(20n);
    expect(u('r1')).toBe(0xffff_ffffn);
    expect(u('r2')).toBe(ONES);
    expect(u('r3')).toBe(8n);
    expect(u('r4')).toBe(0n); // never assigned
    expect(u('r5')).toBe(8n);
    expect(u('r6')).toBe(2n);
    expect(u('r7')).toBe(6n);
  });

  it('the comma operator: left to right, value of the last', () => {
    const { u } = run(`
void t(void)
{
	int i, j, n = 0;
	int k = (1, 2, 3);

	r0 = (r1 = 5, r1 + 1);
	r2 = k;
	for (i = 0, j = 10; i < j; i++, j--)
		n++;
	r3 = n;
	r4 = (n = 7, n * 2);
}`);
    expect(u('r0')).toBe(6n);
    expect(u('r1')).toBe(5n);
    expect(u('r2')).toBe(3n);
    expect(u('r3')).toBe(5n);
    expect(u('r4')).toBe(14n);
  });

  it('compound assignments, on locals and on globals, and their value', () => {
    const { u, s } = run(`
void t(void)
{
	unsigned long x = 10;
	int y = 7;
	unsigned long z = 1;
	int q = 5;
	u8 b = 200;

	x += 5;
	x -= 20;
	r0 = x;
	y *= 3;
	y /= 2;
	y %= 4;
	r1 = y;
	z <<= 40;
	z >>= 8;
	z |= 3;
	z &= ~1UL;
	z ^= 0xf0;
	r2 = z;
	q -= 10;
	r3 = q;
	r4 = 3;
	r4 += 4;
	r4 <<= 2;
	b *= 2;
	r5 = b;
	r6 = (y += 1);
	r7 = 100;
	r7 /= 3;
	r7 %= 7;
	r8 = 0;
	r8 -= 1;
}`);
    expect(u('r0')).toBe(ONES - 4n);
    expect(u('r1')).toBe(2n);
    expect(u('r2')).toBe(0x1_0000_00f2n);
    expect(s('r3')).toBe(-5n);
    expect(u('r4')).toBe(28n);
    expect(u('r5')).toBe(144n);
    expect(u('r6')).toBe(3n);
    expect(u('r7')).toBe(5n);
    expect(u('r8')).toBe(ONES);
  });

  it('pre- and post-increment and decrement, on locals and globals', () => {
    const { u } = run(`
void t(void)
{
	int i = 5;
	unsigned int w = 0;

	r0 = i++;
	r1 = i;
	r2 = ++i;
	r3 = i--;
	r4 = --i;
	r5 = 10;
	r6 = r5++;
	r7 = ++r5;
	w--;
	r8 = w;
	r9 = r10--;
}`);
    expect(u('r0')).toBe(5n);
    expect(u('r1')).toBe(6n);
    expect(u('r2')).toBe(7n);
    expect(u('r3')).toBe(7n);
    expect(u('r4')).toBe(5n);
    expect(u('r5')).toBe(12n);
    expect(u('r6')).toBe(10n);
    expect(u('r7')).toBe(12n);
    expect(u('r8')).toBe(0xffff_ffffn);
    expect(u('r9')).toBe(0n);
    expect(u('r10')).toBe(ONES);
  });

  it('pointer arithmetic on pte_t * scales by 8; differences count entries', () => {
    const { u, s } = run(`
void t(void)
{
	pte_t *p1 = (pte_t *)swapper_pg_dir;
	pte_t *p2 = p1 + 1;
	pte_t *p3 = p1 + 3;
	u32 *w = (u32 *)p1;
	void *v = (void *)p1;

	r0 = (unsigned long)p2 - (unsigned long)p1;
	r1 = p2 - p1;
	r2 = p3 - p1;
	r3 = p1 - p3;
	r4 = sizeof(*p1);
	r5 = sizeof(pte_t *) + sizeof(int) * 10 + sizeof(u8) * 100;
	p3--;
	r6 = p3 - p1;
	r7 = &p1[2] == p1 + 2;
	WRITE_ONCE(p1[2], 0x55);
	r8 = READ_ONCE(*(p1 + 2));
	r9 = (unsigned long)(w + 1) - (unsigned long)p1;
	r10 = (unsigned long)(v + 1) - (unsigned long)p1;
	p2 += 1;
	r11 = *p2 == 0x55 && p2 == &p1[3] - 1 && p2 > p1;
}`);
    expect(u('r0')).toBe(8n);
    expect(u('r1')).toBe(1n);
    expect(u('r2')).toBe(3n);
    expect(s('r3')).toBe(-3n);
    expect(u('r4')).toBe(8n);
    expect(u('r5')).toBe(8n + 40n + 100n);
    expect(u('r6')).toBe(2n);
    expect(u('r7')).toBe(1n);
    expect(u('r8')).toBe(0x55n);
    expect(u('r9')).toBe(4n);
    expect(u('r10')).toBe(1n);
    expect(u('r11')).toBe(1n);
  });

  it('casts truncate, sign- or zero-extend, and (bool) tests the whole value', () => {
    const { u, s } = run(`
void t(void)
{
	long neg = -1;
	unsigned long hi = 0x100000000UL;

	r0 = (u8)0x1ff;
	r1 = (s8)0x80;
	r2 = (int)0xffffffffUL;
	r3 = (unsigned int)-1;
	r4 = (unsigned long)(int)-1;
	r5 = (unsigned long)(unsigned int)-1;
	r6 = (bool)hi;
	r7 = (u16)(s16)-2;
	r8 = (u32)neg;
	r9 = (s32)(u32)0x80000000U;
	r10 = (pte_t)(u8)neg;
}`);
    expect(u('r0')).toBe(0xffn);
    expect(s('r1')).toBe(-128n);
    expect(s('r2')).toBe(-1n);
    expect(u('r3')).toBe(0xffff_ffffn);
    expect(u('r4')).toBe(ONES);
    expect(u('r5')).toBe(0xffff_ffffn);
    expect(u('r6')).toBe(1n);
    expect(u('r7')).toBe(0xfffen);
    expect(u('r8')).toBe(0xffff_ffffn);
    expect(s('r9')).toBe(-2147483648n);
    expect(u('r10')).toBe(0xffn);
  });

  it('switch: case, default in the middle, fallthrough and break', () => {
    const { u } = run(`
static int sw(int v)
{
	int acc = 0;

	switch (v) {
	case 1:
		acc += 1;
	case 2:
		acc += 10;
		break;
	case 3:
	case 4:
		acc += 100;
	default:
		acc += 1000;
	case 5:
		acc += 10000;
		break;
	}
	return acc;
}

void t(void)
{
	r0 = sw(1);
	r1 = sw(2);
	r2 = sw(3);
	r3 = sw(4);
	r4 = sw(5);
	r5 = sw(9);
	r6 = sw(-1);
}`);
    expect([u('r0'), u('r1'), u('r2'), u('r3'), u('r4'), u('r5'), u('r6')]).toEqual([11n, 10n, 11100n, 11100n, 10000n, 11000n, 11000n]);
  });

  it("the kernel's fallthrough; pseudo-keyword compiles and falls through", () => {
    // Kernel code marks intended fallthrough with \`fallthrough;\` (a macro for
    // __attribute__((__fallthrough__)) in compiler_attributes.h); the parser accepts the
    // attribute statement, so the prelude only needs the macro.
    const { u } = run(`
void t(void)
{
	int v = 1, acc = 0;

	switch (v) {
	case 1:
		acc += 1;
		fallthrough;
	case 2:
		acc += 10;
		break;
	}
	r0 = acc;
}`);
    expect(u('r0')).toBe(11n);
  });

  it('switch without a matching case or default does nothing; break and continue inside loops', () => {
    const { u } = run(`
void t(void)
{
	int i, n = 0, odd = 0;

	switch (n) {
	case 1:
		r0 = 1;
	}
	for (i = 0; i < 6; i++) {
		switch (i & 1) {
		case 0:
			continue;	/* the loop's continue */
		default:
			break;		/* the switch's break */
		}
		odd++;
	}
	r1 = odd;
	r2 = i;
}`);
    expect(u('r0')).toBe(0n);
    expect(u('r1')).toBe(3n);
    expect(u('r2')).toBe(6n);
  });

  it('switch converts case labels to the promoted type of the controlling expression (C11 6.8.4.2p5)', () => {
    // switch (x) on an unsigned long x == ULONG_MAX must take `case -1`: -1 converts to
    // ULONG_MAX, as it does in `x == -1`. Likewise an int -1 matches `case 0xffffffff`.
    const { u } = run(`
void t(void)
{
	unsigned long x = ~0UL;
	int m = -1;

	r2 = x == -1;
	switch (x) {
	case -1:
		r0 = 1;
		break;
	default:
		r0 = 2;
	}
	switch (m) {
	case 0xffffffff:
		r1 = 1;
		break;
	default:
		r1 = 2;
	}
}`);
    expect(u('r2')).toBe(1n);
    expect(u('r0')).toBe(1n);
    expect(u('r1')).toBe(1n);
  });

  it('goto: backward loops and forward error paths', () => {
    const { u, s } = run(`
static int sum_to(int n)
{
	int i = 0, sum = 0;
again:
	if (i >= n)
		goto out;
	sum += i;
	i++;
	goto again;
out:
	return sum;
}

static int alloc_two(int fail_second)
{
	int ret = 0;

	r5 = 1;
	if (fail_second) {
		ret = -ENOMEM;
		goto err_free_first;
	}
	r6 = 1;
	return 0;

err_free_first:
	r5 = 0;
	return ret;
}

void t(void)
{
	r0 = sum_to(5);
	r1 = alloc_two(1);
	r2 = r5;
	r3 = r6;
	r4 = alloc_two(0);
}`);
    expect(u('r0')).toBe(10n);
    expect(s('r1')).toBe(-12n);
    expect(u('r2')).toBe(0n);
    expect(u('r3')).toBe(0n);
    expect(u('r4')).toBe(0n);
    expect(u('r5')).toBe(1n);
    expect(u('r6')).toBe(1n);
  });

  it('do/while runs the body first; continue goes to the condition; break leaves the innermost loop', () => {
    const { u } = run(`
void t(void)
{
	int i = 0, s = 0, k = 0, c = 0, outer, inner, pairs = 0;

	do {
		s += i;
		i++;
	} while (i < 5);
	r0 = s;
	do {
		s += 100;
	} while (0);
	r1 = s;
	do {
		c++;
		continue;	/* must test the condition, not loop forever */
	} while (c < 3);
	r2 = c;
	do {
		k++;
		if (k < 3)
			continue;
		break;
	} while (1);
	r3 = k;
	for (i = 0, s = 0; i < 10; i++) {
		if (i == 2)
			continue;
		if (i == 5)
			break;
		s += i;
	}
	r4 = s;
	r5 = i;
	while (1) {
		if (++i > 12)
			break;
	}
	r6 = i;
	for (outer = 0; outer < 3; outer++)
		for (inner = 0; ; inner++) {
			if (inner == outer)
				break;
			pairs++;
		}
	r7 = pairs;
}`);
    expect(u('r0')).toBe(10n);
    expect(u('r1')).toBe(110n);
    expect(u('r2')).toBe(3n);
    expect(u('r3')).toBe(3n);
    expect(u('r4')).toBe(8n);
    expect(u('r5')).toBe(5n);
    expect(u('r6')).toBe(13n);
    expect(u('r7')).toBe(3n);
  });

  it('calls: recursion, mutual recursion through a prototype, argument and return conversions', () => {
    const { u, s } = run(`
static unsigned long fact(unsigned long n)
{
	return n <= 1 ? 1 : n * fact(n - 1);
}

static int fib(int n)
{
	if (n < 2)
		return n;
	return fib(n - 1) + fib(n - 2);
}

static int is_even(int n);
static int is_odd(int n) { return n == 0 ? 0 : is_even(n - 1); }
static int is_even(int n) { return n == 0 ? 1 : is_odd(n - 1); }

static u8 low(u8 v) { return v; }
static int minus_one(void) { return -1; }
static u32 trunc32(unsigned long v) { return v; }
static int twice(int a) { return a + a; }
static void bump(void) { r11 += 1; }

void t(void)
{
	int i = 1;
	unsigned long x;

	r0 = fact(6);
	r1 = fib(8);
	r2 = is_even(7);
	r3 = low(0x1234);
	x = minus_one();
	r4 = x;
	r5 = trunc32(0x1ffffffffUL);
	r6 = twice(i++);
	r7 = i;
	bump();
	bump();
	r8 = minus_one() < 0;
	r9 = twice(twice(3)) + fib(5);
}`);
    expect(u('r0')).toBe(720n);
    expect(u('r1')).toBe(21n);
    expect(u('r2')).toBe(0n);
    expect(u('r3')).toBe(0x34n);
    expect(s('r4')).toBe(-1n);
    expect(u('r5')).toBe(0xffff_ffffn);
    expect(u('r6')).toBe(2n);
    expect(u('r7')).toBe(2n);
    expect(u('r11')).toBe(2n);
    expect(u('r8')).toBe(1n);
    expect(u('r9')).toBe(12n + 5n);
  });

  it('enums: implicit and explicit values, negative values, use in switch and constant initialisers', () => {
    const { u, s } = run(`
enum color { RED, GREEN = 5, BLUE, NEG = -2, AFTER };
unsigned long g0 = BLUE * 2;

void t(void)
{
	enum color c = BLUE;
	enum pgtable_type pt = TABLE_PMD;

	r0 = RED;
	r1 = GREEN;
	r2 = BLUE;
	r3 = NEG;
	r4 = AFTER;
	r5 = c == 6;
	switch (c) {
	case GREEN:
		r6 = 1;
		break;
	case BLUE:
		r6 = 2;
		break;
	default:
		r6 = 3;
	}
	r7 = pt;
	r8 = g0;
	r9 = AFTER < RED;
}`);
    expect(u('r0')).toBe(0n);
    expect(u('r1')).toBe(5n);
    expect(u('r2')).toBe(6n);
    expect(s('r3')).toBe(-2n);
    expect(s('r4')).toBe(-1n);
    expect(u('r5')).toBe(1n);
    expect(u('r6')).toBe(2n);
    expect(u('r7')).toBe(1n);
    expect(u('r8')).toBe(12n);
    expect(u('r9')).toBe(1n);
  });

  it('plain char is unsigned, as the kernel builds it (-funsigned-char; also the arm64 ABI)', () => {
    // The tokenizer already gives '\xff' the value 255 for this reason; a char variable
    // holding it must compare equal to it and must not be negative.
    const { u } = run(`
void t(void)
{
	char c = '\xff';
	char d = 0x80;

	r0 = c == '\xff';
	r1 = c < 0;
	r2 = c;
	r3 = d >> 7;
}`);
    expect(u('r0')).toBe(1n);
    expect(u('r1')).toBe(0n);
    expect(u('r2')).toBe(0xffn);
    expect(u('r3')).toBe(1n);
  });

  it('block scopes: inner declarations shadow outer ones and locals shadow globals', () => {
    const { u } = run(`
void t(void)
{
	int x = 1, i;

	{
		int x = 2;

		r0 = x;
	}
	r1 = x;
	for (i = 0; i < 3; i++) {
		int acc = 0;

		acc++;
		r2 += acc;
	}
	{
		unsigned long r3 = 5;	/* a local, not the global r3 */

		r4 = r3;
	}
	for (int j = 7; j < 8; j++)
		r5 = j;
}`);
    expect(u('r0')).toBe(2n);
    expect(u('r1')).toBe(1n);
    expect(u('r2')).toBe(3n);
    expect(u('r3')).toBe(0n);
    expect(u('r4')).toBe(5n);
    expect(u('r5')).toBe(7n);
  });

  it('++x on a global is one load and one store: its value is the stored value, not a re-read', () => {
    // C11 6.5.3.1: ++E is E += 1, whose value is the new value of E; a second load would
    // be a shared-memory access the C code does not make (another CPU could change E in
    // between). x++ and x += 1 already do one load.
    for (const expr of ['r1 = ++r0;', 'r1 = r0++;', 'r1 = (r0 += 1);', 'r1 = --r0;']) {
      const setup = setupModel(GLOBALS + 'void t(void) { r0 = 5; ' + expr + ' }\n', 't();');
      const r = runRecorded(setup);
      expect(r.violations).toEqual([]);
      const loc = setup.session.m.dataLoc(globalPa(setup, 'r0'));
      const reads = r.steps.flatMap((s) => s.events).filter((e) => e.kind === Ev.Read && e.loc === loc);
      expect(reads, expr).toHaveLength(1);
    }
  });

  it('globals keep their C type: an int global reads back negative, a u8 global wraps', () => {
    const { u, s } = run(`
int gi = -1;
u8 gb = 255;
unsigned int gu = 0xffffffff;

void t(void)
{
	r0 = gi < 0;
	gi -= 1;
	r1 = gi;
	gb++;
	r2 = gb;
	gu++;
	r3 = gu;
	r4 = gi < 0U;			/* int vs unsigned int: unsigned, so false */
}`);
    expect(u('r0')).toBe(1n);
    expect(s('r1')).toBe(-2n);
    expect(u('r2')).toBe(0n);
    expect(u('r3')).toBe(0n);
    expect(u('r4')).toBe(0n);
  });

  it('short-circuit && and || skip the other side, including its memory accesses', () => {
    const { u } = run(`
static int hit(void) { r9 += 1; return 1; }

void t(void)
{
	int zero = 0, one = 1;

	r0 = zero && hit();
	r1 = one || hit();
	r2 = one && hit();
	r3 = zero || hit();
	r4 = (zero && (r5 = 1)) || (r6 = 2);
}`);
    expect(u('r0')).toBe(0n);
    expect(u('r1')).toBe(1n);
    expect(u('r2')).toBe(1n);
    expect(u('r3')).toBe(1n);
    expect(u('r9')).toBe(2n);
    expect(u('r4')).toBe(1n);
    expect(u('r5')).toBe(0n);
    expect(u('r6')).toBe(2n);
  });
});
