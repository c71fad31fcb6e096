// SPDX-License-Identifier: MIT
#include "token_text.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

static bool is_lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int token_parse(const char *tok, char id[TOKEN_ID_HEX + 1], char secret[TOKEN_SECRET_HEX + 1])
{
	const size_t id_at = 5, secret_at = id_at + TOKEN_ID_HEX + 1;

	if (strcspn(tok, " ") != secret_at + TOKEN_SECRET_HEX || strncmp(tok, "keel_", id_at) ||
	    tok[secret_at - 1] != '_')
		return -EINVAL;
	if (!is_lower_hex(tok + id_at, TOKEN_ID_HEX) ||
	    !is_lower_hex(tok + secret_at, TOKEN_SECRET_HEX))
		return -EINVAL;
	memcpy(id, tok + id_at, TOKEN_ID_HEX);
	id[TOKEN_ID_HEX] = '\0';
	memcpy(secret, tok + secret_at, TOKEN_SECRET_HEX);
	secret[TOKEN_SECRET_HEX] = '\0';
	return 0;
}
