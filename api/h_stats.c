// SPDX-License-Identifier: MIT
/* GET /v1/domains/{domain}/stats: a domain's CPU time, vCPUs and memory, read at the call. */
#include "api.h"
#include "out.h"
#include "problem.h"
#include "../controld/model.h"

#include <errno.h>

void h_domain_stats(struct api_call *c)
{
	static const char *const none[] = {NULL};
	struct domain *d = api_domain(c);
	struct domain_stats s;
	int rc;

	if (!d || api_query_only(c, none))
		return;
	rc = domain_stats(c->cd, d, &s);
	if (rc == -EBUSY) {
		problem(c->resp, 409, "invalid-state", "Illegal in the current state", NULL,
			"domain %s is %s: only a domain the hypervisor has (running, paused, "
			"shutting down, crashed) has statistics",
			domain_name(d), dom_state_name(d->state));
		return;
	}
	if (rc) {
		problem_errno(c->resp, rc, "reading the domain's statistics");
		return;
	}
	/* Every read is a new sample: nothing for a cache to keep. */
	http_resp_header(c->resp, "Cache-Control", "no-store");
	resp_json(c->resp, 200, domain_stats_out(d, &s));
}
