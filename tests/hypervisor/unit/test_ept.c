// SPDX-License-Identifier: MIT
/* EPT builder on host memory: pointers stand in for physical addresses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <arch/x86/ept.h>
#include <keel/errno.h>

static int live_tables, fail_after = -1;

static void *alloc_table(void *ctx, u64 *pa)
{
	(void)ctx;
	if (fail_after == 0)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	void *t = aligned_alloc(4096, 4096);
	memset(t, 0, 4096);
	*pa = (u64)(uintptr_t)t;
	live_tables++;
	return t;
}

static void free_table(void *ctx, void *t, u64 pa)
{
	(void)ctx;
	assert_ptr_equal(t, (void *)(uintptr_t)pa);
	free(t);
	live_tables--;
}

static void *p2v(void *ctx, u64 pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
}

static const struct ept_ops ops = {alloc_table, free_table, p2v, NULL};

static void maps_large_and_small(void **state)
{
	(void)state;
	struct ept e;
	u64 hpa, perms;

	assert_int_equal(ept_init(&e, &ops), 0);
	assert_int_equal((ept_pointer(&e) & 0xfff), 0x1e); /* WB, 4-level */
	/* 0..6 MiB + 8 KiB: three 2 MiB leaves and two 4 KiB ones. */
	assert_int_equal(ept_map(&e, 0, 0x40000000, 0x602000, EPT_RWX, EPT_MT_WB), 0);
	assert_int_equal(e.tables, 4); /* PML4, PDPT, PD, one PT */
	assert_int_equal(ept_translate(&e, 0x123456, &hpa, &perms), 0);
	assert_int_equal(hpa, 0x40123456);
	assert_int_equal(perms, EPT_RWX);
	assert_int_equal(ept_translate(&e, 0x601abc, &hpa, &perms), 0);
	assert_int_equal(hpa, 0x40601abc);
	assert_int_equal(ept_translate(&e, 0x602000, &hpa, &perms), -ENOENT);

	/* A 4 KiB remap inside a 2 MiB leaf splits it and keeps the rest. */
	assert_int_equal(ept_map(&e, 0x201000, 0x90000000, 0x1000, EPT_R, EPT_MT_UC), 0);
	assert_int_equal(ept_translate(&e, 0x201010, &hpa, &perms), 0);
	assert_int_equal(hpa, 0x90000010);
	assert_int_equal(perms, EPT_R);
	assert_int_equal(ept_translate(&e, 0x202010, &hpa, &perms), 0);
	assert_int_equal(hpa, 0x40202010);
	assert_int_equal(perms, EPT_RWX);

	/* Unmapping part of a large leaf splits it too. */
	assert_int_equal(ept_unmap(&e, 0x401000, 0x1000), 0);
	assert_int_equal(ept_translate(&e, 0x401000, &hpa, &perms), -ENOENT);
	assert_int_equal(ept_translate(&e, 0x400000, &hpa, &perms), 0);
	assert_int_equal(ept_translate(&e, 0x402000, &hpa, &perms), 0);

	/* Remapping a whole 2 MiB span with a large leaf frees the table below. */
	int before = e.tables;
	assert_int_equal(ept_map(&e, 0x200000, 0x50000000, EPT_2M, EPT_RWX, EPT_MT_WB), 0);
	assert_int_equal(e.tables, before - 1);

	/* High addresses get their own upper-level tables. */
	assert_int_equal(
	    ept_map(&e, 0xfee00000ULL, 0xfee00000ULL, 0x1000, EPT_R | EPT_W, EPT_MT_UC), 0);
	ept_destroy(&e);
	assert_int_equal(live_tables, 0);
}

static void rejects_bad_arguments(void **state)
{
	(void)state;
	struct ept e;

	assert_int_equal(ept_init(&e, &ops), 0);
	assert_int_equal(ept_map(&e, 0x800, 0, 0x1000, EPT_RWX, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&e, 0, 0x800, 0x1000, EPT_RWX, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&e, 0, 0, 0, EPT_RWX, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&e, 0, 0, 0x1000, 0x8, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&e, EPT_MAX_GPA - 0x1000, 0, 0x2000, EPT_RWX, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_map(&e, 0, 1ULL << 52, 0x1000, EPT_RWX, EPT_MT_WB), -EINVAL);
	assert_int_equal(ept_unmap(&e, 0x10, 0x1000), -EINVAL);
	assert_int_equal(ept_unmap(&e, 0, 0x10000), 0); /* nothing mapped: fine */
	ept_destroy(&e);
	assert_int_equal(live_tables, 0);
}

static void out_of_memory(void **state)
{
	(void)state;
	struct ept e;

	assert_int_equal(ept_init(&e, &ops), 0);
	fail_after = 1;
	assert_int_equal(ept_map(&e, 0, 0, 0x1000, EPT_RWX, EPT_MT_WB), -ENOMEM);
	fail_after = -1;
	ept_destroy(&e);
	assert_int_equal(live_tables, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(maps_large_and_small),
	    cmocka_unit_test(rejects_bad_arguments),
	    cmocka_unit_test(out_of_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
