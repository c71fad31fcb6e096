// SPDX-License-Identifier: MIT
#include "headers.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

int bearer_parse(const char *h, const char **token)
{
	size_t n;

	if (!h || strncasecmp(h, "Bearer", 6) || h[6] != ' ')
		return -EINVAL;
	h += 6;
	while (*h == ' ')
		h++;
	n = strlen(h);
	while (n && h[n - 1] == ' ')
		n--;
	if (!n || n > 200 || memchr(h, ' ', n) || memchr(h, '\t', n))
		return -EINVAL;
	*token = h;
	return 0;
}

int etag_match(const char *h, uint64_t generation, bool *match)
{
	const char *p = h;
	size_t total = strlen(h);

	*match = false;
	if (total > 1024)
		return -EINVAL;
	while (*p == ' ')
		p++;
	if (*p == '*') {
		p++;
		while (*p == ' ')
			p++;
		if (*p)
			return -EINVAL;
		*match = true;
		return 0;
	}
	for (;;) {
		uint64_t v = 0;
		int digits = 0;
		bool numeric = true;

		while (*p == ' ')
			p++;
		if (!strncmp(p, "W/", 2))
			p += 2;
		if (*p++ != '"')
			return -EINVAL;
		/* Any tag is well-formed (etagc chars); only "<digits>" can be ours. */
		while (*p && *p != '"') {
			unsigned char c = (unsigned char)*p;
			if (c < 0x21 || c == 0x7f)
				return -EINVAL;
			if (c >= '0' && c <= '9' && digits < 19)
				v = v * 10 + (uint64_t)(c - '0');
			else
				numeric = false;
			digits++;
			p++;
		}
		if (*p++ != '"')
			return -EINVAL;
		if (numeric && digits && v == generation)
			*match = true;
		while (*p == ' ')
			p++;
		if (!*p)
			return 0;
		if (*p++ != ',')
			return -EINVAL;
	}
}

int idem_key_valid(const char *k)
{
	size_t n = 0;

	for (; k[n]; n++)
		if ((unsigned char)k[n] < 0x21 || (unsigned char)k[n] > 0x7e || n >= IDEM_KEY_MAX)
			return -EINVAL;
	return n ? 0 : -EINVAL;
}

int parse_uint_param(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t n = 0;

	if (!s || !*s || (s[0] == '0' && s[1]))
		return -EINVAL;
	for (; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9' || n >= 19)
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[n] - '0');
	}
	if (v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_name_list(const char *s, const char *const names[], unsigned n, unsigned *mask)
{
	*mask = 0;
	if (n > 32)
		return -EINVAL;
	for (const char *p = s;;) {
		size_t len = strcspn(p, ",");
		bool ok = false;

		for (unsigned i = 0; i < n; i++)
			if (len && len == strlen(names[i]) && !strncmp(p, names[i], len)) {
				*mask |= 1u << i;
				ok = true;
			}
		if (!ok)
			return -EINVAL;
		p += len;
		if (!*p)
			return 0;
		p++; /* the comma: an item must follow */
	}
}

/* The characters of a xenstore path (Xen's docs/misc/xenstore.txt): no '.', so no "..". */
static bool store_path_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '/' || c == '_' || c == '-' || c == '@';
}

int parse_watch_list(const char *s, char out[][WATCH_PATH_MAX], unsigned max, unsigned *n)
{
	*n = 0;
	for (const char *p = s;;) {
		size_t len = strcspn(p, ",");

		if (*n == max || !len || len >= WATCH_PATH_MAX || p[0] != '/')
			return -EINVAL;
		/* The store refuses empty components: "//" and a trailing '/' (but "/" is valid).
		 */
		if (len > 1 && p[len - 1] == '/')
			return -EINVAL;
		for (size_t i = 0; i < len; i++)
			if (!store_path_char(p[i]) ||
			    (p[i] == '/' && i + 1 < len && p[i + 1] == '/'))
				return -EINVAL;
		memcpy(out[*n], p, len);
		out[*n][len] = '\0';
		/* The store refuses a second watch of a path under the same token. */
		for (unsigned k = 0; k < *n; k++)
			if (!strcmp(out[k], out[*n]))
				return -EINVAL;
		(*n)++;
		p += len;
		if (!*p)
			return 0;
		p++;
	}
}
