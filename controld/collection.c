// SPDX-License-Identifier: MIT
#include "collection.h"

#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COLLECTION_MIN_CAP 16

int collection_insert(struct collection *c, unsigned at, void *item)
{
	if (c->n == c->cap) {
		unsigned cap = c->cap ? c->cap * 2 : COLLECTION_MIN_CAP;
		void **v = realloc(c->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	memmove(&c->v[at + 1], &c->v[at], (c->n - at) * sizeof(*c->v));
	c->v[at] = item;
	c->n++;
	return 0;
}

void *collection_remove(struct collection *c, unsigned at)
{
	void *item = c->v[at];

	memmove(&c->v[at], &c->v[at + 1], (c->n - at - 1) * sizeof(*c->v));
	c->n--;
	return item;
}

int collection_index(const struct collection *c, const void *item)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->v[i] == item)
			return (int)i;
	return -1;
}

void collection_clear(struct collection *c, void (*free_item)(void *item))
{
	for (unsigned i = 0; free_item && i < c->n; i++)
		free_item(c->v[i]);
	free(c->v);
	c->v = NULL;
	c->n = c->cap = 0;
}

static void record_path(char *out, size_t size, const char *dir, const char *key)
{
	snprintf(out, size, "%s/%s", dir, key);
}

int records_load(struct store *s, const char *dir, bool blob, record_load_fn fn, void *arg)
{
	char **names = NULL, path[256];
	unsigned n = 0;
	int rc = s->ops->list(s, STORE_NO_TXN, dir, &names, &n);

	if (rc == -ENOENT)
		return 0;
	if (rc)
		return rc;
	for (unsigned i = 0; i < n && rc >= 0; i++) {
		char *text = NULL;
		size_t len = 0;
		record_path(path, sizeof(path), dir, names[i]);
		rc = blob ? store_read_blob(s, path, &text, &len)
			  : store_read(s, STORE_NO_TXN, path, &text, &len);
		if (rc == -ENOMEM)
			break;
		if (rc) {
			log_error("store: reading %s: %s; left alone", path, strerror(-rc));
			rc = 0;
			continue;
		}
		rc = fn(arg, names[i], text, len);
		free(text);
	}
	free(names);
	return rc < 0 ? rc : 0;
}

int record_save(struct store *s, const char *dir, const char *key, const char *text, bool blob)
{
	char path[256];
	int rc;

	record_path(path, sizeof(path), dir, key);
	rc = blob ? store_write_blob(s, path, text, strlen(text))
		  : store_write(s, STORE_NO_TXN, path, text, strlen(text));
	if (rc)
		log_error("store: writing %s: %s", path, strerror(-rc));
	return rc;
}

int record_forget(struct store *s, const char *dir, const char *key)
{
	char path[256];

	record_path(path, sizeof(path), dir, key);
	return store_rm(s, STORE_NO_TXN, path);
}
