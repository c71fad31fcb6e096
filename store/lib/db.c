// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "xs_db.h"
#include "xs_map.h"
#include "xs_path.h"
#include "xs_wire.h"

#define DB_FORMAT "keel-xenstored/1"

enum stmt_id {
	ST_GET,
	ST_EXISTS,
	ST_CHILDREN,
	ST_PUT,
	ST_TOUCH,
	ST_SUBTREE,
	ST_RM_SUBTREE,
	ST_COUNT_OWNED,
	ST_ALL,
	ST_MAX_GEN,
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
    [ST_GET] = "SELECT path, perms, value, gen FROM node WHERE path = ?1",
    [ST_EXISTS] = "SELECT 1 FROM node WHERE path = ?1",
    [ST_CHILDREN] = "SELECT path FROM node WHERE parent = ?1 ORDER BY path",
    [ST_PUT] = "INSERT OR REPLACE INTO node (path, parent, owner, gen, perms, value) "
	       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [ST_TOUCH] = "UPDATE node SET gen = ?2 WHERE path = ?1",
    /* path itself, then everything between "path/" and "path0" ('0' follows '/'). */
    [ST_SUBTREE] = "SELECT path, perms, value, gen FROM node WHERE path = ?1 OR "
		   "(path >= ?2 AND path < ?3) ORDER BY path",
    [ST_RM_SUBTREE] = "DELETE FROM node WHERE path = ?1 OR (path >= ?2 AND path < ?3)",
    [ST_COUNT_OWNED] = "SELECT count(*) FROM node WHERE owner = ?1",
    [ST_ALL] = "SELECT path, perms, value, gen FROM node ORDER BY path",
    [ST_MAX_GEN] = "SELECT coalesce(max(gen), 0) FROM node",
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
};

/*
 * Nodes as last read or written, by path. The daemon is the database's only writer, so a
 * copy stays true until this connection changes the row: a read is then a hash lookup
 * instead of a SQLite statement with its own read transaction (profiling showed ~7,000
 * instructions per read in sqlite3_step/sqlite3_reset, against ~1,000 for the rest of a
 * read). Writes update it; removals, rollbacks and overflow empty it.
 */
#define CACHE_MAX_NODES 16384
#define CACHE_MAX_BYTES (32u << 20)

struct xs_db {
	sqlite3 *h;
	sqlite3_stmt *st[ST_COUNT];
	struct xs_map cache;
	struct xs_node *lent; /* the last node xs_db_peek read but could not cache */
	size_t cache_bytes;
};

static size_t node_bytes(const struct xs_node *n)
{
	return sizeof(*n) + strlen(n->path) + 1 + n->vlen + n->nperms * sizeof(*n->perms);
}

static void cache_drop(void *p)
{
	xs_node_free(p);
}

static void cache_clear(struct xs_db *db)
{
	xs_map_free(&db->cache, cache_drop);
	xs_map_init(&db->cache);
	db->cache_bytes = 0;
}

static void cache_del(struct xs_db *db, const char *path)
{
	struct xs_node *old = xs_map_del(&db->cache, path);

	if (old) {
		db->cache_bytes -= node_bytes(old);
		xs_node_free(old);
	}
}

/* Keeps a copy of n (best effort: a failed copy just leaves the node uncached). */
static void cache_put(struct xs_db *db, const struct xs_node *n)
{
	struct xs_node *c;

	cache_del(db, n->path);
	if (db->cache.count >= CACHE_MAX_NODES || db->cache_bytes + node_bytes(n) > CACHE_MAX_BYTES)
		cache_clear(db);
	c = xs_node_dup(n);
	if (!c)
		return;
	if (xs_map_put(&db->cache, c->path, c)) {
		xs_node_free(c);
		return;
	}
	db->cache_bytes += node_bytes(c);
}

const char *xs_db_errmsg(struct xs_db *db)
{
	return sqlite3_errmsg(db->h);
}

static int step_done(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -EIO;
}

/* Builds a node from a row (path, perms, value, gen); -EIO when the row is malformed. */
static int row_to_node(sqlite3_stmt *s, struct xs_node **out)
{
	struct xs_perm perms[XS_PERMS_MAX];
	const char *path = (const char *)sqlite3_column_text(s, 0);
	const void *pblob = sqlite3_column_blob(s, 1);
	int plen = sqlite3_column_bytes(s, 1);
	const void *val = sqlite3_column_blob(s, 2);
	int vlen = sqlite3_column_bytes(s, 2);
	int np;

	if (!path || !pblob || plen <= 0)
		return -EIO;
	np = xs_perms_parse(pblob, (size_t)plen, perms, sizeof(perms) / sizeof(perms[0]));
	if (np < 1)
		return -EIO;
	*out = xs_node_new(path, val, (size_t)vlen, perms, (unsigned int)np,
			   (uint64_t)sqlite3_column_int64(s, 3));
	return *out ? 0 : -ENOMEM;
}

int xs_db_peek(struct xs_db *db, const char *path, const struct xs_node **out)
{
	sqlite3_stmt *s = db->st[ST_GET];
	struct xs_node *n;
	int rc, ret;

	*out = xs_map_get(&db->cache, path);
	if (*out)
		return 0;
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		ret = row_to_node(s, &n);
	else
		ret = rc == SQLITE_DONE ? -ENOENT : -EIO;
	sqlite3_reset(s);
	if (ret)
		return ret;
	cache_put(db, n);
	*out = xs_map_get(&db->cache, path);
	if (*out) {
		xs_node_free(n);
		return 0;
	}
	/* Not cached (no memory for a copy): lend the row itself until the next peek. */
	xs_node_free(db->lent);
	db->lent = n;
	*out = n;
	return 0;
}

int xs_db_get(struct xs_db *db, const char *path, struct xs_node **out)
{
	const struct xs_node *n;
	int ret = xs_db_peek(db, path, &n);

	if (ret)
		return ret;
	*out = xs_node_dup(n);
	return *out ? 0 : -ENOMEM;
}

int xs_db_exists(struct xs_db *db, const char *path)
{
	sqlite3_stmt *s = db->st[ST_EXISTS];
	int rc;

	if (xs_map_get(&db->cache, path))
		return 0;
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : -EIO;
}

int xs_db_children(struct xs_db *db, const char *path, struct xs_strvec *out)
{
	sqlite3_stmt *s = db->st[ST_CHILDREN];
	size_t skip = strcmp(path, "/") ? strlen(path) + 1 : 1;
	int rc, ret = 0;

	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *child = (const char *)sqlite3_column_text(s, 0);

		if (!child || strlen(child) <= skip) {
			ret = -EIO;
			break;
		}
		ret = xs_strvec_push(out, child + skip);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = -EIO;
	sqlite3_reset(s);
	return ret;
}

int xs_db_put(struct xs_db *db, const struct xs_node *n)
{
	sqlite3_stmt *s = db->st[ST_PUT];
	char perms[XS_PAYLOAD_MAX];
	char parent[XS_ABS_PATH_MAX + 1];
	int plen = xs_perms_format(n->perms, n->nperms, perms, sizeof(perms));

	if (plen < 0)
		return plen;
	sqlite3_bind_text(s, 1, n->path, -1, SQLITE_STATIC);
	if (xs_path_is_special(n->path) || !strcmp(n->path, "/")) {
		sqlite3_bind_null(s, 2);
	} else {
		xs_path_parent(n->path, parent, sizeof(parent));
		sqlite3_bind_text(s, 2, parent, -1, SQLITE_STATIC);
	}
	sqlite3_bind_int64(s, 3, xs_node_owner(n));
	sqlite3_bind_int64(s, 4, (sqlite3_int64)n->gen);
	sqlite3_bind_blob(s, 5, perms, plen, SQLITE_STATIC);
	sqlite3_bind_blob(s, 6, n->vlen ? (const void *)n->value : "", (int)n->vlen, SQLITE_STATIC);
	if (step_done(s)) {
		cache_del(db, n->path);
		return -EIO;
	}
	cache_put(db, n);
	return 0;
}

int xs_db_touch(struct xs_db *db, const char *path, uint64_t gen)
{
	sqlite3_stmt *s = db->st[ST_TOUCH];

	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)gen);
	cache_del(db, path);
	return step_done(s);
}

static void bind_subtree(sqlite3_stmt *s, const char *path, char *lo, char *hi, size_t sz)
{
	if (!strcmp(path, "/")) {
		snprintf(lo, sz, "/");
		snprintf(hi, sz, "0");
	} else {
		snprintf(lo, sz, "%s/", path);
		snprintf(hi, sz, "%s0", path);
	}
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, hi, -1, SQLITE_STATIC);
}

int xs_db_rm_subtree(struct xs_db *db, const char *path,
		     int (*each)(const struct xs_node *n, void *arg), void *arg)
{
	char lo[XS_ABS_PATH_MAX + 2], hi[XS_ABS_PATH_MAX + 2];
	sqlite3_stmt *s;
	int rc, ret = 0;

	if (each) {
		s = db->st[ST_SUBTREE];
		bind_subtree(s, path, lo, hi, sizeof(lo));
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			struct xs_node *n;

			ret = row_to_node(s, &n);
			if (ret)
				break;
			ret = each(n, arg);
			xs_node_free(n);
			if (ret)
				break;
		}
		if (!ret && rc != SQLITE_DONE)
			ret = -EIO;
		sqlite3_reset(s);
		if (ret)
			return ret;
	}
	s = db->st[ST_RM_SUBTREE];
	bind_subtree(s, path, lo, hi, sizeof(lo));
	/* The cache has no order to find a subtree by: start it afresh. */
	cache_clear(db);
	return step_done(s);
}

int xs_db_count_owned(struct xs_db *db, unsigned int domid, unsigned long *count)
{
	sqlite3_stmt *s = db->st[ST_COUNT_OWNED];
	int rc;

	sqlite3_bind_int64(s, 1, domid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*count = (unsigned long)sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : -EIO;
}

int xs_db_foreach(struct xs_db *db, int (*fn)(const struct xs_node *n, void *arg), void *arg)
{
	sqlite3_stmt *s;
	int rc, ret = 0;

	/* A private statement: fn may call back into the database. */
	if (sqlite3_prepare_v2(db->h, stmt_sql[ST_ALL], -1, &s, NULL) != SQLITE_OK)
		return -EIO;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct xs_node *n;

		ret = row_to_node(s, &n);
		if (ret)
			break;
		ret = fn(n, arg);
		xs_node_free(n);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = -EIO;
	sqlite3_finalize(s);
	return ret;
}

int xs_db_max_gen(struct xs_db *db, uint64_t *gen)
{
	sqlite3_stmt *s = db->st[ST_MAX_GEN];
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		*gen = (uint64_t)sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : -EIO;
}

int xs_db_begin(struct xs_db *db)
{
	return step_done(db->st[ST_BEGIN]);
}

int xs_db_commit(struct xs_db *db)
{
	int ret = step_done(db->st[ST_COMMIT]);

	if (ret)
		xs_db_rollback(db);
	return ret;
}

void xs_db_rollback(struct xs_db *db)
{
	/* Rows written since BEGIN are back as they were; so must their copies be. */
	cache_clear(db);
	if (!sqlite3_get_autocommit(db->h))
		step_done(db->st[ST_ROLLBACK]);
}

int xs_db_check(struct xs_db *db, char *err, size_t errsz)
{
	sqlite3_stmt *s;
	int rc, ret = -EIO;

	if (sqlite3_prepare_v2(db->h, "PRAGMA quick_check", -1, &s, NULL) != SQLITE_OK) {
		snprintf(err, errsz, "%s", sqlite3_errmsg(db->h));
		return -EIO;
	}
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(s, 0);

		if (r && !strcmp(r, "ok"))
			ret = 0;
		else
			snprintf(err, errsz, "integrity check failed: %s", r ? r : "?");
	} else {
		snprintf(err, errsz, "integrity check failed: %s", sqlite3_errmsg(db->h));
	}
	sqlite3_finalize(s);
	return ret;
}

/* Runs one statement, expecting no rows or ignoring them. */
static int exec(struct xs_db *db, const char *sql, char *err, size_t errsz)
{
	char *msg = NULL;

	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	snprintf(err, errsz, "%s", msg ? msg : sqlite3_errmsg(db->h));
	sqlite3_free(msg);
	return -EIO;
}

/* Returns the single text result of sql in out (empty when no row). */
static int query_text(struct xs_db *db, const char *sql, char *out, size_t outsz, char *err,
		      size_t errsz)
{
	sqlite3_stmt *s;
	int rc;

	out[0] = '\0';
	if (sqlite3_prepare_v2(db->h, sql, -1, &s, NULL) != SQLITE_OK) {
		snprintf(err, errsz, "%s", sqlite3_errmsg(db->h));
		return -EIO;
	}
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_text(s, 0))
		snprintf(out, outsz, "%s", (const char *)sqlite3_column_text(s, 0));
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		snprintf(err, errsz, "%s", sqlite3_errmsg(db->h));
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -EIO;
}

static const char schema[] =
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE node ("
    " path TEXT PRIMARY KEY NOT NULL,"
    " parent TEXT,"
    " owner INTEGER NOT NULL,"
    " gen INTEGER NOT NULL,"
    " perms BLOB NOT NULL,"
    " value BLOB NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX node_parent ON node (parent, path);"
    "CREATE INDEX node_owner ON node (owner);"
    "INSERT INTO meta VALUES ('format', '" DB_FORMAT "');"
    /* Xen's initial tree: dom0 owns everything, nobody else may read. */
    "INSERT INTO node VALUES ('/', NULL, 0, 1, CAST('n0' || char(0) AS BLOB), x'');"
    "INSERT INTO node VALUES ('/tool', '/', 0, 1, CAST('n0' || char(0) AS BLOB), x'');"
    "INSERT INTO node VALUES ('/tool/xenstored', '/tool', 0, 1,"
    " CAST('n0' || char(0) AS BLOB), x'');"
    "INSERT INTO node VALUES ('@introduceDomain', NULL, 0, 1,"
    " CAST('n0' || char(0) AS BLOB), x'');"
    "INSERT INTO node VALUES ('@releaseDomain', NULL, 0, 1,"
    " CAST('n0' || char(0) AS BLOB), x'');";

static int open_schema(struct xs_db *db, char *err, size_t errsz)
{
	char buf[128], tables[16];
	int ret;

	ret = query_text(db, "SELECT count(*) FROM sqlite_master", tables, sizeof(tables), err,
			 errsz);
	if (ret)
		return ret;
	if (!strcmp(tables, "0")) {
		ret = exec(db, "BEGIN IMMEDIATE", err, errsz);
		if (!ret)
			ret = exec(db, schema, err, errsz);
		if (!ret)
			ret = exec(db, "COMMIT", err, errsz);
		return ret;
	}
	/* Damage first: a corrupt file must say so, not pass for some other database. */
	ret = xs_db_check(db, err, errsz);
	if (ret)
		return ret;
	ret = query_text(db, "SELECT count(*) FROM sqlite_master WHERE name = 'meta'", buf,
			 sizeof(buf), err, errsz);
	if (ret)
		return ret;
	if (!strcmp(buf, "1"))
		ret = query_text(db, "SELECT value FROM meta WHERE key = 'format'", buf,
				 sizeof(buf), err, errsz);
	else
		buf[0] = '\0';
	if (ret)
		return ret;
	if (strcmp(buf, DB_FORMAT)) {
		snprintf(err, errsz, "not a keel-xenstored database (format: %s)",
			 buf[0] ? buf : "none");
		return -EINVAL;
	}
	ret = query_text(db, "SELECT count(*) FROM node WHERE path = '/'", buf, sizeof(buf), err,
			 errsz);
	if (!ret && strcmp(buf, "1")) {
		snprintf(err, errsz, "no root node: the database is damaged");
		return -EIO;
	}
	return ret;
}

int xs_db_open(const char *file, enum xs_db_sync sync, struct xs_db **out, char *err, size_t errsz)
{
	char msg[512] = "", mode[16];
	struct xs_db *db = calloc(1, sizeof(*db));
	int ret = -EIO;

	if (!db)
		return -ENOMEM;
	xs_map_init(&db->cache);
	if (sqlite3_open_v2(file, &db->h,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		snprintf(msg, sizeof(msg), "%s", db->h ? sqlite3_errmsg(db->h) : "out of memory");
		goto fail;
	}
	/*
	 * One daemon per database: the exclusive lock makes a second one fail here instead of
	 * sharing the file, and keeps the WAL index in private memory.
	 */
	if (exec(db, "PRAGMA locking_mode = EXCLUSIVE", msg, sizeof(msg)) ||
	    query_text(db, "PRAGMA journal_mode = WAL", mode, sizeof(mode), msg, sizeof(msg)))
		goto fail;
	if (strcmp(mode, "wal") && strcmp(mode, "memory")) {
		snprintf(msg, sizeof(msg), "cannot switch to WAL journal (got %s)", mode);
		goto fail;
	}
	if (exec(db,
		 sync == XS_DB_SYNC_FULL ? "PRAGMA synchronous = FULL"
					 : "PRAGMA synchronous = NORMAL",
		 msg, sizeof(msg)))
		goto fail;
	/* Take the lock now, so that a second daemon fails at start, not at its first write. */
	if (exec(db, "BEGIN EXCLUSIVE; COMMIT", msg, sizeof(msg)))
		goto fail;
	ret = open_schema(db, msg, sizeof(msg));
	if (ret)
		goto fail;
	for (int i = 0; i < ST_COUNT; i++) {
		if (sqlite3_prepare_v3(db->h, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &db->st[i], NULL) != SQLITE_OK) {
			snprintf(msg, sizeof(msg), "%s", sqlite3_errmsg(db->h));
			ret = -EIO;
			goto fail;
		}
	}
	*out = db;
	return 0;
fail:
	snprintf(err, errsz, "%s: %s", file, msg);
	xs_db_close(db);
	return ret ? ret : -EIO;
}

void xs_db_close(struct xs_db *db)
{
	if (!db)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(db->st[i]);
	sqlite3_close(db->h);
	xs_map_free(&db->cache, cache_drop);
	xs_node_free(db->lent);
	free(db);
}
