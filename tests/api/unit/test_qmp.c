// SPDX-License-Identifier: MIT
/*
 * qemu-dm-glue/qmp.c: QEMU 7.2's handshake as the supervisor drives it (greeting,
 * qmp_capabilities, query-status "prelaunch", cont), events between replies, bytes split
 * anywhere; and what a hostile QEMU may send instead: garbage, a too long line, a flood, an
 * error reply, a wrong id or status, a second greeting.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "qmp.h"

#define GREETING                                                                                   \
	"{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, "          \
	"\"package\": \"Debian 1:7.2+dfsg-7\"}, \"capabilities\": [\"oob\"]}}\r\n"
#define CAPS_OK "{\"return\": {}, \"id\": 1}\r\n"
#define PRELAUNCH                                                                                  \
	"{\"return\": {\"status\": \"prelaunch\", \"singlestep\": false, \"running\": false}, "    \
	"\"id\": 2}\r\n"
#define CONT_OK "{\"return\": {}, \"id\": 3}\r\n"
#define EVENT	"{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"RESUME\"}\r\n"

static struct qmp_handshake h;

static int feed(const char *s)
{
	return qmp_handshake_feed(&h, s, strlen(s));
}

static void test_handshake(void **state)
{
	(void)state;
	qmp_handshake_init(&h);
	assert_int_equal(feed(GREETING), 0);
	assert_string_equal(h.out, "{\"execute\":\"qmp_capabilities\",\"id\":1}\r\n");
	assert_int_equal(feed(CAPS_OK), 0);
	assert_string_equal(h.out, "{\"execute\":\"query-status\",\"id\":2}\r\n");
	assert_int_equal(feed(PRELAUNCH), 0);
	assert_string_equal(h.out, "{\"execute\":\"cont\",\"id\":3}\r\n");
	/* An event may come before the reply (QMP's asynchronous messages). */
	assert_int_equal(feed(EVENT), 0);
	assert_string_equal(h.out, "");
	assert_int_equal(feed(CONT_OK), 1);
	assert_int_equal(h.step, QMP_READY);
}

/* The same bytes a byte at a time, and all at once (two commands to send in one feed). */
static void test_split_and_joined(void **state)
{
	static const char all[] = GREETING EVENT CAPS_OK PRELAUNCH CONT_OK;
	int rc = 0;

	(void)state;
	qmp_handshake_init(&h);
	for (size_t i = 0; i < strlen(all) && !rc; i++)
		rc = qmp_handshake_feed(&h, all + i, 1);
	assert_int_equal(rc, 1);
	qmp_handshake_init(&h);
	assert_int_equal(feed(GREETING CAPS_OK), 0);
	assert_string_equal(h.out, "{\"execute\":\"qmp_capabilities\",\"id\":1}\r\n"
				   "{\"execute\":\"query-status\",\"id\":2}\r\n");
}

/* Each of these, after the greeting, fails the handshake. */
static void test_hostile(void **state)
{
	static const char *const bad[] = {
	    "garbage\n",
	    "\n",
	    "[1, 2]\n",
	    "{\"return\": {}}\n", /* no id */
	    "{\"return\": {}, \"id\": 2}\n",
	    "{\"return\": {}, \"id\": \"1\"}\n",
	    "{\"return\": {}, \"id\": -1}\n",
	    "{\"return\": {}, \"id\": 1.0}\n",
	    "{\"return\": {}, \"event\": \"X\", \"id\": 1}\n",
	    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no\"}, \"id\": 1}\n",
	    "{\"error\": \"no\", \"id\": 1}\n",
	    "{\"event\": 5}\n",
	    "{\"id\": 1}\n",
	    "{\"return\": {}, \"id\": 1, \"id\": 1}\n",
	    "{\"return\": {}, \"id\": 1}\x00\n",
	    GREETING,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		qmp_handshake_init(&h);
		assert_int_equal(feed(GREETING), 0);
		size_t n = strlen(bad[i]);
		if (i == 14)
			n = sizeof("{\"return\": {}, \"id\": 1}\x00\n") - 1;
		assert_int_equal(qmp_handshake_feed(&h, bad[i], n), -EPROTO);
		assert_true(h.why[0] != '\0');
	}
	/* No greeting first. */
	qmp_handshake_init(&h);
	assert_int_equal(feed(CAPS_OK), -EPROTO);
	assert_string_equal(h.why, "no greeting first");
	/* QEMU says it refused: its desc, made printable, is the reason. */
	qmp_handshake_init(&h);
	assert_int_equal(feed(GREETING "{\"error\": {\"class\": \"GenericError\", \"desc\": "
				       "\"bad\\u001b[2J\"}, \"id\": 1}\n"),
			 -EPROTO);
	assert_string_equal(h.why, "QEMU refused it: bad?[2J");
	/* Running already (no -S) or paused is not a new guest's prelaunch. */
	qmp_handshake_init(&h);
	assert_int_equal(
	    feed(GREETING CAPS_OK "{\"return\": {\"status\": \"running\"}, \"id\": 2}\n"), -EPROTO);
	assert_string_equal(h.why, "query-status said \"running\", not \"prelaunch\"");
	qmp_handshake_init(&h);
	assert_int_equal(feed(GREETING CAPS_OK "{\"return\": {}, \"id\": 2}\n"), -EPROTO);
	qmp_handshake_init(&h);
	assert_int_equal(feed(GREETING CAPS_OK
			      "{\"return\": {\"status\": \"prelaunchprelaunch\"}, \"id\": 2}\n"),
			 -EPROTO);
}

/* A line past QMP_LINE_MAX fails as soon as it is too long, newline or not. */
static void test_line_cap(void **state)
{
	char *big = malloc(QMP_LINE_MAX + 2);

	(void)state;
	assert_non_null(big);
	memset(big, ' ', QMP_LINE_MAX + 1);
	qmp_handshake_init(&h);
	assert_int_equal(feed(GREETING), 0);
	assert_int_equal(qmp_handshake_feed(&h, big, QMP_LINE_MAX), 0);
	assert_int_equal(qmp_handshake_feed(&h, big, 1), -EPROTO);
	assert_string_equal(h.why, "a line longer than 8192 bytes");
	/* Exactly QMP_LINE_MAX bytes of JSON (padded with spaces) is still a message. */
	qmp_handshake_init(&h);
	assert_int_equal(feed(GREETING), 0);
	memcpy(big, CAPS_OK, strlen(CAPS_OK) - 2);
	big[QMP_LINE_MAX] = '\n';
	assert_int_equal(qmp_handshake_feed(&h, big, QMP_LINE_MAX + 1), 0);
	assert_int_equal(h.step, QMP_WAIT_STATUS);
	free(big);
}

/* Events are skipped, but only QMP_MSGS_MAX messages in all. */
static void test_flood(void **state)
{
	int rc = 0;
	unsigned n = 0;

	(void)state;
	qmp_handshake_init(&h);
	assert_int_equal(feed(GREETING), 0);
	while (!rc && n < 100) {
		rc = feed(EVENT);
		n++;
	}
	assert_int_equal(rc, -EPROTO);
	assert_int_equal(n, QMP_MSGS_MAX);
}

static void test_parse_msg(void **state)
{
	struct qmp_msg m;

	(void)state;
	assert_int_equal(qmp_parse_msg(PRELAUNCH, strlen(PRELAUNCH) - 2, &m), 0);
	assert_int_equal(m.kind, QMP_RETURN);
	assert_int_equal(m.id, 2);
	assert_string_equal(m.status, "prelaunch");
	assert_int_equal(qmp_parse_msg(EVENT, strlen(EVENT), &m), 0);
	assert_int_equal(m.kind, QMP_EVENT);
	assert_int_equal(m.id, -1);
	assert_string_equal(m.text, "RESUME");
	assert_int_equal(qmp_parse_msg("{\"QMP\": 1}", 10, &m), -EBADMSG);
	assert_int_equal(qmp_parse_msg("{\"return\": 1", 12, &m), -EBADMSG);
	assert_int_equal(qmp_parse_msg("", 0, &m), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_handshake), cmocka_unit_test(test_split_and_joined),
	    cmocka_unit_test(test_hostile),   cmocka_unit_test(test_line_cap),
	    cmocka_unit_test(test_flood),     cmocka_unit_test(test_parse_msg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
