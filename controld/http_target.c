// SPDX-License-Identifier: MIT
#include "http_target.h"

#include <string.h>

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_control(unsigned c)
{
	return c < 0x20 || c == 0x7f;
}

enum http_target_verdict http_target_check(const char *target)
{
	const char *query = NULL;
	unsigned params = 0;
	size_t i;

	for (i = 0; target[i]; i++) {
		unsigned char c = (unsigned char)target[i];

		if (i >= HTTP_MAX_TARGET)
			return HTTP_TARGET_TOO_LONG;
		if (c <= 0x20 || c >= 0x7f)
			return HTTP_TARGET_BAD_BYTE;
		if (c == '?' && !query)
			query = target + i;
		if (c != '%')
			continue;
		int hi = hex_value(target[i + 1]);
		int lo = hi < 0 ? -1 : hex_value(target[i + 2]);
		if (lo < 0)
			return HTTP_TARGET_BAD_ESCAPE;
		if (is_control((unsigned)(hi * 16 + lo)))
			return HTTP_TARGET_CONTROL;
		i += 2;
	}
	/* Count non-empty '&'-separated items, as the query parser sees them. */
	for (const char *p = query ? query + 1 : NULL; p && *p;) {
		size_t n = strcspn(p, "&");
		if (n && ++params > HTTP_MAX_QUERY_PARAMS)
			return HTTP_TARGET_TOO_MANY_PARAMS;
		p += n;
		if (*p)
			p++;
	}
	return HTTP_TARGET_OK;
}

int http_target_status(enum http_target_verdict v)
{
	return v == HTTP_TARGET_TOO_LONG || v == HTTP_TARGET_TOO_MANY_PARAMS ? 414 : 400;
}

const char *http_target_reason(enum http_target_verdict v)
{
	switch (v) {
	case HTTP_TARGET_OK:
		return "ok";
	case HTTP_TARGET_TOO_LONG:
		return "the request target is longer than 4096 bytes";
	case HTTP_TARGET_TOO_MANY_PARAMS:
		return "more than 32 query parameters";
	case HTTP_TARGET_BAD_BYTE:
		return "the request target contains a byte outside visible ASCII; percent-encode "
		       "it";
	case HTTP_TARGET_BAD_ESCAPE:
		return "a '%' in the request target is not followed by two hex digits";
	case HTTP_TARGET_CONTROL:
		return "the request target encodes a control character (%00-%1F or %7F)";
	}
	return "invalid request target";
}

bool http_field_value_ok(const char *v)
{
	for (; *v; v++)
		if (is_control((unsigned char)*v) && *v != '\t')
			return false;
	return true;
}
