/* SPDX-License-Identifier: MIT */
/*
 * The tree in SQLite: one row per node (path, parent, owner, generation, permissions,
 * value), WAL journal, one exclusive writer (the daemon). Every function returns 0 or a
 * negative errno (-ENOENT: no such node; -EIO: SQLite failed, see xs_db_errmsg).
 */
#ifndef KEEL_XS_DB_H
#define KEEL_XS_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xs_node.h"

struct xs_db;

enum xs_db_sync {
	XS_DB_SYNC_NORMAL, /* WAL + synchronous=NORMAL: commits survive a crash of the daemon */
	XS_DB_SYNC_FULL,   /* WAL + synchronous=FULL: commits also survive a power cut */
};

/*
 * Opens (creating when absent or empty) the database at file (":memory:" works).
 * A file that is unreadable, not SQLite, corrupt or some other program's database is an
 * error with a sentence in err: never a silently empty store.
 */
int xs_db_open(const char *file, enum xs_db_sync sync, struct xs_db **out, char *err, size_t errsz);
void xs_db_close(struct xs_db *db);
const char *xs_db_errmsg(struct xs_db *db);

/* A copy of the node at path: the caller frees it. */
int xs_db_get(struct xs_db *db, const char *path, struct xs_node **out);
/*
 * The node itself, read without a copy (the read path's): valid until the next call on db
 * (any call may change or drop what it points to).
 */
int xs_db_peek(struct xs_db *db, const char *path, const struct xs_node **out);
int xs_db_exists(struct xs_db *db, const char *path);
/* Appends the names (last components) of path's children, sorted. */
int xs_db_children(struct xs_db *db, const char *path, struct xs_strvec *out);
/* Inserts or replaces a node (its parent must exist, except for "/" and @ nodes). */
int xs_db_put(struct xs_db *db, const struct xs_node *n);
/* Sets the generation of a node (its child list changed). */
int xs_db_touch(struct xs_db *db, const char *path, uint64_t gen);
/*
 * Removes path and everything below it; calls each (if set) on every removed node,
 * parents before children, before removing them.
 */
int xs_db_rm_subtree(struct xs_db *db, const char *path,
		     int (*each)(const struct xs_node *n, void *arg), void *arg);
int xs_db_count_owned(struct xs_db *db, unsigned int domid, unsigned long *count);
/* Calls fn on every node in path order; stops on a nonzero return, which it returns. */
int xs_db_foreach(struct xs_db *db, int (*fn)(const struct xs_node *n, void *arg), void *arg);
int xs_db_max_gen(struct xs_db *db, uint64_t *gen);

int xs_db_begin(struct xs_db *db);
int xs_db_commit(struct xs_db *db);
void xs_db_rollback(struct xs_db *db);

/* SQLite's integrity check; 0 when "ok", else -EIO with the first complaint in err. */
int xs_db_check(struct xs_db *db, char *err, size_t errsz);

#endif
