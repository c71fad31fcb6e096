// SPDX-License-Identifier: MIT
/* GET /metrics: Prometheus text of domains (CPU time, memory, VM exits and device-model
 * requests, read from the hypervisor at the call), jobs, HTTP requests and uptime. */
#include "api.h"
#include "out.h"
#include "problem.h"
#include "../controld/model.h"
#include "../controld/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int domain_lines(void *arg, const struct domain *d, const struct domain_stats *s)
{
	FILE **fam = arg;

	for (unsigned k = 0; k < DOMAIN_FAMILIES; k++)
		domain_family_lines(fam[k], (enum domain_family)k, d, s);
	return 0;
}

/* The per-domain families, read from the hypervisor now: one reading of each domain serves
 * them all, each family kept in its own buffer until every domain is read. */
static int domain_families(struct controld *cd, FILE *f)
{
	char *text[DOMAIN_FAMILIES] = {NULL};
	size_t len[DOMAIN_FAMILIES] = {0};
	FILE *fam[DOMAIN_FAMILIES];
	int rc = 0;

	for (unsigned k = 0; k < DOMAIN_FAMILIES; k++)
		if (!(fam[k] = open_memstream(&text[k], &len[k])))
			rc = -ENOMEM;
	rc = rc ?: domains_stats_each(cd, domain_lines, fam);
	for (unsigned k = 0; k < DOMAIN_FAMILIES; k++) {
		if (fam[k])
			fclose(fam[k]);
		if (!rc) {
			domain_family_header(f, (enum domain_family)k);
			fwrite(text[k], 1, len[k], f);
		}
		free(text[k]);
	}
	return rc;
}

void h_metrics(struct api_call *c)
{
	const struct http_stats *st = http_server_stats(c->cd->http);
	unsigned by_state[DOM_NR_STATES], jobs[JOB_NR_STATES];
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	int rc;

	if (!f) {
		problem_errno(c->resp, -ENOMEM, "metrics");
		return;
	}
	domains_count_by_state(c->cd, by_state);
	jobs_count_by_state(c->cd, jobs);
	fprintf(f, "# HELP keel_domains Domains known to controld, by state.\n"
		   "# TYPE keel_domains gauge\n");
	for (unsigned s = 0; s < DOM_NR_STATES; s++)
		fprintf(f, "keel_domains{state=\"%s\"} %u\n", dom_state_name((enum dom_state)s),
			by_state[s]);
	rc = domain_families(c->cd, f);
	if (rc) {
		fclose(f);
		free(out);
		problem_errno(c->resp, rc, "reading the domains' statistics");
		return;
	}
	fprintf(f, "# HELP keel_jobs Jobs controld remembers, by state.\n# TYPE keel_jobs gauge\n");
	for (unsigned s = 0; s < JOB_NR_STATES; s++)
		fprintf(f, "keel_jobs{state=\"%s\"} %u\n", job_state_name((enum job_state)s),
			jobs[s]);
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
