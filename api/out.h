/* SPDX-License-Identifier: MIT */
/*
 * The API's representations of controld's typed model (openapi.yaml: Job, Token), rendered
 * here so that controld keeps JSON only for its store records. Each returns a new object,
 * members in the contract's order, or NULL when out of memory.
 */
#ifndef KEEL_API_OUT_H
#define KEEL_API_OUT_H

#include <jansson.h>

#include "../controld/controld.h"

json_t *job_out(const struct job *j);
json_t *token_out(const struct token *t);

#endif
