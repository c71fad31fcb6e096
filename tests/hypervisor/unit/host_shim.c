// SPDX-License-Identifier: MIT
/* What the hypervisor's string.c provides and glibc 2.36 lacks, for host tests. */
#include <string.h>

size_t strlcpy(char *dst, const char *src, size_t size);

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

/* The frame pool, for pure code that takes pages (foreign_maps.c): zeroed, page-aligned,
 * and failing once shim_pages_left reaches 0 (a test sets it; negative: no limit). */
#include <stdint.h>
#include <stdlib.h>

long shim_pages_left = -1, shim_pages_live; /* pages handed out and not freed */
void *pages_alloc(uint64_t count);
void pages_free(void *p, uint64_t count);

void *pages_alloc(uint64_t count)
{
	if (shim_pages_left >= 0 && (uint64_t)shim_pages_left < count)
		return NULL;
	if (shim_pages_left >= 0)
		shim_pages_left -= (long)count;
	void *p = aligned_alloc(4096, count * 4096);
	if (p) {
		memset(p, 0, count * 4096);
		shim_pages_live += (long)count;
	}
	return p;
}

void pages_free(void *p, uint64_t count)
{
	shim_pages_live -= (long)count;
	free(p);
}
