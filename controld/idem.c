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

static void entry_free(struct idem_entry *e)
{
	free(e->body);
}

static void entry_forget(struct controld *cd, struct idem_entry *e)
{
	char path[128];

	snprintf(path, sizeof(path), CONTROLD_ROOT "/idempotency/%s", e->key_hash);
	store_rm(cd->store, STORE_NO_TXN, path);
	entry_free(e);
}

static void expire(struct controld *cd)
{
	uint64_t now = now_wall_ms();
	unsigned w = 0;

	for (unsigned r = 0; r < cd->idem.n; r++) {
		if (cd->idem.v[r].expires_wall <= now) {
			entry_forget(cd, &cd->idem.v[r]);
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

static void persist(struct controld *cd, const struct idem_entry *e)
{
	char path[128], *text;
	json_t *o = json_pack("{s:s, s:i, s:s%, s:s, s:s, s:I}", "fingerprint", e->fingerprint,
			      "status", e->status, "body", e->body, e->body_len, "location",
			      e->location, "etag", e->etag, "expires", (json_int_t)e->expires_wall);
	int rc;

	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!text)
		return;
	snprintf(path, sizeof(path), CONTROLD_ROOT "/idempotency/%s", e->key_hash);
	rc = store_write_blob(cd->store, path, text, strlen(text));
	if (rc)
		log_error("store: writing %s: %s", path, strerror(-rc));
	free(text);
}

void idem_put(struct controld *cd, const char *key_hash, const char *fingerprint, int status,
	      const char *body, size_t body_len, const char *location, const char *etag)
{
	struct idem_entry *e;

	if (cd->idem.n == IDEM_MAX_ENTRIES) {
		/* Full: the oldest record goes first. */
		entry_forget(cd, &cd->idem.v[0]);
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
	e->expires_wall = now_wall_ms() + IDEM_TTL_MS;
	cd->idem.n++;
	persist(cd, e);
}

int idem_load(struct controld *cd)
{
	char **names = NULL;
	unsigned n = 0;
	int rc =
	    cd->store->ops->list(cd->store, STORE_NO_TXN, CONTROLD_ROOT "/idempotency", &names, &n);

	if (rc == -ENOENT)
		return 0;
	if (rc)
		return rc;
	for (unsigned i = 0; i < n; i++) {
		char path[128], *val = NULL;
		size_t len;
		json_t *o;
		const char *fp, *body;

		snprintf(path, sizeof(path), CONTROLD_ROOT "/idempotency/%s", names[i]);
		if (strlen(names[i]) != 64 || store_read_blob(cd->store, path, &val, &len))
			continue;
		o = json_loadb(val, len, 0, NULL);
		free(val);
		fp = json_string_value(json_object_get(o, "fingerprint"));
		body = json_string_value(json_object_get(o, "body"));
		if (fp && body &&
		    (uint64_t)json_integer_value(json_object_get(o, "expires")) > now_wall_ms()) {
			idem_put(cd, names[i], fp,
				 (int)json_integer_value(json_object_get(o, "status")), body,
				 json_string_length(json_object_get(o, "body")),
				 rec_str(o, "location"), rec_str(o, "etag"));
			cd->idem.v[cd->idem.n - 1].expires_wall =
			    (uint64_t)json_integer_value(json_object_get(o, "expires"));
		} else {
			store_rm(cd->store, STORE_NO_TXN, path);
		}
		json_decref(o);
	}
	free(names);
	return 0;
}

void idem_free(struct controld *cd)
{
	for (unsigned i = 0; i < cd->idem.n; i++)
		entry_free(&cd->idem.v[i]);
	free(cd->idem.v);
	cd->idem.v = NULL;
	cd->idem.n = cd->idem.cap = 0;
}
