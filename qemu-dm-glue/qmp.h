/* SPDX-License-Identifier: MIT */
/*
 * QEMU's monitor (QMP, QEMU's docs/interop/qmp-spec.txt) as controld's supervisor speaks it to
 * start a device model as libxl 4.17 does with dm_restrict (tools/libs/light/libxl_dm.c,
 * device_model_qmp_cb): QEMU runs with -S, greets, takes "qmp_capabilities", must answer
 * "query-status" with "prelaunch", and only then gets "cont" (the ioreq server is enabled
 * when QEMU's run state becomes running); the domain is unpaused after that.
 *
 * Pure: no I/O. QEMU is untrusted (a guest may own it after an earlier run of the same binary,
 * and the socket is QEMU's to write): every line is bounded (QMP_LINE_MAX), the handshake
 * takes at most QMP_MSGS_MAX messages, and anything not a greeting, a reply with the id of
 * the command waited for, or an event (skipped) fails it. Unit test tests/api/unit/test_qmp.c,
 * fuzz target tests/api/fuzz/fuzz_qmp.c.
 */
#ifndef KEEL_QEMU_DM_GLUE_QMP_H
#define KEEL_QEMU_DM_GLUE_QMP_H

#include <stdbool.h>
#include <stddef.h>

/* QEMU 7.2's greeting is ~130 bytes and query-status's reply ~80: 8 KiB is generous. */
#define QMP_LINE_MAX 8192
/* Greeting, three replies and the events QEMU may emit meanwhile; a flood fails. */
#define QMP_MSGS_MAX 32
#define QMP_TEXT_MAX 96

enum qmp_kind { QMP_GREETING, QMP_RETURN, QMP_ERROR, QMP_EVENT };

/* One message from QEMU, as far as the supervisor needs it. */
struct qmp_msg {
	enum qmp_kind kind;
	long long id;		 /* a reply's "id", -1 without one */
	char status[16];	 /* a return's "status" member (query-status), "" without */
	char text[QMP_TEXT_MAX]; /* an error's "desc" or an event's name, printable ASCII */
};

/* One line (no newline) as a message: 0, or -EBADMSG for anything else. */
int qmp_parse_msg(const char *line, size_t len, struct qmp_msg *out);

enum qmp_step { QMP_WAIT_GREETING, QMP_WAIT_CAPS, QMP_WAIT_STATUS, QMP_WAIT_CONT, QMP_READY };

struct qmp_handshake {
	enum qmp_step step;
	unsigned msgs;
	size_t len;
	char line[QMP_LINE_MAX];
	char out[192]; /* the commands to send now (NUL-terminated), "" for none */
	char why[160]; /* why it failed */
};

void qmp_handshake_init(struct qmp_handshake *h);
/*
 * Feeds bytes read from QEMU. 0: more wanted (send h->out if not empty); 1: QEMU took "cont"
 * (the domain may run now; what follows is not read); -EPROTO: the handshake failed (h->why
 * says why: too long a line, too many messages, garbage, an error reply, an unexpected id or
 * status). After 1 or -EPROTO it must not be fed again.
 */
int qmp_handshake_feed(struct qmp_handshake *h, const char *data, size_t n);

#endif
