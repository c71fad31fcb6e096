/* SPDX-License-Identifier: MIT */
/*
 * Node permissions: a list of (domid, flags). The first entry names the owner, who has
 * full access, and its flags are what every domain without an entry of its own gets.
 */
#ifndef KEEL_XS_PERMS_H
#define KEEL_XS_PERMS_H

#include <stddef.h>
#include <stdint.h>

#define XS_PERM_NONE  0u
#define XS_PERM_READ  1u
#define XS_PERM_WRITE 2u
#define XS_PERM_OWNER 4u    /* computed access only: may change the permissions */
#define XS_PERMS_MAX  1024u /* a hard bound for parsing; quotas are far lower */

struct xs_perm {
	uint32_t domid;
	uint32_t flags; /* XS_PERM_READ | XS_PERM_WRITE */
};

/*
 * Parses count NUL-terminated permission strings ("b5", "r0", "n12", "w3") packed in
 * buf[0..len). Returns the number of entries (>= 1) written to out (at most max), or
 * -EINVAL (malformed, empty, more than max).
 */
int xs_perms_parse(const char *buf, size_t len, struct xs_perm *out, unsigned int max);
/* Formats entries as NUL-terminated strings into out; returns bytes written or -E2BIG. */
int xs_perms_format(const struct xs_perm *p, unsigned int n, char *out, size_t outsz);

/*
 * Access of a domain (with an optional target domain it acts for, or -1) to a node:
 * XS_PERM_READ|WRITE|OWNER for the privileged and the owner, else the first matching
 * entry's flags, else the owner entry's flags (the default).
 */
unsigned int xs_perms_access(const struct xs_perm *p, unsigned int n, unsigned int domid,
			     int target, int privileged);

#endif
