// SPDX-License-Identifier: MIT
/* The renderers controld's events use (controld/model.h: struct model_render). */
#include "out.h"
#include "../controld/model.h"

const struct model_render api_render = {.domain = domain_out, .job = job_out};
