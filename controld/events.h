/* SPDX-License-Identifier: MIT */
/*
 * The event bus behind GET /v1/events (Server-Sent Events): domain changes, job progress,
 * console output and store watches on paths a subscriber chose. Recent events are kept in a
 * ring so a client reconnecting with Last-Event-ID misses nothing that is still there; one
 * whose id is gone, or is of an earlier run of controld, gets a resync event instead.
 */
#ifndef KEEL_CONTROLD_EVENTS_H
#define KEEL_CONTROLD_EVENTS_H

#include <jansson.h>
#include <stdint.h>

#include "controld.h"
#include "http.h"

#define EVENTS_RING	    1024
#define EVENTS_MAX_WATCHES  4
#define EVENTS_MAX_CLIENTS  256
#define EVENTS_CLIENT_QUEUE (256u * 1024u)

struct event_filter {
	unsigned type_mask; /* EV_* bits; 0 = all but console */
	char domain_id[37]; /* "" = every domain */
	unsigned nwatch;
	char watch[EVENTS_MAX_WATCHES][256]; /* WATCH_PATH_MAX */
};

enum {
	EV_DOMAIN = 1u << 0,  /* domain.created / .updated / .deleted / .state */
	EV_JOB = 1u << 1,     /* job.created / .progress / .finished */
	EV_STORE = 1u << 2,   /* store.changed, for the subscriber's watch paths */
	EV_CONSOLE = 1u << 3, /* console.output */
};

/*
 * Counts this run in the store (ids of an earlier run are never reused). NULL with -errno
 * in *rc when the store cannot be read or written.
 */
struct events *events_new(struct controld *cd, int *rc);
void events_free(struct events *ev);
/* Sends an event; data is consumed. The domain id (if any) is used for filtering. */
void events_emit(struct events *ev, unsigned kind, const char *type, const char *domain_id,
		 json_t *data);
/*
 * A stream for one subscriber. Replays ring events after last_id (0: none), then live
 * ones. NULL with -errno in *rc (-EMFILE: too many subscribers).
 */
struct http_stream *events_subscribe(struct events *ev, const struct event_filter *f,
				     uint64_t last_id, int *rc);
void events_on_store_watch(struct events *ev, const char *path, const char *token);
uint64_t events_last_id(const struct events *ev);
unsigned events_subscribers(const struct events *ev);

#endif
