/* SPDX-License-Identifier: MIT */
/*
 * The one collection type behind domains, jobs, tokens and Idempotency-Key records: an
 * ordered array of pointers to items (the owner keeps the order it needs: by name, by
 * creation), and the records that mirror them in the store, one node per item under a
 * directory, named by the item's key.
 */
#ifndef KEEL_CONTROLD_COLLECTION_H
#define KEEL_CONTROLD_COLLECTION_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

struct collection {
	void **v;
	unsigned n, cap;
};

/* Inserts item before position at (at == n appends). 0 or -ENOMEM. */
int collection_insert(struct collection *c, unsigned at, void *item);
static inline int collection_append(struct collection *c, void *item)
{
	return collection_insert(c, c->n, item);
}
/* Removes and returns the item at position at. */
void *collection_remove(struct collection *c, unsigned at);
/* The position of item, or -1. */
int collection_index(const struct collection *c, const void *item);
/* Frees every item with free_item (when given) and the array. */
void collection_clear(struct collection *c, void (*free_item)(void *item));

/*
 * Store records. blob: larger than one message, chunked (store_write_blob); otherwise one
 * node. records_load calls fn for each record under dir (a missing dir has none); fn's
 * negative return stops the load, records it cannot use it logs and skips (returns 0).
 */
typedef int (*record_load_fn)(void *arg, const char *key, const char *text, size_t len);
int records_load(struct store *s, const char *dir, bool blob, record_load_fn fn, void *arg);
int record_save(struct store *s, const char *dir, const char *key, const char *text, bool blob);
int record_forget(struct store *s, const char *dir, const char *key);

#endif
