/* SPDX-License-Identifier: MIT */
/* Xenstore paths: validation, resolution of relative paths, parents and subtrees. */
#ifndef KEEL_XS_PATH_H
#define KEEL_XS_PATH_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Resolves a client-supplied path into an absolute one (out, at least XS_ABS_PATH_MAX + 1
 * bytes). Relative paths go under /local/domain/<domid>. Special paths (@...) are accepted
 * only with allow_special. rel_max limits the length past /local/domain/<id>/ (0: no limit).
 * Returns 0, or -EINVAL for a bad character, an empty path, "//", a trailing '/', or a
 * path that is too long. *relative tells whether the input was relative.
 */
int xs_path_resolve(const char *in, unsigned int domid, bool allow_special, size_t rel_max,
		    char *out, size_t outsz, bool *relative);

/* Writes /local/domain/<domid> into out; returns its length. */
size_t xs_domain_path(unsigned int domid, char *out, size_t outsz);

/* Parent of an absolute path other than "/" into out ("/" for top-level nodes). */
void xs_path_parent(const char *path, char *out, size_t outsz);
/* The last component of an absolute path other than "/". */
const char *xs_path_base(const char *path);
/* True if path is ancestor or equal to child ("/" is everyone's ancestor). */
bool xs_path_is_under(const char *child, const char *ancestor);
/* Number of components below ancestor (child must be under it). */
unsigned int xs_path_depth_below(const char *child, const char *ancestor);
/* Number of components of an absolute path ("/" has 0). */
unsigned int xs_path_depth(const char *path);
/* Special paths (@introduceDomain ...) start with '@'. */
static inline bool xs_path_is_special(const char *p)
{
	return p[0] == '@';
}

#endif
