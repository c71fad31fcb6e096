// SPDX-License-Identifier: MIT
/*
 * The events a domain's changes emit (GET /v1/events, openapi.yaml): domain.created and
 * domain.updated carry the domain (as api/ renders it, cd->render), domain.state {id, name, from,
 * to}, domain.deleted {id, name}, console.output {id, data}.
 */
#include "events.h"
#include "model_internal.h"

void domain_emit(struct controld *cd, const char *type, const struct domain *d)
{
	if (cd->render)
		events_emit(cd->events, EV_DOMAIN, type, d->id, cd->render->domain(d));
}

void domain_emit_state(struct controld *cd, const struct domain *d, enum dom_state from,
		       enum dom_state to)
{
	events_emit(cd->events, EV_DOMAIN, "domain.state", d->id,
		    json_pack("{s:s, s:s, s:s, s:s}", "id", d->id, "name", domain_name(d), "from",
			      dom_state_name(from), "to", dom_state_name(to)));
}

void domain_emit_deleted(struct controld *cd, const struct domain *d)
{
	events_emit(cd->events, EV_DOMAIN, "domain.deleted", d->id,
		    json_pack("{s:s, s:s}", "id", d->id, "name", domain_name(d)));
}

void domain_emit_console(struct controld *cd, const struct domain *d, const char *text)
{
	events_emit(cd->events, EV_CONSOLE, "console.output", d->id,
		    json_pack("{s:s, s:s}", "id", d->id, "data", text));
}
