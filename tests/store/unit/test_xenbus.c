// SPDX-License-Identifier: MIT
/*
 * Serving dom0's own kernel (store/src/uv_xenbus.c, domain_exits.c) over the device double:
 * setup order, requests from the kernel's side of the ring as domid 0, the ring's wrap,
 * garbage rings, event channel errors and domain exits (VIRQ_DOM_EXC).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "xenbus_env.h"

/* The kernel's side of its ring: a request in, a reply or watch event out. */
static void kernel_send(struct env *e, uint32_t type, uint32_t req_id, const void *p, uint32_t len)
{
	h_ring_send(e->xd.page, type, req_id, p, len);
}

static bool kernel_recv(struct env *e)
{
	return h_ring_recv(e->xd.page, &e->hdr, e->payload);
}

static char notify_call[] = "notify 11";

static void setup_binds_then_notifies_once(void **state)
{
	struct env *e = *state;
	int bind, virq, notify;

	assert_int_equal(env_start(e), 0);
	assert_int_equal(e->xd.ncalls, 4);
	assert_int_equal(xd_find(&e->xd, "ring_map"), 0);
	bind = xd_find(&e->xd, "bind_interdomain 0 7"); /* remote domain 0 = dom0 itself */
	virq = xd_find(&e->xd, "bind_virq 3");
	notify = xd_find(&e->xd, notify_call);
	assert_true(bind > 0 && virq > bind && notify > virq);
	assert_int_equal(xd_count(&e->xd, notify_call), 1);
	/* The connection is dom0, privileged; the ring is clean. */
	assert_non_null(e->xb.ring.conn);
	assert_int_equal(e->xb.ring.conn->domid, 0);
	assert_true(e->xb.ring.conn->privileged);
	assert_int_equal(e->xd.page->error, 0);
	assert_int_equal(e->xb.kernel_port, XD_KERNEL_PORT);

	xs_uv_xenbus_stop(&e->xb);
	e->started = false;
	assert_true(xd_find(&e->xd, "unbind 12") > notify);
	assert_true(xd_find(&e->xd, "unbind 11") > notify);
	assert_int_equal(xd_find(&e->xd, "ring_unmap"), (int)e->xd.ncalls - 1);
}

static void kernel_requests_served_as_dom0(void **state)
{
	struct env *e = *state;
	int err;

	assert_int_equal(env_start(e), 0);
	/* One batch: write (relative path), read it back absolutely, watch. */
	kernel_send(e, XS_WRITE, 1, "name\0Domain-0", 13);
	kernel_send(e, XS_READ, 2, "/local/domain/0/name", 21);
	kernel_send(e, XS_WATCH, 3, "control/shutdown\0tok", 21);
	kernel_send(e, XS_GET_QUOTA, 4, "", 1); /* privileged only */
	xd_signal(&e->xd, XD_RING_PORT);
	env_run(e);
	assert_int_equal(xd_count(&e->xd, "unmask 11"), 1);
	/* One notification for the whole batch, after the one at setup. */
	assert_int_equal(xd_count(&e->xd, notify_call), 2);

	assert_true(kernel_recv(e));
	assert_int_equal(e->hdr.type, XS_WRITE);
	assert_int_equal(e->hdr.req_id, 1);
	assert_string_equal(e->payload, "OK");
	assert_true(kernel_recv(e));
	assert_int_equal(e->hdr.type, XS_READ);
	assert_int_equal(e->hdr.len, 8);
	assert_string_equal(e->payload, "Domain-0");
	assert_true(kernel_recv(e));
	assert_int_equal(e->hdr.type, XS_WATCH);
	assert_true(kernel_recv(e));
	assert_int_equal(e->hdr.type, XS_WATCH_EVENT); /* fires once at registration */
	assert_string_equal(e->payload, "control/shutdown");
	assert_string_equal(e->payload + strlen("control/shutdown") + 1, "tok");
	assert_true(kernel_recv(e));
	assert_int_equal(e->hdr.type, XS_GET_QUOTA);
	assert_false(kernel_recv(e));

	/* The kernel's write is in the tree, under /local/domain/0. */
	assert_string_equal(h_read(e->tools, 0, "/local/domain/0/name", &err), "Domain-0");
	/* A toolstack's write reaches the kernel's watch at once, with a notification. */
	assert_int_equal(h_write(e->tools, 0, "/local/domain/0/control/shutdown", "poweroff"), 0);
	assert_int_equal(xd_count(&e->xd, notify_call), 3);
	assert_true(kernel_recv(e));
	assert_int_equal(e->hdr.type, XS_WATCH_EVENT);
	assert_string_equal(e->payload, "control/shutdown");
}

static void request_split_across_the_wrap(void **state)
{
	struct env *e = *state;
	struct xs_ring_page *pg = e->xd.page;
	char val[64];
	int err;

	/* The kernel's indexes are free-running: start them just before the wrap. */
	pg->req_cons = pg->req_prod = 1010;
	pg->rsp_cons = pg->rsp_prod = 1020;
	assert_int_equal(env_start(e), 0);
	memcpy(val, "wrap\0across-the-end-of-the-ring", 32);
	kernel_send(e, XS_WRITE, 9, val, 32); /* bytes 1010..1057: header and value wrap */
	xd_signal(&e->xd, XD_RING_PORT);
	env_run(e);
	assert_int_equal(pg->req_cons, 1010 + XS_HDR_SIZE + 32);
	assert_true(kernel_recv(e)); /* the reply wraps too (1020..1039) */
	assert_int_equal(e->hdr.req_id, 9);
	assert_string_equal(e->payload, "OK");
	assert_string_equal(h_read(e->tools, 0, "/local/domain/0/wrap", &err),
			    "across-the-end-of-the-ring");
}

/* After a broken ring the daemon still serves everyone else, and ignores the kernel. */
static void assert_only_the_ring_lost(struct env *e)
{
	int err;

	assert_false(e->xb.serving);
	assert_null(e->xb.ring.conn);
	assert_non_null(strstr(env_logged(e), "dom0's kernel broke the ring protocol"));
	assert_int_equal(h_write(e->tools, 0, "/still", "served"), 0);
	assert_string_equal(h_read(e->tools, 0, "/still", &err), "served");
	e->xd.page->req_prod = e->xd.page->req_cons;
	kernel_send(e, XS_READ, 3, "/still", 7);
	xd_signal(&e->xd, XD_RING_PORT);
	env_run(e);
	assert_false(kernel_recv(e));
	assert_true(e->xb.polling); /* domain exits are still watched */
}

static void garbage_indexes_cost_only_the_ring(void **state)
{
	struct env *e = *state;

	assert_int_equal(env_start(e), 0);
	e->xd.page->req_prod = e->xd.page->req_cons + 2000; /* more than the ring holds */
	xd_signal(&e->xd, XD_RING_PORT);
	env_run(e);
	assert_int_equal(e->xd.page->error, XS_RING_ERROR_RINGIDX);
	assert_non_null(strstr(env_logged(e), "domain 0: ring indexes out of range"));
	assert_only_the_ring_lost(e);
}

static void oversize_length_costs_only_the_ring(void **state)
{
	struct env *e = *state;
	struct xs_hdr h = {XS_WRITE, 1, 0, XS_PAYLOAD_MAX + 1};
	uint8_t raw[XS_HDR_SIZE];
	struct xs_ring_page *pg = e->xd.page;

	assert_int_equal(env_start(e), 0);
	xs_hdr_encode(&h, raw);
	memcpy(pg->req, raw, sizeof(raw));
	pg->req_prod = sizeof(raw);
	xd_signal(&e->xd, XD_RING_PORT);
	env_run(e);
	assert_int_equal(pg->error, XS_RING_ERROR_PROTO);
	assert_non_null(strstr(env_logged(e), "domain 0 sent an oversized message"));
	assert_only_the_ring_lost(e);
}

static void garbage_before_start_is_caught_at_start(void **state)
{
	struct env *e = *state;

	e->xd.page->rsp_prod = 5000; /* rsp_cons 0: impossible */
	h_ring_send(e->xd.page, XS_READ, 1, "/", 2);
	assert_int_equal(env_start(e), 0);
	assert_int_equal(e->xd.page->error, XS_RING_ERROR_RINGIDX);
	assert_false(e->xb.serving);
}

static void evtchn_read_error_stops_polling(void **state)
{
	struct env *e = *state;

	assert_int_equal(env_start(e), 0);
	e->xd.pending_err = -EFBIG; /* Linux: the evtchn ring overflowed */
	xd_signal(&e->xd, XD_RING_PORT);
	env_run(e);
	assert_false(e->xb.polling);
	assert_non_null(strstr(env_logged(e), "event channel failed (File too large)"));
	/* Stopping later is still clean (teardown), and the store serves its socket. */
	assert_int_equal(h_write(e->tools, 0, "/after", "x"), 0);
}

static void evtchn_closed_stops_polling(void **state)
{
	struct env *e = *state;

	assert_int_equal(env_start(e), 0);
	/* A request waiting when the channel dies is still answered once. */
	kernel_send(e, XS_WRITE, 1, "last\0x", 6);
	close(e->xd.fd[1]);
	e->xd.fd[1] = -1;
	env_run(e);
	assert_false(e->xb.polling);
	assert_non_null(strstr(env_logged(e), "event channel failed"));
	assert_true(kernel_recv(e));
	assert_string_equal(e->payload, "OK");
}

static void unknown_port_is_logged(void **state)
{
	struct env *e = *state;

	assert_int_equal(env_start(e), 0);
	xd_signal(&e->xd, 99);
	env_run(e);
	assert_true(e->xb.polling);
	assert_non_null(strstr(env_logged(e), "event on unknown port 99 ignored"));
}

static void setup_errors_leave_nothing_behind(void **state)
{
	struct env *e = *state;
	char err[256];

	e->xd.ring_map_err = -ENODEV;
	assert_int_equal(
	    xs_uv_xenbus_start(&e->loop, &e->xb, &e->h.srv, &xd_ops, &e->xd, err, sizeof(err)),
	    -ENODEV);
	assert_string_equal(err, "cannot map dom0's kernel ring: No such device");
	assert_int_equal(e->xd.ncalls, 1);

	e->xd.ring_map_err = 0;
	e->xd.bind_err = -EINVAL;
	e->xd.ncalls = 0;
	assert_int_equal(
	    xs_uv_xenbus_start(&e->loop, &e->xb, &e->h.srv, &xd_ops, &e->xd, err, sizeof(err)),
	    -EINVAL);
	assert_string_equal(err, "cannot bind dom0's kernel port 7: Invalid argument");
	assert_int_equal(e->xd.ncalls, 3);
	assert_string_equal(e->xd.calls[2], "ring_unmap");
	assert_int_equal(xd_count(&e->xd, notify_call), 0);
	/* No connection was left on the server besides the tools'. */
	assert_ptr_equal(e->h.srv.conns, e->tools->conn);
	assert_null(e->tools->conn->next);
}

static void no_virq_still_serves(void **state)
{
	struct env *e = *state;

	e->xd.virq_err = -EINVAL;
	assert_int_equal(env_start(e), 0);
	assert_int_equal(e->xb.virq_port, -1);
	assert_non_null(strstr(env_logged(e), "cannot bind VIRQ_DOM_EXC: Invalid argument"));
	assert_int_equal(xd_count(&e->xd, notify_call), 1);
	assert_true(e->xb.serving);
}

/* ---- VIRQ_DOM_EXC ---- */

static void introduce(struct env *e, const char *domid)
{
	assert_int_equal(h_err(h_call(e->tools, XS_INTRODUCE, 0, domid, "1", "1", NULL)), 0);
}

static bool introduced(struct env *e, const char *domid)
{
	return !strcmp(h_call(e->tools, XS_IS_DOMAIN_INTRODUCED, 0, domid, NULL)->payload, "T");
}

static void domain_exits_release_and_fire(void **state)
{
	struct env *e = *state;
	const char *path, *token;
	int err;

	assert_int_equal(env_start(e), 0);
	xd_set_domain(&e->xd, 5, KEEL_DOMSTATE_running);
	xd_set_domain(&e->xd, 6, KEEL_DOMSTATE_running);
	introduce(e, "5");
	introduce(e, "6");
	assert_int_equal(h_write(e->tools, 0, "/local/domain/5/data", "x"), 0);
	assert_int_equal(h_setperms(e->tools, 0, "/local/domain/5/data", "n5", NULL), 0);
	assert_int_equal(h_watch(e->tools, "@releaseDomain", "rel"), 0);
	h_drain_events(e->tools);

	/* Nothing ended: nothing happens. */
	xd_signal(&e->xd, XD_VIRQ_PORT);
	env_run(e);
	assert_int_equal(xd_count(&e->xd, "unmask 12"), 1);
	assert_int_equal(h_count_events(e->tools), 0);
	assert_true(introduced(e, "5") && introduced(e, "6"));

	/* 6 shut down: @releaseDomain once; it stays introduced until it is gone. */
	xd_set_domain(&e->xd, 6, KEEL_DOMSTATE_shutdown);
	xd_signal(&e->xd, XD_VIRQ_PORT);
	env_run(e);
	assert_true(h_event(e->tools, &path, &token));
	assert_string_equal(path, "@releaseDomain");
	assert_false(h_event(e->tools, &path, &token));
	xd_signal(&e->xd, XD_VIRQ_PORT);
	env_run(e);
	assert_int_equal(h_count_events(e->tools), 0);
	assert_true(introduced(e, "6"));
	/* RESUME re-arms it: 6, now crashed, fires again. */
	assert_int_equal(h_err(h_call(e->tools, XS_RESUME, 0, "6", NULL)), 0);
	xd_set_domain(&e->xd, 6, KEEL_DOMSTATE_crashed);
	xd_signal(&e->xd, XD_VIRQ_PORT);
	env_run(e);
	assert_int_equal(h_count_events(e->tools), 1);
	h_drain_events(e->tools);

	/* 5 is gone: released (its nodes too) and @releaseDomain fired. */
	xd_remove_domain(&e->xd, 5);
	xd_signal(&e->xd, XD_VIRQ_PORT);
	env_run(e);
	assert_true(h_event(e->tools, &path, &token));
	assert_string_equal(path, "@releaseDomain");
	assert_false(introduced(e, "5"));
	assert_true(introduced(e, "6"));
	assert_null(h_read(e->tools, 0, "/local/domain/5/data", &err));
	assert_int_equal(err, ENOENT);
	assert_non_null(strstr(env_logged(e), "domain 5 is gone: released"));
}

/* Keel's boot-time guests have no store ring and are never introduced: their ends fire too. */
static void boot_time_domain_ends_fire(void **state)
{
	struct env *e = *state;
	const char *path, *token;

	assert_int_equal(env_start(e), 0);
	xd_set_domain(&e->xd, 0, KEEL_DOMSTATE_running);
	xd_set_domain(&e->xd, 3, KEEL_DOMSTATE_running);
	xd_set_domain(&e->xd, 4, KEEL_DOMSTATE_crashed); /* ended before the first query */
	assert_int_equal(h_watch(e->tools, "@releaseDomain", "rel"), 0);
	h_drain_events(e->tools);

	xd_signal(&e->xd, XD_VIRQ_PORT);
	env_run(e);
	assert_true(h_event(e->tools, &path, &token));
	assert_string_equal(path, "@releaseDomain");
	h_drain_events(e->tools);
	/* Nothing new: nothing fires. */
	xd_signal(&e->xd, XD_VIRQ_PORT);
	env_run(e);
	assert_int_equal(h_count_events(e->tools), 0);
	/* 3 crashes: once; then it goes away: once more. */
	xd_set_domain(&e->xd, 3, KEEL_DOMSTATE_crashed);
	xd_signal(&e->xd, XD_VIRQ_PORT);
	env_run(e);
	assert_int_equal(h_count_events(e->tools), 1);
	h_drain_events(e->tools);
	xd_signal(&e->xd, XD_VIRQ_PORT);
	env_run(e);
	assert_int_equal(h_count_events(e->tools), 0);
	xd_remove_domain(&e->xd, 3);
	xd_signal(&e->xd, XD_VIRQ_PORT);
	env_run(e);
	assert_int_equal(h_count_events(e->tools), 1);
}

static void failed_domain_query_releases_nothing(void **state)
{
	struct env *e = *state;

	assert_int_equal(env_start(e), 0);
	e->xd.domctl_err = -EPERM;
	/* Boot-time domains are asked about too: the failure is logged, nothing changes. */
	xd_signal(&e->xd, XD_VIRQ_PORT);
	env_run(e);
	assert_int_equal(xd_count(&e->xd, "unmask 12"), 1);
	assert_int_equal(xd_count(&e->xd, "domain_next 0"), 1);
	assert_non_null(strstr(env_logged(e), "cannot ask"));

	introduce(e, "5"); /* unknown to the hypervisor, but the query fails */
	xd_signal(&e->xd, XD_VIRQ_PORT);
	env_run(e);
	assert_true(introduced(e, "5"));
	assert_non_null(strstr(env_logged(e),
			       "cannot ask the hypervisor which domains ended: Operation not "
			       "permitted"));

	/* An answer that goes backwards would loop forever: refused, nothing released. */
	e->xd.domctl_err = 0;
	e->xd.domctl_backwards = true;
	xd_signal(&e->xd, XD_VIRQ_PORT);
	env_run(e);
	assert_true(introduced(e, "5"));
	assert_non_null(strstr(env_logged(e), "domains ended: Input/output error"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(setup_binds_then_notifies_once, env_setup,
					    env_teardown),
	    cmocka_unit_test_setup_teardown(kernel_requests_served_as_dom0, env_setup,
					    env_teardown),
	    cmocka_unit_test_setup_teardown(request_split_across_the_wrap, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(garbage_indexes_cost_only_the_ring, env_setup,
					    env_teardown),
	    cmocka_unit_test_setup_teardown(oversize_length_costs_only_the_ring, env_setup,
					    env_teardown),
	    cmocka_unit_test_setup_teardown(garbage_before_start_is_caught_at_start, env_setup,
					    env_teardown),
	    cmocka_unit_test_setup_teardown(evtchn_read_error_stops_polling, env_setup,
					    env_teardown),
	    cmocka_unit_test_setup_teardown(evtchn_closed_stops_polling, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(unknown_port_is_logged, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(setup_errors_leave_nothing_behind, env_setup,
					    env_teardown),
	    cmocka_unit_test_setup_teardown(no_virq_still_serves, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(domain_exits_release_and_fire, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(boot_time_domain_ends_fire, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(failed_domain_query_releases_nothing, env_setup,
					    env_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
