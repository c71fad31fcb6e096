/* SPDX-License-Identifier: MIT */
/*
 * The pure half of the dashboard's static-file serving: which file a URL path under /ui/
 * names, its media type and cache policy, and whether the client takes gzip. Everything here
 * parses network input, so it is bounds-checked and fuzzed (tests/api/fuzz).
 */
#ifndef KEEL_API_STATIC_PATH_H
#define KEEL_API_STATIC_PATH_H

#include <stdbool.h>
#include <stddef.h>

#define STATIC_PREFIX	    "/ui"
#define STATIC_REL_MAX	    128 /* longest relative file path served */
#define STATIC_SEGMENTS_MAX 4

struct static_file {
	char rel[STATIC_REL_MAX]; /* relative to the asset directory, e.g. "assets/x-1a2b.js" */
	const char *content_type;
	bool immutable; /* a content-hashed name under assets/: cache for a year */
};

/* True when path belongs to the dashboard ("/ui" or below "/ui/"). */
bool static_path_is_ui(const char *path);

/*
 * Maps a decoded URL path under /ui to a file. "/ui" and "/ui/" name index.html. Segments may
 * hold only [A-Za-z0-9._-], must not start with '.', and the name needs a known extension;
 * anything else (traversal, empty segments, control bytes, too long) is -ENOENT.
 */
int static_path_map(const char *path, struct static_file *out);

/* Whether an Accept-Encoding header value accepts gzip (a "gzip" or "*" coding, q > 0). */
bool static_accepts_gzip(const char *accept_encoding);

#endif
