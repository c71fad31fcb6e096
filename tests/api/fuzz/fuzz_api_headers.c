// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the header and query parsers (Authorization, token, If-Match,
 * Idempotency-Key, numeric parameters, name lists, watch path lists). The first byte picks the
 * parser; the rest is the value as MHD hands it over (NUL-terminated).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../../api/headers.h"
#include "../../../controld/token_text.h"

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
	static const char *const names[] = {"stopped", "running", "paused", "shutting_down",
					    "crashed"};
	char paths[4][WATCH_PATH_MAX];
	unsigned mask, n;

	switch (data[0] % 7) {
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
	case 4:
		if (!parse_uint_param(s, 1, 500, &v) && (v < 1 || v > 500))
			abort();
		break;
	case 5:
		if (!parse_name_list(s, names, 5, &mask) && (!mask || mask >= 1u << 5))
			abort();
		break;
	default:
		if (!parse_watch_list(s, paths, 4, &n)) {
			if (!n || n > 4)
				abort();
			for (unsigned i = 0; i < n; i++)
				if (paths[i][0] != '/' || strlen(paths[i]) >= WATCH_PATH_MAX)
					abort();
		}
	}
	free(s);
	return 0;
}
