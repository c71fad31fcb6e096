// SPDX-License-Identifier: MIT
/* Image names and references: see image_name.h. */
#include "image_name.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool image_name_ok(const char *s)
{
	size_t n = strnlen(s, IMAGE_NAME_MAX + 1);

	if (!n || n > IMAGE_NAME_MAX || !alnum(s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!alnum(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

/* ref is dir + "/" + an image name. */
static const char *under(const char *dir, const char *ref)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (!n || strncmp(ref, dir, n) || ref[n] != '/')
		return NULL;
	return image_name_ok(ref + n + 1) ? ref + n + 1 : NULL;
}

const char *image_ref_name(const char *dir, const char *ref)
{
	const char *name;

	if (image_name_ok(ref))
		return ref;
	name = under(IMAGE_API_DIR, ref);
	return name ? name : under(dir, ref);
}

int image_ref_path(const char *dir, const char *ref, char *out, size_t size)
{
	const char *name = image_ref_name(dir, ref);
	int n = name ? snprintf(out, size, "%s/%s", dir, name) : snprintf(out, size, "%s", ref);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}
