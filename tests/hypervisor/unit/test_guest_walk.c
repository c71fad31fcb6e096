// SPDX-License-Identifier: MIT
/* Guest page walks over a fake guest-physical memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <arch/x86/guest_walk.h>
#include <arch/x86/boot_defs.h>
#include <keel/errno.h>

#define MEM (4 << 20)
static uint8_t mem[MEM];

static int read_phys(void *ctx, u64 gpa, void *out, u32 size)
{
	(void)ctx;
	if (gpa + size > MEM)
		return -EFAULT;
	memcpy(out, mem + gpa, size);
	return 0;
}

static void put64(u64 gpa, u64 v)
{
	memcpy(mem + gpa, &v, 8);
}
static void put32(u64 gpa, u32 v)
{
	memcpy(mem + gpa, &v, 4);
}

static void paging_off(void **state)
{
	(void)state;
	struct guest_paging g = {.cr0 = CR0_PE, .read_phys = read_phys};
	u64 gpa;

	assert_int_equal(guest_walk(&g, 0x12345678, true, &gpa), 0);
	assert_int_equal(gpa, 0x12345678);
}

static void long_mode(void **state)
{
	(void)state;
	memset(mem, 0, MEM);
	/* PML4 @0x1000, PDPT @0x2000, PD @0x3000, PT @0x4000 */
	u64 va = 0xffff800000201000ULL; /* PML4 256, PDPT 0, PD 1, PT 1 */
	put64(0x1000 + 256 * 8, 0x2000 | 3);
	put64(0x2000, 0x3000 | 3);
	put64(0x3000 + 8, 0x4000 | 3);
	put64(0x4000 + 8, 0x7000 | 1);	      /* read-only page */
	put64(0x3000 + 16, 0x200000 | 0x83);  /* 2 MiB page for PD index 2 */
	put64(0x2000 + 8, 0x40000000 | 0x83); /* 1 GiB page for PDPT index 1 */
	struct guest_paging g = {
	    .cr0 = CR0_PE | CR0_PG | CR0_WP,
	    .cr3 = 0x1000,
	    .cr4 = CR4_PAE,
	    .efer = EFER_LME | (1 << 10),
	    .read_phys = read_phys,
	};
	u64 gpa;

	assert_int_equal(guest_walk(&g, va + 0x234, false, &gpa), 0);
	assert_int_equal(gpa, 0x7234);
	assert_int_equal(guest_walk(&g, va + 0x234, true, &gpa), -EFAULT);
	g.cr0 &= ~(u64)CR0_WP;
	assert_int_equal(guest_walk(&g, va + 0x234, true, &gpa), 0);
	assert_int_equal(guest_walk(&g, 0xffff800000412345ULL, false, &gpa), 0);
	assert_int_equal(gpa, 0x212345);
	assert_int_equal(guest_walk(&g, 0xffff800040000123ULL, false, &gpa), 0);
	assert_int_equal(gpa, 0x40000123);
	/* Not present at each level. */
	assert_int_equal(guest_walk(&g, 0x1000, false, &gpa), -EFAULT);
	assert_int_equal(guest_walk(&g, 0xffff800080000000ULL, false, &gpa), -EFAULT);
	assert_int_equal(guest_walk(&g, 0xffff800000601000ULL, false, &gpa), -EFAULT);
	assert_int_equal(guest_walk(&g, va + 0x1000, false, &gpa), -EFAULT);
	/* Tables outside guest memory. */
	put64(0x1000 + 8, 0x7fff0000000ULL | 3);
	assert_int_equal(guest_walk(&g, 0x8000000000ULL, false, &gpa), -EFAULT);
}

static void legacy_modes(void **state)
{
	(void)state;
	memset(mem, 0, MEM);
	u64 gpa;
	/* 32-bit paging: PD @0x1000, PT @0x2000; 4 MiB page with PSE. */
	put32(0x1000 + 1 * 4, 0x2000 | 3);
	put32(0x2000 + 5 * 4, 0x9000 | 3);
	put32(0x1000 + 2 * 4, 0x00800000 | 0x83);
	struct guest_paging g = {
	    .cr0 = CR0_PE | CR0_PG,
	    .cr3 = 0x1000,
	    .cr4 = 1 << 4,
	    .read_phys = read_phys,
	};
	assert_int_equal(guest_walk(&g, 0x00405abc, false, &gpa), 0);
	assert_int_equal(gpa, 0x9abc);
	assert_int_equal(guest_walk(&g, 0x00812345, false, &gpa), 0);
	assert_int_equal(gpa, 0x812345);
	assert_int_equal(guest_walk(&g, 0x00c00000, false, &gpa), -EFAULT);

	/* PAE: PDPTEs @0x3000, PD @0x4000, PT @0x5000. */
	put64(0x3000 + 3 * 8, 0x4000 | 1);
	put64(0x4000 + 0 * 8, 0x5000 | 3);
	put64(0x5000 + 7 * 8, 0xa000 | 3);
	g.cr3 = 0x3000;
	g.cr4 = CR4_PAE;
	assert_int_equal(guest_walk(&g, 0xc0007123, false, &gpa), 0);
	assert_int_equal(gpa, 0xa123);
	assert_int_equal(guest_walk(&g, 0x00007123, false, &gpa), -EFAULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(paging_off),
	    cmocka_unit_test(long_mode),
	    cmocka_unit_test(legacy_modes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
