/* SPDX-License-Identifier: MIT */
/*
 * A domain's record in the store (/keel/controld/domains/<uuid>): the typed domain as JSON
 * and back, for persistence only. The API's representation is api/'s (api/domain_out.c).
 */
#ifndef KEEL_CONTROLD_DOMAIN_RECORD_H
#define KEEL_CONTROLD_DOMAIN_RECORD_H

#include <jansson.h>

#include "controld.h"

json_t *domain_record_json(const struct domain *d);
/*
 * Reads a record written by domain_record_json into d (id, state, domid, generation, times,
 * job, spec). Bounds are checked: a record that does not fit is -EINVAL, d then undefined.
 */
int domain_from_json(const json_t *o, struct domain *d);
/* The same as compact text (malloc'd; NULL when out of memory), and back. */
char *domain_record_text(const struct domain *d);
int domain_from_text(const char *text, size_t len, struct domain *d);

#endif
