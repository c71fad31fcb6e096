// SPDX-License-Identifier: MIT
/* Foreign-mapping records: found by (mapper, gfn), removed from any chain position, counted,
 * walked with removal, and refused when the frame pool is empty. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <keel/foreign_maps.h>

extern long shim_pages_left, shim_pages_live;

struct domain {
	int id;
};
static struct domain dom0 = {0}, dom1 = {1}, dom2 = {2};

static void remove_owned_by(struct foreign_map *m, void *ctx)
{
	if (m->owner == ctx)
		foreign_remove(m);
}

/* Removes the record it is given and, through a nested walk, dom2's others (as a domain
 * freed by its last foreign mapping releases its own). */
static void remove_nested(struct foreign_map *m, void *ctx)
{
	bool *nested = ctx;

	foreign_remove(m);
	if (!*nested) {
		*nested = true;
		foreign_each(remove_owned_by, &dom1);
	}
}

static void count_each(struct foreign_map *m, void *ctx)
{
	(void)m;
	++*(unsigned *)ctx;
}

/* One test: the table is global, as in the hypervisor. */
static void records_scale_and_go(void **state)
{
	(void)state;
	/* Far more than a page of entries and hash collisions aplenty. */
	for (u64 g = 0; g < 70000; g++)
		assert_non_null(
		    foreign_insert(&dom0, g % 2 ? &dom1 : &dom2, 0x100000 + g, g << 12, true));
	assert_int_equal(foreign_count(), 70000);
	for (u64 g = 0; g < 70000; g += 997) {
		struct foreign_map *m = foreign_find(&dom0, 0x100000 + g);
		assert_non_null(m);
		assert_int_equal(m->hpa, g << 12);
		assert_ptr_equal(m->owner, g % 2 ? &dom1 : &dom2);
	}
	assert_null(foreign_find(&dom1, 0x100000)); /* another mapper's gfn */
	assert_null(foreign_find(&dom0, 0x100000 + 70000));
	/* Remove from the middle of chains; the rest stay found. */
	for (u64 g = 0; g < 70000; g += 3)
		foreign_remove(foreign_find(&dom0, 0x100000 + g));
	for (u64 g = 0; g < 70000; g++)
		assert_true((foreign_find(&dom0, 0x100000 + g) != NULL) == (g % 3 != 0));
	/* A walk that removes what it is given (an owner going). */
	foreign_each(remove_owned_by, &dom1);
	unsigned n = 0;
	foreign_each(count_each, &n);
	assert_int_equal(n, foreign_count());
	for (u64 g = 0; g < 70000; g++)
		assert_true((foreign_find(&dom0, 0x100000 + g) != NULL) == (g % 3 && !(g % 2)));
	/* Freed entries are reused before the pool is asked again. */
	shim_pages_left = 0;
	assert_non_null(foreign_insert(&dom2, &dom1, 5, 0x5000, false));
	assert_non_null(foreign_find(&dom2, 5));
	/* Nothing free and no pages: refused. */
	while (foreign_insert(&dom2, &dom1, 0x900000 + foreign_count(), 0, false))
		;
	assert_null(foreign_insert(&dom2, &dom1, 0xa00000, 0, false));
	shim_pages_left = -1;
	assert_non_null(foreign_insert(&dom2, &dom1, 0xa00000, 0, false));
	assert_null(foreign_insert(NULL, &dom1, 1, 0, false));
	/* Everything gone: every page back to the pool, even when removed inside a walk. */
	bool nested = false;
	foreign_each(remove_nested, &nested);
	assert_true(nested);
	assert_int_equal(foreign_count(), 0);
	assert_int_equal(shim_pages_live, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(records_scale_and_go)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
