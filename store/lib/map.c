// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_map.h"

static unsigned int hash_str(const char *s)
{
	unsigned int h = 2166136261u; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

void xs_map_init(struct xs_map *m)
{
	m->b = NULL;
	m->nb = 0;
	m->count = 0;
}

void xs_map_free(struct xs_map *m, void (*val_free)(void *))
{
	for (size_t i = 0; i < m->nb; i++) {
		struct xs_map_entry *e = m->b[i], *n;

		for (; e; e = n) {
			n = e->next;
			if (val_free)
				val_free(e->val);
			free(e);
		}
	}
	free(m->b);
	xs_map_init(m);
}

static struct xs_map_entry **find(const struct xs_map *m, const char *key, unsigned int h)
{
	struct xs_map_entry **pp;

	if (!m->nb)
		return NULL;
	for (pp = &m->b[h & (m->nb - 1)]; *pp; pp = &(*pp)->next)
		if ((*pp)->hash == h && !strcmp((*pp)->key, key))
			return pp;
	return NULL;
}

void *xs_map_get(const struct xs_map *m, const char *key)
{
	struct xs_map_entry **pp = find(m, key, hash_str(key));

	return pp ? (*pp)->val : NULL;
}

static int grow(struct xs_map *m)
{
	size_t nb = m->nb ? m->nb * 2 : 16;
	struct xs_map_entry **b = calloc(nb, sizeof(*b));

	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < m->nb; i++) {
		struct xs_map_entry *e = m->b[i], *n;

		for (; e; e = n) {
			n = e->next;
			e->next = b[e->hash & (nb - 1)];
			b[e->hash & (nb - 1)] = e;
		}
	}
	free(m->b);
	m->b = b;
	m->nb = nb;
	return 0;
}

int xs_map_put(struct xs_map *m, const char *key, void *val)
{
	unsigned int h = hash_str(key);
	struct xs_map_entry **pp = find(m, key, h), *e;
	size_t klen;

	if (pp) {
		(*pp)->val = val;
		return 0;
	}
	if (m->count + 1 > m->nb && grow(m))
		return -ENOMEM;
	klen = strlen(key) + 1;
	e = malloc(sizeof(*e) + klen);
	if (!e)
		return -ENOMEM;
	memcpy(e->key, key, klen);
	e->hash = h;
	e->val = val;
	e->next = m->b[h & (m->nb - 1)];
	m->b[h & (m->nb - 1)] = e;
	m->count++;
	return 0;
}

void *xs_map_del(struct xs_map *m, const char *key)
{
	struct xs_map_entry **pp = find(m, key, hash_str(key)), *e;
	void *val;

	if (!pp)
		return NULL;
	e = *pp;
	*pp = e->next;
	val = e->val;
	free(e);
	m->count--;
	return val;
}

void xs_map_each(const struct xs_map *m, void (*fn)(const char *key, void *val, void *arg),
		 void *arg)
{
	for (size_t i = 0; i < m->nb; i++)
		for (struct xs_map_entry *e = m->b[i]; e; e = e->next)
			fn(e->key, e->val, arg);
}
