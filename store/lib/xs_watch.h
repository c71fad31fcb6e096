/* SPDX-License-Identifier: MIT */
/*
 * Watches: (path, token, depth) registered by a connection. Events are matched by looking
 * up the changed path and each of its ancestors in a hash map, so the cost of a change
 * depends on its depth and on the watches that match, not on the number of watches.
 */
#ifndef KEEL_XS_WATCH_H
#define KEEL_XS_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "xs_map.h"
#include "xs_store.h"

struct xs_watch {
	struct xs_watch *next_of_owner;
	void *owner;
	char *path; /* absolute, or @special */
	char *token;
	int depth;    /* -1: the whole subtree */
	size_t strip; /* bytes to strip from event paths: the watch was relative */
};

struct xs_watch_ops {
	/* May owner hear about this change? */
	bool (*permitted)(void *owner, const struct xs_event *ev, void *arg);
	/* Sends the event (path as the watcher named it). */
	void (*deliver)(void *owner, const char *path, const char *token, void *arg);
};

struct xs_watches {
	struct xs_map by_path; /* path -> struct watch_bucket */
	const struct xs_watch_ops *ops;
	void *arg;
	size_t count;
};

void xs_watches_init(struct xs_watches *w, const struct xs_watch_ops *ops, void *arg);
void xs_watches_fini(struct xs_watches *w);
/* Does the owner's list hold a watch on path with token? */
bool xs_watch_has(const struct xs_watch *head, const char *path, const char *token);
/*
 * Registers a watch; *head is the owner's list. -EEXIST when the owner has the same path
 * and token already.
 */
int xs_watch_add(struct xs_watches *w, struct xs_watch **head, void *owner, const char *path,
		 const char *token, int depth, size_t strip, struct xs_watch **out);
/* Removes the owner's watch on path with token: 0 or -ENOENT. */
int xs_watch_del(struct xs_watches *w, struct xs_watch **head, const char *path, const char *token);
void xs_watch_del_all(struct xs_watches *w, struct xs_watch **head);
/* Delivers a change to every matching, permitted watch. */
void xs_watches_fire(struct xs_watches *w, const struct xs_event *ev);
/*
 * A special event (@introduceDomain, @releaseDomain) about domid: watches on name get
 * name (or name/<domid> when registered with depth 1); watches on name/<domid> get that.
 */
void xs_watches_fire_special(struct xs_watches *w, const struct xs_event *ev, unsigned int domid);

#endif
