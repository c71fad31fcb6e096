// SPDX-License-Identifier: MIT
/*
 * Fuzz target: sizes as typed (keel image create/resize, the config file's memory). One
 * accepted is digits and at most one suffix letter, never over SIZE_TEXT_MAX, and the value
 * is the digits times the suffix's power of two.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../../controld/cli/size_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	uint64_t n, digits = 0;
	size_t len;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	len = strspn(s, "0123456789");
	if (!size_text_parse(s, 0, &n)) {
		if (!len || n > SIZE_TEXT_MAX || strlen(s) > len + 1 ||
		    (s[len] && !strchr("kKmMgGtT", s[len])))
			abort();
		for (size_t i = 0; i < len; i++)
			digits = digits * 10 + (uint64_t)(s[i] - '0');
		if (!s[len] && n != digits)
			abort();
		if (s[len] && n % 1024)
			abort();
	}
	free(s);
	return 0;
}
