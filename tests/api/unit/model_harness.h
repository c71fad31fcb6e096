/* SPDX-License-Identifier: MIT */
/* The model's unit tests' common ground: a controld on its own loop, the in-memory store and
 * the hypervisor test double; closed with everything it holds. */
#ifndef KEEL_TESTS_MODEL_HARNESS_H
#define KEEL_TESTS_MODEL_HARNESS_H

#include "../../../controld/model_internal.h"
#include "../doubles/mem_store.h"

void model_harness_open(struct controld *cd, uv_loop_t *loop, struct mem_store *m);
void model_harness_close(struct controld *cd, uv_loop_t *loop, struct mem_store *m);

#endif
