// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_path.h"
#include "xs_watch.h"
#include "xs_wire.h"

struct watch_bucket {
	struct xs_watch **v;
	size_t n, cap;
};

void xs_watches_init(struct xs_watches *w, const struct xs_watch_ops *ops, void *arg)
{
	xs_map_init(&w->by_path);
	w->ops = ops;
	w->arg = arg;
	w->count = 0;
}

static void bucket_free(void *p)
{
	struct watch_bucket *b = p;

	free(b->v);
	free(b);
}

void xs_watches_fini(struct xs_watches *w)
{
	xs_map_free(&w->by_path, bucket_free);
}

static void watch_free(struct xs_watch *wt)
{
	free(wt->path);
	free(wt->token);
	free(wt);
}

bool xs_watch_has(const struct xs_watch *head, const char *path, const char *token)
{
	for (; head; head = head->next_of_owner)
		if (!strcmp(head->path, path) && !strcmp(head->token, token))
			return true;
	return false;
}

int xs_watch_add(struct xs_watches *w, struct xs_watch **head, void *owner, const char *path,
		 const char *token, int depth, size_t strip, struct xs_watch **out)
{
	struct watch_bucket *b;
	struct xs_watch *wt;

	if (xs_watch_has(*head, path, token))
		return -EEXIST;
	b = xs_map_get(&w->by_path, path);
	if (!b) {
		b = calloc(1, sizeof(*b));
		if (!b || xs_map_put(&w->by_path, path, b)) {
			free(b);
			return -ENOMEM;
		}
	}
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4;
		struct xs_watch **v = realloc(b->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		b->v = v;
		b->cap = cap;
	}
	wt = calloc(1, sizeof(*wt));
	if (!wt)
		return -ENOMEM;
	wt->owner = owner;
	wt->path = strdup(path);
	wt->token = strdup(token);
	wt->depth = depth;
	wt->strip = strip;
	if (!wt->path || !wt->token) {
		watch_free(wt);
		return -ENOMEM;
	}
	b->v[b->n++] = wt;
	wt->next_of_owner = *head;
	*head = wt;
	w->count++;
	if (out)
		*out = wt;
	return 0;
}

static void unlink_watch(struct xs_watches *w, struct xs_watch *wt)
{
	struct watch_bucket *b = xs_map_get(&w->by_path, wt->path);

	for (size_t i = 0; b && i < b->n; i++) {
		if (b->v[i] == wt) {
			/* Keep registration order: events reach watchers in the order they came. */
			memmove(&b->v[i], &b->v[i + 1], (b->n - i - 1) * sizeof(*b->v));
			b->n--;
			break;
		}
	}
	if (b && !b->n)
		bucket_free(xs_map_del(&w->by_path, wt->path));
	w->count--;
	watch_free(wt);
}

int xs_watch_del(struct xs_watches *w, struct xs_watch **head, const char *path, const char *token)
{
	for (struct xs_watch **pp = head; *pp; pp = &(*pp)->next_of_owner) {
		struct xs_watch *wt = *pp;

		if (!strcmp(wt->path, path) && !strcmp(wt->token, token)) {
			*pp = wt->next_of_owner;
			unlink_watch(w, wt);
			return 0;
		}
	}
	return -ENOENT;
}

void xs_watch_del_all(struct xs_watches *w, struct xs_watch **head)
{
	while (*head) {
		struct xs_watch *wt = *head;

		*head = wt->next_of_owner;
		unlink_watch(w, wt);
	}
}

/* Calls deliver for each permitted watch of the bucket that matches. */
static void fire_bucket(struct xs_watches *w, const char *key, const struct xs_event *ev,
			const char *report, int need_depth)
{
	struct watch_bucket *b = xs_map_get(&w->by_path, key);

	for (size_t i = 0; b && i < b->n; i++) {
		struct xs_watch *wt = b->v[i];
		const char *p = report;

		if (wt->depth >= 0 && need_depth > wt->depth)
			continue;
		if (!w->ops->permitted(wt->owner, ev, w->arg))
			continue;
		if (wt->strip && strlen(p) > wt->strip)
			p += wt->strip;
		w->ops->deliver(wt->owner, p, wt->token, w->arg);
	}
}

void xs_watches_fire(struct xs_watches *w, const struct xs_event *ev)
{
	char p[XS_ABS_PATH_MAX + 1];
	unsigned int below = 0;

	if (!w->count)
		return;
	if (ev->exact) {
		fire_bucket(w, ev->path, ev, ev->path, 0);
		return;
	}
	snprintf(p, sizeof(p), "%s", ev->path);
	for (;;) {
		fire_bucket(w, p, ev, ev->path, (int)below);
		if (!strcmp(p, "/") || xs_path_is_special(p))
			break;
		xs_path_parent(p, p, sizeof(p));
		below++;
	}
}

void xs_watches_fire_special(struct xs_watches *w, const struct xs_event *ev, unsigned int domid)
{
	char with_dom[64];
	struct watch_bucket *b;

	if (!w->count)
		return;
	snprintf(with_dom, sizeof(with_dom), "%s/%u", ev->path, domid);
	b = xs_map_get(&w->by_path, ev->path);
	for (size_t i = 0; b && i < b->n; i++) {
		struct xs_watch *wt = b->v[i];

		if (wt->depth > 1 || wt->depth == 0 || !w->ops->permitted(wt->owner, ev, w->arg))
			continue;
		w->ops->deliver(wt->owner, wt->depth == 1 ? with_dom : ev->path, wt->token, w->arg);
	}
	/* Watches for one domain only. */
	fire_bucket(w, with_dom, ev, with_dom, 0);
}
