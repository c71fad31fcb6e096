// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xs_path.h"
#include "xs_wire.h"

static bool valid_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '/' || c == '_' || c == '@';
}

size_t xs_domain_path(unsigned int domid, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "/local/domain/%u", domid);

	return n < 0 ? 0 : (size_t)n;
}

int xs_path_resolve(const char *in, unsigned int domid, bool allow_special, size_t rel_max,
		    char *out, size_t outsz, bool *relative)
{
	size_t inlen = strlen(in), prefix = 0, len;
	char dom[32];

	*relative = false;
	if (!inlen)
		return -EINVAL;
	for (size_t i = 0; i < inlen; i++)
		if (!valid_char(in[i]))
			return -EINVAL;
	if (in[0] == '@') {
		if (!allow_special)
			return -EINVAL;
		if (inlen > XS_ABS_PATH_MAX || inlen + 1 > outsz || strstr(in, "//") ||
		    in[inlen - 1] == '/')
			return -EINVAL;
		memcpy(out, in, inlen + 1);
		return 0;
	}
	if (in[0] != '/') {
		*relative = true;
		prefix = xs_domain_path(domid, dom, sizeof(dom));
		dom[prefix++] = '/';
	}
	len = prefix + inlen;
	if (len > XS_ABS_PATH_MAX || len + 1 > outsz)
		return -EINVAL;
	memcpy(out, dom, prefix);
	memcpy(out + prefix, in, inlen + 1);
	if (strstr(out, "//"))
		return -EINVAL;
	if (len > 1 && out[len - 1] == '/')
		return -EINVAL;
	if (rel_max) {
		/* Like Xen, the per-domain limit counts what follows /local/domain/<id>/. */
		unsigned int id;
		int off = 0;
		size_t rest = len;

		if (sscanf(out, "/local/domain/%5u/%n", &id, &off) == 1 && off > 0)
			rest = len - (size_t)off;
		if (rest > rel_max)
			return -EINVAL;
	}
	return 0;
}

void xs_path_parent(const char *path, char *out, size_t outsz)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (n == 0) {
		snprintf(out, outsz, "/");
		return;
	}
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, path, n);
	out[n] = '\0';
}

const char *xs_path_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

bool xs_path_is_under(const char *child, const char *ancestor)
{
	size_t n = strlen(ancestor);

	if (n == 1 && ancestor[0] == '/')
		return child[0] == '/';
	return !strncmp(child, ancestor, n) && (child[n] == '\0' || child[n] == '/');
}

unsigned int xs_path_depth(const char *path)
{
	unsigned int d = 0;

	if (!strcmp(path, "/"))
		return 0;
	for (; *path; path++)
		if (*path == '/')
			d++;
	return d;
}

unsigned int xs_path_depth_below(const char *child, const char *ancestor)
{
	return xs_path_depth(child) - xs_path_depth(ancestor);
}
