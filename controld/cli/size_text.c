// SPDX-License-Identifier: MIT
/* Sizes as people type them: see size_text.h. */
#include "size_text.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

static int suffix_shift(char c, unsigned bare_shift, unsigned *shift)
{
	switch (c) {
	case '\0':
		*shift = bare_shift;
		return 0;
	case 'k':
	case 'K':
		*shift = 10;
		return 0;
	case 'm':
	case 'M':
		*shift = 20;
		return 0;
	case 'g':
	case 'G':
		*shift = 30;
		return 0;
	case 't':
	case 'T':
		*shift = 40;
		return 0;
	default:
		return -EINVAL;
	}
}

int size_text_parse(const char *s, unsigned bare_shift, uint64_t *out)
{
	unsigned long long n;
	unsigned shift;
	char *end;

	/* strtoull alone would take spaces, a sign or hex. */
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno)
		return -ERANGE;
	if (suffix_shift(*end, bare_shift, &shift) || (*end && end[1]))
		return -EINVAL;
	if (shift >= 64 || n > SIZE_TEXT_MAX >> shift)
		return -ERANGE;
	*out = (uint64_t)n << shift;
	return 0;
}
