// SPDX-License-Identifier: MIT
/*
 * The model's events as GET /v1/events sends them (openapi.yaml): domain.created and
 * domain.updated carry the Domain, job.* the Job, domain.state {id, name, from, to},
 * domain.deleted {id, name}, console.output {id, data}; domain.state also has reason when
 * controld knows why (an HVM guest's device model died).
 */
#include "out.h"

static const char *const event_names[] = {
    [MEV_DOMAIN_CREATED] = "domain.created", [MEV_DOMAIN_UPDATED] = "domain.updated",
    [MEV_DOMAIN_STATE] = "domain.state",     [MEV_DOMAIN_DELETED] = "domain.deleted",
    [MEV_CONSOLE_OUTPUT] = "console.output", [MEV_JOB_CREATED] = "job.created",
    [MEV_JOB_PROGRESS] = "job.progress",     [MEV_JOB_FINISHED] = "job.finished",
};

json_t *event_out(const struct model_event *e, const char **type)
{
	const struct domain *d = e->domain;

	*type = event_names[e->kind];
	switch (e->kind) {
	case MEV_DOMAIN_CREATED:
	case MEV_DOMAIN_UPDATED:
		return domain_out(d);
	case MEV_DOMAIN_STATE:
		return e->reason ? json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", d->id, "name",
					     domain_name(d), "from", dom_state_name(e->from), "to",
					     dom_state_name(e->to), "reason", e->reason)
				 : json_pack("{s:s, s:s, s:s, s:s}", "id", d->id, "name",
					     domain_name(d), "from", dom_state_name(e->from), "to",
					     dom_state_name(e->to));
	case MEV_DOMAIN_DELETED:
		return json_pack("{s:s, s:s}", "id", d->id, "name", domain_name(d));
	case MEV_CONSOLE_OUTPUT:
		return json_pack("{s:s, s:s}", "id", d->id, "data", e->text);
	default:
		return job_out(e->job);
	}
}
