// SPDX-License-Identifier: MIT
#include "console_json.h"

#include <errno.h>

/* Characters of valid UTF-8 (jansson checked it): the bytes that do not continue one. */
static size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

int console_input_from_json(const json_t *body, struct console_input *out, struct verr *e)
{
	static const char *const allowed[] = {"input", NULL};
	const json_t *v;

	if (jv_only(body, "", allowed, e))
		return -EINVAL;
	v = json_object_get(body, "input");
	if (!v)
		return verr_set(e, "", "input", "is required");
	if (!json_is_string(v))
		return verr_set(e, "", "input", "must be a string");
	out->data = json_string_value(v);
	out->len = json_string_length(v);
	/* Keystrokes are bytes: Ctrl-C (\u0003) and escapes are input like any other. */
	if (out->len < 1 || utf8_chars(out->data, out->len) > CONSOLE_INPUT_CHARS)
		return verr_set(e, "", "input", "must be 1 to %d characters", CONSOLE_INPUT_CHARS);
	return 0;
}
