// SPDX-License-Identifier: MIT
/* Transactions: isolation, conflicts, events at commit, limits. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xs_harness.h"

static int setup(void **state)
{
	struct h_env *e = calloc(1, sizeof(*e));

	h_env_init(e, NULL);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	h_env_fini(*state);
	free(*state);
	return 0;
}

static void commit_and_abort(void **state)
{
	struct h_client *c = h_client_new(*state, 0, true);
	uint32_t t;
	int err;

	assert_int_equal(h_write(c, 0, "/t/v", "a"), 0);
	t = h_txn_start(c);
	assert_int_not_equal(t, 0);
	assert_int_equal(h_write(c, t, "/t/v", "b"), 0);
	assert_int_equal(h_write(c, t, "/t/new/deep", "n"), 0);
	/* Inside: the new state; outside: the old one until commit. */
	assert_string_equal(h_read(c, t, "/t/v", &err), "b");
	assert_string_equal(h_read(c, 0, "/t/v", &err), "a");
	assert_null(h_read(c, 0, "/t/new/deep", &err));
	assert_int_equal(h_txn_end(c, t, true), 0);
	assert_string_equal(h_read(c, 0, "/t/v", &err), "b");
	assert_string_equal(h_read(c, 0, "/t/new/deep", &err), "n");
	/* Abort discards. */
	t = h_txn_start(c);
	assert_int_equal(h_write(c, t, "/t/v", "c"), 0);
	assert_int_equal(h_rm(c, t, "/t/new"), 0);
	assert_int_equal(h_txn_end(c, t, false), 0);
	assert_string_equal(h_read(c, 0, "/t/v", &err), "b");
	assert_string_equal(h_read(c, 0, "/t/new/deep", &err), "n");
	/* The id is gone after END. */
	assert_int_equal(h_txn_end(c, t, true), ENOENT);
	assert_int_equal(h_err(h_call(c, XS_READ, t, "/t/v", NULL)), ENOENT);
	h_client_free(c);
}

static void bad_end_and_nesting(void **state)
{
	struct h_client *c = h_client_new(*state, 0, true);
	uint32_t t = h_txn_start(c);

	assert_int_equal(h_err(h_call(c, XS_TRANSACTION_END, t, "X", NULL)), EINVAL);
	assert_int_equal(h_err(h_req(c, XS_TRANSACTION_END, t, "T", 1)), EINVAL);
	assert_int_equal(h_err(h_call(c, XS_TRANSACTION_END, 0, "T", NULL)), ENOENT);
	/* Transaction ids belong to their connection. */
	{
		struct h_client *other = h_client_new(*state, 0, true);

		assert_int_equal(h_err(h_call(other, XS_READ, t, "/", NULL)), ENOENT);
		assert_int_equal(h_txn_end(other, t, true), ENOENT);
		h_client_free(other);
	}
	/* WATCH ignores tx_id (as in Xen): a watch is never transactional. */
	assert_int_equal(h_err(h_call(c, XS_WATCH, t, "/wt", "tok", NULL)), 0);
	assert_int_equal(h_err(h_call(c, XS_WATCH, 999, "/wt", "tok2", NULL)), 0);
	/* No nested transactions. */
	assert_int_equal(h_err(h_req(c, XS_TRANSACTION_START, t, "", 1)), EBUSY);
	/* Still usable after the bad requests. */
	assert_int_equal(h_txn_end(c, t, true), 0);
	h_client_free(c);
}

static void snapshot_isolation(void **state)
{
	struct h_client *a = h_client_new(*state, 0, true);
	struct h_client *b = h_client_new(*state, 0, true);
	const struct h_msg *m;
	uint32_t t;
	int err;

	assert_int_equal(h_write(a, 0, "/s/x", "1"), 0);
	assert_int_equal(h_write(a, 0, "/s/gone", "g"), 0);
	t = h_txn_start(a);
	/* Changes committed after the start are invisible, even to first reads. */
	assert_int_equal(h_write(b, 0, "/s/x", "2"), 0);
	assert_int_equal(h_write(b, 0, "/s/born", "b"), 0);
	assert_int_equal(h_rm(b, 0, "/s/gone"), 0);
	assert_string_equal(h_read(a, t, "/s/x", &err), "1");
	assert_string_equal(h_read(a, t, "/s/gone", &err), "g");
	assert_null(h_read(a, t, "/s/born", &err));
	assert_int_equal(err, ENOENT);
	m = h_call(a, XS_DIRECTORY, t, "/s", NULL);
	assert_int_equal(m->h.len, 7);
	assert_memory_equal(m->payload, "gone\0x\0", 7);
	/* It read what changed: it cannot commit. */
	assert_int_equal(h_txn_end(a, t, true), EAGAIN);
	h_client_free(a);
	h_client_free(b);
}

static void conflicts(void **state)
{
	struct h_client *a = h_client_new(*state, 0, true);
	struct h_client *b = h_client_new(*state, 0, true);
	uint32_t t1, t2;
	int err;

	assert_int_equal(h_write(a, 0, "/c/x", "a"), 0);
	assert_int_equal(h_write(a, 0, "/c/y", "a"), 0);
	/* test-xenstore's "ta err": read in tx, outside write, write in tx -> EAGAIN. */
	t1 = h_txn_start(a);
	assert_string_equal(h_read(a, t1, "/c/x", &err), "a");
	assert_int_equal(h_write(a, 0, "/c/x", "b"), 0);
	assert_string_equal(h_read(a, t1, "/c/x", &err), "a");
	assert_int_equal(h_write(a, t1, "/c/x", "c"), 0);
	assert_int_equal(h_txn_end(a, t1, true), EAGAIN);
	assert_string_equal(h_read(a, 0, "/c/x", &err), "b");
	/* Two transactions writing the same node: the second to commit loses. */
	t1 = h_txn_start(a);
	t2 = h_txn_start(b);
	assert_int_equal(h_write(a, t1, "/c/y", "1"), 0);
	assert_int_equal(h_write(b, t2, "/c/y", "2"), 0);
	assert_int_equal(h_txn_end(b, t2, true), 0);
	assert_int_equal(h_txn_end(a, t1, true), EAGAIN);
	assert_string_equal(h_read(a, 0, "/c/y", &err), "2");
	/* Disjoint nodes do not conflict. */
	t1 = h_txn_start(a);
	t2 = h_txn_start(b);
	assert_int_equal(h_write(a, t1, "/c/x", "1"), 0);
	assert_int_equal(h_write(b, t2, "/c/y", "2"), 0);
	assert_int_equal(h_txn_end(b, t2, true), 0);
	assert_int_equal(h_txn_end(a, t1, true), 0);
	/* Creating children of one node changes its child list: like Xen, that conflicts. */
	t1 = h_txn_start(a);
	t2 = h_txn_start(b);
	assert_int_equal(h_write(a, t1, "/c/p/one", "1"), 0);
	assert_int_equal(h_write(b, t2, "/c/q/two", "2"), 0);
	assert_int_equal(h_txn_end(b, t2, true), 0);
	assert_int_equal(h_txn_end(a, t1, true), EAGAIN);
	/* Creating a node another transaction listed the parent of is a conflict. */
	t1 = h_txn_start(a);
	assert_int_equal(h_err(h_call(a, XS_DIRECTORY, t1, "/c", NULL)), 0);
	assert_int_equal(h_write(b, 0, "/c/newkid", ""), 0);
	assert_int_equal(h_write(a, t1, "/c/x", "z"), 0);
	assert_int_equal(h_txn_end(a, t1, true), EAGAIN);
	/* A transaction that only read unchanged nodes commits. */
	t1 = h_txn_start(a);
	assert_string_equal(h_read(a, t1, "/c/y", &err), "2");
	assert_int_equal(h_write(b, 0, "/c/x", "q"), 0);
	assert_int_equal(h_txn_end(a, t1, true), 0);
	h_client_free(a);
	h_client_free(b);
}

static void rm_then_recreate_in_txn(void **state)
{
	struct h_client *c = h_client_new(*state, 0, true);
	const struct h_msg *m;
	uint32_t t;
	int err;

	assert_int_equal(h_write(c, 0, "/rr/a/old", "o"), 0);
	t = h_txn_start(c);
	assert_int_equal(h_rm(c, t, "/rr/a"), 0);
	assert_null(h_read(c, t, "/rr/a/old", &err));
	assert_int_equal(h_write(c, t, "/rr/a/new", "n"), 0);
	m = h_call(c, XS_DIRECTORY, t, "/rr/a", NULL);
	assert_int_equal(m->h.len, 4);
	assert_memory_equal(m->payload, "new\0", 4);
	assert_int_equal(h_txn_end(c, t, true), 0);
	assert_null(h_read(c, 0, "/rr/a/old", &err));
	assert_int_equal(err, ENOENT);
	assert_string_equal(h_read(c, 0, "/rr/a/new", &err), "n");
	h_client_free(c);
}

static void events_only_at_commit(void **state)
{
	struct h_client *c = h_client_new(*state, 0, true);
	struct h_client *w = h_client_new(*state, 0, true);
	const char *p, *t;
	uint32_t tx;

	assert_int_equal(h_watch(w, "/ev", "tok"), 0);
	h_drain_events(w);
	tx = h_txn_start(c);
	assert_int_equal(h_write(c, tx, "/ev/a", "1"), 0);
	assert_int_equal(h_write(c, tx, "/ev/b", "1"), 0);
	assert_false(h_event(w, &p, &t));
	assert_int_equal(h_txn_end(c, tx, true), 0);
	assert_true(h_event(w, &p, &t));
	assert_string_equal(p, "/ev/a");
	assert_true(h_event(w, &p, &t));
	assert_string_equal(p, "/ev/b");
	assert_false(h_event(w, &p, &t));
	/* Aborted and failed transactions fire nothing. */
	tx = h_txn_start(c);
	assert_int_equal(h_write(c, tx, "/ev/a", "2"), 0);
	assert_int_equal(h_txn_end(c, tx, false), 0);
	tx = h_txn_start(c);
	assert_int_equal(h_write(c, tx, "/ev/a", "3"), 0);
	assert_int_equal(h_write(c, 0, "/ev/a", "4"), 0);
	h_drain_events(w);
	assert_int_equal(h_txn_end(c, tx, true), EAGAIN);
	assert_false(h_event(w, &p, &t));
	h_client_free(c);
	h_client_free(w);
}

static void transaction_node_limit(void **state)
{
	struct h_env *e = *state;
	struct h_client *d0 = h_client_new(e, 0, true);
	struct h_client *g = h_client_new(e, 5, false);
	char path[64];
	uint32_t t;
	int i, err = 0;

	assert_int_equal(h_mkdir(d0, 0, "/local/domain/5"), 0);
	assert_int_equal(h_setperms(d0, 0, "/local/domain/5", "n5", NULL), 0);
	e->srv.quota.txn_nodes = 8;
	t = h_txn_start(g);
	for (i = 0; i < 20 && !err; i++) {
		snprintf(path, sizeof(path), "k%d", i);
		err = h_write(g, t, path, "");
	}
	assert_int_equal(err, ENOSPC);
	assert_true(i < 10);
	assert_int_equal(h_txn_end(g, t, false), 0);
	h_client_free(d0);
	h_client_free(g);
}

static void many_transactions_interleaved(void **state)
{
	struct h_client *c[4];
	uint32_t t[4];
	char path[32], val[32];
	int ok = 0, again = 0, err;

	for (int i = 0; i < 4; i++)
		c[i] = h_client_new(*state, 0, true);
	assert_int_equal(h_write(c[0], 0, "/ctr", "0"), 0);
	/* Read-modify-write of one counter by 4 clients, retried on EAGAIN: no lost update. */
	for (int round = 0; round < 50; round++) {
		for (int i = 0; i < 4; i++) {
			const char *v;

			t[i] = h_txn_start(c[i]);
			v = h_read(c[i], t[i], "/ctr", &err);
			assert_non_null(v);
			snprintf(val, sizeof(val), "%d", atoi(v) + 1);
			assert_int_equal(h_write(c[i], t[i], "/ctr", val), 0);
			snprintf(path, sizeof(path), "/log/%d-%d", round, i);
			assert_int_equal(h_write(c[i], t[i], path, ""), 0);
		}
		for (int i = 0; i < 4; i++) {
			int r = h_txn_end(c[i], t[i], true);

			assert_in_set(r, ((const uintmax_t[]){0, EAGAIN}), 2);
			ok += r == 0;
			again += r == EAGAIN;
		}
	}
	snprintf(val, sizeof(val), "%d", ok);
	assert_string_equal(h_read(c[0], 0, "/ctr", &err), val);
	assert_int_equal(ok, 50); /* exactly one of each round commits */
	assert_int_equal(again, 150);
	for (int i = 0; i < 4; i++)
		h_client_free(c[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(commit_and_abort, setup, teardown),
	    cmocka_unit_test_setup_teardown(bad_end_and_nesting, setup, teardown),
	    cmocka_unit_test_setup_teardown(snapshot_isolation, setup, teardown),
	    cmocka_unit_test_setup_teardown(conflicts, setup, teardown),
	    cmocka_unit_test_setup_teardown(rm_then_recreate_in_txn, setup, teardown),
	    cmocka_unit_test_setup_teardown(events_only_at_commit, setup, teardown),
	    cmocka_unit_test_setup_teardown(transaction_node_limit, setup, teardown),
	    cmocka_unit_test_setup_teardown(many_transactions_interleaved, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
