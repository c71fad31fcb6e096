// SPDX-License-Identifier: MIT
/* controld's one collection type: order kept through inserts and removals, growth, clear. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../../../controld/collection.h"

static int freed;

static void count_free(void *item)
{
	(void)item;
	freed++;
}

static void test_order(void **state)
{
	static int items[100];
	struct collection c = {0};

	(void)state;
	assert_int_equal(collection_append(&c, &items[1]), 0);
	assert_int_equal(collection_insert(&c, 0, &items[0]), 0);
	assert_int_equal(collection_append(&c, &items[3]), 0);
	assert_int_equal(collection_insert(&c, 2, &items[2]), 0);
	assert_int_equal(c.n, 4);
	for (unsigned i = 0; i < 4; i++)
		assert_ptr_equal(c.v[i], &items[i]);
	assert_int_equal(collection_index(&c, &items[2]), 2);
	assert_int_equal(collection_index(&c, &items[50]), -1);
	assert_ptr_equal(collection_remove(&c, 1), &items[1]);
	assert_int_equal(c.n, 3);
	assert_ptr_equal(c.v[1], &items[2]);
	assert_ptr_equal(c.v[2], &items[3]);
	/* Growth keeps what is there. */
	for (unsigned i = 4; i < 100; i++)
		assert_int_equal(collection_append(&c, &items[i]), 0);
	assert_int_equal(c.n, 99);
	assert_true(c.cap >= c.n);
	assert_ptr_equal(c.v[98], &items[99]);
	assert_ptr_equal(c.v[0], &items[0]);
	freed = 0;
	collection_clear(&c, count_free);
	assert_int_equal(freed, 99);
	assert_int_equal(c.n, 0);
	assert_null(c.v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
