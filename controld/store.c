// SPDX-License-Identifier: MIT
#include "store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int store_write_str(struct store *s, uint32_t t, const char *path, const char *fmt, ...)
{
	char *v = NULL;
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vasprintf(&v, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -12; /* -ENOMEM */
	rc = store_write(s, t, path, v, (size_t)n);
	free(v);
	return rc;
}
