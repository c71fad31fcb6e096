/* SPDX-License-Identifier: MIT */
/*
 * The tree with transactions. Every change goes through a transaction: an overlay of the
 * nodes it touched, applied to SQLite in one SQLite transaction at commit. A client's
 * explicit transaction reads a snapshot: while any is open, each committed change leaves
 * the node's previous state in a log, so a transaction sees the tree as it was when it
 * started, and its commit fails with -EAGAIN when a node it read or wrote changed since.
 * Outside transactions, each request runs in an implicit transaction of its own.
 */
#ifndef KEEL_XS_STORE_H
#define KEEL_XS_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "xs_db.h"
#include "xs_map.h"
#include "xs_node.h"

/* Bytes of pre-images kept for open transactions before the oldest ones are doomed. */
#define XS_LOG_MAX_BYTES (32u << 20)

struct xs_txn;

struct xs_store {
	struct xs_db *db;
	uint64_t gen;	     /* generation of the last commit */
	struct xs_txn *open; /* explicit transactions still open */
	/* The log of pre-images, see above: by path and in commit order. */
	struct xs_map log_by_path;
	struct xs_map log_children; /* parent path -> struct xs_strvec of logged child paths */
	struct log_rec *log_head, *log_tail;
	size_t log_bytes;
	uint64_t log_floor; /* transactions started before this cannot be validated */
};

/* A change that watches may want to hear about, handed out after a successful commit. */
struct xs_event {
	const char *path;
	bool exact; /* a node removed below the removed path: only watches on it fire */
	const struct xs_perm *perms; /* the node's permissions (before removal) */
	unsigned int nperms;
	const struct xs_perm *old_perms; /* before a permission change, or NULL */
	unsigned int old_nperms;
};

int xs_store_init(struct xs_store *st, struct xs_db *db);
void xs_store_fini(struct xs_store *st);

/* explicit: a client's transaction (snapshot, conflict check) or an implicit one. */
struct xs_txn *xs_txn_begin(struct xs_store *st, bool explicit_txn);
/* Discards a transaction. */
void xs_txn_abort(struct xs_txn *t);
/*
 * Commits and frees the transaction. -EAGAIN: a conflicting change was committed since it
 * started; -EIO: SQLite failed (nothing was applied). On success calls fire(arg, ev) for
 * every change, in order.
 */
int xs_txn_commit(struct xs_txn *t, void (*fire)(void *arg, const struct xs_event *ev), void *arg);

/* Reads a node as the transaction sees it (t NULL: the committed tree). Caller frees. */
int xs_view_get(struct xs_store *st, struct xs_txn *t, const char *path, struct xs_node **out);
/* The same without a copy: valid until the next call on the store or the transaction. */
int xs_view_peek(struct xs_store *st, struct xs_txn *t, const char *path,
		 const struct xs_node **out);
int xs_view_exists(struct xs_store *st, struct xs_txn *t, const char *path);
/* Names of the children, sorted. */
int xs_view_children(struct xs_store *st, struct xs_txn *t, const char *path,
		     struct xs_strvec *out);

/* Writes a node (copied) in the transaction; its parent must exist in the view. */
int xs_txn_put(struct xs_txn *t, const struct xs_node *n, bool fire);
/* Removes path and its subtree in the transaction. */
int xs_txn_rm(struct xs_txn *t, const char *path);
/* Nodes this transaction touched (its size, for the transaction-nodes quota). */
unsigned int xs_txn_size(const struct xs_txn *t);
/* Nodes this transaction created (for the nodes quota before commit). */
unsigned int xs_txn_created(const struct xs_txn *t);

#endif
