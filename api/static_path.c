// SPDX-License-Identifier: MIT
#include "static_path.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *ext;
	const char *type;
} media_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".json", "application/json"},
    {".txt", "text/plain; charset=utf-8"},
};

bool static_path_is_ui(const char *path)
{
	size_t n = strlen(STATIC_PREFIX);

	return !strncmp(path, STATIC_PREFIX, n) && (path[n] == '\0' || path[n] == '/');
}

static bool segment_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '.' || ch == '_' || ch == '-';
}

/* Checks every segment of rel ("a/b/c"): non-empty, allowed bytes, no leading dot. */
static int check_segments(const char *rel)
{
	unsigned segments = 0;
	const char *s = rel;

	for (;;) {
		size_t len = 0;

		if (*s == '.' || ++segments > STATIC_SEGMENTS_MAX)
			return -ENOENT;
		while (s[len] && s[len] != '/') {
			if (!segment_char(s[len]))
				return -ENOENT;
			len++;
		}
		if (!len)
			return -ENOENT;
		if (!s[len])
			return 0;
		s += len + 1;
	}
}

static const char *media_type(const char *rel)
{
	const char *dot = strrchr(rel, '.');

	if (!dot || strchr(dot, '/'))
		return NULL;
	for (size_t i = 0; i < sizeof(media_types) / sizeof(media_types[0]); i++)
		if (!strcmp(dot, media_types[i].ext))
			return media_types[i].type;
	return NULL;
}

int static_path_map(const char *path, struct static_file *out)
{
	const char *rel;
	size_t len;

	memset(out, 0, sizeof(*out));
	if (!static_path_is_ui(path))
		return -ENOENT;
	rel = path + strlen(STATIC_PREFIX);
	if (*rel == '/')
		rel++;
	if (!*rel)
		rel = "index.html";
	len = strlen(rel);
	if (len >= sizeof(out->rel) || check_segments(rel))
		return -ENOENT;
	out->content_type = media_type(rel);
	if (!out->content_type)
		return -ENOENT;
	memcpy(out->rel, rel, len + 1);
	/* The build names everything under assets/ by its content hash (ui/vite.config.ts). */
	out->immutable = !strncmp(rel, "assets/", 7);
	return 0;
}

/* The q of one coding's parameters (";q=0.5"): 0 only for an explicit zero. */
static bool q_positive(const char *params, size_t len)
{
	const char *end = params + len, *q = NULL;

	for (const char *p = params; p + 1 < end; p++)
		if ((*p == 'q' || *p == 'Q') && p[1] == '=' &&
		    (p == params || p[-1] == ';' || p[-1] == ' '))
			q = p + 2;
	if (!q)
		return true;
	while (q < end && (*q == '0' || *q == '.'))
		q++;
	/* Only zeros (and a dot) before the end or the next parameter: q is 0. */
	return q < end && *q != ';' && *q != ' ';
}

bool static_accepts_gzip(const char *ae)
{
	const char *s = ae;
	int gzip = -1, any = -1; /* -1 not listed, else whether q > 0 */

	if (!ae)
		return false;
	while (*s) {
		size_t len = strcspn(s, ","), name;

		while (len && (*s == ' ' || *s == '\t')) {
			s++;
			len--;
		}
		name = strcspn(s, "; \t");
		if (name > len)
			name = len;
		if (name == 4 && !strncasecmp(s, "gzip", 4))
			gzip = q_positive(s + name, len - name);
		else if (name == 1 && *s == '*')
			any = q_positive(s + name, len - name);
		s += len;
		if (*s == ',')
			s++;
	}
	/* "*" stands for the codings not named (RFC 9110, 12.5.3). */
	return gzip >= 0 ? gzip : any > 0;
}
