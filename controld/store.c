// SPDX-License-Identifier: MIT
#include "store.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

int store_write_str(struct store *s, uint32_t t, const char *path, const char *fmt, ...)
{
	char *v = NULL;
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vasprintf(&v, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -12; /* -ENOMEM */
	rc = store_write(s, t, path, v, (size_t)n);
	free(v);
	return rc;
}

static int blob_write_once(struct store *s, uint32_t t, const char *path, const char *data,
			   size_t len)
{
	unsigned n = (unsigned)((len + STORE_BLOB_CHUNK - 1) / STORE_BLOB_CHUNK), old = 0;
	char p[512], *v = NULL;
	int rc = 0;

	if (!n)
		n = 1;
	if (!store_read(s, t, path, &v, NULL))
		old = (unsigned)strtoul(v, NULL, 10);
	free(v);
	for (unsigned i = 0; i < n && !rc; i++) {
		size_t off = (size_t)i * STORE_BLOB_CHUNK;
		size_t l = len - off < STORE_BLOB_CHUNK ? len - off : STORE_BLOB_CHUNK;
		snprintf(p, sizeof(p), "%s/%u", path, i);
		rc = store_write(s, t, p, data + off, l);
	}
	for (unsigned i = n; i < old && !rc; i++) {
		snprintf(p, sizeof(p), "%s/%u", path, i);
		rc = store_rm(s, t, p);
	}
	return rc ?: store_write_str(s, t, path, "%u", n);
}

int store_txn_run(struct store *s, store_txn_fn fn, void *arg)
{
	int rc = -EAGAIN;

	for (int tries = 0; tries < STORE_TXN_TRIES && rc == -EAGAIN; tries++) {
		uint32_t t;
		rc = s->ops->txn_start(s, &t);
		if (rc)
			return rc;
		rc = fn(s, t, arg);
		rc = s->ops->txn_end(s, t, rc != 0) ?: rc;
	}
	return rc;
}

struct blob {
	const char *path, *data;
	size_t len;
};

static int blob_write_txn(struct store *s, uint32_t t, void *arg)
{
	const struct blob *b = arg;

	return blob_write_once(s, t, b->path, b->data, b->len);
}

int store_write_blob(struct store *s, const char *path, const char *data, size_t len)
{
	struct blob b = {path, data, len};

	return store_txn_run(s, blob_write_txn, &b);
}

static int blob_read_once(struct store *s, uint32_t t, const char *path, char **data, size_t *len)
{
	char p[512], *v = NULL, *out = NULL, *end;
	size_t total = 0;
	unsigned long n;
	int rc = store_read(s, t, path, &v, NULL);

	if (rc)
		return rc;
	n = strtoul(v, &end, 10);
	rc = *v && !*end && n <= 1024 ? 0 : -EINVAL;
	free(v);
	for (unsigned i = 0; i < n && !rc; i++) {
		size_t l = 0;
		char *chunk = NULL, *grown;
		snprintf(p, sizeof(p), "%s/%u", path, i);
		rc = store_read(s, t, p, &chunk, &l);
		if (rc)
			break;
		grown = realloc(out, total + l + 1);
		if (!grown) {
			free(chunk);
			rc = -ENOMEM;
			break;
		}
		out = grown;
		memcpy(out + total, chunk, l);
		total += l;
		out[total] = '\0';
		free(chunk);
	}
	if (rc) {
		free(out);
		return rc;
	}
	*data = out ? out : strdup("");
	*len = total;
	return *data ? 0 : -ENOMEM;
}

int store_read_blob(struct store *s, const char *path, char **data, size_t *len)
{
	int rc = -EAGAIN;

	for (int tries = 0; tries < STORE_TXN_TRIES && rc == -EAGAIN; tries++) {
		uint32_t t;
		int end;
		rc = s->ops->txn_start(s, &t);
		if (rc)
			return rc;
		rc = blob_read_once(s, t, path, data, len);
		end = s->ops->txn_end(s, t, rc != 0);
		if (!rc && end) {
			free(*data);
			rc = end;
		}
	}
	return rc;
}
