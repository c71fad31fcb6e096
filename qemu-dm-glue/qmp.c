// SPDX-License-Identifier: MIT
/*
 * qmp.h: QMP messages are JSON objects, one per line (QEMU ends each with CRLF). A message is
 * told by its one member among "QMP" (the greeting), "return", "error" and "event"; more
 * than one of them, or none, is garbage. Commands carry ids 1-3 in the order sent.
 */
#include "qmp.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { ID_CAPS = 1, ID_STATUS, ID_CONT };

/* s into out, bounded, every byte outside printable ASCII as '?' (it goes to logs). */
static void copy_text(char *out, size_t size, const char *s)
{
	size_t i = 0;

	for (; s[i] && i + 1 < size; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[i] = '\0';
}

static int parse_reply(json_t *o, struct qmp_msg *out)
{
	json_t *id = json_object_get(o, "id");

	if (id && (!json_is_integer(id) || json_integer_value(id) < 0))
		return -EBADMSG;
	out->id = id ? (long long)json_integer_value(id) : -1;
	return 0;
}

static int parse_object(json_t *o, struct qmp_msg *out)
{
	json_t *greet = json_object_get(o, "QMP"), *ret = json_object_get(o, "return");
	json_t *err = json_object_get(o, "error"), *ev = json_object_get(o, "event");
	json_t *status, *desc;

	if (!!greet + !!ret + !!err + !!ev != 1)
		return -EBADMSG;
	if (greet) {
		out->kind = QMP_GREETING;
		return json_is_object(greet) ? 0 : -EBADMSG;
	}
	if (ev) {
		if (!json_is_string(ev))
			return -EBADMSG;
		out->kind = QMP_EVENT;
		copy_text(out->text, sizeof(out->text), json_string_value(ev));
		return 0;
	}
	if (ret) {
		out->kind = QMP_RETURN;
		status = json_is_object(ret) ? json_object_get(ret, "status") : NULL;
		if (status &&
		    (!json_is_string(status) || json_string_length(status) >= sizeof(out->status)))
			return -EBADMSG;
		if (status)
			copy_text(out->status, sizeof(out->status), json_string_value(status));
		return parse_reply(o, out);
	}
	desc = json_is_object(err) ? json_object_get(err, "desc") : NULL;
	if (!json_is_string(desc))
		return -EBADMSG;
	out->kind = QMP_ERROR;
	copy_text(out->text, sizeof(out->text), json_string_value(desc));
	return parse_reply(o, out);
}

int qmp_parse_msg(const char *line, size_t len, struct qmp_msg *out)
{
	json_t *o;
	int rc;

	memset(out, 0, sizeof(*out));
	out->id = -1;
	if (len > QMP_LINE_MAX)
		return -EBADMSG;
	o = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL);
	rc = json_is_object(o) ? parse_object(o, out) : -EBADMSG;
	json_decref(o);
	return rc;
}

void qmp_handshake_init(struct qmp_handshake *h)
{
	memset(h, 0, sizeof(*h));
	h->step = QMP_WAIT_GREETING;
}

__attribute__((format(printf, 2, 3))) static int fail(struct qmp_handshake *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->why, sizeof(h->why), fmt, ap);
	va_end(ap);
	return -EPROTO;
}

static void send_cmd(struct qmp_handshake *h, const char *cmd, int id)
{
	size_t used = strlen(h->out);

	snprintf(h->out + used, sizeof(h->out) - used, "{\"execute\":\"%s\",\"id\":%d}\r\n", cmd,
		 id);
}

/* The reply waited for in each step, and what follows it. */
static int on_reply(struct qmp_handshake *h, const struct qmp_msg *m)
{
	static const char *const names[] = {"", "qmp_capabilities", "query-status", "cont"};
	int want = h->step == QMP_WAIT_CAPS	? ID_CAPS
		   : h->step == QMP_WAIT_STATUS ? ID_STATUS
						: ID_CONT;

	if (m->id != want)
		return fail(h, "a reply with an unexpected id (waiting for %s)", names[want]);
	if (m->kind == QMP_ERROR)
		return fail(h, "QEMU refused it: %.100s", m->text);
	if (h->step == QMP_WAIT_CAPS) {
		send_cmd(h, "query-status", ID_STATUS);
		h->step = QMP_WAIT_STATUS;
		return 0;
	}
	if (h->step == QMP_WAIT_STATUS) {
		/* libxl wants "prelaunch" of a new guest: -S kept it from running. */
		if (strcmp(m->status, "prelaunch"))
			return fail(h, "query-status said \"%s\", not \"prelaunch\"", m->status);
		send_cmd(h, "cont", ID_CONT);
		h->step = QMP_WAIT_CONT;
		return 0;
	}
	h->step = QMP_READY;
	return 1;
}

static int on_line(struct qmp_handshake *h, const char *line, size_t len)
{
	struct qmp_msg m;

	if (len && line[len - 1] == '\r')
		len--;
	if (++h->msgs > QMP_MSGS_MAX)
		return fail(h, "more than %d messages before it was ready", QMP_MSGS_MAX);
	if (qmp_parse_msg(line, len, &m))
		return fail(h, "a message that is not QMP");
	if (m.kind == QMP_EVENT)
		return 0;
	if (h->step == QMP_WAIT_GREETING) {
		if (m.kind != QMP_GREETING)
			return fail(h, "no greeting first");
		send_cmd(h, "qmp_capabilities", ID_CAPS);
		h->step = QMP_WAIT_CAPS;
		return 0;
	}
	if (m.kind == QMP_GREETING)
		return fail(h, "a second greeting");
	return on_reply(h, &m);
}

int qmp_handshake_feed(struct qmp_handshake *h, const char *data, size_t n)
{
	h->out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int rc;
		if (data[i] != '\n') {
			if (h->len == sizeof(h->line))
				return fail(h, "a line longer than %d bytes", QMP_LINE_MAX);
			h->line[h->len++] = data[i];
			continue;
		}
		rc = on_line(h, h->line, h->len);
		h->len = 0;
		if (rc)
			return rc;
	}
	return 0;
}
