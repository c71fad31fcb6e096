// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server_int.h"
#include "xs_path.h"

#define F_PRIV 1u /* privileged connections only */
#define F_NOTX 2u /* tx_id is ignored */

static const struct {
	xs_handler fn;
	unsigned int flags;
} ops[XS_TYPE_COUNT] = {
    [XS_CONTROL] = {xs_op_control, F_PRIV},
    [XS_DIRECTORY] = {xs_op_directory, 0},
    [XS_READ] = {xs_op_read, 0},
    [XS_GET_PERMS] = {xs_op_get_perms, 0},
    [XS_WATCH] = {xs_op_watch, F_NOTX},
    [XS_UNWATCH] = {xs_op_unwatch, F_NOTX},
    [XS_TRANSACTION_START] = {xs_op_txn_start, 0},
    [XS_TRANSACTION_END] = {xs_op_txn_end, 0},
    [XS_INTRODUCE] = {xs_op_introduce, F_PRIV},
    [XS_RELEASE] = {xs_op_release, F_PRIV},
    [XS_GET_DOMAIN_PATH] = {xs_op_get_domain_path, 0},
    [XS_WRITE] = {xs_op_write, 0},
    [XS_MKDIR] = {xs_op_mkdir, 0},
    [XS_RM] = {xs_op_rm, 0},
    [XS_SET_PERMS] = {xs_op_set_perms, 0},
    [XS_IS_DOMAIN_INTRODUCED] = {xs_op_is_domain_introduced, F_PRIV},
    [XS_RESUME] = {xs_op_resume, F_PRIV},
    [XS_SET_TARGET] = {xs_op_set_target, F_PRIV},
    [XS_RESET_WATCHES] = {xs_op_reset_watches, F_NOTX},
    [XS_DIRECTORY_PART] = {xs_op_directory_part, 0},
    [XS_GET_QUOTA] = {xs_op_get_quota, F_PRIV},
    [XS_SET_QUOTA] = {xs_op_set_quota, F_PRIV},
};

const char xs_quota_names[] =
    "nodes watches transactions node-size permissions outstanding transaction-nodes path-max";

static unsigned int *quota_field(struct xs_quota *q, const char *name)
{
	if (!strcmp(name, "nodes"))
		return &q->nodes;
	if (!strcmp(name, "watches"))
		return &q->watches;
	if (!strcmp(name, "transactions"))
		return &q->transactions;
	if (!strcmp(name, "node-size"))
		return &q->node_size;
	if (!strcmp(name, "permissions"))
		return &q->perms;
	if (!strcmp(name, "outstanding"))
		return &q->outstanding;
	if (!strcmp(name, "transaction-nodes"))
		return &q->txn_nodes;
	if (!strcmp(name, "path-max"))
		return &q->path_max;
	return NULL;
}

int xs_quota_set(struct xs_quota *q, const char *name, unsigned int value)
{
	unsigned int *f = quota_field(q, name);

	if (!f)
		return -EINVAL;
	*f = value;
	return 0;
}

int xs_quota_get(const struct xs_quota *q, const char *name, unsigned int *value)
{
	unsigned int *f = quota_field((struct xs_quota *)q, name);

	if (!f)
		return -EINVAL;
	*value = *f;
	return 0;
}

void xs_log(struct xs_server *srv, const char *fmt, ...)
{
	va_list ap;

	if (srv->quiet)
		return;
	va_start(ap, fmt);
	fputs("keel-xenstored: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static bool watch_permitted(void *owner, const struct xs_event *ev, void *arg)
{
	struct xs_conn *c = owner;
	struct xs_server *srv = arg;
	char parent[XS_ABS_PATH_MAX + 1];
	const struct xs_node *pn;

	if (c->privileged || c->dead)
		return !c->dead;
	if (xs_perms_access(ev->perms, ev->nperms, c->domid, c->target, 0) & XS_PERM_READ)
		return true;
	if (ev->old_perms &&
	    xs_perms_access(ev->old_perms, ev->old_nperms, c->domid, c->target, 0) & XS_PERM_READ)
		return true;
	if (xs_path_is_special(ev->path) || !strcmp(ev->path, "/"))
		return false;
	/* Like Xen: a readable parent lets a watcher hear about a child it cannot read. */
	xs_path_parent(ev->path, parent, sizeof(parent));
	if (xs_db_peek(srv->st.db, parent, &pn))
		return false;
	return xs_access(c, pn) & XS_PERM_READ;
}

static void conn_send(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
		      const void *data, size_t len)
{
	struct xs_hdr h = {.type = type, .req_id = req_id, .tx_id = tx_id, .len = (uint32_t)len};
	uint8_t raw[XS_HDR_SIZE];

	if (c->dead)
		return;
	xs_hdr_encode(&h, raw);
	if (xs_buf_put(&c->out, raw, sizeof(raw)) || xs_buf_put(&c->out, data, len)) {
		xs_log(c->srv, "out of memory queueing a reply for domain %u", c->domid);
		return;
	}
	c->out_msgs++;
	c->tp->kick(c);
}

void xs_send_event(struct xs_conn *c, const char *path, const char *token)
{
	char buf[XS_PAYLOAD_MAX];
	size_t pl = strlen(path) + 1, tl = strlen(token) + 1;

	if (pl + tl > sizeof(buf))
		return; /* an event too long for the protocol is never sent */
	memcpy(buf, path, pl);
	memcpy(buf + pl, token, tl);
	conn_send(c, XS_WATCH_EVENT, 0, 0, buf, pl + tl);
}

static void watch_deliver(void *owner, const char *path, const char *token, void *arg)
{
	(void)arg;
	xs_send_event(owner, path, token);
}

static const struct xs_watch_ops watch_ops = {
    .permitted = watch_permitted,
    .deliver = watch_deliver,
};

int xs_server_init(struct xs_server *srv, struct xs_db *db, const struct xs_quota *quota)
{
	static const struct xs_quota defaults = XS_QUOTA_DEFAULTS;

	memset(srv, 0, sizeof(*srv));
	srv->quota = quota ? *quota : defaults;
	xs_watches_init(&srv->watches, &watch_ops, srv);
	return xs_store_init(&srv->st, db);
}

void xs_server_fini(struct xs_server *srv)
{
	while (srv->conns)
		xs_conn_free(srv->conns);
	while (srv->domains) {
		struct xs_domain *d = srv->domains;

		srv->domains = d->next;
		free(d);
	}
	xs_store_fini(&srv->st);
	xs_watches_fini(&srv->watches);
}

struct xs_domain *xs_domain_find(struct xs_server *srv, unsigned int domid)
{
	for (struct xs_domain *d = srv->domains; d; d = d->next)
		if (d->domid == domid)
			return d;
	return NULL;
}

const struct xs_quota *xs_conn_quota(const struct xs_conn *c)
{
	struct xs_domain *d = xs_domain_find(c->srv, c->domid);

	return d ? &d->quota : &c->srv->quota;
}

struct xs_conn *xs_conn_new(struct xs_server *srv, const struct xs_transport *tp, void *tp_data,
			    unsigned int domid, bool privileged)
{
	struct xs_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->srv = srv;
	c->tp = tp;
	c->tp_data = tp_data;
	c->domid = domid;
	c->privileged = privileged;
	c->target = -1;
	c->next_txid = 1;
	xs_decoder_init(&c->dec);
	xs_buf_init(&c->out);
	c->next = srv->conns;
	if (srv->conns)
		srv->conns->prev = c;
	srv->conns = c;
	return c;
}

void xs_conn_drop_txns(struct xs_conn *c)
{
	while (c->txns) {
		struct xs_conn_txn *ct = c->txns;

		c->txns = ct->next;
		xs_txn_abort(ct->t);
		free(ct);
	}
	c->ntxns = 0;
}

void xs_conn_free(struct xs_conn *c)
{
	struct xs_server *srv = c->srv;

	xs_conn_drop_txns(c);
	xs_watch_del_all(&srv->watches, &c->watches);
	if (c->prev)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	for (struct xs_domain *d = srv->domains; d; d = d->next)
		if (d->conn == c)
			d->conn = NULL;
	xs_buf_free(&c->out);
	free(c);
}

/* ---- replies ---- */

void xs_reply(struct xs_req *r, const void *data, size_t len)
{
	if (len > XS_PAYLOAD_MAX) {
		xs_reply_error(r->c, r->h, -E2BIG);
		return;
	}
	conn_send(r->c, r->h->type, r->h->req_id, r->h->tx_id, data, len);
}

void xs_reply_str(struct xs_req *r, const char *s)
{
	xs_reply(r, s, strlen(s) + 1);
}

void xs_reply_error(struct xs_conn *c, const struct xs_hdr *h, int err)
{
	const char *name = xs_errno_name(err);

	conn_send(c, XS_ERROR, h->req_id, h->tx_id, name, strlen(name) + 1);
}

/* ---- helpers for the handlers ---- */

const char *xs_onearg(const struct xs_req *r)
{
	if (!r->len || r->payload[r->len - 1] != '\0' ||
	    memchr(r->payload, '\0', r->len) != r->payload + r->len - 1)
		return NULL;
	return r->payload;
}

int xs_req_path(struct xs_req *r, const char *arg, bool allow_special, char *out, bool *relative)
{
	size_t rel_max = r->c->privileged ? 0 : xs_conn_quota(r->c)->path_max;

	if (!arg)
		return -EINVAL;
	return xs_path_resolve(arg, r->c->domid, allow_special, rel_max, out, XS_ABS_PATH_MAX + 1,
			       relative);
}

unsigned int xs_access(const struct xs_conn *c, const struct xs_node *n)
{
	return xs_perms_access(n->perms, n->nperms, c->domid, c->target, c->privileged);
}

struct xs_txn *xs_req_wtxn(struct xs_req *r)
{
	return r->ct ? r->ct->t : xs_txn_begin(&r->srv->st, false);
}

int xs_req_wdone(struct xs_req *r, struct xs_txn *t, int ret)
{
	if (r->ct)
		return ret;
	if (ret) {
		xs_txn_abort(t);
		return ret;
	}
	ret = xs_txn_commit(t, xs_fire, r->srv);
	if (ret == -EIO)
		xs_log(r->srv, "database write failed: %s", xs_db_errmsg(r->srv->st.db));
	return ret;
}

void xs_fire(void *srv, const struct xs_event *ev)
{
	xs_watches_fire(&((struct xs_server *)srv)->watches, ev);
}

void xs_fire_special(struct xs_server *srv, const char *name, unsigned int domid)
{
	struct xs_node *n;
	struct xs_event ev = {.path = name};

	if (xs_db_get(srv->st.db, name, &n)) {
		xs_log(srv, "special node %s missing", name);
		return;
	}
	ev.perms = n->perms;
	ev.nperms = n->nperms;
	xs_watches_fire_special(&srv->watches, &ev, domid);
	xs_node_free(n);
}

/* ---- dispatch ---- */

void xs_conn_sent(struct xs_conn *c, size_t n)
{
	/* Count whole messages leaving: the queue holds nothing but whole messages. */
	while (n && c->out.len) {
		size_t take;

		if (!c->out_head_left) {
			struct xs_hdr h;

			xs_hdr_decode(xs_buf_head(&c->out), &h);
			c->out_head_left = XS_HDR_SIZE + h.len;
		}
		take = n < c->out_head_left ? n : c->out_head_left;
		xs_buf_consume(&c->out, take);
		c->out_head_left -= (uint32_t)take;
		n -= take;
		if (!c->out_head_left)
			c->out_msgs--;
	}
}

bool xs_conn_throttled(const struct xs_conn *c)
{
	const struct xs_quota *q;

	if (c->privileged)
		return false;
	q = xs_conn_quota(c);
	/* Like Xen: a domain with too many replies it has not taken is not read from. */
	return q->outstanding && c->out_msgs >= q->outstanding;
}

void xs_conn_handle(struct xs_conn *c, const struct xs_hdr *h, const char *payload)
{
	struct xs_req r = {.c = c, .srv = c->srv, .h = h, .payload = payload, .len = h->len};
	int ret;

	if (h->type >= XS_TYPE_COUNT || !ops[h->type].fn) {
		xs_reply_error(c, h, -ENOSYS);
		return;
	}
	if ((ops[h->type].flags & F_PRIV) && !c->privileged) {
		xs_reply_error(c, h, -EACCES);
		return;
	}
	if (!(ops[h->type].flags & F_NOTX) && h->tx_id) {
		for (r.ct = c->txns; r.ct && r.ct->id != h->tx_id; r.ct = r.ct->next)
			;
		if (!r.ct) {
			xs_reply_error(c, h, -ENOENT);
			return;
		}
		/* A transaction may touch only so many nodes: refuse before it grows further. */
		if (!c->privileged && xs_conn_quota(c)->txn_nodes &&
		    xs_txn_size(r.ct->t) >= xs_conn_quota(c)->txn_nodes &&
		    h->type != XS_TRANSACTION_END) {
			xs_reply_error(c, h, -ENOSPC);
			return;
		}
	}
	ret = ops[h->type].fn(&r);
	if (ret)
		xs_reply_error(c, h, ret);
}

long xs_conn_input(struct xs_conn *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t used = 0;

	while (used < len && !c->dead && !xs_conn_throttled(c)) {
		bool complete;
		long n = xs_decoder_feed(&c->dec, p + used, len - used, &complete);

		if (n < 0) {
			xs_log(c->srv, "domain %u sent an oversized message: disconnecting",
			       c->domid);
			c->dead = true;
			c->tp->close(c);
			return n;
		}
		used += (size_t)n;
		if (complete) {
			const char *payload;
			const struct xs_hdr *h = xs_decoder_msg(&c->dec, &payload);

			xs_conn_handle(c, h, payload);
			xs_decoder_next(&c->dec);
		}
	}
	return (long)used;
}
