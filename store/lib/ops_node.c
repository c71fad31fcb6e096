// SPDX-License-Identifier: MIT
/* Requests on nodes: READ, WRITE, MKDIR, RM, DIRECTORY(_PART), GET_PERMS, SET_PERMS. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server_int.h"
#include "xs_path.h"

/*
 * A missing node, or one the caller may not access: like Xen, the caller learns that it
 * is missing only if the nearest existing ancestor grants it perm, else EACCES.
 */
static int errno_from_parents(struct xs_req *r, struct xs_txn *t, const char *path,
			      unsigned int perm)
{
	char p[XS_ABS_PATH_MAX + 1];

	if (xs_path_is_special(path))
		return -ENOENT;
	snprintf(p, sizeof(p), "%s", path);
	while (strcmp(p, "/")) {
		const struct xs_node *n;
		int ret;

		xs_path_parent(p, p, sizeof(p));
		ret = xs_view_peek(&r->srv->st, t, p, &n);
		if (ret == -ENOENT)
			continue;
		if (ret)
			return ret;
		return (xs_access(r->c, n) & perm) ? -ENOENT : -EACCES;
	}
	return -EACCES;
}

/* A node the caller must have perm on, without a copy (see xs_view_peek). */
static int peek_checked(struct xs_req *r, struct xs_txn *t, const char *path, unsigned int perm,
			const struct xs_node **out)
{
	int ret = xs_view_peek(&r->srv->st, t, path, out);

	if (ret == -ENOENT)
		return errno_from_parents(r, t, path, perm);
	if (ret)
		return ret;
	return (xs_access(r->c, *out) & perm) == perm ? 0 : -EACCES;
}

/* A copy of a node the caller must have perm on. */
static int get_checked(struct xs_req *r, struct xs_txn *t, const char *path, unsigned int perm,
		       struct xs_node **out)
{
	const struct xs_node *n;
	int ret = peek_checked(r, t, path, perm, &n);

	if (ret)
		return ret;
	*out = xs_node_dup(n);
	return *out ? 0 : -ENOMEM;
}

static struct xs_txn *rtxn(struct xs_req *r)
{
	return r->ct ? r->ct->t : NULL;
}

int xs_op_read(struct xs_req *r)
{
	char path[XS_ABS_PATH_MAX + 1];
	const struct xs_node *n;
	bool rel;
	int ret = xs_req_path(r, xs_onearg(r), false, path, &rel);

	/* The reply is built from the node in place: nothing touches the store in between. */
	if (!ret)
		ret = peek_checked(r, rtxn(r), path, XS_PERM_READ, &n);
	if (ret)
		return ret;
	xs_reply(r, n->value, n->vlen);
	return 0;
}

/* Lists children as NUL-terminated names into buf; returns the length or -E2BIG. */
static int children_blob(const struct xs_strvec *kids, char *buf, size_t bufsz)
{
	size_t used = 0;

	for (size_t i = 0; i < kids->n; i++) {
		size_t l = strlen(kids->v[i]) + 1;

		if (used + l > bufsz)
			return -E2BIG;
		memcpy(buf + used, kids->v[i], l);
		used += l;
	}
	return (int)used;
}

/* The children of a readable node; fills *gen with its generation. */
static int list_checked(struct xs_req *r, const char *arg, struct xs_strvec *kids, uint64_t *gen)
{
	char path[XS_ABS_PATH_MAX + 1];
	struct xs_node *n;
	bool rel;
	int ret = xs_req_path(r, arg, false, path, &rel);

	if (!ret)
		ret = get_checked(r, rtxn(r), path, XS_PERM_READ, &n);
	if (ret)
		return ret;
	*gen = n->gen;
	xs_node_free(n);
	return xs_view_children(&r->srv->st, rtxn(r), path, kids);
}

int xs_op_directory(struct xs_req *r)
{
	static char buf[XS_PAYLOAD_MAX + 1];
	struct xs_strvec kids;
	uint64_t gen;
	int ret;

	xs_strvec_init(&kids);
	ret = list_checked(r, xs_onearg(r), &kids, &gen);
	if (!ret)
		ret = children_blob(&kids, buf, sizeof(buf));
	xs_strvec_free(&kids);
	if (ret < 0)
		return ret;
	xs_reply(r, buf, (size_t)ret);
	return 0;
}

/*
 * DIRECTORY_PART path|offset| -> gen|names...: the children from byte offset of the
 * whole list on, as many whole names as fit; the last part ends with an empty name.
 */
int xs_op_directory_part(struct xs_req *r)
{
	const char *argv[2];
	struct xs_strvec kids;
	unsigned long off;
	uint64_t gen;
	char *all = NULL, *out = NULL;
	size_t total = 0, genlen, len, maxlen;
	int ret;

	if (xs_count_args(r->payload, r->len) != 2 ||
	    xs_split_args(r->payload, r->len, argv, 2, NULL) != 2 || r->payload[r->len - 1] != '\0')
		return -EINVAL;
	if (xs_parse_uint(argv[1], 0xffffffffu, &off))
		return -EINVAL;
	xs_strvec_init(&kids);
	ret = list_checked(r, argv[0], &kids, &gen);
	for (size_t i = 0; !ret && i < kids.n; i++)
		total += strlen(kids.v[i]) + 1;
	if (!ret) {
		all = malloc(total + 1);
		out = malloc(XS_PAYLOAD_MAX + 1);
		if (!all || !out)
			ret = -ENOMEM;
	}
	if (ret)
		goto out;
	total = 0;
	for (size_t i = 0; i < kids.n; i++) {
		size_t l = strlen(kids.v[i]) + 1;

		memcpy(all + total, kids.v[i], l);
		total += l;
	}
	genlen = (size_t)snprintf(out, XS_PAYLOAD_MAX, "%llu", (unsigned long long)gen) + 1;
	if (off >= total) {
		out[genlen] = '\0';
		xs_reply(r, out, genlen + 1);
		goto out;
	}
	/* Offsets must fall on a name boundary: a client reading on gets whole names. */
	if (off && all[off - 1] != '\0') {
		ret = -EINVAL;
		goto out;
	}
	maxlen = XS_PAYLOAD_MAX - genlen - 1;
	len = 0;
	while (off + len < total) {
		size_t l = strlen(all + off + len) + 1;

		if (len + l > maxlen)
			break;
		len += l;
	}
	memcpy(out + genlen, all + off, len);
	if (off + len == total)
		out[genlen + len++] = '\0';
	xs_reply(r, out, genlen + len);
out:
	free(all);
	free(out);
	xs_strvec_free(&kids);
	return ret;
}

int xs_op_get_perms(struct xs_req *r)
{
	char path[XS_ABS_PATH_MAX + 1], buf[XS_PAYLOAD_MAX + 1];
	struct xs_node *n;
	bool rel;
	int ret = xs_req_path(r, xs_onearg(r), true, path, &rel);

	if (!ret)
		ret = get_checked(r, rtxn(r), path, XS_PERM_READ, &n);
	if (ret)
		return ret;
	ret = xs_perms_format(n->perms, n->nperms, buf, sizeof(buf));
	xs_node_free(n);
	if (ret < 0)
		return ret;
	xs_reply(r, buf, (size_t)ret);
	return 0;
}

/* Bytes a node costs against the node-size quota: value, permissions, child names. */
static size_t node_size(const struct xs_node *n)
{
	return n->vlen + n->nperms * sizeof(struct xs_perm);
}

static int check_node_size(struct xs_req *r, const struct xs_node *n)
{
	const struct xs_quota *q = xs_conn_quota(r->c);

	if (!r->c->privileged && q->node_size && node_size(n) > q->node_size)
		return -ENOSPC;
	return 0;
}

/*
 * Creates path and its missing ancestors. New nodes take the permissions of the nearest
 * existing ancestor, which must be writable; an unprivileged creator owns them.
 */
static int create_path(struct xs_req *r, struct xs_txn *t, const char *path, const void *value,
		       size_t vlen)
{
	char anc[XS_ABS_PATH_MAX + 1];
	struct xs_node *parent = NULL, *n;
	const struct xs_quota *q = xs_conn_quota(r->c);
	unsigned int missing = 0;
	size_t plen;
	int ret;

	snprintf(anc, sizeof(anc), "%s", path);
	do {
		xs_path_parent(anc, anc, sizeof(anc));
		missing++;
		ret = xs_view_get(&r->srv->st, t, anc, &parent);
		if (ret && ret != -ENOENT)
			return ret;
	} while (ret == -ENOENT && strcmp(anc, "/"));
	if (ret)
		return -EIO; /* no root: the store is damaged */
	if (!(xs_access(r->c, parent) & XS_PERM_WRITE)) {
		xs_node_free(parent);
		return -EACCES;
	}
	if (!r->c->privileged && q->nodes) {
		unsigned long owned;

		ret = xs_db_count_owned(r->srv->st.db, r->c->domid, &owned);
		if (!ret && owned + xs_txn_created(t) + missing > q->nodes)
			ret = -ENOSPC;
		if (ret) {
			xs_node_free(parent);
			return ret;
		}
	}
	if (!r->c->privileged)
		parent->perms[0].domid = r->c->domid;
	/* Check the new node's size before anything is created: a refusal changes nothing. */
	{
		struct xs_node probe = {.vlen = (uint32_t)vlen, .nperms = parent->nperms};

		ret = check_node_size(r, &probe);
		if (ret) {
			xs_node_free(parent);
			return ret;
		}
	}
	/* Create top-down: each ancestor below anc, then path itself. */
	plen = strlen(anc);
	for (;;) {
		const char *slash = strchr(path + plen + 1, '/');
		size_t l = slash ? (size_t)(slash - path) : strlen(path);
		char sub[XS_ABS_PATH_MAX + 1];
		bool last = !slash;

		memcpy(sub, path, l);
		sub[l] = '\0';
		n = xs_node_new(sub, last ? value : NULL, last ? vlen : 0, parent->perms,
				parent->nperms, 0);
		if (!n) {
			ret = -ENOMEM;
			break;
		}
		ret = xs_txn_put(t, n, last);
		xs_node_free(n);
		if (ret || last)
			break;
		plen = l;
	}
	xs_node_free(parent);
	return ret;
}

static int write_or_mkdir(struct xs_req *r, const char *arg, const void *value, size_t vlen,
			  bool mkdir)
{
	char path[XS_ABS_PATH_MAX + 1];
	struct xs_txn *t;
	struct xs_node *n = NULL;
	bool rel;
	int ret = xs_req_path(r, arg, false, path, &rel);

	if (ret)
		return ret;
	t = xs_req_wtxn(r);
	if (!t)
		return -ENOMEM;
	ret = get_checked(r, t, path, XS_PERM_WRITE, &n);
	if (!ret && !mkdir) {
		ret = xs_node_set_value(n, value, vlen);
		if (!ret)
			ret = check_node_size(r, n);
		if (!ret)
			ret = xs_txn_put(t, n, true);
	} else if (ret == -ENOENT) {
		ret = create_path(r, t, path, value, vlen);
	}
	xs_node_free(n);
	ret = xs_req_wdone(r, t, ret);
	if (!ret)
		xs_reply_str(r, "OK");
	return ret;
}

int xs_op_write(struct xs_req *r)
{
	const char *nul = memchr(r->payload, '\0', r->len);

	if (!nul)
		return -EINVAL;
	return write_or_mkdir(r, r->payload, nul + 1, r->len - (size_t)(nul + 1 - r->payload),
			      false);
}

int xs_op_mkdir(struct xs_req *r)
{
	const char *arg = xs_onearg(r);

	if (!arg)
		return -EINVAL;
	return write_or_mkdir(r, arg, NULL, 0, true);
}

int xs_op_rm(struct xs_req *r)
{
	char path[XS_ABS_PATH_MAX + 1], parent[XS_ABS_PATH_MAX + 1];
	struct xs_node *n = NULL;
	struct xs_txn *t;
	bool rel;
	int ret = xs_req_path(r, xs_onearg(r), false, path, &rel);

	if (ret)
		return ret;
	t = xs_req_wtxn(r);
	if (!t)
		return -ENOMEM;
	ret = get_checked(r, t, path, XS_PERM_WRITE, &n);
	if (!ret) {
		ret = strcmp(path, "/") ? xs_txn_rm(t, path) : -EINVAL;
	} else if (ret == -ENOENT) {
		/* Removing what is not there is fine, if its parent is. */
		xs_path_parent(path, parent, sizeof(parent));
		ret = xs_view_exists(&r->srv->st, t, parent);
	}
	xs_node_free(n);
	ret = xs_req_wdone(r, t, ret);
	if (!ret)
		xs_reply_str(r, "OK");
	return ret;
}

int xs_op_set_perms(struct xs_req *r)
{
	struct xs_perm *perms = NULL;
	char path[XS_ABS_PATH_MAX + 1];
	const char *nul = memchr(r->payload, '\0', r->len);
	const struct xs_quota *q = xs_conn_quota(r->c);
	struct xs_node *n = NULL;
	struct xs_txn *t;
	bool rel;
	int np, ret;

	if (!nul)
		return -EINVAL;
	perms = malloc(XS_PERMS_MAX * sizeof(*perms));
	if (!perms)
		return -ENOMEM;
	np = xs_perms_parse(nul + 1, r->len - (size_t)(nul + 1 - r->payload), perms, XS_PERMS_MAX);
	ret = np < 0 ? np : xs_req_path(r, r->payload, true, path, &rel);
	if (!ret && !r->c->privileged && q->perms && (unsigned int)np > q->perms)
		ret = -ENOSPC;
	if (ret) {
		free(perms);
		return ret;
	}
	t = xs_req_wtxn(r);
	if (!t) {
		free(perms);
		return -ENOMEM;
	}
	ret = get_checked(r, t, path, XS_PERM_WRITE | XS_PERM_OWNER, &n);
	/* Only the privileged may give a node away. */
	if (!ret && !r->c->privileged && perms[0].domid != xs_node_owner(n))
		ret = -EPERM;
	if (!ret)
		ret = xs_node_set_perms(n, perms, (unsigned int)np);
	if (!ret)
		ret = check_node_size(r, n);
	if (!ret)
		ret = xs_txn_put(t, n, true);
	xs_node_free(n);
	free(perms);
	ret = xs_req_wdone(r, t, ret);
	if (!ret)
		xs_reply_str(r, "OK");
	return ret;
}
