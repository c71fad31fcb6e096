// SPDX-License-Identifier: MIT
/* /healthz, /metrics, /v1/host, /v1/host/pci, /v1/jobs, /v1/events, /v1/tokens. */
#include "api.h"
#include "domain_json.h"
#include "headers.h"
#include "problem.h"
#include "validate.h"
#include "../controld/events.h"
#include "../controld/model.h"
#include "../controld/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void h_health(struct api_call *c)
{
	if (c->cd->draining) {
		problem(c->resp, 503, "shutting-down", "controld is shutting down", NULL,
			"no new work is accepted");
		return;
	}
	http_resp_body(c->resp, 200, "text/plain; charset=utf-8", strdup("ok\n"), 3);
}

void h_metrics(struct api_call *c)
{
	const struct http_stats *st = http_server_stats(c->cd->http);
	unsigned by_state[5] = {0}, jobs[3] = {0};
	static const char *const job_states[] = {"running", "succeeded", "failed"};
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f) {
		problem_errno(c->resp, -ENOMEM, "metrics");
		return;
	}
	for (unsigned i = 0; i < c->cd->doms.n; i++)
		by_state[c->cd->doms.v[i]->state]++;
	for (unsigned i = 0; i < c->cd->jobs.n; i++)
		jobs[c->cd->jobs.v[i]->state]++;
	fprintf(f, "# HELP keel_domains Domains known to controld, by state.\n"
		   "# TYPE keel_domains gauge\n");
	for (unsigned s = 0; s < 5; s++)
		fprintf(f, "keel_domains{state=\"%s\"} %u\n", dom_state_name((enum dom_state)s),
			by_state[s]);
	fprintf(f, "# HELP keel_jobs Jobs controld remembers, by state.\n# TYPE keel_jobs gauge\n");
	for (unsigned s = 0; s < 3; s++)
		fprintf(f, "keel_jobs{state=\"%s\"} %u\n", job_states[s], jobs[s]);
	fprintf(f, "# HELP keel_http_requests_total Requests answered, by status class.\n"
		   "# TYPE keel_http_requests_total counter\n");
	for (unsigned k = 1; k < 6; k++)
		fprintf(f, "keel_http_requests_total{code=\"%uxx\"} %llu\n", k, st->by_class[k]);
	fprintf(f, "# HELP keel_http_request_duration_seconds Time to answer a request.\n"
		   "# TYPE keel_http_request_duration_seconds histogram\n");
	for (unsigned b = 0; b < 8; b++) {
		if (b < 7)
			fprintf(f, "keel_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
				http_latency_buckets[b], st->latency_le[b]);
		else
			fprintf(f, "keel_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
				st->requests);
	}
	fprintf(f, "keel_http_request_duration_seconds_sum %.6f\n", st->latency_sum_s);
	fprintf(f, "keel_http_request_duration_seconds_count %llu\n", st->requests);
	fprintf(f,
		"# HELP keel_event_streams Open event streams.\n# TYPE keel_event_streams gauge\n"
		"keel_event_streams %u\n",
		st->open_streams);
	fprintf(f,
		"# HELP keel_uptime_seconds Seconds since controld started.\n"
		"# TYPE keel_uptime_seconds gauge\nkeel_uptime_seconds %llu\n",
		(unsigned long long)((now_mono_ms() - c->cd->started_mono) / 1000));
	fclose(f);
	http_resp_body(c->resp, 200, "text/plain; version=0.0.4; charset=utf-8", out, len);
}

void h_host_get(struct api_call *c)
{
	struct hv_host_info hi;
	int rc = c->cd->hv->ops->host_info(c->cd->hv, &hi);

	if (rc) {
		problem_errno(c->resp, rc, "reading host information");
		return;
	}
	resp_json(c->resp, 200,
		  json_pack("{s:i, s:I, s:I, s:{s:s}}", "cpus", (int)hi.nr_cpus, "memory_mib",
			    (json_int_t)hi.total_mib, "free_memory_mib", (json_int_t)hi.free_mib,
			    "hypervisor", "version", hi.version));
}

static void read_attr(const char *dir, const char *name, const char *attr, char *out, size_t size)
{
	char path[4400];
	FILE *f;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s/%s", dir, name, attr);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(out, (int)size, f))
		out[strcspn(out, "\n")] = '\0';
	fclose(f);
	if (!check_printable(out))
		out[0] = '\0';
}

static const char *pci_owner(struct controld *cd, const char *bdf)
{
	for (unsigned i = 0; i < cd->doms.n; i++) {
		size_t k;
		json_t *v;
		json_array_foreach(json_object_get(cd->doms.v[i]->spec, "pci"), k, v)
			if (!strcmp(json_string_value(v), bdf))
				return cd->doms.v[i]->id;
	}
	return NULL;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "bdf")),
		      json_string_value(json_object_get(*(json_t *const *)b, "bdf")));
}

void h_host_pci(struct api_call *c)
{
	const char *dir = c->cd->cfg.pci_sysfs;
	DIR *d = opendir(dir);
	struct dirent *e;
	json_t *items = json_array(), *sorted[1024];
	size_t n = 0;

	if (!d) {
		json_decref(items);
		problem_errno(c->resp, -errno, "listing host PCI devices");
		return;
	}
	while ((e = readdir(d)) && n < ARRAY_SIZE(sorted)) {
		char vendor[16], device[16], cls[16], link[4400], target[256] = "";
		const char *owner;
		ssize_t l;
		if (!check_bdf(e->d_name))
			continue;
		read_attr(dir, e->d_name, "vendor", vendor, sizeof(vendor));
		read_attr(dir, e->d_name, "device", device, sizeof(device));
		read_attr(dir, e->d_name, "class", cls, sizeof(cls));
		snprintf(link, sizeof(link), "%s/%s/driver", dir, e->d_name);
		l = readlink(link, target, sizeof(target) - 1);
		target[l > 0 ? l : 0] = '\0';
		owner = pci_owner(c->cd, e->d_name);
		sorted[n] = json_pack("{s:s, s:s, s:s, s:s}", "bdf", e->d_name, "vendor", vendor,
				      "device", device, "class", cls);
		json_object_set_new(
		    sorted[n], "driver",
		    l > 0 ? json_string(strrchr(target, '/') ? strrchr(target, '/') + 1 : target)
			  : json_null());
		json_object_set_new(sorted[n], "assigned_to",
				    owner ? json_string(owner) : json_null());
		n++;
	}
	closedir(d);
	qsort(sorted, n, sizeof(sorted[0]), name_cmp);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, sorted[i]);
	resp_json(c->resp, 200, json_pack("{s:o}", "items", items));
}

void h_jobs_list(struct api_call *c)
{
	static const char *const allowed[] = {"domain_id", "state", "limit", "cursor", NULL};
	const char *dom = http_query(c->req, "domain_id");
	const char *state = http_query(c->req, "state");
	const char *lim = http_query(c->req, "limit");
	const char *cursor = http_query(c->req, "cursor");
	uint64_t limit = 100;
	json_t *items, *out;
	bool started = !cursor, more = false;
	const char *last = NULL;
	unsigned shown = 0;

	if (api_query_only(c, allowed))
		return;
	if (lim && parse_uint_param(lim, 1, 500, &limit)) {
		problem(c->resp, 400, "invalid-query", "Invalid query parameter", "limit",
			"limit must be an integer from 1 to 500");
		return;
	}
	if (state && strcmp(state, "running") && strcmp(state, "succeeded") &&
	    strcmp(state, "failed")) {
		problem(c->resp, 400, "invalid-query", "Invalid query parameter", "state",
			"state must be running, succeeded or failed");
		return;
	}
	if ((dom && !uuid_valid(dom)) || (cursor && !uuid_valid(cursor))) {
		problem(c->resp, 400, "invalid-query", "Invalid query parameter",
			dom && !uuid_valid(dom) ? "domain_id" : "cursor", "must be a UUID");
		return;
	}
	items = json_array();
	/* Newest first; the cursor is the last job id of the previous page. */
	for (unsigned i = c->cd->jobs.n; i-- > 0;) {
		const struct job *j = c->cd->jobs.v[i];
		json_t *o;
		if (!started) {
			started = !strcmp(j->id, cursor);
			continue;
		}
		if (dom && strcmp(j->domain_id, dom))
			continue;
		o = job_to_json(j);
		if (state && strcmp(json_string_value(json_object_get(o, "state")), state)) {
			json_decref(o);
			continue;
		}
		if (shown == limit) {
			json_decref(o);
			more = true;
			break;
		}
		json_array_append_new(items, o);
		last = j->id;
		shown++;
	}
	out = json_pack("{s:o}", "items", items);
	json_object_set_new(out, "next_cursor", more && last ? json_string(last) : json_null());
	resp_json(c->resp, 200, out);
}

void h_job_get(struct api_call *c)
{
	struct job *j = uuid_valid(c->params[0]) ? job_find(c->cd, c->params[0]) : NULL;

	if (!j) {
		problem(c->resp, 404, "not-found", "Not found", NULL, "no job with that id");
		return;
	}
	resp_json(c->resp, 200, job_to_json(j));
}

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
			    "(letters, digits, / _ - @ .)",
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

void h_tokens_list(struct api_call *c)
{
	json_t *items = json_array();

	for (unsigned i = 0; i < c->cd->tokens.n; i++)
		json_array_append_new(items, token_to_json(&c->cd->tokens.v[i]));
	resp_json(c->resp, 200, json_pack("{s:o}", "items", items));
}

static bool check_scope(const char *s)
{
	return !strcmp(s, "read") || !strcmp(s, "operate") || !strcmp(s, "admin");
}

void h_tokens_create(struct api_call *c)
{
	static const char *const allowed[] = {"name", "scope", NULL};
	json_t *body = api_body_object(c), *out;
	const char *name = NULL, *scope = NULL;
	char secret[128];
	struct token *t;
	struct verr e;
	int rc;

	if (!body)
		return;
	if (jv_only(body, "", allowed, &e) ||
	    jv_str(body, "name", "", true, 63, NULL, "printable text", &name, &e) ||
	    jv_str(body, "scope", "", true, 7, check_scope, "read, operate or admin", &scope, &e)) {
		problem(c->resp, 400, "invalid-body", "Invalid request body", e.pointer, "%s",
			e.detail);
		json_decref(body);
		return;
	}
	rc = token_create(c->cd, name,
			  !strcmp(scope, "admin")     ? SCOPE_ADMIN
			  : !strcmp(scope, "operate") ? SCOPE_OPERATE
						      : SCOPE_READ,
			  &t, secret);
	json_decref(body);
	if (rc) {
		problem_errno(c->resp, rc, "creating the token");
		return;
	}
	out = token_to_json(t);
	json_object_set_new(out, "token", json_string(secret));
	http_resp_header(c->resp, "Location", "/v1/tokens/%s", t->id);
	http_resp_header(c->resp, "Cache-Control", "no-store");
	resp_json(c->resp, 201, out);
}

void h_token_delete(struct api_call *c)
{
	int rc = token_delete(c->cd, c->params[0]);

	if (rc == -ENOENT)
		problem(c->resp, 404, "not-found", "Not found", NULL, "no token with that id");
	else if (rc)
		problem_errno(c->resp, rc, "deleting the token");
	else
		http_resp_body(c->resp, 204, NULL, NULL, 0);
}
