// SPDX-License-Identifier: MIT
/* GET /v1/events: the server-sent event stream, filtered. */
#include "api.h"
#include "headers.h"
#include "problem.h"
#include "../controld/events.h"
#include "../controld/model.h"
#include "../controld/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void h_events(struct api_call *c)
{
	static const char *const allowed[] = {"types", "domain", "watch", NULL};
	const char *types = http_query(c->req, "types");
	const char *dom = http_query(c->req, "domain");
	const char *watch = http_query(c->req, "watch");
	const char *last = http_header(c->req, "Last-Event-ID");
	struct event_filter f = {0};
	uint64_t last_id = 0;
	struct http_stream *st;
	int rc;

	if (api_query_only(c, allowed))
		return;
	/* The order of EV_* bits. */
	static const char *const types_names[] = {"domain", "job", "store", "console"};

	if (types && parse_name_list(types, types_names, 4, &f.type_mask)) {
		problem(c->resp, 400, "invalid-query", "Invalid query parameter", "types",
			"types is a comma-separated list of: domain, job, store, console");
		return;
	}
	if (dom) {
		struct domain *d = domain_find(c->cd, dom);
		if (!d) {
			problem(c->resp, 404, "not-found", "Not found", "domain", "no such domain");
			return;
		}
		str_copy(f.domain_id, d->id, sizeof(f.domain_id));
	}
	if (watch) {
		if (c->req->scope < SCOPE_ADMIN) {
			problem(c->resp, 403, "forbidden", "Insufficient scope", "watch",
				"watching store paths needs a token with scope 'admin'");
			return;
		}
		if (parse_watch_list(watch, f.watch, EVENTS_MAX_WATCHES, &f.nwatch)) {
			problem(
			    c->resp, 400, "invalid-query", "Invalid query parameter", "watch",
			    "watch is a comma-separated list of at most %d absolute store paths "
			    "(letters, digits, / _ - @; no empty components, none twice)",
			    EVENTS_MAX_WATCHES);
			return;
		}
		/* Asking for watches implies wanting their events. */
		f.type_mask |= f.type_mask ? EV_STORE : 0;
	}
	if (last && parse_uint_param(last, 0, UINT64_MAX >> 1, &last_id)) {
		problem(c->resp, 400, "invalid-header", "Invalid header", "Last-Event-ID",
			"Last-Event-ID must be an event id (a decimal integer)");
		return;
	}
	st = events_subscribe(c->cd->events, &f, last_id, &rc);
	if (!st) {
		if (rc == -EMFILE)
			problem(c->resp, 503, "too-many-streams", "Too many event streams", NULL,
				"try again later");
		else
			problem_errno(c->resp, rc, "watching the store");
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = "text/event-stream";
	http_resp_header(c->resp, "Cache-Control", "no-cache");
	c->resp->stream = st;
}
