// SPDX-License-Identifier: MIT
/* A job as the API shows it (openapi.yaml: Job). */
#include "out.h"
#include "../controld/model.h"
#include "../controld/util.h"

/* RFC 9457 problem details of a failed job; detail only when there is one. */
static json_t *problem_out(const struct job_problem *p)
{
	json_t *o =
	    json_pack("{s:s, s:s, s:i}", "type", p->type, "title", p->title, "status", p->status);

	if (o && p->detail[0])
		json_object_set_new(o, "detail", json_string(p->detail));
	return o;
}

json_t *job_out(const struct job *j)
{
	json_t *o =
	    json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s}", "id", j->id, "kind", j->kind, "state",
		      job_state_name(j->state), "progress", (int)j->progress, "message", j->message,
		      "created_at", j->created_at, "updated_at", j->updated_at);

	if (!o)
		return NULL;
	json_object_set_new(o, "domain_id",
			    j->domain_id[0] ? json_string(j->domain_id) : json_null());
	json_object_set_new(o, "error", j->has_error ? problem_out(&j->error) : json_null());
	if (j->deadline_wall_ms) {
		char ts[32];

		format_time(j->deadline_wall_ms, ts);
		json_object_set_new(o, "deadline", json_string(ts));
	}
	if (j->reboot)
		json_object_set_new(o, "reboot", json_true());
	return o;
}
