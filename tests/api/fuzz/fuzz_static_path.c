// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the dashboard's URL-to-file mapping and Accept-Encoding parser. The first byte
 * picks the parser; the rest is the value as MHD hands it over (NUL-terminated). A mapped
 * path must never climb out of the asset directory.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../../api/static_path.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct static_file f;
	char *s;

	if (!size)
		return 0;
	s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	if (data[0] & 1) {
		static_accepts_gzip(s);
	} else if (!static_path_map(s, &f)) {
		size_t n = strlen(f.rel);
		if (!n || n >= sizeof(f.rel) || f.rel[0] == '/' || f.rel[0] == '.' ||
		    strstr(f.rel, "/.") || strstr(f.rel, "//") || !f.content_type)
			abort();
	}
	free(s);
	return 0;
}
