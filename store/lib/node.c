// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_node.h"

struct xs_node *xs_node_new(const char *path, const void *value, size_t vlen,
			    const struct xs_perm *perms, unsigned int nperms, uint64_t gen)
{
	struct xs_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->path = strdup(path);
	n->gen = gen;
	if (!n->path || xs_node_set_value(n, value, vlen) || xs_node_set_perms(n, perms, nperms)) {
		xs_node_free(n);
		return NULL;
	}
	return n;
}

struct xs_node *xs_node_dup(const struct xs_node *n)
{
	return xs_node_new(n->path, n->value, n->vlen, n->perms, n->nperms, n->gen);
}

void xs_node_free(struct xs_node *n)
{
	if (!n)
		return;
	free(n->path);
	free(n->value);
	free(n->perms);
	free(n);
}

int xs_node_set_value(struct xs_node *n, const void *value, size_t vlen)
{
	uint8_t *v = malloc(vlen ? vlen : 1);

	if (!v)
		return -ENOMEM;
	if (vlen)
		memcpy(v, value, vlen);
	free(n->value);
	n->value = v;
	n->vlen = (uint32_t)vlen;
	return 0;
}

int xs_node_set_perms(struct xs_node *n, const struct xs_perm *perms, unsigned int nperms)
{
	struct xs_perm *p = malloc((nperms ? nperms : 1) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	if (nperms)
		memcpy(p, perms, nperms * sizeof(*p));
	free(n->perms);
	n->perms = p;
	n->nperms = nperms;
	return 0;
}

void xs_strvec_init(struct xs_strvec *s)
{
	s->v = NULL;
	s->n = 0;
	s->cap = 0;
}

void xs_strvec_free(struct xs_strvec *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	xs_strvec_init(s);
}

int xs_strvec_push(struct xs_strvec *s, const char *str)
{
	char *c;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		char **v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	c = strdup(str);
	if (!c)
		return -ENOMEM;
	s->v[s->n++] = c;
	return 0;
}

int xs_strvec_remove(struct xs_strvec *s, const char *str)
{
	for (size_t i = 0; i < s->n; i++) {
		if (!strcmp(s->v[i], str)) {
			free(s->v[i]);
			memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
			s->n--;
			return 1;
		}
	}
	return 0;
}

int xs_strvec_contains(const struct xs_strvec *s, const char *str)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], str))
			return 1;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void xs_strvec_sort(struct xs_strvec *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), cmp_str);
}
