/* SPDX-License-Identifier: MIT */
/*
 * The API's representations of controld's typed model (openapi.yaml: Domain, Job, Token and
 * the events), rendered here so that controld keeps JSON only for its store records. Each
 * returns a new object, members in the contract's order, or NULL when out of memory.
 */
#ifndef KEEL_API_OUT_H
#define KEEL_API_OUT_H

#include <jansson.h>
#include <stdio.h>

#include "../controld/model.h"

json_t *domain_out(const struct domain *d);
json_t *job_out(const struct job *j);
json_t *token_out(const struct token *t);
/* GET /v1/domains/{domain}/stats: d's statistics s, sampled at s->sampled_wall_ms. */
json_t *domain_stats_out(const struct domain *d, const struct domain_stats *s);

/* GET /metrics' per-domain families (metrics_out.c), Prometheus text: each family's lines
 * go out together, after its # HELP and # TYPE lines. */
enum domain_family { FAM_CPU, FAM_MEMORY, FAM_VM_EXITS, FAM_DM_REQUESTS, DOMAIN_FAMILIES };
void domain_family_header(FILE *f, enum domain_family fam);
/* d's samples of family fam (none of a counter the hypervisor does not count). */
void domain_family_lines(FILE *f, enum domain_family fam, const struct domain *d,
			 const struct domain_stats *s);

/* domain_out as compact text, cached until the domain's revision changes (domain_cache.c);
 * NULL when out of memory. The text is valid until the next call. */
const char *domain_out_text(const struct domain *d, size_t *len);
/* Frees every cached text (at exit, and between tests). */
void domain_cache_clear(void);

/* A model event's data and its type name ("domain.created"), as GET /v1/events sends it. */
json_t *event_out(const struct model_event *e, const char **type);
/* event_out, for the model's events (main.c sets cd->render to it). */
extern const struct model_render api_render;

#endif
