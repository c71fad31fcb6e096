/* SPDX-License-Identifier: MIT */
/*
 * Checks of a request's raw target (the path and query as the client sent them, before
 * percent-decoding) and of header fields, run before anything is routed. A decoded NUL
 * would cut the path short and route the request to another operation, so every escape
 * must decode to a visible character; raw bytes must be visible ASCII (RFC 3986 section 2).
 */
#ifndef KEEL_CONTROLD_HTTP_TARGET_H
#define KEEL_CONTROLD_HTTP_TARGET_H

#include <stdbool.h>
#include <stddef.h>

/* Longer targets or more query parameters are refused before the target is parsed. */
#define HTTP_MAX_TARGET	      4096
#define HTTP_MAX_QUERY_PARAMS 32

enum http_target_verdict {
	HTTP_TARGET_OK = 0,
	HTTP_TARGET_TOO_LONG,	     /* 414 */
	HTTP_TARGET_TOO_MANY_PARAMS, /* 414 */
	HTTP_TARGET_BAD_BYTE,	     /* 400: a raw byte outside visible ASCII */
	HTTP_TARGET_BAD_ESCAPE,	     /* 400: '%' not followed by two hex digits */
	HTTP_TARGET_CONTROL,	     /* 400: an escape of a control character (%00-%1F, %7F) */
};

/* Checks a NUL-terminated raw target. */
enum http_target_verdict http_target_check(const char *target);
/* The HTTP status and a one-line reason for a verdict other than OK. */
int http_target_status(enum http_target_verdict v);
const char *http_target_reason(enum http_target_verdict v);

/* A header field value: no control characters other than horizontal tab (RFC 9110 5.5). */
bool http_field_value_ok(const char *v);

#endif
