// SPDX-License-Identifier: MIT
/*
 * The events the model emits (GET /v1/events, openapi.yaml), typed: api/ names and renders
 * them (cd->render), the event bus sends them to subscribers.
 */
#include "events.h"
#include "model_internal.h"

void model_emit(struct controld *cd, const struct model_event *e)
{
	unsigned kind = e->job ? EV_JOB : e->kind == MEV_CONSOLE_OUTPUT ? EV_CONSOLE : EV_DOMAIN;
	const char *type = NULL;
	json_t *data;

	if (!cd->events || !cd->render)
		return;
	/* No data (out of memory) is nothing to send: events_emit drops it. */
	data = cd->render->event(e, &type);
	events_emit(cd->events, kind, type, e->job ? e->job->domain_id : e->domain->id, data);
}

void domain_emit(struct controld *cd, enum model_event_kind kind, const struct domain *d)
{
	model_emit(cd, &(struct model_event){.kind = kind, .domain = d});
}

void domain_emit_state(struct controld *cd, const struct domain *d, enum dom_state from,
		       enum dom_state to)
{
	model_emit(cd, &(struct model_event){.kind = MEV_DOMAIN_STATE,
					     .domain = d,
					     .from = from,
					     .to = to,
					     .reason = d->end_reason[0] ? d->end_reason : NULL});
}

void domain_emit_deleted(struct controld *cd, const struct domain *d)
{
	model_emit(cd, &(struct model_event){.kind = MEV_DOMAIN_DELETED, .domain = d});
}

void domain_emit_console(struct controld *cd, const struct domain *d, const char *text)
{
	model_emit(cd,
		   &(struct model_event){.kind = MEV_CONSOLE_OUTPUT, .domain = d, .text = text});
}
