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

	for (unsigned i = 0; i < cd->tokens.n; i++)
		if ((rc = fn(arg, &cd->tokens.v[i])))
			return rc;
	return 0;
}

json_t *token_to_json(const struct token *t)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "id", t->id, "name", t->name, "scope",
			 scope_name(t->scope), "created_at", t->created_at);
}

static int persist(struct controld *cd, const struct token *t)
{
	char path[96];
	json_t *o = token_to_json(t);
	char *s;
	int rc;

	json_object_set_new(o, "hash", json_string(t->hash));
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!s)
		return -ENOMEM;
	snprintf(path, sizeof(path), CONTROLD_ROOT "/tokens/%s", t->id);
	rc = store_write(cd->store, STORE_NO_TXN, path, s, strlen(s));
	free(s);
	return rc;
}

static struct token *find(struct controld *cd, const char *id)
{
	for (unsigned i = 0; i < cd->tokens.n; i++)
		if (!strcmp(cd->tokens.v[i].id, id))
			return &cd->tokens.v[i];
	return NULL;
}

static struct token *append(struct controld *cd)
{
	if (cd->tokens.n == cd->tokens.cap) {
		unsigned cap = cd->tokens.cap ? cd->tokens.cap * 2 : 16;
		struct token *v = realloc(cd->tokens.v, cap * sizeof(*v));
		if (!v)
			return NULL;
		cd->tokens.v = v;
		cd->tokens.cap = cap;
	}
	memset(&cd->tokens.v[cd->tokens.n], 0, sizeof(struct token));
	return &cd->tokens.v[cd->tokens.n++];
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
		cd->tokens.n--;
		return rc;
	}
	snprintf(secret_out, 128, "keel_%s_%s", t->id, sechex);
	*out = t;
	return 0;
}

int token_delete(struct controld *cd, const char *id)
{
	struct token *t = find(cd, id);
	char path[96];
	int rc;

	if (!t)
		return -ENOENT;
	snprintf(path, sizeof(path), CONTROLD_ROOT "/tokens/%s", id);
	rc = store_rm(cd->store, STORE_NO_TXN, path);
	if (rc)
		return rc;
	*t = cd->tokens.v[--cd->tokens.n];
	return 0;
}

enum scope token_check(struct controld *cd, const char *presented, const struct token **who)
{
	char id[17], secret[65], h[65];
	const struct token *t;
	unsigned diff = 0;

	if (token_parse(presented, id, secret))
		return SCOPE_NONE;
	t = find(cd, id);
	if (!t)
		return SCOPE_NONE;
	sha256_hex(secret, 64, h);
	/* Constant time, so timing does not reveal how much of a guess matched. */
	for (int i = 0; i < 64; i++)
		diff |= (unsigned)(h[i] ^ t->hash[i]);
	if (diff)
		return SCOPE_NONE;
	*who = t;
	return t->scope;
}

int tokens_load(struct controld *cd)
{
	char **names = NULL;
	unsigned n = 0;
	int rc = cd->store->ops->list(cd->store, STORE_NO_TXN, CONTROLD_ROOT "/tokens", &names, &n);

	if (rc == -ENOENT)
		return 0;
	if (rc)
		return rc;
	for (unsigned i = 0; i < n; i++) {
		char path[96], *val = NULL;
		size_t len;
		json_t *o;
		struct token *t;
		const char *scope, *hash;

		snprintf(path, sizeof(path), CONTROLD_ROOT "/tokens/%s", names[i]);
		if (strlen(names[i]) != 16 || store_read(cd->store, STORE_NO_TXN, path, &val, &len))
			continue;
		o = json_loadb(val, len, 0, NULL);
		free(val);
		scope = json_string_value(json_object_get(o, "scope"));
		hash = json_string_value(json_object_get(o, "hash"));
		if (!scope || !hash || strlen(hash) != 64 || !(t = append(cd))) {
			log_error("store: %s is not a token record; ignored", path);
			json_decref(o);
			continue;
		}
		str_copy(t->id, names[i], sizeof(t->id));
		str_copy(t->name, rec_str(o, "name"), sizeof(t->name));
		str_copy(t->hash, hash, sizeof(t->hash));
		str_copy(t->created_at, rec_str(o, "created_at"), sizeof(t->created_at));
		t->scope = scope_parse(scope);
		json_decref(o);
	}
	free(names);
	return 0;
}
