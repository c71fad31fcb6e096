// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_buf.h"

void xs_buf_init(struct xs_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void xs_buf_free(struct xs_buf *b)
{
	free(b->data);
	xs_buf_init(b);
}

int xs_buf_put(struct xs_buf *b, const void *p, size_t len)
{
	if (!len)
		return 0;
	if (b->off + b->len + len > b->cap) {
		/* Compact first: consumed bytes at the front are dead space. */
		if (b->off) {
			memmove(b->data, b->data + b->off, b->len);
			b->off = 0;
		}
		if (b->len + len > b->cap) {
			size_t cap = b->cap ? b->cap : 256;
			uint8_t *n;

			while (cap < b->len + len)
				cap *= 2;
			n = realloc(b->data, cap);
			if (!n)
				return -ENOMEM;
			b->data = n;
			b->cap = cap;
		}
	}
	memcpy(b->data + b->off + b->len, p, len);
	b->len += len;
	return 0;
}

int xs_buf_puts0(struct xs_buf *b, const char *s)
{
	return xs_buf_put(b, s, strlen(s) + 1);
}

void xs_buf_consume(struct xs_buf *b, size_t n)
{
	if (n >= b->len) {
		b->off = 0;
		b->len = 0;
		return;
	}
	b->off += n;
	b->len -= n;
}
