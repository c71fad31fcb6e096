// SPDX-License-Identifier: MIT
/*
 * Bearer tokens: "keel_<16 hex id>_<64 hex secret>". Only the SHA-256 of the secret is
 * stored (/keel/controld/tokens/<id>); the secret is shown once, when the token is made.
 */
#include "log.h"
#include "model_internal.h"
#include "token_text.h"
#include "util.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const scope_names[] = {"none", "read", "operate", "admin"};

const char *scope_name(enum scope s)
{
	return scope_names[s];
}

void sha256_hex(const void *data, size_t len, char out[65])
{
	uint8_t d[32];

	gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, d);
	hex_encode(d, sizeof(d), out);
}

enum scope scope_parse(const char *s)
{
	for (unsigned i = SCOPE_READ; i <= SCOPE_ADMIN; i++)
		if (!strcmp(s, scope_names[i]))
			return (enum scope)i;
	return SCOPE_NONE;
}

int tokens_each(struct controld *cd, token_visit_fn fn, void *arg)
{
	int rc;

	for (unsigned i = 0; i < cd->tokens.items.n; i++)
		if ((rc = fn(arg, token_at(cd, i))))
			return rc;
	return 0;
}

#define TOKENS_DIR CONTROLD_ROOT "/tokens"

/* Token records are small: one node each, read back by load_token. */
static int persist(struct controld *cd, const struct token *t)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", t->id, "name", t->name, "scope",
			      scope_name(t->scope), "created_at", t->created_at, "hash", t->hash);
	char *text;
	int rc;

	if (!o)
		return -ENOMEM;
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!text)
		return -ENOMEM;
	rc = record_save(cd->store, TOKENS_DIR, t->id, text, false);
	free(text);
	return rc;
}

static int find(struct controld *cd, const char *id)
{
	for (unsigned i = 0; i < cd->tokens.items.n; i++)
		if (!strcmp(token_at(cd, i)->id, id))
			return (int)i;
	return -1;
}

static struct token *append(struct controld *cd)
{
	struct token *t = calloc(1, sizeof(*t));

	if (t && collection_append(&cd->tokens.items, t)) {
		free(t);
		return NULL;
	}
	return t;
}

int token_create(struct controld *cd, const char *name, enum scope scope, struct token **out,
		 char secret_out[128])
{
	uint8_t idb[8], sec[32];
	char sechex[65];
	struct token *t;
	int rc;

	rc = random_bytes(idb, sizeof(idb));
	rc = rc ?: random_bytes(sec, sizeof(sec));
	if (rc)
		return rc;
	t = append(cd);
	if (!t)
		return -ENOMEM;
	hex_encode(idb, sizeof(idb), t->id);
	hex_encode(sec, sizeof(sec), sechex);
	str_copy(t->name, name, sizeof(t->name));
	t->scope = scope;
	sha256_hex(sechex, 64, t->hash);
	format_time(now_wall_ms(), t->created_at);
	rc = persist(cd, t);
	if (rc) {
		free(collection_remove(&cd->tokens.items, cd->tokens.items.n - 1));
		return rc;
	}
	snprintf(secret_out, 128, "keel_%s_%s", t->id, sechex);
	*out = t;
	return 0;
}

int token_delete(struct controld *cd, const char *id)
{
	int i = find(cd, id);
	int rc;

	if (i < 0)
		return -ENOENT;
	rc = record_forget(cd->store, TOKENS_DIR, id);
	if (rc)
		return rc;
	free(collection_remove(&cd->tokens.items, (unsigned)i));
	return 0;
}

enum scope token_check(struct controld *cd, const char *presented, const struct token **who)
{
	char id[17], secret[65], h[65];
	const struct token *t;
	unsigned diff = 0;
	int i;

	if (token_parse(presented, id, secret))
		return SCOPE_NONE;
	i = find(cd, id);
	if (i < 0)
		return SCOPE_NONE;
	t = token_at(cd, (unsigned)i);
	sha256_hex(secret, 64, h);
	/* Constant time, so timing does not reveal how much of a guess matched. */
	for (int i = 0; i < 64; i++)
		diff |= (unsigned)(h[i] ^ t->hash[i]);
	if (diff)
		return SCOPE_NONE;
	*who = t;
	return t->scope;
}

static int load_token(void *arg, const char *id, const char *text, size_t len)
{
	struct controld *cd = arg;
	json_t *o = json_loadb(text, len, 0, NULL);
	const char *scope = json_string_value(json_object_get(o, "scope"));
	const char *hash = json_string_value(json_object_get(o, "hash"));
	struct token *t;

	if (strlen(id) != TOKEN_ID_HEX || !scope || !hash || strlen(hash) != 64) {
		log_error("store: " TOKENS_DIR "/%s is not a token record; ignored", id);
		json_decref(o);
		return 0;
	}
	t = append(cd);
	if (!t) {
		json_decref(o);
		return -ENOMEM;
	}
	str_copy(t->id, id, sizeof(t->id));
	str_copy(t->name, rec_str(o, "name"), sizeof(t->name));
	str_copy(t->hash, hash, sizeof(t->hash));
	str_copy(t->created_at, rec_str(o, "created_at"), sizeof(t->created_at));
	t->scope = scope_parse(scope);
	json_decref(o);
	return 0;
}

int tokens_load(struct controld *cd)
{
	return records_load(cd->store, TOKENS_DIR, false, load_token, cd);
}

void tokens_free(struct controld *cd)
{
	collection_clear(&cd->tokens.items, free);
}
