// SPDX-License-Identifier: MIT
/*
 * Idempotency-Key records: the first response to a POST with a given key is kept for 24 h
 * and replayed for a retry with the same key and the same request; a different request
 * under the same key is refused (422). Held in memory, bounded in count.
 */
#include "model.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define IDEM_TTL_MS	 (24ull * 3600 * 1000)
#define IDEM_MAX_ENTRIES 10000

static void entry_free(struct idem_entry *e)
{
	free(e->body);
}

static void expire(struct controld *cd)
{
	uint64_t now = now_mono_ms();
	unsigned w = 0;

	for (unsigned r = 0; r < cd->idem.n; r++) {
		if (cd->idem.v[r].expires_mono <= now) {
			entry_free(&cd->idem.v[r]);
			continue;
		}
		cd->idem.v[w++] = cd->idem.v[r];
	}
	cd->idem.n = w;
}

struct idem_entry *idem_find(struct controld *cd, const char *key_hash)
{
	expire(cd);
	for (unsigned i = 0; i < cd->idem.n; i++)
		if (!strcmp(cd->idem.v[i].key_hash, key_hash))
			return &cd->idem.v[i];
	return NULL;
}

void idem_put(struct controld *cd, const char *key_hash, const char *fingerprint, int status,
	      const char *body, size_t body_len, const char *location, const char *etag)
{
	struct idem_entry *e;

	if (cd->idem.n == IDEM_MAX_ENTRIES) {
		/* Full: the oldest record goes first. */
		entry_free(&cd->idem.v[0]);
		memmove(&cd->idem.v[0], &cd->idem.v[1], (cd->idem.n - 1) * sizeof(*e));
		cd->idem.n--;
	}
	if (cd->idem.n == cd->idem.cap) {
		unsigned cap = cd->idem.cap ? cd->idem.cap * 2 : 64;
		struct idem_entry *v = realloc(cd->idem.v, cap * sizeof(*v));
		if (!v)
			return;
		cd->idem.v = v;
		cd->idem.cap = cap;
	}
	e = &cd->idem.v[cd->idem.n];
	memset(e, 0, sizeof(*e));
	e->body = malloc(body_len + 1);
	if (!e->body)
		return;
	memcpy(e->body, body, body_len);
	e->body[body_len] = '\0';
	e->body_len = body_len;
	str_copy(e->key_hash, key_hash, sizeof(e->key_hash));
	str_copy(e->fingerprint, fingerprint, sizeof(e->fingerprint));
	str_copy(e->location, location ? location : "", sizeof(e->location));
	str_copy(e->etag, etag ? etag : "", sizeof(e->etag));
	e->status = status;
	e->expires_mono = now_mono_ms() + IDEM_TTL_MS;
	cd->idem.n++;
}

void idem_free(struct controld *cd)
{
	for (unsigned i = 0; i < cd->idem.n; i++)
		entry_free(&cd->idem.v[i]);
	free(cd->idem.v);
	cd->idem.v = NULL;
	cd->idem.n = cd->idem.cap = 0;
}
