// SPDX-License-Identifier: MIT
/*
 * Fuzz target: image names (from PUT/GET/DELETE /v1/images/{name}) and the spec's image
 * references (kernel, initrd, disk paths from request bodies). A name accepted must be a
 * plain file name in the images directory: no separator, no dot first, nothing but
 * [A-Za-z0-9._-]; a resolved path is the directory plus such a name, or the input itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../controld/image_name.h"

#define DIR "/srv/images"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), out[512];
	const char *name;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (image_name_ok(s)) {
		size_t n = strlen(s);
		if (!n || n > IMAGE_NAME_MAX || s[0] == '.' || s[0] == '-' || s[0] == '_' ||
		    strspn(s,
			   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
			n)
			abort();
	}
	name = image_ref_name(DIR, s);
	if (name && (!image_name_ok(name) || strchr(name, '/')))
		abort();
	if (!image_ref_path(DIR, s, out, sizeof(out)) && name &&
	    (strncmp(out, DIR "/", sizeof(DIR)) || strcmp(out + sizeof(DIR), name)))
		abort();
	free(s);
	return 0;
}
