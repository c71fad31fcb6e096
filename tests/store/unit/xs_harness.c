// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_harness.h"
#include "xs_ring.h"

static void capture(struct xs_conn *conn)
{
	struct h_client *c = conn->tp_data;

	while (conn->out.len >= XS_HDR_SIZE) {
		struct xs_hdr h;
		struct h_msg *m;

		xs_hdr_decode(xs_buf_head(&conn->out), &h);
		if (h.len > XS_PAYLOAD_MAX || conn->out.len < XS_HDR_SIZE + h.len)
			abort(); /* the server never sends partial or oversized messages */
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 16;
			c->msgs = realloc(c->msgs, c->cap * sizeof(*c->msgs));
			if (!c->msgs)
				abort();
		}
		m = &c->msgs[c->n++];
		m->h = h;
		memcpy(m->payload, xs_buf_head(&conn->out) + XS_HDR_SIZE, h.len);
		m->payload[h.len] = '\0';
		xs_conn_sent(conn, XS_HDR_SIZE + h.len);
	}
}

static void closed(struct xs_conn *conn)
{
	struct h_client *c = conn->tp_data;

	c->closed = true;
}

static const struct xs_transport h_transport = {.kick = capture, .close = closed};

void h_env_init(struct h_env *e, const char *dbfile)
{
	char err[512];

	if (xs_db_open(dbfile ? dbfile : ":memory:", XS_DB_SYNC_NORMAL, &e->db, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		abort();
	}
	if (xs_server_init(&e->srv, e->db, NULL))
		abort();
	e->srv.quiet = true;
}

void h_env_fini(struct h_env *e)
{
	xs_server_fini(&e->srv);
	xs_db_close(e->db);
}

struct h_client *h_client_new(struct h_env *e, unsigned int domid, bool privileged)
{
	struct h_client *c = calloc(1, sizeof(*c));

	if (!c)
		abort();
	c->conn = xs_conn_new(&e->srv, &h_transport, c, domid, privileged);
	if (!c->conn)
		abort();
	return c;
}

void h_client_free(struct h_client *c)
{
	if (c->conn)
		xs_conn_free(c->conn);
	free(c->msgs);
	free(c);
}

const struct h_msg *h_req(struct h_client *c, uint32_t type, uint32_t tx, const void *payload,
			  size_t len)
{
	static uint32_t req_id = 100;
	struct xs_hdr h = {.type = type, .req_id = ++req_id, .tx_id = tx, .len = (uint32_t)len};
	uint8_t raw[XS_HDR_SIZE];

	xs_hdr_encode(&h, raw);
	if (xs_conn_input(c->conn, raw, sizeof(raw)) != (long)sizeof(raw))
		return NULL;
	if (len && xs_conn_input(c->conn, payload, len) != (long)len)
		return NULL;
	/* The reply is the message with our req_id; watch events may come around it. */
	for (size_t i = c->n; i-- > 0;)
		if (c->msgs[i].h.type != XS_WATCH_EVENT && c->msgs[i].h.req_id == req_id &&
		    c->msgs[i].h.tx_id == tx)
			return &c->msgs[i];
	return NULL;
}

size_t h_args(char *buf, ...)
{
	va_list ap;
	size_t used = 0;
	const char *s;

	va_start(ap, buf);
	while ((s = va_arg(ap, const char *))) {
		size_t l = strlen(s) + 1;

		memcpy(buf + used, s, l);
		used += l;
	}
	va_end(ap);
	return used;
}

const struct h_msg *h_call(struct h_client *c, uint32_t type, uint32_t tx, ...)
{
	char buf[XS_PAYLOAD_MAX * 2];
	size_t used = 0;
	const char *s;
	va_list ap;

	va_start(ap, tx);
	while ((s = va_arg(ap, const char *))) {
		size_t l = strlen(s) + 1;

		memcpy(buf + used, s, l);
		used += l;
	}
	va_end(ap);
	return h_req(c, type, tx, buf, used);
}

int h_err(const struct h_msg *m)
{
	if (!m)
		return -1;
	if (m->h.type != XS_ERROR)
		return 0;
	return xs_errno_from_name(m->payload);
}

static int ok_or_err(const struct h_msg *m)
{
	int e = h_err(m);

	if (e)
		return e;
	return strcmp(m->payload, "OK") ? -1 : 0;
}

int h_write(struct h_client *c, uint32_t tx, const char *path, const char *value)
{
	char buf[XS_PAYLOAD_MAX * 2];
	size_t pl = strlen(path) + 1, vl = strlen(value);

	memcpy(buf, path, pl);
	memcpy(buf + pl, value, vl);
	return ok_or_err(h_req(c, XS_WRITE, tx, buf, pl + vl));
}

int h_mkdir(struct h_client *c, uint32_t tx, const char *path)
{
	return ok_or_err(h_call(c, XS_MKDIR, tx, path, NULL));
}

int h_rm(struct h_client *c, uint32_t tx, const char *path)
{
	return ok_or_err(h_call(c, XS_RM, tx, path, NULL));
}

const char *h_read(struct h_client *c, uint32_t tx, const char *path, int *err)
{
	const struct h_msg *m = h_call(c, XS_READ, tx, path, NULL);

	*err = h_err(m);
	if (*err)
		return NULL;
	return m->payload;
}

int h_setperms(struct h_client *c, uint32_t tx, const char *path, ...)
{
	char buf[XS_PAYLOAD_MAX];
	size_t used = strlen(path) + 1;
	const char *s;
	va_list ap;

	memcpy(buf, path, used);
	va_start(ap, path);
	while ((s = va_arg(ap, const char *))) {
		memcpy(buf + used, s, strlen(s) + 1);
		used += strlen(s) + 1;
	}
	va_end(ap);
	return ok_or_err(h_req(c, XS_SET_PERMS, tx, buf, used));
}

uint32_t h_txn_start(struct h_client *c)
{
	const struct h_msg *m = h_req(c, XS_TRANSACTION_START, 0, "", 1);

	if (!m || m->h.type != XS_TRANSACTION_START)
		return 0;
	return (uint32_t)strtoul(m->payload, NULL, 10);
}

int h_txn_end(struct h_client *c, uint32_t tx, bool commit)
{
	return ok_or_err(h_call(c, XS_TRANSACTION_END, tx, commit ? "T" : "F", NULL));
}

int h_watch(struct h_client *c, const char *path, const char *token)
{
	return ok_or_err(h_call(c, XS_WATCH, 0, path, token, NULL));
}

bool h_event(struct h_client *c, const char **path, const char **token)
{
	for (; c->taken < c->n; c->taken++) {
		struct h_msg *m = &c->msgs[c->taken];

		if (m->h.type == XS_WATCH_EVENT) {
			if (m->h.req_id || m->h.tx_id)
				abort(); /* events carry req_id = tx_id = 0 */
			*path = m->payload;
			*token = m->payload + strlen(m->payload) + 1;
			c->taken++;
			return true;
		}
	}
	return false;
}

void h_drain_events(struct h_client *c)
{
	c->taken = c->n;
}

size_t h_count_events(struct h_client *c)
{
	size_t k = 0;

	for (size_t i = c->taken; i < c->n; i++)
		k += c->msgs[i].h.type == XS_WATCH_EVENT;
	return k;
}

void h_ring_send(struct xs_ring_page *pg, uint32_t type, uint32_t req_id, const void *p,
		 uint32_t len)
{
	struct xs_hdr h = {type, req_id, 0, len};
	uint8_t msg[XS_HDR_SIZE + XS_PAYLOAD_MAX];

	xs_hdr_encode(&h, msg);
	memcpy(msg + XS_HDR_SIZE, p, len);
	for (uint32_t i = 0; i < XS_HDR_SIZE + len; i++) {
		if (pg->req_prod - pg->req_cons >= XS_RING_SIZE)
			abort(); /* the test overfilled the ring */
		pg->req[pg->req_prod & (XS_RING_SIZE - 1)] = (char)msg[i];
		pg->req_prod++;
	}
}

bool h_ring_recv(struct xs_ring_page *pg, struct xs_hdr *h, char *payload)
{
	uint8_t raw[XS_HDR_SIZE];

	if (pg->rsp_prod - pg->rsp_cons < XS_HDR_SIZE)
		return false;
	for (uint32_t i = 0; i < XS_HDR_SIZE; i++)
		raw[i] = (uint8_t)pg->rsp[(pg->rsp_cons + i) & (XS_RING_SIZE - 1)];
	xs_hdr_decode(raw, h);
	if (h->len > XS_PAYLOAD_MAX)
		abort(); /* the server never sends more */
	if (pg->rsp_prod - pg->rsp_cons < XS_HDR_SIZE + h->len)
		return false; /* the rest is still to come */
	pg->rsp_cons += XS_HDR_SIZE;
	for (uint32_t i = 0; i < h->len; i++)
		payload[i] = pg->rsp[(pg->rsp_cons + i) & (XS_RING_SIZE - 1)];
	payload[h->len] = '\0';
	pg->rsp_cons += h->len;
	return true;
}
