// SPDX-License-Identifier: MIT
/*
 * TEST DOUBLE of controld's store interface (controld/store.h): a stopgap until
 * keel-xenstored lands, linked only into the test daemon. Nodes live in a sorted array;
 * every change is appended to a log file ($KEEL_TEST_STORE_FILE) that is replayed at open,
 * so the "store" outlives a controld restart like the real daemon would. Watches fire
 * asynchronously (next loop turn), once on registration and on any change at or below.
 */
#include "../../../controld/store.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
	char *path;
	char *val;
	size_t len;
};

struct watch {
	char *path;
	char *token;
};

struct pending {
	char *path;
	char *token;
};

struct store_double {
	struct store base;
	struct node *n;
	size_t nn, cap;
	struct watch *w;
	size_t nw;
	struct pending *q;
	size_t nq, qcap;
	uv_timer_t fire;
	FILE *log;
	bool replaying;
};

static size_t find(struct store_double *s, const char *path, bool *found)
{
	size_t lo = 0, hi = s->nn;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->n[mid].path, path);
		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static bool under(const char *path, const char *base)
{
	size_t n = strlen(base);

	if (!strcmp(base, "/"))
		return true;
	return !strncmp(path, base, n) && (path[n] == '\0' || path[n] == '/');
}

static void on_fire(uv_timer_t *t);

static void queue_watches(struct store_double *s, const char *path)
{
	for (size_t i = 0; i < s->nw; i++) {
		/* A change fires watches on itself and its ancestors (as in xenstored). */
		if (!under(path, s->w[i].path))
			continue;
		if (s->nq == s->qcap) {
			size_t cap = s->qcap ? s->qcap * 2 : 64;
			struct pending *q = realloc(s->q, cap * sizeof(*q));
			if (!q)
				return;
			s->q = q;
			s->qcap = cap;
		}
		s->q[s->nq].path = strdup(path);
		s->q[s->nq].token = strdup(s->w[i].token);
		s->nq++;
	}
	if (s->nq)
		uv_timer_start(&s->fire, on_fire, 0, 0);
}

static void on_fire(uv_timer_t *t)
{
	struct store_double *s = t->data;
	struct pending *q = s->q;
	size_t n = s->nq;

	s->q = NULL;
	s->nq = s->qcap = 0;
	for (size_t i = 0; i < n; i++) {
		s->base.on_watch(s->base.watch_opaque, q[i].path, q[i].token);
		free(q[i].path);
		free(q[i].token);
	}
	free(q);
}

static void log_op(struct store_double *s, const char *op, const char *path, const char *val,
		   size_t len)
{
	json_t *o;

	if (!s->log || s->replaying)
		return;
	o = val ? json_pack("{s:s, s:s, s:s%}", "op", op, "p", path, "v", val, len)
		: json_pack("{s:s, s:s}", "op", op, "p", path);
	if (!o)
		return;
	json_dumpf(o, s->log, JSON_COMPACT);
	fputc('\n', s->log);
	fflush(s->log);
	json_decref(o);
}

static int set_node(struct store_double *s, const char *path, const char *val, size_t len,
		    bool keep_existing)
{
	bool found;
	size_t i = find(s, path, &found);
	char *v;

	if (found && keep_existing)
		return 0;
	v = malloc(len + 1);
	if (!v)
		return -ENOMEM;
	memcpy(v, val, len);
	v[len] = '\0';
	if (found) {
		free(s->n[i].val);
		s->n[i].val = v;
		s->n[i].len = len;
		return 0;
	}
	if (s->nn == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct node *n = realloc(s->n, cap * sizeof(*n));
		if (!n) {
			free(v);
			return -ENOMEM;
		}
		s->n = n;
		s->cap = cap;
	}
	memmove(&s->n[i + 1], &s->n[i], (s->nn - i) * sizeof(*s->n));
	s->n[i] = (struct node){ strdup(path), v, len };
	s->nn++;
	return 0;
}

static bool valid_path(const char *p)
{
	size_t n = strlen(p);

	return p[0] == '/' && n < 3072 && (n == 1 || p[n - 1] != '/') && !strstr(p, "//");
}

static int sd_write(struct store *st, uint32_t t, const char *path, const char *val, size_t len)
{
	struct store_double *s = (struct store_double *)st;
	char buf[3072];
	int rc;

	(void)t;
	if (!valid_path(path))
		return -EINVAL;
	/* Missing ancestors come into being empty, as in xenstored. */
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		rc = set_node(s, buf, "", 0, true);
		*p = '/';
		if (rc)
			return rc;
	}
	rc = set_node(s, path, val, len, false);
	if (rc)
		return rc;
	log_op(s, "w", path, val, len);
	queue_watches(s, path);
	return 0;
}

static int sd_read(struct store *st, uint32_t t, const char *path, char **val, size_t *len)
{
	struct store_double *s = (struct store_double *)st;
	bool found;
	size_t i = find(s, path, &found);

	(void)t;
	if (!found)
		return -ENOENT;
	*val = malloc(s->n[i].len + 1);
	if (!*val)
		return -ENOMEM;
	memcpy(*val, s->n[i].val, s->n[i].len + 1);
	if (len)
		*len = s->n[i].len;
	return 0;
}

static int sd_rm(struct store *st, uint32_t t, const char *path)
{
	struct store_double *s = (struct store_double *)st;
	bool found;
	size_t i = find(s, path, &found), j;

	(void)t;
	if (!found)
		return 0;
	for (j = i; j < s->nn && under(s->n[j].path, path); j++) {
		free(s->n[j].path);
		free(s->n[j].val);
	}
	memmove(&s->n[i], &s->n[j], (s->nn - j) * sizeof(*s->n));
	s->nn -= j - i;
	log_op(s, "rm", path, NULL, 0);
	queue_watches(s, path);
	return 0;
}

static int sd_list(struct store *st, uint32_t t, const char *path, char ***names, unsigned *n)
{
	struct store_double *s = (struct store_double *)st;
	bool found;
	size_t i = find(s, path, &found), plen = strlen(path), bytes = 0, count = 0, k;
	char **out, *p;

	(void)t;
	if (!found)
		return -ENOENT;
	for (k = i + 1; k < s->nn && under(s->n[k].path, path); k++)
		if (!strchr(s->n[k].path + plen + 1, '/')) {
			count++;
			bytes += strlen(s->n[k].path + plen + 1) + 1;
		}
	out = malloc((count + 1) * sizeof(char *) + bytes);
	if (!out)
		return -ENOMEM;
	p = (char *)(out + count + 1);
	count = 0;
	for (k = i + 1; k < s->nn && under(s->n[k].path, path); k++) {
		const char *leaf = s->n[k].path + plen + 1;
		if (strchr(leaf, '/'))
			continue;
		out[count++] = p;
		p = stpcpy(p, leaf) + 1;
	}
	*names = out;
	*n = (unsigned)count;
	return 0;
}

static int sd_txn_start(struct store *st, uint32_t *txn)
{
	(void)st;
	*txn = 1; /* single-threaded: every transaction is trivially serial */
	return 0;
}

static int sd_txn_end(struct store *st, uint32_t txn, bool abort)
{
	(void)st, (void)txn, (void)abort;
	return 0;
}

static int sd_set_owner(struct store *st, uint32_t t, const char *path, uint32_t domid)
{
	(void)st, (void)t, (void)path, (void)domid;
	return 0;
}

static int sd_watch(struct store *st, const char *path, const char *token)
{
	struct store_double *s = (struct store_double *)st;
	struct watch *w = realloc(s->w, (s->nw + 1) * sizeof(*w));

	if (!w)
		return -ENOMEM;
	s->w = w;
	s->w[s->nw].path = strdup(path);
	s->w[s->nw].token = strdup(token);
	s->nw++;
	/* xenstored fires every new watch once. */
	struct watch only = s->w[s->nw - 1];
	struct watch *saved = s->w;
	size_t savedn = s->nw;
	s->w = &only;
	s->nw = 1;
	queue_watches(s, path);
	s->w = saved;
	s->nw = savedn;
	return 0;
}

static int sd_unwatch(struct store *st, const char *path, const char *token)
{
	struct store_double *s = (struct store_double *)st;

	for (size_t i = 0; i < s->nw; i++)
		if (!strcmp(s->w[i].path, path) && !strcmp(s->w[i].token, token)) {
			free(s->w[i].path);
			free(s->w[i].token);
			s->w[i] = s->w[--s->nw];
			return 0;
		}
	return -ENOENT;
}

static void on_closed(uv_handle_t *h)
{
	struct store_double *s = h->data;

	for (size_t i = 0; i < s->nn; i++) {
		free(s->n[i].path);
		free(s->n[i].val);
	}
	for (size_t i = 0; i < s->nw; i++) {
		free(s->w[i].path);
		free(s->w[i].token);
	}
	for (size_t i = 0; i < s->nq; i++) {
		free(s->q[i].path);
		free(s->q[i].token);
	}
	free(s->n);
	free(s->w);
	free(s->q);
	if (s->log)
		fclose(s->log);
	free(s);
}

static void sd_close(struct store *st)
{
	struct store_double *s = (struct store_double *)st;

	uv_close((uv_handle_t *)&s->fire, on_closed);
}

static const struct store_ops double_ops = {
	.read = sd_read,
	.write = sd_write,
	.rm = sd_rm,
	.list = sd_list,
	.txn_start = sd_txn_start,
	.txn_end = sd_txn_end,
	.set_owner = sd_set_owner,
	.watch = sd_watch,
	.unwatch = sd_unwatch,
	.close = sd_close,
};

static void replay(struct store_double *s, const char *file)
{
	FILE *f = fopen(file, "r");
	char *line = NULL;
	size_t cap = 0;

	if (!f)
		return;
	s->replaying = true;
	while (getline(&line, &cap, f) > 0) {
		json_t *o = json_loads(line, 0, NULL);
		const char *op = json_string_value(json_object_get(o, "op"));
		const char *p = json_string_value(json_object_get(o, "p"));
		json_t *v = json_object_get(o, "v");
		if (op && p && !strcmp(op, "w") && json_is_string(v))
			sd_write(&s->base, 0, p, json_string_value(v), json_string_length(v));
		else if (op && p && !strcmp(op, "rm"))
			sd_rm(&s->base, 0, p);
		json_decref(o);
	}
	s->replaying = false;
	free(line);
	fclose(f);
}

int store_double_open(uv_loop_t *loop, store_watch_fn fn, void *opaque, struct store **out)
{
	struct store_double *s = calloc(1, sizeof(*s));
	const char *file = getenv("KEEL_TEST_STORE_FILE");

	if (!s)
		return -ENOMEM;
	s->base.ops = &double_ops;
	s->base.on_watch = fn;
	s->base.watch_opaque = opaque;
	uv_timer_init(loop, &s->fire);
	s->fire.data = s;
	set_node(s, "/", "", 0, true);
	if (file) {
		replay(s, file);
		s->log = fopen(file, "a");
	}
	*out = &s->base;
	return 0;
}
