// SPDX-License-Identifier: MIT
/*
 * The console ring (controld/console_ring.c) against a page the guest controls: output
 * read across the wrap and in pieces, input written until full, and impossible indexes
 * (ahead by more than the ring, or behind) refused for good.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../controld/console_ring.h"

static struct cons_page page;
static struct cons_ring ring;

static int setup(void **state)
{
	(void)state;
	memset(&page, 0, sizeof(page));
	cons_ring_init(&ring, &page);
	return 0;
}

/* The guest writes text to its output ring. */
static void guest_out(const char *text)
{
	for (size_t i = 0; text[i]; i++)
		page.out[page.out_prod++ & (CONS_OUT_SIZE - 1)] = text[i];
}

static void output_is_read_and_consumed(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(cons_ring_read(&ring, buf, sizeof(buf)), 0);
	guest_out("login: ");
	assert_int_equal(cons_ring_read(&ring, buf, sizeof(buf)), 7);
	assert_memory_equal(buf, "login: ", 7);
	assert_int_equal(page.out_cons, 7);
	assert_int_equal(cons_ring_read(&ring, buf, sizeof(buf)), 0);
}

static void output_across_the_wrap_in_pieces(void **state)
{
	char buf[8];

	(void)state;
	/* Free-running indexes just before the wrap of the ring and of 32 bits. */
	page.out_cons = page.out_prod = 0xfffffffcu;
	cons_ring_init(&ring, &page);
	guest_out("0123456789");
	assert_int_equal(cons_ring_read(&ring, buf, 6), 6);
	assert_memory_equal(buf, "012345", 6);
	assert_int_equal(cons_ring_read(&ring, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "6789", 4);
	assert_int_equal(page.out_cons, 6);
}

static void a_full_output_ring_is_read_whole(void **state)
{
	static char buf[CONS_OUT_SIZE];

	(void)state;
	memset(page.out, 'x', sizeof(page.out));
	page.out_prod = CONS_OUT_SIZE;
	assert_int_equal(cons_ring_read(&ring, buf, sizeof(buf)), CONS_OUT_SIZE);
	assert_int_equal(page.out_cons, CONS_OUT_SIZE);
}

static void producer_too_far_ahead_breaks_the_ring(void **state)
{
	char buf[16];

	(void)state;
	page.out_prod = CONS_OUT_SIZE + 1;
	assert_int_equal(cons_ring_read(&ring, buf, sizeof(buf)), -EIO);
	/* Broken for good, even once the guest puts sane values back. */
	page.out_prod = 0;
	assert_int_equal(cons_ring_read(&ring, buf, sizeof(buf)), -EIO);
	assert_int_equal(cons_ring_write(&ring, "x", 1), -EIO);
	assert_int_equal(page.out_cons, 0);
}

static void producer_behind_the_consumer_breaks_the_ring(void **state)
{
	char buf[16];

	(void)state;
	guest_out("abc");
	assert_int_equal(cons_ring_read(&ring, buf, sizeof(buf)), 3);
	page.out_prod = 1; /* moved back: prod - cons wraps to nearly 2^32 */
	assert_int_equal(cons_ring_read(&ring, buf, sizeof(buf)), -EIO);
}

static void guest_cannot_move_our_consumer(void **state)
{
	char buf[16];

	(void)state;
	guest_out("abcdef");
	assert_int_equal(cons_ring_read(&ring, buf, 2), 2);
	page.out_cons = 1000; /* the guest scribbles on dom0's index */
	assert_int_equal(cons_ring_read(&ring, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "cdef", 4);
	assert_int_equal(page.out_cons, 6);
}

static void input_fills_the_ring_and_no_more(void **state)
{
	static char big[CONS_IN_SIZE + 100];

	(void)state;
	assert_int_equal(cons_ring_write(&ring, "ls\n", 3), 3);
	assert_int_equal(page.in_prod, 3);
	assert_memory_equal(page.in, "ls\n", 3);
	memset(big, 'y', sizeof(big));
	assert_int_equal(cons_ring_write(&ring, big, sizeof(big)), CONS_IN_SIZE - 3);
	assert_int_equal(cons_ring_write(&ring, "z", 1), 0); /* full */
	/* The guest takes 10 bytes: 10 fit again, wrapping to the ring's start. */
	page.in_cons = 10;
	assert_int_equal(cons_ring_write(&ring, "0123456789ab", 12), 10);
	assert_memory_equal(page.in, "01", 2);
	assert_int_equal(page.in[CONS_IN_SIZE - 1], 'y'); /* what was there stays */
	assert_int_equal(page.in_prod, CONS_IN_SIZE + 10);
}

static void impossible_input_consumer_breaks_the_ring(void **state)
{
	(void)state;
	assert_int_equal(cons_ring_write(&ring, "abc", 3), 3);
	page.in_cons = 5; /* consumed more than was produced */
	assert_int_equal(cons_ring_write(&ring, "d", 1), -EIO);
	assert_int_equal(page.in_prod, 3);
}

static void init_takes_the_page_indexes(void **state)
{
	char buf[4];

	(void)state;
	page.out_cons = page.out_prod = 500;
	page.in_prod = page.in_cons = 77;
	cons_ring_init(&ring, &page);
	assert_int_equal(cons_ring_read(&ring, buf, sizeof(buf)), 0);
	assert_int_equal(cons_ring_write(&ring, "k", 1), 1);
	assert_int_equal(page.in_prod, 78);
	assert_int_equal(page.in[77], 'k');
	/* A page that starts out impossible is refused at the first read. */
	page.out_prod = 500 + CONS_OUT_SIZE + 1;
	cons_ring_init(&ring, &page);
	assert_int_equal(cons_ring_read(&ring, buf, sizeof(buf)), -EIO);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(output_is_read_and_consumed),
	    T(output_across_the_wrap_in_pieces),
	    T(a_full_output_ring_is_read_whole),
	    T(producer_too_far_ahead_breaks_the_ring),
	    T(producer_behind_the_consumer_breaks_the_ring),
	    T(guest_cannot_move_our_consumer),
	    T(input_fills_the_ring_and_no_more),
	    T(impossible_input_consumer_breaks_the_ring),
	    T(init_takes_the_page_indexes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
