// SPDX-License-Identifier: MIT
/* The SQLite layer: persistence, and clear errors for files that are not a good store. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "xs_harness.h"

static char dir[] = "/tmp/xs-db-test-XXXXXX";
static char file[256];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(file, sizeof(file), "%s/store.db", dir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void reset(void)
{
	char p[300];

	unlink(file);
	snprintf(p, sizeof(p), "%s-wal", file);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", file);
	unlink(p);
}

static void persists_across_reopen(void **state)
{
	struct h_env e;
	struct h_client *c;
	char path[32];
	const struct h_msg *m;
	int err;

	(void)state;
	reset();
	h_env_init(&e, file);
	c = h_client_new(&e, 0, true);
	for (int i = 0; i < 100; i++) {
		snprintf(path, sizeof(path), "/p/n%d", i);
		assert_int_equal(h_write(c, 0, path, path), 0);
	}
	assert_int_equal(h_setperms(c, 0, "/p/n7", "r3", "b4", NULL), 0);
	h_client_free(c);
	h_env_fini(&e);

	h_env_init(&e, file);
	c = h_client_new(&e, 0, true);
	for (int i = 0; i < 100; i++) {
		snprintf(path, sizeof(path), "/p/n%d", i);
		assert_string_equal(h_read(c, 0, path, &err), path);
	}
	m = h_call(c, XS_GET_PERMS, 0, "/p/n7", NULL);
	assert_memory_equal(m->payload, "r3\0b4\0", 6);
	/* Generations go on from where they were: DIRECTORY_PART stays meaningful. */
	assert_in_range(e.srv.st.gen, 100, UINTMAX_MAX);
	h_client_free(c);
	h_env_fini(&e);
}

/* The node at path, as a copy (xs_db_get) and in place (xs_db_peek, the read path's). */
static void get_value(struct xs_db *db, const char *path, const char *want, uint64_t gen)
{
	struct xs_node *n = NULL;
	const struct xs_node *p = NULL;

	assert_int_equal(xs_db_get(db, path, &n), 0);
	assert_int_equal(n->vlen, strlen(want));
	assert_memory_equal(n->value, want, n->vlen);
	assert_int_equal(n->gen, gen);
	xs_node_free(n);
	assert_int_equal(xs_db_peek(db, path, &p), 0);
	assert_string_equal(p->path, path);
	assert_int_equal(p->vlen, strlen(want));
	assert_memory_equal(p->value, want, p->vlen);
	assert_int_equal(p->gen, gen);
}

/* The node cache in front of SQLite stays what the database says (issue 16, item 7). */
static void cache_follows_the_database(void **state)
{
	struct xs_perm perm = {.domid = 0, .flags = XS_PERM_NONE};
	struct xs_node *root, *a, *n = NULL;
	struct xs_db *db;
	char err[256];

	(void)state;
	reset();
	assert_int_equal(xs_db_open(file, XS_DB_SYNC_NORMAL, &db, err, sizeof(err)), 0);
	root = xs_node_new("/c", "", 0, &perm, 1, 1);
	a = xs_node_new("/c/a", "one", 3, &perm, 1, 2);
	assert_int_equal(xs_db_put(db, root), 0);
	assert_int_equal(xs_db_put(db, a), 0);
	get_value(db, "/c/a", "one", 2);
	get_value(db, "/c/a", "one", 2); /* now from the cache */

	/* A rolled-back write is forgotten. */
	assert_int_equal(xs_db_begin(db), 0);
	assert_int_equal(xs_node_set_value(a, "two", 3), 0);
	assert_int_equal(xs_db_put(db, a), 0);
	get_value(db, "/c/a", "two", 2);
	xs_db_rollback(db);
	get_value(db, "/c/a", "one", 2);

	/* A committed one is seen; so is a new generation. */
	assert_int_equal(xs_db_begin(db), 0);
	assert_int_equal(xs_db_put(db, a), 0);
	assert_int_equal(xs_db_commit(db), 0);
	get_value(db, "/c/a", "two", 2);
	assert_int_equal(xs_db_touch(db, "/c/a", 9), 0);
	get_value(db, "/c/a", "two", 9);

	/* A removed subtree is gone, cached or not. */
	assert_int_equal(xs_db_rm_subtree(db, "/c", NULL, NULL), 0);
	assert_int_equal(xs_db_get(db, "/c/a", &n), -ENOENT);
	{
		const struct xs_node *p;

		assert_int_equal(xs_db_peek(db, "/c/a", &p), -ENOENT);
	}
	assert_int_equal(xs_db_exists(db, "/c"), -ENOENT);

	/* More nodes than the cache holds: every one still reads back right. */
	assert_int_equal(xs_db_put(db, root), 0);
	for (int i = 0; i < 20000; i++) {
		char path[32], val[16];
		struct xs_node *x;

		snprintf(path, sizeof(path), "/c/n%d", i);
		snprintf(val, sizeof(val), "v%d", i);
		x = xs_node_new(path, val, strlen(val), &perm, 1, 3);
		assert_int_equal(xs_db_put(db, x), 0);
		xs_node_free(x);
	}
	for (int i = 0; i < 20000; i += 997) {
		char path[32], val[16];

		snprintf(path, sizeof(path), "/c/n%d", i);
		snprintf(val, sizeof(val), "v%d", i);
		get_value(db, path, val, 3);
	}
	xs_node_free(root);
	xs_node_free(a);
	xs_db_close(db);
}

static int open_err(char *err, size_t errsz)
{
	struct xs_db *db;
	int ret = xs_db_open(file, XS_DB_SYNC_NORMAL, &db, err, errsz);

	if (!ret)
		xs_db_close(db);
	return ret;
}

static void write_file(const char *content, size_t len)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	close(fd);
}

static void rejects_non_sqlite_file(void **state)
{
	char err[512], junk[8192];

	(void)state;
	reset();
	memset(junk, 'x', sizeof(junk));
	write_file(junk, sizeof(junk));
	assert_int_not_equal(open_err(err, sizeof(err)), 0);
	assert_non_null(strstr(err, "not a database"));
	/* The file is left alone: nothing is lost. */
	{
		struct stat sb;

		assert_int_equal(stat(file, &sb), 0);
		assert_int_equal(sb.st_size, sizeof(junk));
	}
}

static void rejects_other_sqlite_database(void **state)
{
	char err[512];
	sqlite3 *h;

	(void)state;
	reset();
	assert_int_equal(sqlite3_open(file, &h), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(h, "CREATE TABLE t (x); INSERT INTO t VALUES (1);", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(open_err(err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a keel-xenstored database"));
}

static void rejects_corrupt_pages(void **state)
{
	char err[512], buf[4096];
	struct h_env e;
	struct h_client *c;
	char path[64], value[512];
	int fd;
	off_t size;

	(void)state;
	reset();
	h_env_init(&e, file);
	c = h_client_new(&e, 0, true);
	memset(value, 'q', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	for (int i = 0; i < 200; i++) {
		snprintf(path, sizeof(path), "/c/n%d", i);
		assert_int_equal(h_write(c, 0, path, value), 0);
	}
	h_client_free(c);
	h_env_fini(&e); /* checkpoints: everything is in the main file */
	/* Scribble over pages in the middle of the file (not the header). */
	fd = open(file, O_RDWR);
	assert_true(fd >= 0);
	size = lseek(fd, 0, SEEK_END);
	assert_true(size > 8 * 4096);
	memset(buf, 0xa5, sizeof(buf));
	for (off_t off = 4096; off < size; off += 3 * 4096)
		assert_int_equal(pwrite(fd, buf, sizeof(buf), off), (ssize_t)sizeof(buf));
	close(fd);
	assert_int_not_equal(open_err(err, sizeof(err)), 0);
	print_message("corrupt database: %s\n", err);
	assert_true(strstr(err, "malformed") || strstr(err, "integrity") ||
		    strstr(err, "not a database") || strstr(err, "corrupt"));
}

static void rejects_unreadable_and_locked(void **state)
{
	char err[512];
	struct xs_db *db;

	(void)state;
	reset();
	/* A second daemon on the same file fails instead of sharing it. */
	assert_int_equal(xs_db_open(file, XS_DB_SYNC_NORMAL, &db, err, sizeof(err)), 0);
	assert_int_not_equal(open_err(err, sizeof(err)), 0);
	assert_non_null(strstr(err, "locked"));
	xs_db_close(db);
	/* A directory where the file should be. */
	snprintf(file, sizeof(file), "%s", dir);
	assert_int_not_equal(open_err(err, sizeof(err)), 0);
	snprintf(file, sizeof(file), "%s/store.db", dir);
	/* A path in a directory that does not exist. */
	snprintf(file, sizeof(file), "%s/no/such/dir.db", dir);
	assert_int_not_equal(open_err(err, sizeof(err)), 0);
	assert_non_null(strstr(err, "unable to open"));
	snprintf(file, sizeof(file), "%s/store.db", dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(persists_across_reopen),
	    cmocka_unit_test(cache_follows_the_database),
	    cmocka_unit_test(rejects_non_sqlite_file),
	    cmocka_unit_test(rejects_other_sqlite_database),
	    cmocka_unit_test(rejects_corrupt_pages),
	    cmocka_unit_test(rejects_unreadable_and_locked),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
