// SPDX-License-Identifier: MIT
/* Wire-level tests of every message type against an in-process server. */
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

static void read_write_mkdir(void **state)
{
	struct h_client *c = h_client_new(*state, 0, true);
	const struct h_msg *m;
	int err;

	assert_int_equal(h_write(c, 0, "/a/b/c", "v1"), 0);
	assert_string_equal(h_read(c, 0, "/a/b/c", &err), "v1");
	/* Parents are created implicitly, empty. */
	assert_string_equal(h_read(c, 0, "/a/b", &err), "");
	assert_null(h_read(c, 0, "/nope", &err));
	assert_int_equal(err, ENOENT);
	/* Values are binary: embedded NULs survive, no terminator is added. */
	m = h_req(c, XS_WRITE, 0, "/bin\0x\0y", 8);
	assert_int_equal(h_err(m), 0);
	m = h_call(c, XS_READ, 0, "/bin", NULL);
	assert_int_equal(m->h.len, 3);
	assert_memory_equal(m->payload, "x\0y", 3);
	/* Empty value. */
	m = h_req(c, XS_WRITE, 0, "/empty", 7);
	assert_int_equal(h_err(m), 0);
	m = h_call(c, XS_READ, 0, "/empty", NULL);
	assert_int_equal(m->h.len, 0);
	/* MKDIR keeps an existing value. */
	assert_int_equal(h_mkdir(c, 0, "/a/b/c"), 0);
	assert_string_equal(h_read(c, 0, "/a/b/c", &err), "v1");
	assert_int_equal(h_mkdir(c, 0, "/m/n"), 0);
	assert_string_equal(h_read(c, 0, "/m/n", &err), "");
	/* Relative paths resolve under /local/domain/<id>. */
	assert_int_equal(h_write(c, 0, "rel/x", "r"), 0);
	assert_string_equal(h_read(c, 0, "/local/domain/0/rel/x", &err), "r");
	/* Replies echo req_id and tx_id; req_id need not be unique. */
	m = h_call(c, XS_READ, 0, "/a/b/c", NULL);
	assert_int_equal(m->h.type, XS_READ);
	h_client_free(c);
}

static void malformed_requests(void **state)
{
	struct h_client *c = h_client_new(*state, 0, true);
	char big[XS_PAYLOAD_MAX];

	/* No NUL after the path, two args where one is due, bad characters. */
	assert_int_equal(h_err(h_req(c, XS_READ, 0, "/a", 2)), EINVAL);
	assert_int_equal(h_err(h_req(c, XS_READ, 0, "/a\0/b\0", 6)), EINVAL);
	assert_int_equal(h_err(h_req(c, XS_WRITE, 0, "/a", 2)), EINVAL);
	assert_int_equal(h_err(h_call(c, XS_WRITE, 0, "/a b", NULL)), EINVAL);
	assert_int_equal(h_err(h_call(c, XS_READ, 0, "/a/", NULL)), EINVAL);
	assert_int_equal(h_err(h_call(c, XS_READ, 0, "//a", NULL)), EINVAL);
	assert_int_equal(h_err(h_call(c, XS_READ, 0, "", NULL)), EINVAL);
	assert_int_equal(h_err(h_call(c, XS_WRITE, 0, "@special", NULL)), EINVAL);
	assert_int_equal(h_err(h_req(c, XS_MKDIR, 0, "", 0)), EINVAL);
	/* Unknown types, the removed RESTRICT, and client-sent reply types. */
	assert_int_equal(h_err(h_call(c, 20, 0, "x", NULL)), ENOSYS);
	assert_int_equal(h_err(h_call(c, 99, 0, "x", NULL)), ENOSYS);
	assert_int_equal(h_err(h_call(c, XS_WATCH_EVENT, 0, "x", NULL)), ENOSYS);
	assert_int_equal(h_err(h_call(c, XS_ERROR, 0, "x", NULL)), ENOSYS);
	assert_int_equal(h_err(h_call(c, 0xffff, 0, "x", NULL)), ENOSYS);
	/* Optional in the protocol, not offered. */
	assert_int_equal(h_err(h_call(c, XS_GET_FEATURE, 0, NULL)), ENOSYS);
	assert_int_equal(h_err(h_call(c, XS_SET_FEATURE, 0, "1", "1", NULL)), ENOSYS);
	/* An unknown transaction id. */
	assert_int_equal(h_err(h_call(c, XS_READ, 42, "/", NULL)), ENOENT);
	/* The connection still works after all that. */
	assert_int_equal(h_write(c, 0, "/ok", "1"), 0);
	/* A path of 3072 bytes is the limit. */
	memset(big, 'a', sizeof(big));
	big[0] = '/';
	big[3073] = '\0';
	assert_int_equal(h_err(h_call(c, XS_WRITE, 0, big, NULL)), EINVAL);
	h_client_free(c);
}

static void oversized_message_drops_connection(void **state)
{
	struct h_env *e = *state;
	struct h_client *c = h_client_new(e, 0, true);
	struct xs_hdr h = {XS_WRITE, 1, 0, XS_PAYLOAD_MAX + 1};
	uint8_t raw[XS_HDR_SIZE];

	xs_hdr_encode(&h, raw);
	assert_int_equal(xs_conn_input(c->conn, raw, sizeof(raw)), -EPROTO);
	assert_true(c->closed);
	assert_true(c->conn->dead);
	h_client_free(c);
}

static void rm_semantics(void **state)
{
	struct h_client *c = h_client_new(*state, 0, true);
	int err;

	assert_int_equal(h_write(c, 0, "/r/x/y", "1"), 0);
	assert_int_equal(h_write(c, 0, "/r/x-z", "2"), 0);
	assert_int_equal(h_rm(c, 0, "/r/x"), 0);
	assert_null(h_read(c, 0, "/r/x/y", &err));
	assert_int_equal(err, ENOENT);
	/* A sibling sharing the prefix survives. */
	assert_string_equal(h_read(c, 0, "/r/x-z", &err), "2");
	/* Missing node with existing parent: fine; missing parent: ENOENT. */
	assert_int_equal(h_rm(c, 0, "/r/x"), 0);
	assert_int_equal(h_rm(c, 0, "/r/q/w"), ENOENT);
	assert_int_equal(h_rm(c, 0, "/"), EINVAL);
	h_client_free(c);
}

static void directory_and_part(void **state)
{
	struct h_client *c = h_client_new(*state, 0, true);
	const struct h_msg *m;
	char name[64], gen[XS_PAYLOAD_MAX + 1];
	size_t off = 0, seen = 0;
	int i;

	assert_int_equal(h_write(c, 0, "/d/b", ""), 0);
	assert_int_equal(h_write(c, 0, "/d/a", ""), 0);
	m = h_call(c, XS_DIRECTORY, 0, "/d", NULL);
	assert_int_equal(m->h.len, 4);
	assert_memory_equal(m->payload, "a\0b\0", 4);
	m = h_call(c, XS_DIRECTORY, 0, "/d/a", NULL);
	assert_int_equal(m->h.type, XS_DIRECTORY);
	assert_int_equal(m->h.len, 0);
	assert_int_equal(h_err(h_call(c, XS_DIRECTORY, 0, "/none", NULL)), ENOENT);

	/* 400 children of 16 bytes: too many for one DIRECTORY reply. */
	for (i = 0; i < 400; i++) {
		snprintf(name, sizeof(name), "/big/child-%09d", i);
		assert_int_equal(h_write(c, 0, name, ""), 0);
	}
	assert_int_equal(h_err(h_call(c, XS_DIRECTORY, 0, "/big", NULL)), E2BIG);
	/* DIRECTORY_PART pages through it; the generation stays while nothing changes. */
	gen[0] = '\0';
	for (;;) {
		char offs[16];
		const char *p;

		snprintf(offs, sizeof(offs), "%zu", off);
		m = h_call(c, XS_DIRECTORY_PART, 0, "/big", offs, NULL);
		assert_int_equal(m->h.type, XS_DIRECTORY_PART);
		assert_in_range(m->h.len, 0, XS_PAYLOAD_MAX);
		if (gen[0])
			assert_string_equal(m->payload, gen);
		snprintf(gen, sizeof(gen), "%s", m->payload);
		p = m->payload + strlen(m->payload) + 1;
		if (!*p)
			break;
		while (p < m->payload + m->h.len && *p) {
			snprintf(name, sizeof(name), "child-%09zu", seen);
			assert_string_equal(p, name);
			off += strlen(p) + 1;
			p += strlen(p) + 1;
			seen++;
		}
		if (p < m->payload + m->h.len)
			break; /* the empty name ends the list */
	}
	assert_int_equal(seen, 400);
	assert_int_equal(h_err(h_call(c, XS_DIRECTORY_PART, 0, "/big", NULL)), EINVAL);
	assert_int_equal(h_err(h_call(c, XS_DIRECTORY_PART, 0, "/big", "x", NULL)), EINVAL);
	/* A change of the child list changes the generation. */
	m = h_call(c, XS_DIRECTORY_PART, 0, "/big", "0", NULL);
	snprintf(gen, sizeof(gen), "%s", m->payload);
	assert_int_equal(h_write(c, 0, "/big/another", ""), 0);
	m = h_call(c, XS_DIRECTORY_PART, 0, "/big", "0", NULL);
	assert_string_not_equal(m->payload, gen);
	h_client_free(c);
}

static void get_set_perms(void **state)
{
	struct h_client *c = h_client_new(*state, 0, true);
	const struct h_msg *m;

	assert_int_equal(h_write(c, 0, "/p", "x"), 0);
	m = h_call(c, XS_GET_PERMS, 0, "/p", NULL);
	assert_int_equal(m->h.len, 3);
	assert_memory_equal(m->payload, "n0\0", 3);
	assert_int_equal(h_setperms(c, 0, "/p", "r3", "b5", NULL), 0);
	m = h_call(c, XS_GET_PERMS, 0, "/p", NULL);
	assert_int_equal(m->h.len, 6);
	assert_memory_equal(m->payload, "r3\0b5\0", 6);
	/* Children created afterwards inherit the permissions. */
	assert_int_equal(h_write(c, 0, "/p/q", ""), 0);
	m = h_call(c, XS_GET_PERMS, 0, "/p/q", NULL);
	assert_memory_equal(m->payload, "r3\0b5\0", 6);
	assert_int_equal(h_setperms(c, 0, "/p", NULL), EINVAL);
	assert_int_equal(h_setperms(c, 0, "/p", "z3", NULL), EINVAL);
	assert_int_equal(h_setperms(c, 0, "/none", "r3", NULL), ENOENT);
	/* Special nodes have permissions too. */
	m = h_call(c, XS_GET_PERMS, 0, "@introduceDomain", NULL);
	assert_int_equal(h_err(m), 0);
	assert_int_equal(h_setperms(c, 0, "@releaseDomain", "n0", "r7", NULL), 0);
	h_client_free(c);
}

static void domain_path_and_introduced(void **state)
{
	struct h_client *c = h_client_new(*state, 0, true);
	const struct h_msg *m;

	m = h_call(c, XS_GET_DOMAIN_PATH, 0, "7", NULL);
	assert_string_equal(m->payload, "/local/domain/7");
	assert_int_equal(h_err(h_call(c, XS_GET_DOMAIN_PATH, 0, "x", NULL)), EINVAL);
	m = h_call(c, XS_IS_DOMAIN_INTRODUCED, 0, "0", NULL);
	assert_string_equal(m->payload, "T");
	m = h_call(c, XS_IS_DOMAIN_INTRODUCED, 0, "7", NULL);
	assert_string_equal(m->payload, "F");
	h_client_free(c);
}

static void control_and_quota(void **state)
{
	struct h_client *c = h_client_new(*state, 0, true);
	const struct h_msg *m;

	m = h_call(c, XS_CONTROL, 0, "check", NULL);
	assert_string_equal(m->payload, "OK");
	m = h_call(c, XS_CONTROL, 0, "help", NULL);
	assert_non_null(strstr(m->payload, "check"));
	assert_int_equal(h_err(h_call(c, XS_CONTROL, 0, "frobnicate", NULL)), EINVAL);
	m = h_req(c, XS_GET_QUOTA, 0, "", 0);
	assert_non_null(strstr(m->payload, "nodes"));
	m = h_call(c, XS_GET_QUOTA, 0, "nodes", NULL);
	assert_string_equal(m->payload, "1000");
	m = h_call(c, XS_GET_QUOTA, 0, "watches", NULL);
	assert_string_equal(m->payload, "128");
	assert_int_equal(h_err(h_call(c, XS_SET_QUOTA, 0, "watches", "64", NULL)), 0);
	m = h_call(c, XS_GET_QUOTA, 0, "watches", NULL);
	assert_string_equal(m->payload, "64");
	assert_int_equal(h_err(h_call(c, XS_GET_QUOTA, 0, "bogus", NULL)), EINVAL);
	assert_int_equal(h_err(h_call(c, XS_GET_QUOTA, 0, "9", "nodes", NULL)), ENOENT);
	h_client_free(c);
}

static void privileged_only_types(void **state)
{
	struct h_client *g = h_client_new(*state, 5, false);
	static const uint32_t types[] = {
	    XS_CONTROL, XS_INTRODUCE,  XS_RELEASE,   XS_IS_DOMAIN_INTRODUCED,
	    XS_RESUME,	XS_SET_TARGET, XS_GET_QUOTA, XS_SET_QUOTA};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		assert_int_equal(h_err(h_call(g, types[i], 0, "1", "2", "3", NULL)), EACCES);
	/* GET_DOMAIN_PATH is for everyone. */
	assert_int_equal(h_err(h_call(g, XS_GET_DOMAIN_PATH, 0, "5", NULL)), 0);
	h_client_free(g);
}

static void pipelined_requests_and_repeated_req_ids(void **state)
{
	struct h_client *c = h_client_new(*state, 0, true);
	uint8_t stream[3 * (XS_HDR_SIZE + 16)];
	size_t n = 0;
	const char *payloads[3] = {"/pp\0one", "/pp\0", "/none\0"};
	const size_t lens[3] = {7, 4, 6};
	const uint32_t types[3] = {XS_WRITE, XS_READ, XS_READ};

	/* Three requests in one chunk, all with req_id 0 (as Debian's clients send). */
	for (int i = 0; i < 3; i++) {
		struct xs_hdr h = {types[i], 0, 0, (uint32_t)lens[i]};

		xs_hdr_encode(&h, stream + n);
		memcpy(stream + n + XS_HDR_SIZE, payloads[i], lens[i]);
		n += XS_HDR_SIZE + lens[i];
	}
	assert_int_equal(xs_conn_input(c->conn, stream, n), (long)n);
	assert_int_equal(c->n, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(c->msgs[i].h.req_id, 0);
	assert_int_equal(c->msgs[0].h.type, XS_WRITE);
	assert_string_equal(c->msgs[0].payload, "OK");
	assert_int_equal(c->msgs[1].h.type, XS_READ);
	assert_string_equal(c->msgs[1].payload, "one");
	assert_int_equal(c->msgs[2].h.type, XS_ERROR);
	assert_string_equal(c->msgs[2].payload, "ENOENT");
	/* A request split across many small chunks is handled once complete. */
	{
		struct xs_hdr h = {XS_READ, 77, 0, 4};
		uint8_t raw[XS_HDR_SIZE + 4];

		xs_hdr_encode(&h, raw);
		memcpy(raw + XS_HDR_SIZE, "/pp", 4);
		for (size_t i = 0; i < sizeof(raw); i++) {
			assert_int_equal(c->n, 3);
			assert_int_equal(xs_conn_input(c->conn, raw + i, 1), 1);
		}
		assert_int_equal(c->n, 4);
		assert_int_equal(c->msgs[3].h.req_id, 77);
		assert_string_equal(c->msgs[3].payload, "one");
	}
	h_client_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(read_write_mkdir, setup, teardown),
	    cmocka_unit_test_setup_teardown(malformed_requests, setup, teardown),
	    cmocka_unit_test_setup_teardown(oversized_message_drops_connection, setup, teardown),
	    cmocka_unit_test_setup_teardown(rm_semantics, setup, teardown),
	    cmocka_unit_test_setup_teardown(directory_and_part, setup, teardown),
	    cmocka_unit_test_setup_teardown(get_set_perms, setup, teardown),
	    cmocka_unit_test_setup_teardown(domain_path_and_introduced, setup, teardown),
	    cmocka_unit_test_setup_teardown(control_and_quota, setup, teardown),
	    cmocka_unit_test_setup_teardown(privileged_only_types, setup, teardown),
	    cmocka_unit_test_setup_teardown(pipelined_requests_and_repeated_req_ids, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
