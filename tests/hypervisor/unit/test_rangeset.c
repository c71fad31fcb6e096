// SPDX-License-Identifier: MIT
/* Ioreq servers' range sets: Xen's rangeset semantics (merge, split, overlap, limit). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include <keel/errno.h>
#include <keel/rangeset.h>

static void add_merges_adjacent_and_refuses_overlap(void **state)
{
	struct range st[4];
	struct rangeset s;

	(void)state;
	rangeset_init(&s, st, 4);
	assert_int_equal(rangeset_add(&s, 0x10, 0x1f), 0);
	assert_int_equal(rangeset_add(&s, 0x30, 0x3f), 0);
	assert_int_equal(rangeset_add(&s, 0x20, 0x2f), 0); /* bridges both: one range */
	assert_int_equal(s.nr, 1);
	assert_true(rangeset_contains(&s, 0x10, 0x3f));
	assert_false(rangeset_contains(&s, 0x0f, 0x10));
	assert_false(rangeset_contains(&s, 0x3f, 0x40));
	assert_int_equal(rangeset_add(&s, 0x3f, 0x50), -EEXIST);
	assert_int_equal(rangeset_add(&s, 0x0, 0x10), -EEXIST);
	assert_int_equal(rangeset_add(&s, 0x5, 0x4), -EINVAL);
	assert_int_equal(rangeset_add(&s, 0, 0), 0);
	assert_int_equal(rangeset_add(&s, ~0ULL, ~0ULL), 0); /* the very top: no overflow */
	assert_true(rangeset_contains(&s, ~0ULL, ~0ULL));
	assert_int_equal(s.nr, 3);
}

static void remove_needs_whole_range_and_splits(void **state)
{
	struct range st[2];
	struct rangeset s;

	(void)state;
	rangeset_init(&s, st, 2);
	assert_int_equal(rangeset_add(&s, 100, 199), 0);
	assert_int_equal(rangeset_remove(&s, 90, 110), -ENOENT);
	assert_int_equal(rangeset_remove(&s, 300, 310), -ENOENT);
	assert_int_equal(rangeset_remove(&s, 120, 129), 0); /* a hole: two ranges */
	assert_int_equal(s.nr, 2);
	assert_false(rangeset_contains(&s, 125, 125));
	assert_true(rangeset_contains(&s, 100, 119));
	assert_true(rangeset_contains(&s, 130, 199));
	assert_int_equal(rangeset_remove(&s, 140, 149), -ENOMEM); /* no room for a third */
	assert_true(rangeset_contains(&s, 140, 149));		  /* unchanged */
	assert_int_equal(rangeset_remove(&s, 100, 119), 0);
	assert_int_equal(rangeset_remove(&s, 190, 199), 0); /* trims the end */
	assert_true(rangeset_contains(&s, 130, 189));
	assert_int_equal(rangeset_remove(&s, 130, 189), 0);
	assert_int_equal(s.nr, 0);
	assert_false(rangeset_contains(&s, 0, ~0ULL));
}

static void limit_is_enforced(void **state)
{
	struct range st[3];
	struct rangeset s;

	(void)state;
	rangeset_init(&s, st, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(rangeset_add(&s, i * 10, i * 10 + 1), 0);
	assert_int_equal(rangeset_add(&s, 100, 101), -ENOMEM);
	assert_int_equal(rangeset_add(&s, 2, 3), 0); /* merging needs no entry */
}

/* Random operations against a bitmap model of the same 512 values. */
static void matches_a_model(void **state)
{
	struct range st[64];
	struct rangeset s;
	unsigned char model[512] = {0};

	(void)state;
	srand(7);
	rangeset_init(&s, st, 64);
	for (int n = 0; n < 20000; n++) {
		unsigned a = (unsigned)rand() % 512, b = a + (unsigned)rand() % 8;
		if (b >= 512)
			b = 511;
		int any = 0, all = 1;
		for (unsigned i = a; i <= b; i++) {
			any |= model[i];
			all &= model[i];
		}
		if (rand() % 2) {
			int r = rangeset_add(&s, a, b);
			if (any)
				assert_int_equal(r, -EEXIST);
			else if (!r)
				for (unsigned i = a; i <= b; i++)
					model[i] = 1;
		} else {
			int r = rangeset_remove(&s, a, b);
			if (r == 0)
				for (unsigned i = a; i <= b; i++)
					model[i] = 0;
			else
				assert_false(r == -ENOENT && all); /* all of it was there */
		}
		for (unsigned i = 0; i < 512; i += 37)
			assert_int_equal(rangeset_contains(&s, i, i), model[i]);
		for (unsigned i = 1; i < s.nr; i++)
			assert_true(s.r[i - 1].end + 1 <
				    s.r[i].start); /* sorted, disjoint, merged */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(add_merges_adjacent_and_refuses_overlap),
	    cmocka_unit_test(remove_needs_whole_range_and_splits),
	    cmocka_unit_test(limit_is_enforced),
	    cmocka_unit_test(matches_a_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
