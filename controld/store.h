/* SPDX-License-Identifier: MIT */
/*
 * controld's view of keel-xenstored. The shipped backend (store_xs.c) is Debian's
 * libxenstore over the daemon's Unix socket ($XENSTORED_PATH); its watch fd sits in the
 * libuv loop. Calls are short round trips to a local daemon and run on the loop thread.
 * Errors are negative errno: -ENOENT for a missing node, -EAGAIN when a transaction
 * lost a race and must be retried.
 */
#ifndef KEEL_CONTROLD_STORE_H
#define KEEL_CONTROLD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#define STORE_NO_TXN 0u

/* One entry of a node's permissions (Xen's): the first is the owner and its perm the
 * default for everyone else; dom0 may do anything. */
enum store_perm_kind { STORE_PERM_NONE, STORE_PERM_READ, STORE_PERM_WRITE, STORE_PERM_BOTH };
struct store_perm {
	uint32_t domid;
	enum store_perm_kind perm;
};

typedef void (*store_watch_fn)(void *opaque, const char *path, const char *token);

struct store;
struct store_ops {
	/* *val is malloc'd and NUL-terminated. */
	int (*read)(struct store *s, uint32_t txn, const char *path, char **val, size_t *len);
	int (*write)(struct store *s, uint32_t txn, const char *path, const char *val, size_t len);
	int (*rm)(struct store *s, uint32_t txn, const char *path);
	/* *names is one malloc'd block (array then strings): free(*names) frees it all. */
	int (*list)(struct store *s, uint32_t txn, const char *path, char ***names, unsigned *n);
	int (*txn_start)(struct store *s, uint32_t *txn);
	int (*txn_end)(struct store *s, uint32_t txn, bool abort);
	/* Sets path's permissions (n entries, the first the owner). */
	int (*set_perms)(struct store *s, uint32_t txn, const char *path,
			 const struct store_perm *perms, unsigned n);
	/* XS_INTRODUCE: the store serves the domain's ring (page gfn, event channel port to
	 * dom0) and fires @introduceDomain. XS_RELEASE undoes it: the store drops the domain's
	 * connection and the nodes it owns, and fires @releaseDomain. */
	int (*introduce)(struct store *s, uint32_t domid, uint64_t gfn, uint32_t port);
	int (*release)(struct store *s, uint32_t domid);
	int (*watch)(struct store *s, const char *path, const char *token);
	int (*unwatch)(struct store *s, const char *path, const char *token);
	void (*close)(struct store *s);
};

struct store {
	const struct store_ops *ops;
	store_watch_fn on_watch;
	void *watch_opaque;
	/* Called once if the connection to the store is lost (set by the daemon). */
	void (*on_lost)(void *opaque);
};

static inline int store_read(struct store *s, uint32_t t, const char *p, char **v, size_t *l)
{
	return s->ops->read(s, t, p, v, l);
}
static inline int store_write(struct store *s, uint32_t t, const char *p, const char *v, size_t l)
{
	return s->ops->write(s, t, p, v, l);
}
int store_write_str(struct store *s, uint32_t t, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static inline int store_rm(struct store *s, uint32_t t, const char *p)
{
	return s->ops->rm(s, t, p);
}

/*
 * Runs fn(s, txn, arg) in a transaction: all its writes land or none do. Run again when the
 * transaction lost a race (-EAGAIN), up to STORE_TXN_TRIES times; fn's error aborts it.
 */
#define STORE_TXN_TRIES 8
typedef int (*store_txn_fn)(struct store *s, uint32_t txn, void *arg);
int store_txn_run(struct store *s, store_txn_fn fn, void *arg);

/*
 * Records larger than one xenstore message (4096 bytes of payload) are kept as a blob:
 * the node holds the number of chunks, its children 0..n-1 the bytes, written and read
 * in one transaction. *data is malloc'd and NUL-terminated.
 */
#define STORE_BLOB_CHUNK 2048
int store_write_blob(struct store *s, const char *path, const char *data, size_t len);
int store_read_blob(struct store *s, const char *path, char **data, size_t *len);

/* The shipped backend. */
int store_xs_open(uv_loop_t *loop, store_watch_fn fn, void *opaque, struct store **out, char *err,
		  size_t errlen);

#endif
