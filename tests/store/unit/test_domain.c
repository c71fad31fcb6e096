// SPDX-License-Identifier: MIT
/* Domains: INTRODUCE/RELEASE/RESUME/SET_TARGET, and the guest ring transport. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xs_harness.h"
#include "xs_ring.h"

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

/* ---- an in-memory ring standing in for a guest's page (test double) ---- */

struct fake_guest {
	struct xs_ring_page page;
	struct xs_ring ring;
	unsigned int notified;
	bool attached;
};

static struct fake_guest guests[4];

static void notify(void *arg)
{
	((struct fake_guest *)arg)->notified++;
}

static int fake_introduce(struct xs_server *srv, unsigned int domid, uint64_t gfn,
			  unsigned int port, struct xs_conn **conn, void *arg)
{
	struct fake_guest *g = &guests[domid % 4];

	(void)gfn;
	(void)port;
	(void)arg;
	if (domid == 3)
		return -EINVAL; /* a page that cannot be mapped */
	memset(g, 0, sizeof(*g));
	if (xs_ring_attach(srv, &g->ring, &g->page, domid, false, notify, g))
		return -ENOMEM;
	g->attached = true;
	*conn = g->ring.conn;
	return 0;
}

/* The guest side of its ring. */
static void guest_send(struct fake_guest *g, uint32_t type, uint32_t req_id, const void *p,
		       uint32_t len)
{
	h_ring_send(&g->page, type, req_id, p, len);
}

static bool guest_recv(struct fake_guest *g, struct xs_hdr *h, char *payload)
{
	return h_ring_recv(&g->page, h, payload);
}

static void introduce_release_and_orphans(void **state)
{
	struct h_env *e = *state;
	struct h_client *d0 = h_client_new(e, 0, true);
	struct fake_guest *g = &guests[1];
	struct xs_hdr h;
	char payload[XS_PAYLOAD_MAX + 1];
	const struct h_msg *m;
	int err;

	e->srv.dom_ops.introduce = fake_introduce;
	assert_int_equal(h_err(h_call(d0, XS_INTRODUCE, 0, "0", "1", "1", NULL)), EINVAL);
	assert_int_equal(h_err(h_call(d0, XS_INTRODUCE, 0, "5", "1", "0", NULL)), EINVAL);
	assert_int_equal(h_err(h_call(d0, XS_INTRODUCE, 0, "5", "x", "1", NULL)), EINVAL);
	assert_int_equal(h_err(h_call(d0, XS_INTRODUCE, 0, "32752", "1", "1", NULL)), EINVAL);
	assert_int_equal(h_err(h_call(d0, XS_INTRODUCE, 0, "3", "1", "1", NULL)), EINVAL);
	m = h_call(d0, XS_IS_DOMAIN_INTRODUCED, 0, "3", NULL);
	assert_string_equal(m->payload, "F");

	assert_int_equal(h_mkdir(d0, 0, "/local/domain/5"), 0);
	assert_int_equal(h_setperms(d0, 0, "/local/domain/5", "n5", NULL), 0);
	assert_int_equal(h_write(d0, 0, "/shared", "s"), 0);
	assert_int_equal(h_setperms(d0, 0, "/shared", "n0", "b5", "r6", NULL), 0);
	assert_int_equal(h_err(h_call(d0, XS_INTRODUCE, 0, "5", "-1", "7", NULL)), 0);
	assert_true(g->attached);
	m = h_call(d0, XS_IS_DOMAIN_INTRODUCED, 0, "5", NULL);
	assert_string_equal(m->payload, "T");
	/* Introducing again is fine (the toolstack rebinding the event channel). */
	assert_int_equal(h_err(h_call(d0, XS_INTRODUCE, 0, "5", "1", "8", NULL)), 0);

	/* The guest talks over its ring: relative paths, owns what it creates. */
	guest_send(g, XS_WRITE, 1, "data/k\0val", 10);
	xs_ring_event(&g->ring);
	assert_true(g->notified > 0);
	assert_true(guest_recv(g, &h, payload));
	assert_int_equal(h.type, XS_WRITE);
	assert_int_equal(h.req_id, 1);
	assert_string_equal(payload, "OK");
	assert_string_equal(h_read(d0, 0, "/local/domain/5/data/k", &err), "val");
	guest_send(g, XS_WRITE, 2, "/elsewhere\0x", 12);
	xs_ring_event(&g->ring);
	assert_true(guest_recv(g, &h, payload));
	assert_int_equal(h.type, XS_ERROR);
	assert_string_equal(payload, "EACCES");

	/* RELEASE: its nodes go, its ACL entries elsewhere go, the ring is disconnected. */
	assert_int_equal(h_err(h_call(d0, XS_RELEASE, 0, "5", NULL)), 0);
	assert_false(g->ring.conn != NULL);
	assert_null(h_read(d0, 0, "/local/domain/5", &err));
	assert_int_equal(err, ENOENT);
	m = h_call(d0, XS_GET_PERMS, 0, "/shared", NULL);
	assert_int_equal(m->h.len, 6);
	assert_memory_equal(m->payload, "n0\0r6\0", 6);
	assert_int_equal(h_err(h_call(d0, XS_RELEASE, 0, "5", NULL)), ENOENT);
	assert_int_equal(h_err(h_call(d0, XS_RELEASE, 0, "0", NULL)), EINVAL);
	m = h_call(d0, XS_IS_DOMAIN_INTRODUCED, 0, "5", NULL);
	assert_string_equal(m->payload, "F");
	h_client_free(d0);
}

static void resume_and_set_target(void **state)
{
	struct h_env *e = *state;
	struct h_client *d0 = h_client_new(e, 0, true);
	int err;

	e->srv.dom_ops.introduce = fake_introduce;
	assert_int_equal(h_err(h_call(d0, XS_RESUME, 0, "6", NULL)), ENOENT);
	assert_int_equal(h_err(h_call(d0, XS_INTRODUCE, 0, "6", "1", "1", NULL)), 0);
	assert_int_equal(h_err(h_call(d0, XS_INTRODUCE, 0, "7", "1", "1", NULL)), 0);
	assert_int_equal(h_err(h_call(d0, XS_RESUME, 0, "6", NULL)), 0);
	assert_int_equal(h_err(h_call(d0, XS_SET_TARGET, 0, "6", NULL)), EINVAL);
	assert_int_equal(h_err(h_call(d0, XS_SET_TARGET, 0, "9", "7", NULL)), ENOENT);
	/* Domain 6 (a device model) acts for domain 7: it gets 7's rights. */
	assert_int_equal(h_write(d0, 0, "/local/domain/7/dm", "x"), 0);
	assert_int_equal(h_setperms(d0, 0, "/local/domain/7/dm", "n7", NULL), 0);
	{
		struct fake_guest *g6 = &guests[6 % 4];
		struct xs_hdr h;
		char payload[XS_PAYLOAD_MAX + 1];

		guest_send(g6, XS_READ, 1, "/local/domain/7/dm\0", 19);
		xs_ring_event(&g6->ring);
		assert_true(guest_recv(g6, &h, payload));
		assert_string_equal(payload, "EACCES");
		assert_int_equal(h_err(h_call(d0, XS_SET_TARGET, 0, "6", "7", NULL)), 0);
		guest_send(g6, XS_READ, 2, "/local/domain/7/dm\0", 19);
		xs_ring_event(&g6->ring);
		assert_true(guest_recv(g6, &h, payload));
		assert_int_equal(h.type, XS_READ);
		assert_string_equal(payload, "x");
	}
	assert_string_equal(h_read(d0, 0, "/local/domain/7/dm", &err), "x");
	h_client_free(d0);
}

static void ring_wraps_and_many_messages(void **state)
{
	struct h_env *e = *state;
	struct h_client *d0 = h_client_new(e, 0, true);
	struct fake_guest *g = &guests[1];
	struct xs_hdr h;
	char payload[XS_PAYLOAD_MAX + 1], val[900];
	int got = 0;

	e->srv.dom_ops.introduce = fake_introduce;
	assert_int_equal(h_mkdir(d0, 0, "/local/domain/5"), 0);
	assert_int_equal(h_setperms(d0, 0, "/local/domain/5", "n5", NULL), 0);
	assert_int_equal(h_err(h_call(d0, XS_INTRODUCE, 0, "5", "1", "1", NULL)), 0);
	/* Indexes near the 32-bit wrap: the rings must use free-running arithmetic. */
	g->page.req_cons = g->page.req_prod = 0xfffffe00u;
	g->page.rsp_cons = g->page.rsp_prod = 0xfffffe00u;
	memset(val, 'v', sizeof(val));
	memcpy(val, "big", 4);
	guest_send(g, XS_WRITE, 1, val, sizeof(val)); /* path "big", value of 896 bytes */
	xs_ring_event(&g->ring);
	assert_true(guest_recv(g, &h, payload));
	assert_string_equal(payload, "OK");
	/* Replies bigger than the ring arrive as the guest makes room. */
	for (int i = 0; i < 5; i++)
		guest_send(g, XS_READ, 10 + i, "big\0", 4);
	xs_ring_event(&g->ring);
	for (int round = 0; round < 20 && got < 5; round++) {
		while (guest_recv(g, &h, payload)) {
			assert_int_equal(h.req_id, 10 + got);
			assert_int_equal(h.len, 896);
			got++;
		}
		xs_ring_event(&g->ring); /* the guest signals it consumed */
	}
	assert_int_equal(got, 5);
	assert_true(g->page.rsp_prod < 0x1000u); /* wrapped */
	h_client_free(d0);
}

static void ring_rejects_bad_indexes_and_oversized(void **state)
{
	struct h_env *e = *state;
	struct h_client *d0 = h_client_new(e, 0, true);
	struct fake_guest *g = &guests[1];
	struct xs_hdr h = {XS_WRITE, 1, 0, XS_PAYLOAD_MAX + 1};
	uint8_t raw[XS_HDR_SIZE];

	e->srv.dom_ops.introduce = fake_introduce;
	assert_int_equal(h_err(h_call(d0, XS_INTRODUCE, 0, "5", "1", "1", NULL)), 0);
	/* prod - cons beyond the ring size: impossible, the guest is broken or hostile. */
	g->page.req_prod = g->page.req_cons + XS_RING_SIZE + 1;
	xs_ring_event(&g->ring);
	assert_int_equal(g->page.error, XS_RING_ERROR_RINGIDX);
	assert_true(g->ring.broken);

	assert_int_equal(h_err(h_call(d0, XS_RELEASE, 0, "5", NULL)), 0);
	assert_int_equal(h_err(h_call(d0, XS_INTRODUCE, 0, "5", "1", "1", NULL)), 0);
	assert_false(g->ring.broken);
	xs_hdr_encode(&h, raw);
	for (uint32_t i = 0; i < XS_HDR_SIZE; i++)
		g->page.req[g->page.req_prod++ & (XS_RING_SIZE - 1)] = (char)raw[i];
	xs_ring_event(&g->ring);
	assert_int_equal(g->page.error, XS_RING_ERROR_PROTO);
	/* The rest of the store is unaffected. */
	assert_int_equal(h_write(d0, 0, "/still", "fine"), 0);
	h_client_free(d0);
}

static void ring_outstanding_limit(void **state)
{
	struct h_env *e = *state;
	struct h_client *d0 = h_client_new(e, 0, true);
	struct fake_guest *g = &guests[1];
	struct xs_hdr h;
	char payload[XS_PAYLOAD_MAX + 1];
	uint32_t before;
	int got = 0;

	e->srv.dom_ops.introduce = fake_introduce;
	e->srv.quota.outstanding = 2;
	assert_int_equal(h_err(h_call(d0, XS_INTRODUCE, 0, "5", "1", "1", NULL)), 0);
	/* A guest that never reads replies: the server stops taking its requests. */
	for (int i = 0; i < 40; i++)
		guest_send(g, XS_GET_DOMAIN_PATH, (uint32_t)i, "5\0", 2);
	xs_ring_event(&g->ring);
	before = g->page.req_cons;
	assert_int_not_equal(g->page.req_prod, g->page.req_cons);
	/* Taken: what filled the response ring, plus the quota's worth queued behind it. */
	assert_int_equal(g->ring.conn->out_msgs, 2);
	xs_ring_event(&g->ring);
	assert_int_equal(g->page.req_cons, before);
	/* Once it reads, the server catches up, in order. */
	for (int round = 0; round < 100 && got < 40; round++) {
		while (guest_recv(g, &h, payload)) {
			assert_int_equal(h.req_id, got);
			assert_string_equal(payload, "/local/domain/5");
			got++;
		}
		xs_ring_event(&g->ring);
	}
	assert_int_equal(got, 40);
	h_client_free(d0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(introduce_release_and_orphans, setup, teardown),
	    cmocka_unit_test_setup_teardown(resume_and_set_target, setup, teardown),
	    cmocka_unit_test_setup_teardown(ring_wraps_and_many_messages, setup, teardown),
	    cmocka_unit_test_setup_teardown(ring_rejects_bad_indexes_and_oversized, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(ring_outstanding_limit, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
