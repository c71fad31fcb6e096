// SPDX-License-Identifier: MIT
/* Command-line options. Pure code: unit-tested on the host. */
#include <keel/cmdline.h>
#include <keel/errno.h>
#include <keel/string.h>

int cmdline_get(const char *cmdline, const char *key, char *val, size_t size)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	if (!cmdline || !klen)
		return -ENOENT;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *word = p;
		while (*p && *p != ' ')
			p++;
		size_t wlen = (size_t)(p - word);
		if (wlen < klen || strncmp(word, key, klen))
			continue;
		if (wlen == klen) {
			if (size)
				val[0] = '\0';
			return 0;
		}
		if (word[klen] != '=')
			continue;
		const char *v = word + klen + 1;
		size_t vlen = wlen - klen - 1;
		if (vlen >= size)
			return -E2BIG;
		memcpy(val, v, vlen);
		val[vlen] = '\0';
		return (int)vlen;
	}
	return -ENOENT;
}

bool cmdline_flag(const char *cmdline, const char *key)
{
	char v[8];
	int n = cmdline_get(cmdline, key, v, sizeof(v));

	if (n < 0)
		return false;
	return n == 0 || !strcmp(v, "1") || !strcmp(v, "yes") || !strcmp(v, "on");
}

int parse_u64(const char *s, u64 *out)
{
	u64 v = 0, base = 10;
	int digits = 0;

	if (!s || !*s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
		digits++;
	}
	if (!digits)
		return -EINVAL;
	unsigned shift = 0;
	switch (*s) {
	case '\0':
		break;
	case 'k':
	case 'K':
		shift = 10;
		s++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		s++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		s++;
		break;
	default:
		return -EINVAL;
	}
	if (*s)
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}
