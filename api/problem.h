/* SPDX-License-Identifier: MIT */
/* RFC 9457 problem details (application/problem+json) for every error the API returns. */
#ifndef KEEL_API_PROBLEM_H
#define KEEL_API_PROBLEM_H

#include <jansson.h>

#include "../controld/http.h"

/* type is "urn:keel:problem:<slug>". field (may be NULL) is a JSON pointer or a parameter. */
void problem(struct http_response *r, int status, const char *slug, const char *title,
	     const char *field, const char *detail_fmt, ...) __attribute__((format(printf, 6, 7)));
/* Maps a model error (-ENOENT, -EEXIST, -EBUSY, -ENOSYS, ...) to a problem. */
void problem_errno(struct http_response *r, int rc, const char *what);
json_t *problem_json(int status, const char *slug, const char *title, const char *detail);
/* Sets a JSON body (consumed) with Content-Type application/json. */
void resp_json(struct http_response *r, int status, json_t *body);

#endif
