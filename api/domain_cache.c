// SPDX-License-Identifier: MIT
/*
 * Rendered domains, kept until the domain changes: list pages are hot (controld/README.md,
 * "Pages are cheap"). Direct-mapped on the domain's address; a slot is valid while its
 * revision is the domain's (revisions are never reused, so a freed and reallocated domain
 * cannot match). A collision only costs a render.
 */
#include "out.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS 4096 /* a power of two */

struct cached_domain {
	const struct domain *d;
	uint64_t revision;
	char *text;
	size_t len;
};

static struct cached_domain cache[CACHE_SLOTS];

static struct cached_domain *slot_of(const struct domain *d)
{
	/* Fibonacci hashing: domains are large allocations, their low address bits alike. */
	uint64_t h = (uint64_t)(uintptr_t)d * 0x9e3779b97f4a7c15ull;

	return &cache[h >> (64 - 12)];
}

const char *domain_out_text(const struct domain *d, size_t *len)
{
	struct cached_domain *c = slot_of(d);
	json_t *o;
	char *text;

	if (c->text && c->d == d && c->revision == d->revision) {
		*len = c->len;
		return c->text;
	}
	o = domain_out(d);
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!text)
		return NULL;
	free(c->text);
	*c = (struct cached_domain){.d = d, .revision = d->revision, .text = text};
	c->len = strlen(text);
	*len = c->len;
	return text;
}

void domain_cache_clear(void)
{
	for (unsigned i = 0; i < CACHE_SLOTS; i++) {
		free(cache[i].text);
		cache[i] = (struct cached_domain){0};
	}
}
