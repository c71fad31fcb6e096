// SPDX-License-Identifier: MIT
/*
 * The console service (controld/consoles.c) over the test double of its devices
 * (doubles/console_double.c: pages in memory, a socketpair for the event channel): a
 * guest's output reaches the output callback, input reaches its ring with a notification,
 * the grant is mapped first and the frame if that fails, setup errors leave nothing
 * mapped or bound, and a guest that breaks its ring loses only its own console.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../doubles/console_double.h"

struct env {
	uv_loop_t loop;
	void *h;
	struct console_double *dbl;
	struct consoles *cs;
	char out[16384]; /* what the service passed on, all domains */
	size_t out_len;
	unsigned out_calls, last_domid;
};

static void on_output(void *opaque, hv_domid_t domid, const char *data, size_t len)
{
	struct env *e = opaque;

	assert_true(e->out_len + len < sizeof(e->out));
	memcpy(e->out + e->out_len, data, len);
	e->out_len += len;
	e->out[e->out_len] = '\0';
	e->out_calls++;
	e->last_domid = domid;
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	if (!e)
		return -1;
	uv_loop_init(&e->loop);
	e->dbl = console_double_open(&e->h);
	e->dbl->echo = false;
	if (consoles_open(&e->loop, &console_double_ops, e->h, on_output, e, &e->cs))
		return -1;
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	int rc;

	consoles_close(e->cs);
	uv_run(&e->loop, UV_RUN_DEFAULT);
	rc = uv_loop_close(&e->loop);
	console_double_close(e->h);
	free(e);
	return rc ? -1 : 0;
}

static void run(struct env *e)
{
	for (int i = 0; i < 4; i++)
		uv_run(&e->loop, UV_RUN_NOWAIT);
}

static void output_reaches_the_callback(void **state)
{
	struct env *e = *state;

	assert_int_equal(consoles_attach(e->cs, 5, 0x1234, 2), 0);
	assert_int_equal(e->dbl->grant_maps, 1);
	assert_int_equal(e->dbl->foreign_maps, 0);
	assert_int_equal(e->dbl->binds, 1);
	console_double_guest_write(5, "Linux version 6.1\n");
	run(e);
	assert_string_equal(e->out, "Linux version 6.1\n");
	assert_int_equal(e->last_domid, 5);
	/* Consumed, and the guest was told it may write more. */
	assert_int_equal(console_double_page(5)->out_cons, 18);
	assert_true(e->dbl->notifies >= 1);
}

static void output_written_before_attach_is_kept(void **state)
{
	struct env *e = *state;
	void *page;

	/* The double maps a guest's page on first use: let the guest write first. */
	assert_int_equal(console_double_ops.grant_map(e->h, 6, CONSOLE_GRANT_REF, &page), 0);
	memcpy(((struct cons_page *)page)->out, "early", 5);
	((struct cons_page *)page)->out_prod = 5;
	assert_int_equal(consoles_attach(e->cs, 6, 1, 2), 0);
	assert_string_equal(e->out, "early");
}

static void input_reaches_the_ring_and_notifies(void **state)
{
	struct env *e = *state;
	struct cons_page *pg;
	unsigned before;

	assert_int_equal(consoles_attach(e->cs, 5, 1, 2), 0);
	pg = console_double_page(5);
	before = e->dbl->notifies;
	assert_int_equal(consoles_write(e->cs, 5, "root\n", 5), 5);
	assert_int_equal(pg->in_prod, 5);
	assert_memory_equal(pg->in, "root\n", 5);
	assert_int_equal(e->dbl->notifies, before + 1);
	/* Full ring: what fits, then nothing and no notification. */
	static char big[CONS_IN_SIZE];
	memset(big, 'a', sizeof(big));
	assert_int_equal(consoles_write(e->cs, 5, big, sizeof(big)), CONS_IN_SIZE - 5);
	before = e->dbl->notifies;
	assert_int_equal(consoles_write(e->cs, 5, "b", 1), 0);
	assert_int_equal(e->dbl->notifies, before);
	assert_int_equal(consoles_write(e->cs, 9, "x", 1), -ENOENT);
}

static void echoing_guest_round_trip(void **state)
{
	struct env *e = *state;

	e->dbl->echo = true;
	assert_int_equal(consoles_attach(e->cs, 5, 1, 2), 0);
	assert_int_equal(consoles_write(e->cs, 5, "uptime\n", 7), 7);
	run(e);
	assert_string_equal(e->out, "uptime\n");
}

static void grant_refused_maps_the_frame(void **state)
{
	struct env *e = *state;

	e->dbl->grant_err = -EINVAL;
	assert_int_equal(consoles_attach(e->cs, 5, 0xfeffd, 2), 0);
	assert_int_equal(e->dbl->foreign_maps, 1);
	console_double_guest_write(5, "ok");
	run(e);
	assert_string_equal(e->out, "ok");
}

static void setup_errors_leave_nothing(void **state)
{
	struct env *e = *state;

	e->dbl->grant_err = e->dbl->foreign_err = -EPERM;
	assert_int_equal(consoles_attach(e->cs, 5, 1, 2), -EPERM);
	assert_int_equal(e->dbl->maps, 0);
	assert_int_equal(consoles_write(e->cs, 5, "x", 1), -ENOENT);
	e->dbl->grant_err = e->dbl->foreign_err = 0;
	e->dbl->bind_err = -EBUSY;
	assert_int_equal(consoles_attach(e->cs, 5, 1, 2), -EBUSY);
	assert_int_equal(e->dbl->unmaps, 1);
	assert_null(console_double_page(5));
	e->dbl->bind_err = 0;
	assert_int_equal(consoles_attach(e->cs, 5, 1, 2), 0);
	assert_int_equal(consoles_attach(e->cs, 5, 1, 2), -EEXIST);
}

static void garbage_indexes_cost_only_that_console(void **state)
{
	struct env *e = *state;

	assert_int_equal(consoles_attach(e->cs, 5, 1, 2), 0);
	assert_int_equal(consoles_attach(e->cs, 6, 1, 2), 0);
	console_double_page(5)->out_prod = 0x80000000u;
	console_double_signal(5);
	run(e);
	assert_int_equal(e->out_len, 0);
	assert_int_equal(e->dbl->unbinds, 1);
	assert_int_equal(e->dbl->unmaps, 1);
	assert_int_equal(consoles_write(e->cs, 5, "x", 1), -EIO);
	/* 6 still served, both ways. */
	console_double_guest_write(6, "six");
	run(e);
	assert_string_equal(e->out, "six");
	assert_int_equal(consoles_write(e->cs, 6, "x", 1), 1);
	/* Detaching the broken one later unmaps nothing twice. */
	consoles_detach(e->cs, 5);
	assert_int_equal(e->dbl->unmaps, 1);
}

static void garbage_input_index_costs_that_console(void **state)
{
	struct env *e = *state;

	assert_int_equal(consoles_attach(e->cs, 5, 1, 2), 0);
	console_double_page(5)->in_cons = 4000; /* consumed what was never written */
	assert_int_equal(consoles_write(e->cs, 5, "x", 1), -EIO);
	assert_int_equal(e->dbl->unmaps, 1);
	assert_int_equal(consoles_write(e->cs, 5, "x", 1), -EIO);
}

static void output_flood_is_served_in_slices(void **state)
{
	struct env *e = *state;
	static char line[CONS_OUT_SIZE + 1];

	assert_int_equal(consoles_attach(e->cs, 5, 1, 2), 0);
	assert_int_equal(consoles_attach(e->cs, 6, 1, 2), 0);
	/* 5 fills its ring and signals 150 times (more than one wake serves); 6 writes one
	 * line. */
	memset(line, 'f', CONS_OUT_SIZE);
	console_double_guest_write(5, line);
	for (int i = 0; i < 150; i++)
		console_double_signal(5);
	console_double_guest_write(6, "six\n");
	for (int i = 0; i < 40 && !strstr(e->out, "six"); i++)
		run(e);
	assert_non_null(strstr(e->out, "six\n"));
	/* 5's output was passed on once: empty events add nothing. */
	assert_int_equal(e->out_len, CONS_OUT_SIZE + 4);
}

static void detach_unbinds_and_unmaps(void **state)
{
	struct env *e = *state;

	assert_int_equal(consoles_attach(e->cs, 5, 1, 2), 0);
	consoles_detach(e->cs, 5);
	assert_int_equal(e->dbl->unbinds, 1);
	assert_int_equal(e->dbl->unmaps, 1);
	assert_int_equal(consoles_write(e->cs, 5, "x", 1), -ENOENT);
	consoles_detach(e->cs, 5); /* again: nothing */
	assert_int_equal(e->dbl->unmaps, 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(output_reaches_the_callback),
	    T(output_written_before_attach_is_kept),
	    T(input_reaches_the_ring_and_notifies),
	    T(echoing_guest_round_trip),
	    T(grant_refused_maps_the_frame),
	    T(setup_errors_leave_nothing),
	    T(garbage_indexes_cost_only_that_console),
	    T(garbage_input_index_costs_that_console),
	    T(output_flood_is_served_in_slices),
	    T(detach_unbinds_and_unmaps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
