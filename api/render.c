// SPDX-License-Identifier: MIT
/* The renderer controld's events use (controld/model.h: struct model_render). */
#include "out.h"

const struct model_render api_render = {.event = event_out};
