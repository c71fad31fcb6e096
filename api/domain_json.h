/* SPDX-License-Identifier: MIT */
/*
 * The domain resource's request bodies: checked member by member and normalised (defaults
 * filled in) into the typed spec controld keeps (controld/spec.h). Limits are in
 * openapi.yaml too.
 */
#ifndef KEEL_API_DOMAIN_JSON_H
#define KEEL_API_DOMAIN_JSON_H

#include <jansson.h>
#include <stdbool.h>

#include "validate.h"
#include "../controld/spec.h"

bool check_domain_name(const char *s);
bool check_abs_path(const char *s);
/* An absolute path, or the name of an image (controld/image_name.h). */
bool check_path_or_image(const char *s);
bool check_bdf(const char *s);
bool check_mac(const char *s);

/* POST /v1/domains: a new, normalised spec. 0 or -EINVAL with e set. */
int domain_spec_from_json(const json_t *in, struct dom_spec *out, struct verr *e);
/*
 * PATCH /v1/domains/{id}: the body checked against the domain's max_vcpus and memory_mib,
 * into a typed patch. 0 or -EINVAL with e set.
 */
int domain_patch_from_json(const json_t *in, unsigned max_vcpus, uint64_t memory_mib,
			   struct dom_patch *out, struct verr *e);
/* One disk / NIC, normalised (ptr prefixes the JSON pointers in errors). 0 or -EINVAL. */
int disk_from_json(const json_t *in, const char *ptr, struct dom_disk *out, struct verr *e);
int nic_from_json(const json_t *in, const char *ptr, struct dom_nic *out, struct verr *e);
/* Action options: {"timeout_s": n} for shutdown and reboot; none for the others. */
int action_options(const json_t *in, const char *action, unsigned default_timeout,
		   unsigned *timeout_s, struct verr *e);

#endif
