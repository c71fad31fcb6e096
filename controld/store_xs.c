// SPDX-License-Identifier: MIT
/* The store backend over Debian's libxenstore: keel-xenstored speaks Xen's wire protocol. */
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

struct store_xs {
	struct store base;
	struct xs_handle *h;
	uv_poll_t poll;
	bool lost;
};

static struct store_xs *X;

static struct xs_handle *H(struct store *s)
{
	return ((struct store_xs *)s)->h;
}

/* The errno of a failed call; a dead connection is reported once through on_lost. */
static int err_of(void)
{
	int rc = errno ? -errno : -EIO;

	if ((rc == -EBADF || rc == -EPIPE || rc == -ECONNRESET || rc == -ENOTCONN) && X &&
	    !X->lost) {
		X->lost = true;
		if (X->base.on_lost)
			X->base.on_lost(X->base.watch_opaque);
	}
	return rc;
}

static int xs_op_read(struct store *s, uint32_t t, const char *path, char **val, size_t *len)
{
	unsigned int l = 0;
	char *v;

	errno = 0;
	v = xs_read(H(s), t, path, &l);
	if (!v)
		return err_of();
	*val = v; /* libxenstore NUL-terminates the value */
	if (len)
		*len = l;
	return 0;
}

static int xs_op_write(struct store *s, uint32_t t, const char *path, const char *val, size_t len)
{
	errno = 0;
	return xs_write(H(s), t, path, val, (unsigned)len) ? 0 : err_of();
}

static int xs_op_rm(struct store *s, uint32_t t, const char *path)
{
	errno = 0;
	if (xs_rm(H(s), t, path) || errno == ENOENT)
		return 0;
	return err_of();
}

static int xs_op_list(struct store *s, uint32_t t, const char *path, char ***names, unsigned *n)
{
	unsigned int num = 0;
	char **v;

	errno = 0;
	v = xs_directory(H(s), t, path, &num);
	if (!v)
		return err_of();
	*names = v;
	*n = num;
	return 0;
}

static int xs_op_txn_start(struct store *s, uint32_t *txn)
{
	xs_transaction_t t;

	errno = 0;
	t = xs_transaction_start(H(s));
	if (t == XBT_NULL)
		return err_of();
	*txn = t;
	return 0;
}

static int xs_op_txn_end(struct store *s, uint32_t txn, bool abort)
{
	errno = 0;
	return xs_transaction_end(H(s), txn, abort) ? 0 : err_of();
}

#define MAX_PERMS 4

static int xs_op_set_perms(struct store *s, uint32_t t, const char *path,
			   const struct store_perm *perms, unsigned n)
{
	static const unsigned flag[] = {
	    [STORE_PERM_NONE] = XS_PERM_NONE,
	    [STORE_PERM_READ] = XS_PERM_READ,
	    [STORE_PERM_WRITE] = XS_PERM_WRITE,
	    [STORE_PERM_BOTH] = XS_PERM_READ | XS_PERM_WRITE,
	};
	struct xs_permissions p[MAX_PERMS];

	if (!n || n > MAX_PERMS)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++) {
		p[i].id = perms[i].domid;
		p[i].perms = flag[perms[i].perm];
	}
	errno = 0;
	return xs_set_permissions(H(s), t, path, p, n) ? 0 : err_of();
}

static int xs_op_introduce(struct store *s, uint32_t domid, uint64_t gfn, uint32_t port)
{
	errno = 0;
	return xs_introduce_domain(H(s), domid, (unsigned long)gfn, port) ? 0 : err_of();
}

static int xs_op_release(struct store *s, uint32_t domid)
{
	errno = 0;
	return xs_release_domain(H(s), domid) ? 0 : err_of();
}

static int xs_op_watch(struct store *s, const char *path, const char *token)
{
	errno = 0;
	return xs_watch(H(s), path, token) ? 0 : err_of();
}

static int xs_op_unwatch(struct store *s, const char *path, const char *token)
{
	errno = 0;
	return xs_unwatch(H(s), path, token) ? 0 : err_of();
}

static void on_closed(uv_handle_t *h)
{
	struct store_xs *x = h->data;

	if (X == x)
		X = NULL;
	xs_close(x->h);
	free(x);
}

static void xs_op_close(struct store *s)
{
	struct store_xs *x = (struct store_xs *)s;

	uv_close((uv_handle_t *)&x->poll, on_closed);
}

static void on_watch_fd(uv_poll_t *p, int status, int events)
{
	struct store_xs *x = p->data;
	char **v;

	(void)status;
	(void)events;
	/* Non-blocking: drain whatever watch events libxenstore has queued. */
	while ((v = xs_check_watch(x->h))) {
		x->base.on_watch(x->base.watch_opaque, v[XS_WATCH_PATH], v[XS_WATCH_TOKEN]);
		free(v);
	}
}

static const struct store_ops xs_ops = {
    .read = xs_op_read,
    .write = xs_op_write,
    .rm = xs_op_rm,
    .list = xs_op_list,
    .txn_start = xs_op_txn_start,
    .txn_end = xs_op_txn_end,
    .set_perms = xs_op_set_perms,
    .introduce = xs_op_introduce,
    .release = xs_op_release,
    .watch = xs_op_watch,
    .unwatch = xs_op_unwatch,
    .close = xs_op_close,
};

int store_xs_open(uv_loop_t *loop, store_watch_fn fn, void *opaque, struct store **out, char *err,
		  size_t errlen)
{
	struct store_xs *x = calloc(1, sizeof(*x));
	const char *where = getenv("XENSTORED_PATH");
	int rc;

	if (!x)
		return -ENOMEM;
	errno = 0;
	x->h = xs_open(0);
	if (!x->h) {
		rc = err_of();
		snprintf(err, errlen,
			 "cannot reach keel-xenstored at %s: %s (is keel-xenstored running?)",
			 where ? where : "the default xenstore socket", strerror(-rc));
		free(x);
		return rc;
	}
	X = x;
	x->base.ops = &xs_ops;
	x->base.on_watch = fn;
	x->base.watch_opaque = opaque;
	uv_poll_init(loop, &x->poll, xs_fileno(x->h));
	x->poll.data = x;
	uv_poll_start(&x->poll, UV_READABLE, on_watch_fd);
	*out = &x->base;
	return 0;
}
