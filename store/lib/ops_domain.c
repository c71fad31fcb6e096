// SPDX-License-Identifier: MIT
/* Requests about domains, quotas and the daemon (CONTROL). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server_int.h"
#include "xs_path.h"

/* A real guest domain id: not dom0, not one of Xen's special DOMID_* values. */
static int parse_guest(const char *arg, unsigned int *domid)
{
	if (!arg || xs_parse_domid(arg, domid) || *domid == 0 || *domid >= XS_DOMID_FIRST_RESERVED)
		return -EINVAL;
	return 0;
}

static int parse_gfn(const char *s, uint64_t *gfn)
{
	unsigned long v;
	bool neg = s[0] == '-';

	/* Signed decimal in the protocol; a negative value is a high-bit-set 64-bit frame. */
	if (xs_parse_uint(s + neg, ~0ul, &v))
		return -EINVAL;
	*gfn = neg ? (uint64_t)(-(int64_t)v) : v;
	return 0;
}

int xs_op_introduce(struct xs_req *r)
{
	const char *argv[3];
	struct xs_server *srv = r->srv;
	struct xs_conn *conn = NULL;
	struct xs_domain *d;
	unsigned int domid;
	unsigned long port;
	uint64_t gfn;
	int ret;

	if (xs_split_args(r->payload, r->len, argv, 3, NULL) != 3 || parse_guest(argv[0], &domid) ||
	    parse_gfn(argv[1], &gfn) || xs_parse_uint(argv[2], 0xffffffffu, &port) || !port)
		return -EINVAL;
	d = xs_domain_find(srv, domid);
	if (d) {
		/* Known domain: the toolstack recreates its event channel (resume, restore). */
		if (d->conn && srv->dom_ops.rebind) {
			ret =
			    srv->dom_ops.rebind(srv, d->conn, (unsigned int)port, srv->dom_ops.arg);
			if (ret)
				return ret;
		}
		d->port = (unsigned int)port;
		xs_reply_str(r, "OK");
		return 0;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->domid = domid;
	d->gfn = gfn;
	d->port = (unsigned int)port;
	d->quota = srv->quota;
	if (srv->dom_ops.introduce) {
		ret = srv->dom_ops.introduce(srv, domid, gfn, (unsigned int)port, &conn,
					     srv->dom_ops.arg);
		if (ret) {
			free(d);
			return ret;
		}
	}
	d->conn = conn;
	d->next = srv->domains;
	srv->domains = d;
	xs_reply_str(r, "OK");
	xs_fire_special(srv, "@introduceDomain", domid);
	return 0;
}

/* What RELEASE removes: the nodes a domain owns, and its entries in other ACLs. */
struct orphan_scan {
	unsigned int domid;
	struct xs_strvec rm;
	struct xs_node **upd;
	size_t nupd, cap;
	int err;
};

static bool under_any(const struct xs_strvec *v, const char *path)
{
	for (size_t i = 0; i < v->n; i++)
		if (xs_path_is_under(path, v->v[i]))
			return true;
	return false;
}

static int scan_node(const struct xs_node *n, void *arg)
{
	struct orphan_scan *s = arg;
	struct xs_node *copy;
	unsigned int j = 1;
	bool owned = xs_node_owner(n) == s->domid, listed = false;

	if (under_any(&s->rm, n->path))
		return 0;
	if (owned && !xs_path_is_special(n->path) && strcmp(n->path, "/"))
		return xs_strvec_push(&s->rm, n->path);
	for (unsigned int i = 1; i < n->nperms; i++)
		listed |= n->perms[i].domid == s->domid;
	if (!owned && !listed)
		return 0;
	copy = xs_node_dup(n);
	if (!copy)
		return -ENOMEM;
	if (owned)
		copy->perms[0].domid = 0; /* special nodes and "/" stay, with dom0 as owner */
	for (unsigned int i = 1; i < copy->nperms; i++)
		if (copy->perms[i].domid != s->domid)
			copy->perms[j++] = copy->perms[i];
	copy->nperms = j;
	if (s->nupd == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct xs_node **v = realloc(s->upd, cap * sizeof(*v));

		if (!v) {
			xs_node_free(copy);
			return -ENOMEM;
		}
		s->upd = v;
		s->cap = cap;
	}
	s->upd[s->nupd++] = copy;
	return 0;
}

static int remove_orphans(struct xs_server *srv, unsigned int domid)
{
	struct orphan_scan s = {.domid = domid};
	struct xs_txn *t;
	int ret;

	xs_strvec_init(&s.rm);
	ret = xs_db_foreach(srv->st.db, scan_node, &s);
	t = ret ? NULL : xs_txn_begin(&srv->st, false);
	if (!ret && !t)
		ret = -ENOMEM;
	for (size_t i = 0; !ret && i < s.nupd; i++)
		if (!under_any(&s.rm, s.upd[i]->path))
			ret = xs_txn_put(t, s.upd[i], true);
	for (size_t i = 0; !ret && i < s.rm.n; i++)
		ret = xs_txn_rm(t, s.rm.v[i]);
	if (t)
		ret = ret ? (xs_txn_abort(t), ret) : xs_txn_commit(t, xs_fire, srv);
	for (size_t i = 0; i < s.nupd; i++)
		xs_node_free(s.upd[i]);
	free(s.upd);
	xs_strvec_free(&s.rm);
	return ret;
}

static struct xs_domain *unlink_domain(struct xs_server *srv, unsigned int domid)
{
	for (struct xs_domain **pp = &srv->domains; *pp; pp = &(*pp)->next) {
		struct xs_domain *d = *pp;

		if (d->domid == domid) {
			*pp = d->next;
			return d;
		}
	}
	return NULL;
}

int xs_domain_release(struct xs_server *srv, unsigned int domid)
{
	struct xs_domain *d = unlink_domain(srv, domid);
	int ret;

	if (!d)
		return -ENOENT;
	if (d->conn) {
		struct xs_conn *c = d->conn;

		/* Its watches go first: a released domain hears nothing of its own removal. */
		xs_watch_del_all(&srv->watches, &c->watches);
		c->nwatches = 0;
		xs_conn_drop_txns(c);
		c->dead = true;
		c->tp->close(c);
	}
	free(d);
	if (srv->dom_ops.release)
		srv->dom_ops.release(srv, domid, srv->dom_ops.arg);
	ret = remove_orphans(srv, domid);
	if (ret)
		xs_log(srv, "removing the nodes of domain %u failed: %s", domid,
		       xs_errno_name(ret));
	return 0;
}

int xs_op_release(struct xs_req *r)
{
	unsigned int domid;
	int ret;

	if (parse_guest(xs_onearg(r), &domid))
		return -EINVAL;
	ret = xs_domain_release(r->srv, domid);
	if (ret)
		return ret;
	xs_reply_str(r, "OK");
	xs_fire_special(r->srv, "@releaseDomain", domid);
	return 0;
}

int xs_op_resume(struct xs_req *r)
{
	struct xs_domain *d;
	unsigned int domid;

	if (parse_guest(xs_onearg(r), &domid))
		return -EINVAL;
	d = xs_domain_find(r->srv, domid);
	if (!d)
		return -ENOENT;
	d->shutdown = false;
	xs_reply_str(r, "OK");
	return 0;
}

int xs_op_get_domain_path(struct xs_req *r)
{
	const char *arg = xs_onearg(r);
	char path[32];
	unsigned int domid;

	if (!arg || xs_parse_domid(arg, &domid))
		return -EINVAL;
	xs_domain_path(domid, path, sizeof(path));
	xs_reply_str(r, path);
	return 0;
}

int xs_op_is_domain_introduced(struct xs_req *r)
{
	const char *arg = xs_onearg(r);
	unsigned int domid;
	bool yes;

	if (!arg || xs_parse_domid(arg, &domid))
		return -EINVAL;
	/* dom0 and the caller itself (DOMID_SELF) are always there. */
	yes = domid == 0 || domid == XS_DOMID_SELF || xs_domain_find(r->srv, domid);
	xs_reply_str(r, yes ? "T" : "F");
	return 0;
}

int xs_op_set_target(struct xs_req *r)
{
	const char *argv[2];
	struct xs_domain *d;
	unsigned int domid, tdomid;

	if (xs_split_args(r->payload, r->len, argv, 2, NULL) != 2 || parse_guest(argv[0], &domid) ||
	    xs_parse_domid(argv[1], &tdomid))
		return -EINVAL;
	d = xs_domain_find(r->srv, domid);
	if (!d)
		return -ENOENT;
	if (tdomid && !xs_domain_find(r->srv, tdomid))
		return -ENOENT;
	for (struct xs_conn *c = r->srv->conns; c; c = c->next)
		if (!c->privileged && c->domid == domid)
			c->target = (int)tdomid;
	xs_reply_str(r, "OK");
	return 0;
}

int xs_op_control(struct xs_req *r)
{
	const char *argv[2];
	char err[256];
	unsigned int n = xs_split_args(r->payload, r->len, argv, 2, NULL);

	if (n < 1)
		return -EINVAL;
	if (!strcmp(argv[0], "check")) {
		if (xs_db_check(r->srv->st.db, err, sizeof(err))) {
			xs_log(r->srv, "%s", err);
			return -EIO;
		}
	} else if (!strcmp(argv[0], "print") && n == 2) {
		xs_log(r->srv, "%s", argv[1]);
	} else if (!strcmp(argv[0], "log") && n == 2 &&
		   (!strcmp(argv[1], "on") || !strcmp(argv[1], "off"))) {
		r->srv->quiet = !strcmp(argv[1], "off");
	} else if (!strcmp(argv[0], "help")) {
		xs_reply_str(r, "check\nhelp\nlog on|off\nprint <string>\n");
		return 0;
	} else {
		return -EINVAL;
	}
	xs_reply_str(r, "OK");
	return 0;
}

/* The quota set named by an optional leading domid argument. */
static int quota_target(struct xs_req *r, const char *domarg, struct xs_quota **q)
{
	unsigned int domid;
	struct xs_domain *d;

	if (!domarg) {
		*q = &r->srv->quota;
		return 0;
	}
	if (parse_guest(domarg, &domid))
		return -EINVAL;
	d = xs_domain_find(r->srv, domid);
	if (!d)
		return -ENOENT;
	*q = &d->quota;
	return 0;
}

int xs_op_get_quota(struct xs_req *r)
{
	const char *argv[3];
	struct xs_quota *q;
	unsigned int n = xs_split_args(r->payload, r->len, argv, 3, NULL), v;
	char buf[16];
	int ret;

	if (n == 0 || (n == 1 && !argv[0][0])) {
		xs_reply_str(r, xs_quota_names);
		return 0;
	}
	if (n > 2)
		return -EINVAL;
	ret = quota_target(r, n == 2 ? argv[0] : NULL, &q);
	if (!ret)
		ret = xs_quota_get(q, argv[n - 1], &v);
	if (ret)
		return ret;
	snprintf(buf, sizeof(buf), "%u", v);
	xs_reply_str(r, buf);
	return 0;
}

int xs_op_set_quota(struct xs_req *r)
{
	const char *argv[4];
	struct xs_quota *q;
	unsigned int n = xs_split_args(r->payload, r->len, argv, 4, NULL), v;
	unsigned long val;
	int ret;

	if (n != 2 && n != 3)
		return -EINVAL;
	if (xs_parse_uint(argv[n - 1], 0xffffffffu, &val))
		return -EINVAL;
	ret = quota_target(r, n == 3 ? argv[0] : NULL, &q);
	if (!ret)
		ret = xs_quota_get(q, argv[n - 2], &v);
	if (!ret)
		ret = xs_quota_set(q, argv[n - 2], (unsigned int)val);
	if (ret)
		return ret;
	xs_reply_str(r, "OK");
	return 0;
}
