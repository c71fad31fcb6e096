/* SPDX-License-Identifier: MIT */
/* A growable byte buffer: the output queue of a connection, reply payload assembly. */
#ifndef KEEL_XS_BUF_H
#define KEEL_XS_BUF_H

#include <stddef.h>
#include <stdint.h>

struct xs_buf {
	uint8_t *data;
	size_t len; /* bytes held, starting at data + off */
	size_t off; /* bytes already consumed from the front */
	size_t cap;
};

void xs_buf_init(struct xs_buf *b);
void xs_buf_free(struct xs_buf *b);
/* Appends len bytes; returns 0 or -ENOMEM. */
int xs_buf_put(struct xs_buf *b, const void *p, size_t len);
/* Appends a string including its terminating NUL. */
int xs_buf_puts0(struct xs_buf *b, const char *s);
/* Drops n bytes from the front. */
void xs_buf_consume(struct xs_buf *b, size_t n);
static inline const uint8_t *xs_buf_head(const struct xs_buf *b)
{
	return b->data + b->off;
}

#endif
