// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the header and query parsers (Authorization, token, If-Match,
 * Idempotency-Key, numeric parameters). The first byte picks the parser; the rest is the
 * value as MHD hands it over (NUL-terminated).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../../api/headers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, id[17], secret[65];
	const char *tok;
	uint64_t v;
	bool m;

	if (!size)
		return 0;
	s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 5) {
	case 0:
		if (!bearer_parse(s, &tok) && (tok < s || tok >= s + size))
			abort();
		break;
	case 1:
		if (!token_parse(s, id, secret) && (strlen(id) != 16 || strlen(secret) != 64))
			abort();
		break;
	case 2:
		etag_match(s, (uint64_t)size, &m);
		break;
	case 3:
		if (!idem_key_valid(s) && strlen(s) > IDEM_KEY_MAX)
			abort();
		break;
	default:
		if (!parse_uint_param(s, 1, 500, &v) && (v < 1 || v > 500))
			abort();
	}
	free(s);
	return 0;
}
