// SPDX-License-Identifier: MIT
/* A token as the API shows it (openapi.yaml: Token): never its hash. */
#include "out.h"

json_t *token_out(const struct token *t)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "id", t->id, "name", t->name, "scope",
			 scope_name(t->scope), "created_at", t->created_at);
}
