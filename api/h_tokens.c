// SPDX-License-Identifier: MIT
/* GET/POST /v1/tokens, DELETE /v1/tokens/{id}. */
#include "api.h"
#include "out.h"
#include "problem.h"
#include "validate.h"
#include "../controld/model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int token_item(void *arg, const struct token *t)
{
	json_array_append_new(arg, token_out(t));
	return 0;
}

void h_tokens_list(struct api_call *c)
{
	json_t *items = json_array();

	tokens_each(c->cd, token_item, items);
	resp_json(c->resp, 200, json_pack("{s:o}", "items", items));
}

static bool check_scope(const char *s)
{
	return scope_parse(s) != SCOPE_NONE;
}

void h_tokens_create(struct api_call *c)
{
	static const char *const allowed[] = {"name", "scope", NULL};
	json_t *body = api_body_object(c), *out;
	const char *name = NULL, *scope = NULL;
	char secret[128];
	struct token *t;
	struct verr e;
	int rc;

	if (!body)
		return;
	if (jv_only(body, "", allowed, &e) ||
	    jv_str(body, "name", "", true, 63, NULL, "printable text", &name, &e) ||
	    jv_str(body, "scope", "", true, 7, check_scope, "read, operate or admin", &scope, &e)) {
		problem(c->resp, 400, "invalid-body", "Invalid request body", e.pointer, "%s",
			e.detail);
		json_decref(body);
		return;
	}
	rc = token_create(c->cd, name, scope_parse(scope), &t, secret);
	json_decref(body);
	if (rc) {
		problem_errno(c->resp, rc, "creating the token");
		return;
	}
	out = token_out(t);
	json_object_set_new(out, "token", json_string(secret));
	http_resp_header(c->resp, "Location", "/v1/tokens/%s", t->id);
	http_resp_header(c->resp, "Cache-Control", "no-store");
	resp_json(c->resp, 201, out);
}

void h_token_delete(struct api_call *c)
{
	int rc = token_delete(c->cd, c->params[0]);

	if (rc == -ENOENT)
		problem(c->resp, 404, "not-found", "Not found", NULL, "no token with that id");
	else if (rc)
		problem_errno(c->resp, rc, "deleting the token");
	else
		http_resp_body(c->resp, 204, NULL, NULL, 0);
}
