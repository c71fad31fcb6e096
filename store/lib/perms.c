// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xs_perms.h"
#include "xs_wire.h"

static int parse_one(const char *s, struct xs_perm *p)
{
	unsigned int domid;

	switch (s[0]) {
	case 'n':
		p->flags = XS_PERM_NONE;
		break;
	case 'r':
		p->flags = XS_PERM_READ;
		break;
	case 'w':
		p->flags = XS_PERM_WRITE;
		break;
	case 'b':
		p->flags = XS_PERM_READ | XS_PERM_WRITE;
		break;
	default:
		return -EINVAL;
	}
	if (xs_parse_domid(s + 1, &domid))
		return -EINVAL;
	p->domid = domid;
	return 0;
}

int xs_perms_parse(const char *buf, size_t len, struct xs_perm *out, unsigned int max)
{
	unsigned int n = 0;
	size_t off = 0;

	while (off < len) {
		const char *nul = memchr(buf + off, '\0', len - off);

		if (!nul || n == max)
			return -EINVAL;
		if (parse_one(buf + off, &out[n]))
			return -EINVAL;
		n++;
		off = (size_t)(nul - buf) + 1;
	}
	return n ? (int)n : -EINVAL;
}

int xs_perms_format(const struct xs_perm *p, unsigned int n, char *out, size_t outsz)
{
	static const char letter[4] = {'n', 'r', 'w', 'b'};
	size_t used = 0;

	for (unsigned int i = 0; i < n; i++) {
		int w =
		    snprintf(out + used, outsz - used, "%c%u", letter[p[i].flags & 3], p[i].domid);

		if (w < 0 || (size_t)w + 1 > outsz - used)
			return -E2BIG;
		used += (size_t)w + 1; /* keep snprintf's NUL as the separator */
	}
	return (int)used;
}

unsigned int xs_perms_access(const struct xs_perm *p, unsigned int n, unsigned int domid,
			     int target, int privileged)
{
	const unsigned int all = XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER;

	if (privileged)
		return all;
	if (!n)
		return XS_PERM_NONE;
	if (p[0].domid == domid || (target >= 0 && p[0].domid == (unsigned int)target))
		return all;
	for (unsigned int i = 1; i < n; i++)
		if (p[i].domid == domid || (target >= 0 && p[i].domid == (unsigned int)target))
			return p[i].flags & (XS_PERM_READ | XS_PERM_WRITE);
	return p[0].flags & (XS_PERM_READ | XS_PERM_WRITE);
}
