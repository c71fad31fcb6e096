// SPDX-License-Identifier: MIT
#include "problem.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *problem_json(int status, const char *slug, const char *title, const char *detail)
{
	char type[96];

	snprintf(type, sizeof(type), "urn:keel:problem:%s", slug);
	return json_pack("{s:s, s:s, s:i, s:s}", "type", type, "title", title, "status", status,
			 "detail", detail);
}

void resp_json(struct http_response *r, int status, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT);
	const char *ct = "application/json";

	if (json_object_get(body, "type") && json_object_get(body, "title") &&
	    json_object_get(body, "status"))
		ct = "application/problem+json";
	json_decref(body);
	if (!s) {
		s = strdup("{\"type\":\"urn:keel:problem:internal\",\"title\":\"Out of memory\","
			   "\"status\":500}");
		status = 500;
		ct = "application/problem+json";
	}
	http_resp_body(r, status, ct, s, s ? strlen(s) : 0);
}

void problem(struct http_response *r, int status, const char *slug, const char *title,
	     const char *field, const char *fmt, ...)
{
	char detail[512];
	va_list ap;
	json_t *p;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	p = problem_json(status, slug, title, detail);
	if (!p) /* detail was not UTF-8: it echoed client input */
		p = problem_json(status, slug, title, "(detail not shown: invalid UTF-8)");
	if (field)
		json_object_set_new(p, "field", json_string(field));
	resp_json(r, status, p);
}

void problem_errno(struct http_response *r, int rc, const char *what)
{
	switch (rc) {
	case -ENOENT:
		problem(r, 404, "not-found", "Not found", NULL, "%s does not exist", what);
		break;
	case -EEXIST:
		problem(r, 409, "conflict", "Conflict", NULL, "%s already exists", what);
		break;
	case -EBUSY:
		problem(r, 409, "invalid-state", "Illegal in the current state", NULL,
			"%s: not possible in the current state", what);
		break;
	case -ENOSYS:
		problem(r, 501, "not-supported", "Not supported by the hypervisor", NULL,
			"%s: the hypervisor does not offer this operation yet", what);
		break;
	case -ENOMEM:
		problem(r, 503, "out-of-resources", "Out of resources", NULL, "%s: %s", what,
			strerror(-rc));
		break;
	default:
		problem(r, 502, "backend-failed", "The store or the hypervisor failed", NULL,
			"%s: %s", what, strerror(-rc));
	}
}
