// SPDX-License-Identifier: MIT
#include "events.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEEPALIVE_MS 15000

/*
 * Event ids are run * RUN_STRIDE + n, n = 1, 2, ...: the run is counted in the store at each
 * start, so an id of an earlier run never names an event of this one and a client resuming
 * with it across a restart is told to resync. Ids stay below 2^53 (exact in JavaScript's
 * numbers); a run that uses up its RUN_STRIDE ids moves on to the next run.
 */
#define RUN_PATH   CONTROLD_ROOT "/events-run"
#define RUN_STRIDE 1000000000ull /* ids per run */
#define RUN_MAX	   9000000ull	 /* runs before the count starts again at 1 */

struct ring_ev {
	uint64_t id;
	unsigned kind;
	char domain_id[37];
	char *text; /* the rendered SSE frame */
	size_t len;
};

struct sub {
	struct http_stream st;
	struct events *ev;
	struct event_filter f;
	unsigned long serial;
	char *q;
	size_t qlen, qcap, qoff;
	bool overflow;
	struct sub *next, *prev;
};

struct events {
	struct controld *cd;
	struct ring_ev ring[EVENTS_RING];
	uint64_t run;	  /* this run's number (the store's count) */
	uint64_t next_id; /* the next event's id */
	struct sub *subs;
	unsigned nsubs;
	unsigned long next_serial;
	uv_timer_t keepalive;
};

static void on_keepalive(uv_timer_t *t);

/* Counts one more run in the store: 1 .. RUN_MAX, or -errno. */
static int64_t next_run(struct store *st)
{
	unsigned long long run = 0;
	char *val = NULL, *end;
	size_t len;
	int rc = store_read(st, STORE_NO_TXN, RUN_PATH, &val, &len);

	if (rc && rc != -ENOENT)
		return rc;
	if (!rc) {
		/* Anything but a count is reset: the ids then start again at run 1. */
		run = strtoull(val, &end, 10);
		if (*end || run >= RUN_MAX)
			run = 0;
	}
	free(val);
	run++;
	rc = store_write_str(st, STORE_NO_TXN, RUN_PATH, "%llu", run);
	return rc ? rc : (int64_t)run;
}

static int start_run(struct events *ev)
{
	int64_t run = next_run(ev->cd->store);

	if (run < 0)
		return (int)run;
	ev->run = (uint64_t)run;
	ev->next_id = ev->run * RUN_STRIDE + 1;
	return 0;
}

struct events *events_new(struct controld *cd, int *rc)
{
	struct events *ev = calloc(1, sizeof(*ev));

	if (!ev) {
		*rc = -ENOMEM;
		return NULL;
	}
	ev->cd = cd;
	*rc = start_run(ev);
	if (*rc) {
		free(ev);
		return NULL;
	}
	uv_timer_init(cd->loop, &ev->keepalive);
	ev->keepalive.data = ev;
	uv_timer_start(&ev->keepalive, on_keepalive, KEEPALIVE_MS, KEEPALIVE_MS);
	uv_unref((uv_handle_t *)&ev->keepalive);
	return ev;
}

static void on_keepalive_closed(uv_handle_t *h)
{
	struct events *ev = h->data;

	for (unsigned i = 0; i < EVENTS_RING; i++)
		free(ev->ring[i].text);
	free(ev);
}

void events_free(struct events *ev)
{
	/* Streams were ended by the HTTP drain; any left lose their bus. */
	for (struct sub *s = ev->subs; s; s = s->next)
		s->ev = NULL;
	uv_close((uv_handle_t *)&ev->keepalive, on_keepalive_closed);
}

uint64_t events_last_id(const struct events *ev)
{
	return ev->next_id - 1;
}

unsigned events_subscribers(const struct events *ev)
{
	return ev->nsubs;
}

static bool matches(const struct event_filter *f, unsigned kind, const char *domain_id)
{
	unsigned mask = f->type_mask ? f->type_mask : (EV_DOMAIN | EV_JOB | EV_STORE);

	if (!(mask & kind))
		return false;
	if (f->domain_id[0] && strcmp(f->domain_id, domain_id ? domain_id : ""))
		return false;
	return true;
}

static void sub_push(struct sub *s, const char *text, size_t len)
{
	if (s->overflow)
		return;
	if (s->qlen - s->qoff + len > EVENTS_CLIENT_QUEUE) {
		/* A client this far behind is cut off; it reconnects with Last-Event-ID. */
		s->overflow = true;
		http_stream_wake(&s->st);
		return;
	}
	if (s->qoff && s->qoff == s->qlen)
		s->qoff = s->qlen = 0;
	if (s->qlen + len > s->qcap) {
		size_t cap = s->qcap ? s->qcap : 4096;
		while (cap < s->qlen + len)
			cap *= 2;
		char *q = realloc(s->q, cap);
		if (!q) {
			s->overflow = true;
			return;
		}
		s->q = q;
		s->qcap = cap;
	}
	memcpy(s->q + s->qlen, text, len);
	s->qlen += len;
	http_stream_wake(&s->st);
}

static char *render(uint64_t id, const char *type, json_t *data, size_t *len)
{
	char *json = json_dumps(data, JSON_COMPACT);
	char *text = NULL;
	int n;

	if (!json)
		return NULL;
	if (id)
		n = asprintf(&text, "id: %llu\nevent: %s\ndata: %s\n\n", (unsigned long long)id,
			     type, json);
	else
		n = asprintf(&text, "event: %s\ndata: %s\n\n", type, json);
	free(json);
	if (n < 0)
		return NULL;
	*len = (size_t)n;
	return text;
}

void events_emit(struct events *ev, unsigned kind, const char *type, const char *domain_id,
		 json_t *data)
{
	struct ring_ev *r;
	char *text;
	size_t len;
	uint64_t id;

	if (!ev || !data) {
		json_decref(data);
		return;
	}
	if (ev->next_id % RUN_STRIDE == 0 && start_run(ev))
		log_warn("events: cannot count a new run in the store; ids go on from %llu",
			 (unsigned long long)ev->next_id);
	id = ev->next_id++;
	json_object_set_new(data, "event_id", json_integer((json_int_t)id));
	text = render(id, type, data, &len);
	json_decref(data);
	if (!text)
		return;
	r = &ev->ring[id % EVENTS_RING];
	free(r->text);
	r->id = id;
	r->kind = kind;
	str_copy(r->domain_id, domain_id ? domain_id : "", sizeof(r->domain_id));
	r->text = text;
	r->len = len;
	for (struct sub *s = ev->subs; s; s = s->next)
		if (matches(&s->f, kind, domain_id))
			sub_push(s, text, len);
}

static ssize_t sub_read(struct http_stream *st, char *buf, size_t max)
{
	struct sub *s = (struct sub *)st;
	size_t n = s->qlen - s->qoff;

	if (n == 0)
		return s->overflow || !s->ev ? -1 : 0;
	if (n > max)
		n = max;
	memcpy(buf, s->q + s->qoff, n);
	s->qoff += n;
	return (ssize_t)n;
}

static void watch_token(const struct sub *s, char out[32])
{
	snprintf(out, 32, "ev:%lu", s->serial);
}

static void sub_close(struct http_stream *st)
{
	struct sub *s = (struct sub *)st;
	struct events *ev = s->ev;

	if (ev) {
		char tok[32];
		watch_token(s, tok);
		for (unsigned i = 0; i < s->f.nwatch; i++)
			ev->cd->store->ops->unwatch(ev->cd->store, s->f.watch[i], tok);
		if (s->prev)
			s->prev->next = s->next;
		else
			ev->subs = s->next;
		if (s->next)
			s->next->prev = s->prev;
		ev->nsubs--;
	}
	free(s->q);
	free(s);
}

struct http_stream *events_subscribe(struct events *ev, const struct event_filter *f,
				     uint64_t last_id, int *rc)
{
	struct sub *s;
	char tok[32];

	if (ev->nsubs >= EVENTS_MAX_CLIENTS) {
		*rc = -EMFILE;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		*rc = -ENOMEM;
		return NULL;
	}
	s->st.read = sub_read;
	s->st.close = sub_close;
	s->ev = ev;
	s->f = *f;
	s->serial = ++ev->next_serial;
	watch_token(s, tok);
	for (unsigned i = 0; i < f->nwatch; i++) {
		*rc = ev->cd->store->ops->watch(ev->cd->store, f->watch[i], tok);
		if (*rc) {
			while (i-- > 0)
				ev->cd->store->ops->unwatch(ev->cd->store, f->watch[i], tok);
			free(s);
			return NULL;
		}
	}
	s->next = ev->subs;
	if (s->next)
		s->next->prev = s;
	ev->subs = s;
	ev->nsubs++;
	/* The retry hint, then what the client missed, if the ring still has it. */
	sub_push(s, "retry: 2000\n\n", 13);
	if (last_id && last_id != events_last_id(ev)) {
		uint64_t first = ev->run * RUN_STRIDE + 1;
		uint64_t oldest =
		    ev->next_id - first > EVENTS_RING ? ev->next_id - EVENTS_RING : first;

		/* Gone from the ring, of an earlier run (a restart), or never given out. */
		if (last_id + 1 < oldest || last_id > events_last_id(ev)) {
			static const char resync[] =
			    "event: resync\ndata: {\"reason\":\"events were "
			    "lost; fetch the resources again\"}\n\n";
			sub_push(s, resync, sizeof(resync) - 1);
			last_id = oldest - 1;
		}
		for (uint64_t id = last_id + 1; id < ev->next_id; id++) {
			struct ring_ev *r = &ev->ring[id % EVENTS_RING];
			if (r->id == id && matches(f, r->kind, r->domain_id))
				sub_push(s, r->text, r->len);
		}
	}
	*rc = 0;
	return &s->st;
}

void events_on_store_watch(struct events *ev, const char *path, const char *token)
{
	unsigned long serial = strtoul(token + 3, NULL, 10);
	char *val = NULL, *text;
	size_t len = 0;
	json_t *data;

	for (struct sub *s = ev->subs; s; s = s->next) {
		if (s->serial != serial)
			continue;
		if (store_read(ev->cd->store, STORE_NO_TXN, path, &val, &len))
			data = json_pack("{s:s, s:n}", "path", path, "value");
		else
			data = json_pack("{s:s, s:s%}", "path", path, "value", val, len);
		free(val);
		if (!data) /* not UTF-8 */
			data = json_pack("{s:s, s:n}", "path", path, "value");
		text = render(0, "store.changed", data, &len);
		json_decref(data);
		if (text)
			sub_push(s, text, len);
		free(text);
		return;
	}
}

static void on_keepalive(uv_timer_t *t)
{
	struct events *ev = t->data;

	for (struct sub *s = ev->subs; s; s = s->next)
		sub_push(s, ":\n\n", 3);
}
