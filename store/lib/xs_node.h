/* SPDX-License-Identifier: MIT */
/* A node of the tree as handed between layers, and a vector of strings. */
#ifndef KEEL_XS_NODE_H
#define KEEL_XS_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "xs_perms.h"

struct xs_node {
	char *path;
	uint8_t *value;
	uint32_t vlen;
	struct xs_perm *perms;
	unsigned int nperms;
	uint64_t gen; /* generation of the last change of the node or its child list */
};

/* Allocates a node with copies of everything; NULL on ENOMEM. */
struct xs_node *xs_node_new(const char *path, const void *value, size_t vlen,
			    const struct xs_perm *perms, unsigned int nperms, uint64_t gen);
struct xs_node *xs_node_dup(const struct xs_node *n);
void xs_node_free(struct xs_node *n);
/* Replaces the value; 0 or -ENOMEM. */
int xs_node_set_value(struct xs_node *n, const void *value, size_t vlen);
int xs_node_set_perms(struct xs_node *n, const struct xs_perm *perms, unsigned int nperms);
static inline unsigned int xs_node_owner(const struct xs_node *n)
{
	return n->perms[0].domid;
}

struct xs_strvec {
	char **v;
	size_t n, cap;
};

void xs_strvec_init(struct xs_strvec *s);
void xs_strvec_free(struct xs_strvec *s);
int xs_strvec_push(struct xs_strvec *s, const char *str);
/* Removes the string equal to str, if present; returns 1 if removed. */
int xs_strvec_remove(struct xs_strvec *s, const char *str);
int xs_strvec_contains(const struct xs_strvec *s, const char *str);
void xs_strvec_sort(struct xs_strvec *s);

#endif
