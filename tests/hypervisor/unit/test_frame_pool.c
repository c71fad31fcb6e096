// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <keel/frame_pool.h>
#include <keel/errno.h>

static struct frame_pool p;

static void add_merge_reserve(void **state)
{
	(void)state;
	frame_pool_init(&p);
	assert_int_equal(frame_pool_add(&p, 0x100000, 0x200000), 0);
	assert_int_equal(frame_pool_add(&p, 0x300000, 0x400000), 0);
	assert_int_equal(p.nr, 2);
	/* The gap between them joins all three. */
	assert_int_equal(frame_pool_add(&p, 0x200000, 0x300000), 0);
	assert_int_equal(p.nr, 1);
	assert_int_equal(p.free_bytes, 0x300000);
	/* Unaligned ranges shrink inwards. */
	assert_int_equal(frame_pool_add(&p, 0x500001, 0x502fff), 0);
	assert_int_equal(p.ext[1].start, 0x501000);
	assert_int_equal(p.ext[1].end, 0x502000);
	/* Overlap is refused and changes nothing. */
	assert_int_equal(frame_pool_add(&p, 0x180000, 0x190000), -EEXIST);
	assert_int_equal(frame_pool_add(&p, 0x400000, 0x501000 + 0x1000), -EEXIST);
	assert_int_equal(p.free_bytes, 0x301000);

	/* Reserving a hole in the middle splits; at the edges trims. */
	assert_int_equal(frame_pool_reserve(&p, 0x200000, 0x201000), 0);
	assert_int_equal(p.nr, 3);
	assert_int_equal(frame_pool_reserve(&p, 0x0, 0x101000), 0);
	assert_int_equal(p.ext[0].start, 0x101000);
	assert_int_equal(frame_pool_reserve(&p, 0x500000, 0x600000), 0);
	assert_int_equal(p.nr, 2);
	assert_int_equal(p.free_bytes, 0x300000 - 0x2000);
}

static void alloc_top_down_aligned(void **state)
{
	(void)state;
	u64 a, b;

	frame_pool_init(&p);
	frame_pool_add(&p, 0x100000, 0x1000000);
	assert_int_equal(frame_pool_alloc(&p, 0x1000, 0x1000, &a), 0);
	assert_int_equal(a, 0xfff000);
	assert_int_equal(frame_pool_alloc(&p, 0x200000, 0x200000, &b), 0);
	assert_int_equal(b, 0xc00000); /* highest 2 MiB-aligned fit below 0xfff000 */
	assert_int_equal(frame_pool_free(&p, a, 0x1000), 0);
	assert_int_equal(frame_pool_free(&p, b, 0x200000), 0);
	assert_int_equal(p.nr, 1);
	assert_int_equal(p.free_bytes, 0xf00000);
	assert_int_equal(frame_pool_largest(&p), 0xf00000);
}

static void alloc_errors(void **state)
{
	(void)state;
	u64 a;

	frame_pool_init(&p);
	frame_pool_add(&p, 0x100000, 0x180000);
	assert_int_equal(frame_pool_alloc(&p, 0, 0x1000, &a), -EINVAL);
	assert_int_equal(frame_pool_alloc(&p, 0x800, 0x1000, &a), -EINVAL);
	assert_int_equal(frame_pool_alloc(&p, 0x1000, 0x3000, &a), -EINVAL);
	assert_int_equal(frame_pool_alloc(&p, 0x100000, 0x1000, &a), -ENOMEM);
	assert_int_equal(frame_pool_alloc(&p, 0x1000, 0x200000, &a), -ENOMEM);
	assert_int_equal(frame_pool_free(&p, 0x100800, 0x1000), -EINVAL);
	/* Double free is an overlap. */
	assert_int_equal(frame_pool_alloc(&p, 0x1000, 0x1000, &a), 0);
	assert_int_equal(frame_pool_free(&p, a, 0x1000), 0);
	assert_int_equal(frame_pool_free(&p, a, 0x1000), -EEXIST);
}

static void table_full(void **state)
{
	(void)state;
	frame_pool_init(&p);
	for (u64 i = 0; i < FRAME_POOL_MAX_EXTENTS; i++)
		assert_int_equal(frame_pool_add(&p, i * 0x2000, i * 0x2000 + 0x1000), 0);
	assert_int_equal(frame_pool_add(&p, 0x10000000, 0x10001000), -ENOSPC);
	/* Splitting needs a slot too. */
	frame_pool_init(&p);
	for (u64 i = 0; i < FRAME_POOL_MAX_EXTENTS; i++)
		frame_pool_add(&p, i * 0x10000, i * 0x10000 + 0x4000);
	u64 before = p.free_bytes;
	assert_int_equal(frame_pool_reserve(&p, 0x1000, 0x2000), -ENOSPC);
	assert_true(p.free_bytes < before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(add_merge_reserve),
	    cmocka_unit_test(alloc_top_down_aligned),
	    cmocka_unit_test(alloc_errors),
	    cmocka_unit_test(table_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
