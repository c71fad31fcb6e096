/* SPDX-License-Identifier: MIT */
/* The body of POST /v1/domains/{domain}/console: console input, typed. */
#ifndef KEEL_API_CONSOLE_JSON_H
#define KEEL_API_CONSOLE_JSON_H

#include <stddef.h>

#include "validate.h"

/* At most this many characters per request (UTF-8: up to 4 bytes each), as openapi.yaml
 * says; the guest's input ring holds 1 KiB at a time. */
#define CONSOLE_INPUT_CHARS 1024
#define CONSOLE_INPUT_MAX   (4 * CONSOLE_INPUT_CHARS)

struct console_input {
	const char *data; /* borrowed from the JSON body; any bytes, control characters too */
	size_t len;	  /* bytes, 1..CONSOLE_INPUT_MAX */
};

/* {"input": "..."}: 0, or -EINVAL with the member and the reason in e. */
int console_input_from_json(const json_t *body, struct console_input *out, struct verr *e);

#endif
