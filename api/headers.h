/* SPDX-License-Identifier: MIT */
/*
 * Parsers of request metadata that arrives over the network: the Authorization header,
 * If-Match / If-None-Match, Idempotency-Key, and the query parameters of list operations.
 * Each one checks bounds and rejects rather than guesses. 0 or -EINVAL.
 */
#ifndef KEEL_API_HEADERS_H
#define KEEL_API_HEADERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IDEM_KEY_MAX 255

/* "Bearer <token>" (scheme case-insensitive, one or more spaces): *token points into h. */
int bearer_parse(const char *h, const char **token);
/*
 * Does an If-Match / If-None-Match value match the entity tag "<generation>"? The value is
 * "*" or a comma-separated list of (optionally weak) quoted tags. -EINVAL when malformed.
 */
int etag_match(const char *h, uint64_t generation, bool *match);
/* 1..255 visible ASCII characters. */
int idem_key_valid(const char *k);
/* A decimal in [min, max], no sign, no spaces, no leading zeros beyond "0". */
int parse_uint_param(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/*
 * A comma-separated list of names from names[0..n-1] (n <= 32): bit i of *mask is set for
 * names[i]. No empty items, no spaces, no unknown names.
 */
int parse_name_list(const char *s, const char *const names[], unsigned n, unsigned *mask);
/*
 * A comma-separated list of 1..max absolute store paths as the store accepts them:
 * [A-Za-z0-9/_@-], < 256 bytes, no empty component ("//", a trailing '/'), no path twice.
 */
#define WATCH_PATH_MAX 256
int parse_watch_list(const char *s, char out[][WATCH_PATH_MAX], unsigned max, unsigned *n);

#endif
