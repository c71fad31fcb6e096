// SPDX-License-Identifier: MIT
/* Permissions and watches, as guests (unprivileged domains) see them. */
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

/* dom0 prepares /local/domain/<id> owned by the guest, as the toolstack does. */
static void give_home(struct h_client *d0, unsigned int domid)
{
	char path[64], owner[16];

	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	snprintf(owner, sizeof(owner), "n%u", domid);
	assert_int_equal(h_mkdir(d0, 0, path), 0);
	assert_int_equal(h_setperms(d0, 0, path, owner, NULL), 0);
}

static void owner_acl_default(void **state)
{
	struct h_client *d0 = h_client_new(*state, 0, true);
	struct h_client *g5 = h_client_new(*state, 5, false);
	struct h_client *g6 = h_client_new(*state, 6, false);
	struct h_client *g7 = h_client_new(*state, 7, false);
	int err;

	assert_int_equal(h_write(d0, 0, "/acl/node", "secret"), 0);
	/* Default n0: guests neither read nor write; missing children say EACCES, not ENOENT. */
	assert_null(h_read(g5, 0, "/acl/node", &err));
	assert_int_equal(err, EACCES);
	assert_null(h_read(g5, 0, "/acl/none", &err));
	assert_int_equal(err, EACCES);
	assert_int_equal(h_write(g5, 0, "/acl/node", "x"), EACCES);
	assert_int_equal(h_write(g5, 0, "/acl/new", "x"), EACCES);
	assert_int_equal(h_rm(g5, 0, "/acl/node"), EACCES);
	/* Owner 5, default read, 6 write-only, 7 none. */
	assert_int_equal(h_setperms(d0, 0, "/acl/node", "r5", "w6", "n7", NULL), 0);
	assert_string_equal(h_read(g5, 0, "/acl/node", &err), "secret");
	assert_int_equal(h_write(g5, 0, "/acl/node", "by5"), 0); /* the owner may write */
	assert_null(h_read(g6, 0, "/acl/node", &err));
	assert_int_equal(err, EACCES);
	assert_int_equal(h_write(g6, 0, "/acl/node", "by6"), 0);
	assert_null(h_read(g7, 0, "/acl/node", &err));
	assert_int_equal(err, EACCES);
	assert_int_equal(h_write(g7, 0, "/acl/node", "by7"), EACCES);
	/* Domains without an entry get the owner entry's flags: r. */
	{
		struct h_client *g8 = h_client_new(*state, 8, false);

		assert_string_equal(h_read(g8, 0, "/acl/node", &err), "by6");
		assert_int_equal(h_write(g8, 0, "/acl/node", "by8"), EACCES);
		h_client_free(g8);
	}
	/* Only the owner (or dom0) sets permissions; only dom0 changes the owner. */
	assert_int_equal(h_setperms(g6, 0, "/acl/node", "b5", NULL), EACCES);
	assert_int_equal(h_setperms(g5, 0, "/acl/node", "b5", "r6", NULL), 0);
	assert_int_equal(h_setperms(g5, 0, "/acl/node", "b6", NULL), EPERM);
	assert_int_equal(h_setperms(d0, 0, "/acl/node", "b6", NULL), 0);
	assert_int_equal(h_setperms(g5, 0, "/acl/node", "b5", NULL), EACCES);
	h_client_free(d0);
	h_client_free(g5);
	h_client_free(g6);
	h_client_free(g7);
}

static void guest_creates_and_owns(void **state)
{
	struct h_client *d0 = h_client_new(*state, 0, true);
	struct h_client *g5 = h_client_new(*state, 5, false);
	const struct h_msg *m;
	int err;

	give_home(d0, 5);
	/* Relative paths land in the guest's home; the guest owns what it creates. */
	assert_int_equal(h_write(g5, 0, "data/x", "1"), 0);
	assert_string_equal(h_read(d0, 0, "/local/domain/5/data/x", &err), "1");
	m = h_call(g5, XS_GET_PERMS, 0, "data/x", NULL);
	assert_memory_equal(m->payload, "n5\0", 3);
	/* Another guest cannot see into it. */
	{
		struct h_client *g6 = h_client_new(*state, 6, false);

		assert_null(h_read(g6, 0, "/local/domain/5/data/x", &err));
		assert_int_equal(err, EACCES);
		h_client_free(g6);
	}
	/* dom0-created nodes in a guest-owned dir inherit the guest as owner. */
	assert_int_equal(h_write(d0, 0, "/local/domain/5/fromdom0", "z"), 0);
	m = h_call(d0, XS_GET_PERMS, 0, "/local/domain/5/fromdom0", NULL);
	assert_memory_equal(m->payload, "n5\0", 3);
	/* The guest may not use privileged paths outside its ACLs. */
	assert_int_equal(h_write(g5, 0, "/tool/x", "1"), EACCES);
	h_client_free(d0);
	h_client_free(g5);
}

static void guest_quotas(void **state)
{
	struct h_env *e = *state;
	struct h_client *d0 = h_client_new(e, 0, true);
	struct h_client *g5 = h_client_new(e, 5, false);
	char big[3000], path[64];
	int i;

	give_home(d0, 5);
	e->srv.quota.nodes = 10;
	e->srv.quota.watches = 3;
	e->srv.quota.transactions = 2;
	e->srv.quota.perms = 2;
	/* Node size: 2048 bytes of value and permissions. */
	memset(big, 'v', sizeof(big));
	big[2100] = '\0';
	assert_int_equal(h_write(g5, 0, "big", big), ENOSPC);
	{
		uint32_t t = h_txn_start(g5);
		int err;

		/* In a transaction, the refusal creates nothing, not even the parent. */
		assert_int_equal(h_write(g5, t, "sub/big", big), ENOSPC);
		assert_null(h_read(g5, t, "sub", &err));
		assert_int_equal(err, ENOENT);
		assert_int_equal(h_txn_end(g5, t, false), 0);
	}
	big[2000] = '\0';
	assert_int_equal(h_write(g5, 0, "big", big), 0);
	/* Nodes owned: the home dir counts, so 9 more. */
	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "n%d", i);
		assert_int_equal(h_write(g5, 0, path, ""), 0);
	}
	assert_int_equal(h_write(g5, 0, "n8/deep", ""), ENOSPC); /* two new nodes */
	assert_int_equal(h_write(g5, 0, "one-more", ""), ENOSPC);
	assert_int_equal(h_rm(g5, 0, "n0"), 0);
	assert_int_equal(h_write(g5, 0, "one-more", ""), 0);
	/* dom0 is not limited. */
	for (i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "/local/domain/0/n%d", i);
		assert_int_equal(h_write(d0, 0, path, ""), 0);
	}
	/* Permissions per node. */
	assert_int_equal(h_setperms(g5, 0, "big", "n5", "r1", "r2", NULL), ENOSPC);
	assert_int_equal(h_setperms(g5, 0, "big", "n5", "r1", NULL), 0);
	/* Watches and transactions per connection. */
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "w%d", i);
		assert_int_equal(h_watch(g5, path, "t"), 0);
	}
	/* As Xen's xenstored: E2BIG, the connection's other watches untouched. */
	assert_int_equal(h_watch(g5, "w9", "t"), E2BIG);
	assert_int_equal(h_watch(g5, "w0", "t"), EEXIST);
	assert_int_equal(h_err(h_call(g5, XS_UNWATCH, 0, "w1", "t", NULL)), 0);
	assert_int_equal(h_watch(g5, "w9", "t"), 0);
	assert_int_equal(h_watch(g5, "w10", "t"), E2BIG);
	/* dom0 is not limited. */
	for (i = 0; i < 10; i++) {
		snprintf(path, sizeof(path), "/d0w%d", i);
		assert_int_equal(h_watch(d0, path, "t"), 0);
	}
	assert_int_not_equal(h_txn_start(g5), 0);
	assert_int_not_equal(h_txn_start(g5), 0);
	assert_int_equal(h_err(h_req(g5, XS_TRANSACTION_START, 0, "", 1)), ENOSPC);
	/* Path length below the home: 2048. */
	memset(big, 'p', 2049);
	big[2049] = '\0';
	assert_int_equal(h_write(g5, 0, big, ""), EINVAL);
	h_client_free(d0);
	h_client_free(g5);
}

static void watch_fires_on_register_and_changes(void **state)
{
	struct h_client *d0 = h_client_new(*state, 0, true);
	struct h_client *w = h_client_new(*state, 0, true);
	const char *p, *t;

	assert_int_equal(h_watch(w, "/w", "tok"), 0);
	/* Once at registration, for the watched path itself, even if it does not exist. */
	assert_true(h_event(w, &p, &t));
	assert_string_equal(p, "/w");
	assert_string_equal(t, "tok");
	assert_false(h_event(w, &p, &t));
	/* Create, change, child create, permission change, delete. */
	assert_int_equal(h_write(d0, 0, "/w", "1"), 0);
	assert_true(h_event(w, &p, &t));
	assert_string_equal(p, "/w");
	assert_int_equal(h_write(d0, 0, "/w", "2"), 0);
	assert_true(h_event(w, &p, &t));
	assert_int_equal(h_write(d0, 0, "/w/a/b", "x"), 0);
	assert_true(h_event(w, &p, &t));
	assert_string_equal(p, "/w/a/b");
	assert_false(h_event(w, &p, &t)); /* implicit parents raise no events of their own */
	assert_int_equal(h_setperms(d0, 0, "/w/a", "r0", NULL), 0);
	assert_true(h_event(w, &p, &t));
	assert_string_equal(p, "/w/a");
	assert_int_equal(h_rm(d0, 0, "/w/a"), 0);
	assert_true(h_event(w, &p, &t));
	assert_string_equal(p, "/w/a");
	assert_false(h_event(w, &p, &t));
	/* Unrelated paths and siblings sharing a prefix do not fire. */
	assert_int_equal(h_write(d0, 0, "/wx", "1"), 0);
	assert_int_equal(h_write(d0, 0, "/other", "1"), 0);
	assert_false(h_event(w, &p, &t));
	/* A failed write fires nothing. */
	assert_int_equal(h_rm(d0, 0, "/w/q/r"), ENOENT);
	assert_false(h_event(w, &p, &t));
	/* Duplicates, unwatch. */
	assert_int_equal(h_watch(w, "/w", "tok"), EEXIST);
	assert_int_equal(h_watch(w, "/w", "tok2"), 0);
	h_drain_events(w);
	assert_int_equal(h_write(d0, 0, "/w", "3"), 0);
	assert_int_equal(h_count_events(w), 2);
	h_drain_events(w);
	assert_int_equal(h_err(h_call(w, XS_UNWATCH, 0, "/w", "tok2", NULL)), 0);
	assert_int_equal(h_err(h_call(w, XS_UNWATCH, 0, "/w", "tok2", NULL)), ENOENT);
	assert_int_equal(h_write(d0, 0, "/w", "4"), 0);
	assert_int_equal(h_count_events(w), 1);
	h_drain_events(w);
	/* RESET_WATCHES drops them all. */
	assert_int_equal(h_err(h_req(w, XS_RESET_WATCHES, 0, "", 1)), 0);
	assert_int_equal(h_write(d0, 0, "/w", "5"), 0);
	assert_int_equal(h_count_events(w), 0);
	h_client_free(d0);
	h_client_free(w);
}

static void watch_depth_and_removal_below(void **state)
{
	struct h_client *d0 = h_client_new(*state, 0, true);
	struct h_client *w = h_client_new(*state, 0, true);
	const char *p, *t;

	/* Depth 1: the node and its children, not grandchildren. */
	assert_int_equal(h_err(h_call(w, XS_WATCH, 0, "/dp", "d1", "1", NULL)), 0);
	assert_int_equal(h_err(h_call(w, XS_WATCH, 0, "/dp", "d0", "0", NULL)), 0);
	assert_int_equal(h_err(h_call(w, XS_WATCH, 0, "/dp", "bad", "x", NULL)), EINVAL);
	h_drain_events(w);
	assert_int_equal(h_write(d0, 0, "/dp", ""), 0);
	assert_int_equal(h_count_events(w), 2);
	h_drain_events(w);
	assert_int_equal(h_write(d0, 0, "/dp/c", ""), 0);
	assert_true(h_event(w, &p, &t));
	assert_string_equal(t, "d1");
	assert_false(h_event(w, &p, &t));
	assert_int_equal(h_write(d0, 0, "/dp/c/g", ""), 0);
	assert_false(h_event(w, &p, &t));

	/* Removing an ancestor fires watches on removed descendants, with their own path. */
	assert_int_equal(h_write(d0, 0, "/rm/a/b/c", ""), 0);
	assert_int_equal(h_watch(w, "/rm/a/b", "below"), 0);
	h_drain_events(w);
	assert_int_equal(h_rm(d0, 0, "/rm"), 0);
	assert_true(h_event(w, &p, &t));
	assert_string_equal(p, "/rm/a/b");
	assert_string_equal(t, "below");
	assert_false(h_event(w, &p, &t));
	h_client_free(d0);
	h_client_free(w);
}

static void watch_relative_paths(void **state)
{
	struct h_client *d0 = h_client_new(*state, 0, true);
	struct h_client *g5 = h_client_new(*state, 5, false);
	const char *p, *t;

	give_home(d0, 5);
	assert_int_equal(h_watch(g5, "device", "rel"), 0);
	assert_true(h_event(g5, &p, &t));
	assert_string_equal(p, "device");
	assert_int_equal(h_write(d0, 0, "/local/domain/5/device/vif/0", "x"), 0);
	assert_true(h_event(g5, &p, &t));
	assert_string_equal(p, "device/vif/0");
	h_client_free(d0);
	h_client_free(g5);
}

static void watch_events_respect_read_permission(void **state)
{
	struct h_client *d0 = h_client_new(*state, 0, true);
	struct h_client *g5 = h_client_new(*state, 5, false);
	struct h_client *g6 = h_client_new(*state, 6, false);
	const char *p, *t;

	assert_int_equal(h_write(d0, 0, "/sec/a", "1"), 0);
	assert_int_equal(h_setperms(d0, 0, "/sec", "n0", "r5", NULL), 0);
	assert_int_equal(h_setperms(d0, 0, "/sec/a", "n0", "r5", NULL), 0);
	assert_int_equal(h_watch(g5, "/sec", "t5"), 0);
	assert_int_equal(h_watch(g6, "/sec", "t6"), 0);
	h_drain_events(g5);
	h_drain_events(g6);
	assert_int_equal(h_write(d0, 0, "/sec/a", "2"), 0);
	assert_true(h_event(g5, &p, &t));
	assert_string_equal(p, "/sec/a");
	assert_false(h_event(g6, &p, &t)); /* 6 may not read /sec/a nor /sec */
	/* Losing read access by a permission change is still reported to the one losing it. */
	assert_int_equal(h_setperms(d0, 0, "/sec", "n0", NULL), 0);
	assert_true(h_event(g5, &p, &t));
	assert_string_equal(p, "/sec");
	assert_false(h_event(g6, &p, &t));
	h_client_free(d0);
	h_client_free(g5);
	h_client_free(g6);
}

static void special_watches(void **state)
{
	struct h_env *e = *state;
	struct h_client *d0 = h_client_new(e, 0, true);
	struct h_client *w = h_client_new(e, 0, true);
	struct h_client *g9 = h_client_new(e, 9, false);
	const char *p, *t;

	assert_int_equal(h_watch(w, "@introduceDomain", "intro"), 0);
	assert_int_equal(h_err(h_call(w, XS_WATCH, 0, "@releaseDomain", "rel1", "1", NULL)), 0);
	assert_int_equal(h_watch(w, "@releaseDomain/3", "rel3"), 0);
	assert_int_equal(h_watch(g9, "@introduceDomain", "g9"), 0);
	h_drain_events(w);
	h_drain_events(g9);
	assert_int_equal(h_err(h_call(d0, XS_INTRODUCE, 0, "3", "4096", "12", NULL)), 0);
	assert_true(h_event(w, &p, &t));
	assert_string_equal(p, "@introduceDomain");
	assert_string_equal(t, "intro");
	assert_false(h_event(w, &p, &t));
	/* Unprivileged watchers hear special events only if the special node allows it. */
	assert_false(h_event(g9, &p, &t));
	assert_int_equal(h_setperms(d0, 0, "@introduceDomain", "n0", "r9", NULL), 0);
	assert_int_equal(h_err(h_call(d0, XS_INTRODUCE, 0, "4", "4096", "12", NULL)), 0);
	assert_true(h_event(g9, &p, &t));
	assert_string_equal(p, "@introduceDomain");
	h_drain_events(w);
	assert_int_equal(h_err(h_call(d0, XS_RELEASE, 0, "3", NULL)), 0);
	assert_true(h_event(w, &p, &t));
	assert_string_equal(p, "@releaseDomain/3");
	assert_string_equal(t, "rel1");
	assert_true(h_event(w, &p, &t));
	assert_string_equal(p, "@releaseDomain/3");
	assert_string_equal(t, "rel3");
	assert_false(h_event(w, &p, &t));
	assert_int_equal(h_err(h_call(d0, XS_RELEASE, 0, "4", NULL)), 0);
	assert_true(h_event(w, &p, &t));
	assert_string_equal(p, "@releaseDomain/4");
	assert_false(h_event(w, &p, &t)); /* the domain-3 watch stays quiet */
	h_client_free(d0);
	h_client_free(w);
	h_client_free(g9);
}

static void thousand_watchers_one_write(void **state)
{
	struct h_env *e = *state;
	struct h_client *d0 = h_client_new(e, 0, true);
	struct h_client *w[10];
	char tok[16];
	size_t total = 0;

	for (int i = 0; i < 10; i++) {
		w[i] = h_client_new(e, 0, true);
		for (int j = 0; j < 100; j++) {
			snprintf(tok, sizeof(tok), "t%d", j);
			assert_int_equal(h_watch(w[i], "/hot", tok), 0);
		}
		h_drain_events(w[i]);
	}
	assert_int_equal(h_write(d0, 0, "/hot/x", "1"), 0);
	for (int i = 0; i < 10; i++) {
		total += h_count_events(w[i]);
		h_client_free(w[i]);
	}
	assert_int_equal(total, 1000);
	h_client_free(d0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(owner_acl_default, setup, teardown),
	    cmocka_unit_test_setup_teardown(guest_creates_and_owns, setup, teardown),
	    cmocka_unit_test_setup_teardown(guest_quotas, setup, teardown),
	    cmocka_unit_test_setup_teardown(watch_fires_on_register_and_changes, setup, teardown),
	    cmocka_unit_test_setup_teardown(watch_depth_and_removal_below, setup, teardown),
	    cmocka_unit_test_setup_teardown(watch_relative_paths, setup, teardown),
	    cmocka_unit_test_setup_teardown(watch_events_respect_read_permission, setup, teardown),
	    cmocka_unit_test_setup_teardown(special_watches, setup, teardown),
	    cmocka_unit_test_setup_teardown(thousand_watchers_one_write, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
