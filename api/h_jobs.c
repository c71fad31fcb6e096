// SPDX-License-Identifier: MIT
/* GET /v1/jobs, GET /v1/jobs/{id}. */
#include "api.h"
#include "headers.h"
#include "out.h"
#include "problem.h"
#include "../controld/model.h"
#include "../controld/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct job_page {
	json_t *items;
	const char *last;
};

static int page_item(void *arg, const struct job *j)
{
	struct job_page *p = arg;

	json_array_append_new(p->items, job_out(j));
	p->last = j->id;
	return 0;
}

/* One state name (the query takes one, as openapi.yaml says) as a state_mask bit; 0 if none. */
static unsigned job_state_bit(const char *name)
{
	for (unsigned k = 0; k < JOB_NR_STATES; k++)
		if (!strcmp(name, job_state_name((enum job_state)k)))
			return 1u << k;
	return 0;
}

void h_jobs_list(struct api_call *c)
{
	static const char *const allowed[] = {"domain_id", "state", "limit", "cursor", NULL};
	const char *dom = http_query(c->req, "domain_id");
	const char *state = http_query(c->req, "state");
	const char *lim = http_query(c->req, "limit");
	const char *cursor = http_query(c->req, "cursor");
	struct job_query q = {.domain_id = dom, .after_id = cursor};
	struct job_page page = {json_array(), NULL};
	uint64_t limit = 100;
	json_t *out;
	bool more = false;

	if (api_query_only(c, allowed)) {
		json_decref(page.items);
		return;
	}
	if (lim && parse_uint_param(lim, 1, 500, &limit)) {
		problem(c->resp, 400, "invalid-query", "Invalid query parameter", "limit",
			"limit must be an integer from 1 to 500");
	} else if (state && !(q.state_mask = job_state_bit(state))) {
		problem(c->resp, 400, "invalid-query", "Invalid query parameter", "state",
			"state must be running, succeeded or failed");
	} else if ((dom && !uuid_valid(dom)) || (cursor && !uuid_valid(cursor))) {
		problem(c->resp, 400, "invalid-query", "Invalid query parameter",
			dom && !uuid_valid(dom) ? "domain_id" : "cursor", "must be a UUID");
	} else {
		/* Newest first; the cursor is the last job id of the previous page. */
		q.limit = (unsigned)limit;
		jobs_page(c->cd, &q, page_item, &page, &more);
		out = json_pack("{s:o}", "items", page.items);
		json_object_set_new(out, "next_cursor",
				    more && page.last ? json_string(page.last) : json_null());
		resp_json(c->resp, 200, out);
		return;
	}
	json_decref(page.items);
}

void h_job_get(struct api_call *c)
{
	struct job *j = uuid_valid(c->params[0]) ? job_find(c->cd, c->params[0]) : NULL;

	if (!j) {
		problem(c->resp, 404, "not-found", "Not found", NULL, "no job with that id");
		return;
	}
	resp_json(c->resp, 200, job_out(j));
}
