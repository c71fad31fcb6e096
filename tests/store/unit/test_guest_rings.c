// SPDX-License-Identifier: MIT
/*
 * Guests' xenstore rings (store/src/guest_rings.c) over the device double: INTRODUCE maps
 * the guest's page (its xenstore grant, else the frame) and binds its port; the guest's
 * side of its ring is answered as its domid and cannot reach another domain's nodes;
 * @introduceDomain and @releaseDomain fire; RELEASE and a domain's end unbind and unmap; a
 * guest that breaks its ring loses only its own connection.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xenbus_env.h"

/* Guest 5's port is 3 (its end); binding it gives XD_GUEST_PORT + 5 (ours). */
#define PORT5 25u
#define PORT6 26u

/* INTRODUCE, after giving the guest its home (owned by it), as libxl does. */
static void introduce(struct env *e, const char *domid, const char *gfn, const char *port)
{
	char home[32], owner[8];

	snprintf(home, sizeof(home), "/local/domain/%s", domid);
	snprintf(owner, sizeof(owner), "n%s", domid);
	assert_int_equal(h_mkdir(e->tools, 0, home), 0);
	assert_int_equal(h_setperms(e->tools, 0, home, owner, NULL), 0);
	assert_int_equal(h_err(h_call(e->tools, XS_INTRODUCE, 0, domid, gfn, port, NULL)), 0);
}

static bool introduced(struct env *e, const char *domid)
{
	return !strcmp(h_call(e->tools, XS_IS_DOMAIN_INTRODUCED, 0, domid, NULL)->payload, "T");
}

/* Guests 5 (its port 3) and 6 (its port 4) introduced and served. */
static void start_two_guests(struct env *e)
{
	assert_int_equal(env_start_guests(e), 0);
	introduce(e, "5", "1", "3");
	introduce(e, "6", "2", "4");
}

/* The guest's side: one request, its notification, and its reply. */
static void guest_send(struct env *e, unsigned int domid, uint32_t type, const void *p,
		       uint32_t len)
{
	h_ring_send(e->xd.guest_page[domid], type, 1, p, len);
	xd_signal(&e->xd, XD_GUEST_PORT + domid);
	env_run(e);
}

static const char *guest_reply(struct env *e, unsigned int domid)
{
	assert_true(h_ring_recv(e->xd.guest_page[domid], &e->hdr, e->payload));
	return e->payload;
}

static void introduce_maps_grant_binds_and_fires(void **state)
{
	struct env *e = *state;
	const char *path, *token;
	int map, bind, notify;

	assert_int_equal(env_start_guests(e), 0);
	assert_int_equal(h_watch(e->tools, "@introduceDomain", "intro"), 0);
	h_drain_events(e->tools);
	introduce(e, "5", "4660", "3");
	map = xd_find(&e->xd, "grant_map 5 1"); /* GNTTAB_RESERVED_XENSTORE */
	bind = xd_find(&e->xd, "bind_interdomain 5 3");
	notify = xd_find(&e->xd, "notify 25");
	assert_true(map >= 0 && bind > map && notify > bind);
	assert_int_equal(xd_count(&e->xd, "foreign_map 5 0x1234"), 0);
	assert_true(h_event(e->tools, &path, &token));
	assert_string_equal(path, "@introduceDomain");
	assert_true(introduced(e, "5"));
	assert_non_null(strstr(env_logged(e), "domain 5: serving its xenstore ring"));
	assert_int_equal(e->xd.guest_page[5]->error, 0);
}

static void grant_refused_falls_back_to_the_frame(void **state)
{
	struct env *e = *state;

	assert_int_equal(env_start_guests(e), 0);
	e->xd.grant_err = -EINVAL;
	introduce(e, "5", "4660", "3");
	assert_true(xd_find(&e->xd, "foreign_map 5 0x1234") > xd_find(&e->xd, "grant_map 5 1"));
	assert_non_null(strstr(env_logged(e), "cannot map its xenstore grant (Invalid argument)"));
	guest_send(e, 5, XS_WRITE, "k\0v", 3);
	assert_string_equal(guest_reply(e, 5), "OK");
}

static void map_or_bind_failure_fails_introduce(void **state)
{
	struct env *e = *state;

	assert_int_equal(env_start_guests(e), 0);
	e->xd.grant_err = e->xd.foreign_err = -EPERM;
	assert_int_equal(h_err(h_call(e->tools, XS_INTRODUCE, 0, "5", "1", "3", NULL)), EPERM);
	assert_false(introduced(e, "5"));
	e->xd.grant_err = e->xd.foreign_err = 0;
	e->xd.bind_err = -EINVAL;
	assert_int_equal(h_err(h_call(e->tools, XS_INTRODUCE, 0, "5", "1", "3", NULL)), EINVAL);
	assert_false(introduced(e, "5"));
	/* What was mapped for it is unmapped again; nothing was left bound. */
	assert_int_equal(xd_count(&e->xd, "guest_unmap 5"), 1);
	assert_true(xd_find(&e->xd, "unbind 25") < 0);
}

static void guest_served_as_its_domid_and_confined(void **state)
{
	struct env *e = *state;
	int err;

	start_two_guests(e);
	/* The toolstack's node in 6's home: 6 owns it (inherited), 5 has no entry. */
	assert_int_equal(h_write(e->tools, 0, "/local/domain/6/secret", "six"), 0);

	/* Relative paths are under its home; it owns what it creates. */
	guest_send(e, 5, XS_WRITE, "data\0hello", 10);
	assert_string_equal(guest_reply(e, 5), "OK");
	assert_string_equal(h_read(e->tools, 0, "/local/domain/5/data", &err), "hello");
	guest_send(e, 5, XS_GET_PERMS, "data", 5);
	assert_string_equal(guest_reply(e, 5), "n5");
	guest_send(e, 5, XS_GET_DOMAIN_PATH, "5", 2);
	assert_string_equal(guest_reply(e, 5), "/local/domain/5");

	/* Another domain's nodes: neither read nor written, nor privileged requests. */
	guest_send(e, 5, XS_READ, "/local/domain/6/secret", 23);
	assert_string_equal(guest_reply(e, 5), "EACCES");
	assert_int_equal(e->hdr.type, XS_ERROR);
	guest_send(e, 5, XS_WRITE, "/local/domain/6/secret\0mine", 28);
	assert_string_equal(guest_reply(e, 5), "EACCES");
	assert_string_equal(h_read(e->tools, 0, "/local/domain/6/secret", &err), "six");
	guest_send(e, 5, XS_INTRODUCE, "7\0001\0003", 6);
	assert_string_equal(guest_reply(e, 5), "EACCES");
	guest_send(e, 5, XS_RELEASE, "6", 2);
	assert_string_equal(guest_reply(e, 5), "EACCES");
	assert_true(introduced(e, "6"));

	/* Guest 6, on its own ring, reads its node. */
	guest_send(e, 6, XS_READ, "secret", 7);
	assert_string_equal(guest_reply(e, 6), "six");
	/* Replies went to each guest's own port. */
	assert_true(xd_count(&e->xd, "notify 25") >= 8);
	assert_true(xd_count(&e->xd, "notify 26") >= 2);
}

static void guest_hears_its_watches(void **state)
{
	struct env *e = *state;

	assert_int_equal(env_start_guests(e), 0);
	introduce(e, "5", "1", "3");
	assert_int_equal(h_mkdir(e->tools, 0, "/local/domain/5/control"), 0);
	assert_int_equal(h_setperms(e->tools, 0, "/local/domain/5/control", "n0", "r5", NULL), 0);
	guest_send(e, 5, XS_WATCH, "control/shutdown\0tok", 21);
	assert_string_equal(guest_reply(e, 5), "OK");
	assert_true(h_ring_recv(e->xd.guest_page[5], &e->hdr, e->payload)); /* at registration */
	assert_int_equal(e->hdr.type, XS_WATCH_EVENT);
	/* The toolstack asks it to power off: the event reaches its ring at once. */
	assert_int_equal(h_write(e->tools, 0, "/local/domain/5/control/shutdown", "poweroff"), 0);
	assert_true(h_ring_recv(e->xd.guest_page[5], &e->hdr, e->payload));
	assert_int_equal(e->hdr.type, XS_WATCH_EVENT);
	assert_string_equal(e->payload, "control/shutdown");
}

static void release_unbinds_unmaps_and_fires(void **state)
{
	struct env *e = *state;
	const char *path, *token;

	assert_int_equal(env_start_guests(e), 0);
	introduce(e, "5", "1", "3");
	assert_int_equal(h_watch(e->tools, "@releaseDomain", "rel"), 0);
	h_drain_events(e->tools);
	assert_int_equal(h_err(h_call(e->tools, XS_RELEASE, 0, "5", NULL)), 0);
	assert_true(h_event(e->tools, &path, &token));
	assert_string_equal(path, "@releaseDomain");
	assert_int_equal(xd_count(&e->xd, "unbind 25"), 1);
	assert_int_equal(xd_count(&e->xd, "guest_unmap 5"), 1);
	/* Its port is nobody's now: a late event is ignored, nothing answers. */
	h_ring_send(e->xd.guest_page[5], XS_READ, 1, "data", 5);
	xd_signal(&e->xd, PORT5);
	env_run(e);
	assert_false(h_ring_recv(e->xd.guest_page[5], &e->hdr, e->payload));
	assert_non_null(strstr(env_logged(e), "event on unknown port 25 ignored"));
	/* It can be introduced again (a new domain with the same id). */
	introduce(e, "5", "1", "3");
	assert_int_equal(xd_count(&e->xd, "grant_map 5 1"), 2);
}

static void domain_gone_releases_its_ring(void **state)
{
	struct env *e = *state;

	assert_int_equal(env_start_guests(e), 0);
	xd_set_domain(&e->xd, 5, KEEL_DOMSTATE_running);
	introduce(e, "5", "1", "3");
	xd_remove_domain(&e->xd, 5);
	xd_signal(&e->xd, XD_VIRQ_PORT);
	env_run(e);
	assert_false(introduced(e, "5"));
	assert_int_equal(xd_count(&e->xd, "unbind 25"), 1);
	assert_int_equal(xd_count(&e->xd, "guest_unmap 5"), 1);
}

static void reintroduce_rebinds_the_port(void **state)
{
	struct env *e = *state;

	assert_int_equal(env_start_guests(e), 0);
	introduce(e, "5", "1", "3");
	introduce(e, "5", "1", "9");
	assert_true(xd_find(&e->xd, "bind_interdomain 5 9") >
		    xd_find(&e->xd, "bind_interdomain 5 3"));
	assert_int_equal(xd_count(&e->xd, "unbind 25"), 1);
	assert_int_equal(xd_count(&e->xd, "grant_map 5 1"), 1); /* the page stays */
	guest_send(e, 5, XS_WRITE, "k\0v", 3);
	assert_string_equal(guest_reply(e, 5), "OK");
}

static void request_queued_before_introduce_is_answered(void **state)
{
	struct env *e = *state;

	assert_int_equal(env_start_guests(e), 0);
	h_ring_send(e->xd.guest_page[5], XS_GET_DOMAIN_PATH, 1, "5", 2);
	introduce(e, "5", "1", "3");
	assert_string_equal(guest_reply(e, 5), "/local/domain/5");
}

static void garbage_ring_costs_only_that_guest(void **state)
{
	struct env *e = *state;
	int err;

	start_two_guests(e);
	e->xd.guest_page[5]->req_prod = e->xd.guest_page[5]->req_cons + 5000;
	xd_signal(&e->xd, PORT5);
	env_run(e);
	assert_int_equal(e->xd.guest_page[5]->error, XS_RING_ERROR_RINGIDX);
	assert_non_null(strstr(env_logged(e), "domain 5 broke its xenstore ring (ring error 2)"));
	assert_int_equal(xd_count(&e->xd, "unbind 25"), 1);
	assert_int_equal(xd_count(&e->xd, "guest_unmap 5"), 1);
	/* Still introduced (the toolstack releases it); 6, dom0 and the tools still served. */
	assert_true(introduced(e, "5"));
	guest_send(e, 6, XS_WRITE, "ok\0yes", 6);
	assert_string_equal(guest_reply(e, 6), "OK");
	assert_int_equal(h_write(e->tools, 0, "/still", "served"), 0);
	assert_string_equal(h_read(e->tools, 0, "/local/domain/6/ok", &err), "yes");
	/* Releasing it later does not unmap twice. */
	assert_int_equal(h_err(h_call(e->tools, XS_RELEASE, 0, "5", NULL)), 0);
	assert_int_equal(xd_count(&e->xd, "guest_unmap 5"), 1);
	assert_int_equal(xd_count(&e->xd, "unbind 25"), 1);
}

static void oversized_message_costs_only_that_guest(void **state)
{
	struct env *e = *state;
	struct xs_hdr h = {XS_WRITE, 1, 0, XS_PAYLOAD_MAX + 1};
	uint8_t raw[XS_HDR_SIZE];
	struct xs_ring_page *pg = e->xd.guest_page[5];

	assert_int_equal(env_start_guests(e), 0);
	introduce(e, "5", "1", "3");
	xs_hdr_encode(&h, raw);
	memcpy(pg->req, raw, sizeof(raw));
	pg->req_prod = sizeof(raw);
	xd_signal(&e->xd, PORT5);
	env_run(e);
	assert_int_equal(pg->error, XS_RING_ERROR_PROTO);
	assert_int_equal(xd_count(&e->xd, "guest_unmap 5"), 1);
	assert_true(e->xb.serving); /* dom0's kernel still served */
}

static void event_flood_does_not_starve_others(void **state)
{
	struct env *e = *state;

	start_two_guests(e);
	/* Guest 5 signals more than one wake serves (64 ports), with nothing in its ring
	 * (150: what the double's socketpair holds without blocking). */
	for (int i = 0; i < 150; i++)
		xd_signal(&e->xd, PORT5);
	h_ring_send(e->xd.guest_page[6], XS_GET_DOMAIN_PATH, 1, "6", 2);
	xd_signal(&e->xd, PORT6);
	for (int i = 0; i < 40 && !h_ring_recv(e->xd.guest_page[6], &e->hdr, e->payload); i++)
		env_run(e);
	assert_string_equal(e->payload, "/local/domain/6");
	/* Empty events cost no replies and no notifications to 5. */
	assert_int_equal(xd_count(&e->xd, "notify 25"), 1); /* the one at introduce */
	assert_true(e->xb.polling);
}

static void stop_unmaps_every_guest(void **state)
{
	struct env *e = *state;

	start_two_guests(e);
	xs_guest_rings_fini(&e->guests);
	e->serving_guests = false;
	assert_int_equal(xd_count(&e->xd, "guest_unmap 5"), 1);
	assert_int_equal(xd_count(&e->xd, "guest_unmap 6"), 1);
	assert_int_equal(xd_count(&e->xd, "unbind 26"), 1);
	/* The domains stay introduced, without rings. */
	assert_true(introduced(e, "5") && introduced(e, "6"));
	assert_null(e->h.srv.dom_ops.release);
}

#define T(f) cmocka_unit_test_setup_teardown(f, env_setup, env_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(introduce_maps_grant_binds_and_fires),
	    T(grant_refused_falls_back_to_the_frame),
	    T(map_or_bind_failure_fails_introduce),
	    T(guest_served_as_its_domid_and_confined),
	    T(guest_hears_its_watches),
	    T(release_unbinds_unmaps_and_fires),
	    T(domain_gone_releases_its_ring),
	    T(reintroduce_rebinds_the_port),
	    T(request_queued_before_introduce_is_answered),
	    T(garbage_ring_costs_only_that_guest),
	    T(oversized_message_costs_only_that_guest),
	    T(event_flood_does_not_starve_others),
	    T(stop_unmaps_every_guest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
