// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the raw request-target and header-field checks (controld/http_target.c).
 * The input is the target as it arrives on the request line, NUL-terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../../controld/http_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	enum http_target_verdict v;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	v = http_target_check(s);
	/* An accepted target has no byte outside visible ASCII and no escaped control. */
	if (v == HTTP_TARGET_OK) {
		for (size_t i = 0; s[i]; i++)
			if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
				abort();
		if (strstr(s, "%00") || strlen(s) > HTTP_MAX_TARGET)
			abort();
	}
	if (http_target_status(v) != 400 && http_target_status(v) != 414)
		abort();
	(void)http_field_value_ok(s);
	free(s);
	return 0;
}
