// SPDX-License-Identifier: MIT
/* TEST DOUBLE of controld's store for unit tests: see mem_store.h. */
#include "mem_store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct mem_store *mem(struct store *s)
{
	return (struct mem_store *)s;
}

int mem_find(struct mem_store *m, const char *path)
{
	for (unsigned i = 0; i < m->n; i++)
		if (!strcmp(m->path[i], path))
			return (int)i;
	return -1;
}

static int mem_read(struct store *s, uint32_t t, const char *path, char **val, size_t *len)
{
	int i = mem_find(mem(s), path);

	(void)t;
	if (i < 0)
		return -ENOENT;
	*val = strdup(mem(s)->val[i]);
	if (len)
		*len = strlen(*val);
	return 0;
}

static int mem_write(struct store *s, uint32_t t, const char *path, const char *val, size_t len)
{
	struct mem_store *m = mem(s);
	int i = mem_find(m, path);

	(void)t;
	if (m->fail_writes)
		return m->fail_writes;
	if (i < 0) {
		if (m->n == MEM_NODES)
			return -ENOSPC;
		i = (int)m->n++;
		m->path[i] = strdup(path);
		m->val[i] = NULL;
	}
	free(m->val[i]);
	m->val[i] = strndup(val, len);
	return 0;
}

/* Whether path is p or below it. */
static bool mem_under(const char *path, const char *p)
{
	size_t n = strlen(p);

	return !strncmp(path, p, n) && (!path[n] || path[n] == '/');
}

static int mem_rm(struct store *s, uint32_t t, const char *path)
{
	struct mem_store *m = mem(s);
	unsigned k = 0;

	(void)t;
	for (unsigned i = 0; i < m->n; i++) {
		if (mem_under(m->path[i], path)) {
			free(m->path[i]);
			free(m->val[i]);
			continue;
		}
		m->path[k] = m->path[i];
		m->val[k] = m->val[i];
		memcpy(m->perms[k++], m->perms[i], sizeof(m->perms[0]));
	}
	m->n = k;
	return 0;
}

/* The names under path, each once: one malloc'd block as store.h's list gives. */
static int mem_list(struct store *s, uint32_t t, const char *path, char ***names, unsigned *n)
{
	struct mem_store *m = mem(s);
	size_t plen = strlen(path), bytes = 0;
	const char *seg[MEM_NODES];
	size_t seglen[MEM_NODES];
	unsigned c = 0;
	char *at;

	(void)t;
	for (unsigned i = 0; i < m->n; i++) {
		const char *p = m->path[i];
		size_t l;
		bool dup = false;
		if (!mem_under(p, path) || !p[plen])
			continue;
		p += plen + 1;
		l = strcspn(p, "/");
		for (unsigned k = 0; k < c && !dup; k++)
			dup = seglen[k] == l && !strncmp(seg[k], p, l);
		if (dup)
			continue;
		seg[c] = p;
		seglen[c++] = l;
		bytes += l + 1;
	}
	*names = malloc(c * sizeof(char *) + bytes + 1);
	if (!*names)
		return -ENOMEM;
	at = (char *)(*names + c);
	for (unsigned k = 0; k < c; k++) {
		(*names)[k] = at;
		memcpy(at, seg[k], seglen[k]);
		at[seglen[k]] = 0;
		at += seglen[k] + 1;
	}
	*n = c;
	return 0;
}

static int mem_watch(struct store *s, const char *path, const char *token)
{
	struct mem_store *m = mem(s);

	if (m->nwatches == MEM_WATCHES)
		return -ENOSPC;
	m->watch_path[m->nwatches] = strdup(path);
	m->watch_token[m->nwatches++] = strdup(token);
	return 0;
}

static int mem_unwatch(struct store *s, const char *path, const char *token)
{
	struct mem_store *m = mem(s);

	for (unsigned i = 0; i < m->nwatches; i++)
		if (!strcmp(m->watch_path[i], path) && !strcmp(m->watch_token[i], token)) {
			free(m->watch_path[i]);
			free(m->watch_token[i]);
			m->watch_path[i] = m->watch_path[--m->nwatches];
			m->watch_token[i] = m->watch_token[m->nwatches];
			return 0;
		}
	return -ENOENT;
}

const char *mem_watch_token(struct mem_store *m, const char *path)
{
	for (unsigned i = 0; i < m->nwatches; i++)
		if (!strcmp(m->watch_path[i], path))
			return m->watch_token[i];
	return NULL;
}

static int mem_txn_start(struct store *s, uint32_t *t)
{
	(void)s;
	*t = 1;
	return 0;
}

static int mem_txn_end(struct store *s, uint32_t t, bool abort)
{
	(void)s, (void)t, (void)abort;
	return 0;
}

static int mem_set_perms(struct store *s, uint32_t t, const char *path, const struct store_perm *p,
			 unsigned n)
{
	struct mem_store *m = mem(s);
	int i = mem_find(m, path);
	size_t off = 0;

	(void)t;
	if (i < 0)
		return -ENOENT;
	for (unsigned k = 0; k < n; k++)
		off += (size_t)snprintf(m->perms[i] + off, sizeof(m->perms[i]) - off, "%s%c%u",
					k ? "," : "", "nrwb"[p[k].perm], p[k].domid);
	return 0;
}

static int mem_introduce(struct store *s, uint32_t domid, uint64_t gfn, uint32_t port)
{
	mem(s)->introduced = (int)domid;
	mem(s)->gfn = gfn;
	mem(s)->port = port;
	return 0;
}

static int mem_release(struct store *s, uint32_t domid)
{
	if (mem(s)->introduced != (int)domid)
		return -ENOENT;
	mem(s)->introduced = -1;
	return 0;
}

static const struct store_ops mem_ops = {
    .read = mem_read,
    .write = mem_write,
    .rm = mem_rm,
    .list = mem_list,
    .watch = mem_watch,
    .unwatch = mem_unwatch,
    .txn_start = mem_txn_start,
    .txn_end = mem_txn_end,
    .set_perms = mem_set_perms,
    .introduce = mem_introduce,
    .release = mem_release,
};

const char *mem_get(struct mem_store *m, const char *path)
{
	int i = mem_find(m, path);

	return i < 0 ? NULL : m->val[i];
}

void mem_store_init(struct mem_store *m)
{
	memset(m, 0, sizeof(*m));
	m->s.ops = &mem_ops;
}

void mem_store_free(struct mem_store *m)
{
	for (unsigned i = 0; i < m->n; i++) {
		free(m->path[i]);
		free(m->val[i]);
	}
	for (unsigned i = 0; i < m->nwatches; i++) {
		free(m->watch_path[i]);
		free(m->watch_token[i]);
	}
	m->n = m->nwatches = 0;
}
