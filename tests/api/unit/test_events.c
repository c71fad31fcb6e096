// SPDX-License-Identifier: MIT
/*
 * Event ids across restarts of controld: each run counts itself in the store, so a client
 * resuming with an id of an earlier run (or one never given out) is told to resync instead
 * of being replayed this run's events as if they followed it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../../controld/events.h"
#include "../doubles/mem_store.h"

struct env {
	uv_loop_t loop;
	struct mem_store m;
	struct controld cd;
};

static int setup(void **state)
{
	static struct env e;

	memset(&e, 0, sizeof(e));
	assert_int_equal(uv_loop_init(&e.loop), 0);
	mem_store_init(&e.m);
	e.cd.loop = &e.loop;
	e.cd.store = &e.m.s;
	*state = &e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	assert_int_equal(uv_loop_close(&e->loop), 0);
	mem_store_free(&e->m);
	return 0;
}

/* One start of controld's event bus. */
static struct events *start(struct env *e)
{
	int rc = 1;
	struct events *ev = events_new(&e->cd, &rc);

	assert_non_null(ev);
	assert_int_equal(rc, 0);
	return ev;
}

static void stop(struct env *e, struct events *ev)
{
	events_free(ev);
	uv_run(&e->loop, UV_RUN_DEFAULT);
}

static uint64_t emit(struct events *ev)
{
	events_emit(ev, EV_DOMAIN, "domain.updated", "d1", json_object());
	return events_last_id(ev);
}

/* Everything a client resuming after last_id is sent at once, as text. */
static const char *resume(struct events *ev, uint64_t last_id)
{
	static char out[65536];
	struct event_filter f = {0};
	int rc;
	struct http_stream *st = events_subscribe(ev, &f, last_id, &rc);
	ssize_t n;

	assert_non_null(st);
	n = st->read(st, out, sizeof(out) - 1);
	assert_true(n > 0);
	out[n] = '\0';
	st->close(st);
	return out;
}

static bool has_id(const char *text, uint64_t id)
{
	char line[40];

	snprintf(line, sizeof(line), "id: %llu\n", (unsigned long long)id);
	return strstr(text, line) != NULL;
}

static void runs_are_counted_in_the_store(void **state)
{
	struct env *e = *state;
	struct events *ev = start(e);

	assert_string_equal(mem_get(&e->m, "/keel/controld/events-run"), "1");
	assert_int_equal(emit(ev), 1000000001ull);
	assert_int_equal(emit(ev), 1000000002ull);
	stop(e, ev);
	ev = start(e);
	assert_string_equal(mem_get(&e->m, "/keel/controld/events-run"), "2");
	assert_int_equal(events_last_id(ev), 2000000000ull);
	assert_int_equal(emit(ev), 2000000001ull);
	stop(e, ev);
}

static void an_id_of_this_run_is_replayed(void **state)
{
	struct env *e = *state;
	struct events *ev = start(e);
	uint64_t a = emit(ev), b = emit(ev), c = emit(ev);
	const char *text = resume(ev, a);

	assert_null(strstr(text, "event: resync"));
	assert_false(has_id(text, a));
	assert_true(has_id(text, b) && has_id(text, c));
	/* Up to date: nothing to replay, nothing to resync. */
	text = resume(ev, c);
	assert_null(strstr(text, "event: resync"));
	assert_null(strstr(text, "id: "));
	stop(e, ev);
}

static void an_id_of_an_earlier_run_gets_resync(void **state)
{
	struct env *e = *state;
	struct events *ev = start(e);
	uint64_t old = emit(ev), old_next = emit(ev), now;
	const char *text;

	stop(e, ev);
	ev = start(e);
	now = emit(ev);
	text = resume(ev, old);
	/* The resync comes first; nothing of the earlier run is replayed as if it followed. */
	assert_non_null(strstr(text, "event: resync"));
	assert_true(strstr(text, "event: resync") < strstr(text, "id: "));
	assert_false(has_id(text, old_next));
	assert_true(has_id(text, now));
	stop(e, ev);
}

static void an_id_never_given_out_gets_resync(void **state)
{
	struct env *e = *state;
	struct events *ev = start(e);
	uint64_t last = emit(ev);

	assert_non_null(strstr(resume(ev, last + 5), "event: resync"));
	assert_non_null(strstr(resume(ev, 7000000000ull), "event: resync"));
	stop(e, ev);
}

static void a_damaged_count_starts_again_at_one(void **state)
{
	struct env *e = *state;
	struct events *ev;

	assert_int_equal(store_write_str(&e->m.s, STORE_NO_TXN, "/keel/controld/events-run", "x7"),
			 0);
	ev = start(e);
	assert_string_equal(mem_get(&e->m, "/keel/controld/events-run"), "1");
	stop(e, ev);
	/* The last run whose ids stay below 2^53, then the count starts again. */
	assert_int_equal(
	    store_write_str(&e->m.s, STORE_NO_TXN, "/keel/controld/events-run", "8999999"), 0);
	ev = start(e);
	assert_string_equal(mem_get(&e->m, "/keel/controld/events-run"), "9000000");
	assert_true(emit(ev) < (1ull << 53));
	stop(e, ev);
	ev = start(e);
	assert_string_equal(mem_get(&e->m, "/keel/controld/events-run"), "1");
	stop(e, ev);
}

static void without_the_store_there_is_no_bus(void **state)
{
	struct env *e = *state;
	int rc = 0;

	e->m.fail_writes = -EIO;
	assert_null(events_new(&e->cd, &rc));
	assert_int_equal(rc, -EIO);
	e->m.fail_writes = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(runs_are_counted_in_the_store, setup, teardown),
	    cmocka_unit_test_setup_teardown(an_id_of_this_run_is_replayed, setup, teardown),
	    cmocka_unit_test_setup_teardown(an_id_of_an_earlier_run_gets_resync, setup, teardown),
	    cmocka_unit_test_setup_teardown(an_id_never_given_out_gets_resync, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_damaged_count_starts_again_at_one, setup, teardown),
	    cmocka_unit_test_setup_teardown(without_the_store_there_is_no_bus, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
