/* SPDX-License-Identifier: MIT */
/* A string-keyed hash map (chained, power-of-two buckets): watch and transaction indexes. */
#ifndef KEEL_XS_MAP_H
#define KEEL_XS_MAP_H

#include <stddef.h>

struct xs_map_entry {
	struct xs_map_entry *next;
	unsigned int hash;
	void *val;
	char key[]; /* a private copy */
};

struct xs_map {
	struct xs_map_entry **b;
	size_t nb;
	size_t count;
};

void xs_map_init(struct xs_map *m);
/* Frees the map; calls val_free (if any) on every value. */
void xs_map_free(struct xs_map *m, void (*val_free)(void *));
void *xs_map_get(const struct xs_map *m, const char *key);
/* Inserts or replaces; returns 0 or -ENOMEM. */
int xs_map_put(struct xs_map *m, const char *key, void *val);
/* Removes the key; returns its value or NULL. */
void *xs_map_del(struct xs_map *m, const char *key);
/* Calls fn on each entry; fn must not modify the map. */
void xs_map_each(const struct xs_map *m, void (*fn)(const char *key, void *val, void *arg),
		 void *arg);

#endif
