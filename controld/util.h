/* SPDX-License-Identifier: MIT */
/* Small helpers shared by controld's parts: time, randomness, identifiers. */
#ifndef KEEL_CONTROLD_UTIL_H
#define KEEL_CONTROLD_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Monotonic milliseconds, for durations and deadlines. */
uint64_t now_mono_ms(void);
/* Wall-clock milliseconds since the epoch, for timestamps shown to users. */
uint64_t now_wall_ms(void);
/* RFC 3339 UTC time with milliseconds, e.g. 2026-11-24T01:02:03.456Z (25 bytes with NUL). */
void format_time(uint64_t wall_ms, char out[32]);

/* Fills buf with n bytes from the kernel's CSPRNG. 0 or -errno. */
int random_bytes(void *buf, size_t n);
/* A random version-4 UUID in canonical form (37 bytes with NUL). */
int uuid_new(char out[37]);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void hex_encode(const uint8_t *in, size_t n, char *out);
/* True when s is a canonical lower-case UUID. */
int uuid_valid(const char *s);
/* Copies at most size-1 bytes and always terminates; returns strlen(src). */
size_t str_copy(char *dst, const char *src, size_t size);
/* s without leading and trailing white space (the end is cut in place). */
char *str_trim(char *s);

/*
 * Config text of "key = value" lines (blank lines and # comments skipped, a line at most
 * KV_LINE_MAX - 1 bytes, no NUL): fn gets each line's trimmed key and value and sets err
 * when it refuses one. 0, fn's nonzero result, or -EINVAL (err set) for a malformed line.
 */
#define KV_LINE_MAX 4096
typedef int (*kv_line_fn)(void *arg, unsigned lineno, char *key, char *value, char *err,
			  size_t errlen);
int parse_kv_lines(const char *text, size_t len, kv_line_fn fn, void *arg, char *err,
		   size_t errlen);

#endif
