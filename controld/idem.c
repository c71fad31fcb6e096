// SPDX-License-Identifier: MIT
/*
 * Idempotency-Key records: the first response to a POST with a given key is kept for 24 h
 * and replayed for a retry with the same key and the same request; a different request
 * under the same key is refused (422). Held in memory, bounded in count, and written
 * through to /keel/controld/idempotency/<key hash> so a restart keeps the promise.
 */
#include "log.h"
#include "model_internal.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IDEM_TTL_MS	 (24ull * 3600 * 1000)
#define IDEM_MAX_ENTRIES 10000

#define IDEM_DIR CONTROLD_ROOT "/idempotency"

/* A collection's free_item. */
static void entry_free(void *item)
{
	struct idem_entry *e = item;

	free(e->body);
	free(e);
}

static void entry_forget(struct controld *cd, unsigned i)
{
	struct idem_entry *e = collection_remove(&cd->idem.items, i);

	record_forget(cd->store, IDEM_DIR, e->key_hash);
	entry_free(e);
}

static void expire(struct controld *cd)
{
	uint64_t now = now_wall_ms();

	for (unsigned i = 0; i < cd->idem.items.n;)
		if (idem_at(cd, i)->expires_wall <= now)
			entry_forget(cd, i);
		else
			i++;
}

struct idem_entry *idem_find(struct controld *cd, const char *key_hash)
{
	expire(cd);
	for (unsigned i = 0; i < cd->idem.items.n; i++)
		if (!strcmp(idem_at(cd, i)->key_hash, key_hash))
			return idem_at(cd, i);
	return NULL;
}

static void persist(struct controld *cd, const struct idem_entry *e)
{
	json_t *o = json_pack("{s:s, s:i, s:s%, s:s, s:s, s:I}", "fingerprint", e->fingerprint,
			      "status", e->status, "body", e->body, e->body_len, "location",
			      e->location, "etag", e->etag, "expires", (json_int_t)e->expires_wall);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	if (text)
		record_save(cd->store, IDEM_DIR, e->key_hash, text, true);
	free(text);
}

/* A new record at the end (the newest), making room by forgetting the oldest when full. */
static struct idem_entry *entry_add(struct controld *cd, const char *key_hash,
				    const char *fingerprint, int status, const char *body,
				    size_t body_len, const char *location, const char *etag,
				    uint64_t expires_wall)
{
	struct idem_entry *e = calloc(1, sizeof(*e));

	if (!e || !(e->body = malloc(body_len + 1))) {
		free(e);
		return NULL;
	}
	memcpy(e->body, body, body_len);
	e->body[body_len] = '\0';
	e->body_len = body_len;
	str_copy(e->key_hash, key_hash, sizeof(e->key_hash));
	str_copy(e->fingerprint, fingerprint, sizeof(e->fingerprint));
	str_copy(e->location, location ? location : "", sizeof(e->location));
	str_copy(e->etag, etag ? etag : "", sizeof(e->etag));
	e->status = status;
	e->expires_wall = expires_wall;
	if (cd->idem.items.n == IDEM_MAX_ENTRIES)
		entry_forget(cd, 0);
	if (collection_append(&cd->idem.items, e)) {
		entry_free(e);
		return NULL;
	}
	return e;
}

void idem_put(struct controld *cd, const char *key_hash, const char *fingerprint, int status,
	      const char *body, size_t body_len, const char *location, const char *etag)
{
	struct idem_entry *e = entry_add(cd, key_hash, fingerprint, status, body, body_len,
					 location, etag, now_wall_ms() + IDEM_TTL_MS);

	if (e)
		persist(cd, e);
}

static int load_entry(void *arg, const char *key_hash, const char *text, size_t len)
{
	struct controld *cd = arg;
	json_t *o = json_loadb(text, len, 0, NULL);
	const char *fp = json_string_value(json_object_get(o, "fingerprint"));
	const json_t *body = json_object_get(o, "body");
	uint64_t expires = (uint64_t)json_integer_value(json_object_get(o, "expires"));
	int rc = 0;

	if (strlen(key_hash) == 64 && fp && json_is_string(body) && expires > now_wall_ms()) {
		if (!entry_add(cd, key_hash, fp,
			       (int)json_integer_value(json_object_get(o, "status")),
			       json_string_value(body), json_string_length(body),
			       rec_str(o, "location"), rec_str(o, "etag"), expires))
			rc = -ENOMEM;
	} else {
		/* Expired or unusable: its promise is over. */
		record_forget(cd->store, IDEM_DIR, key_hash);
	}
	json_decref(o);
	return rc;
}

int idem_load(struct controld *cd)
{
	return records_load(cd->store, IDEM_DIR, true, load_entry, cd);
}

void idem_free(struct controld *cd)
{
	collection_clear(&cd->idem.items, entry_free);
}
