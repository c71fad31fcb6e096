// SPDX-License-Identifier: MIT
/* The console input ring: see console_input.h. */
#include <keel/console_input.h>

_Static_assert((CONSOLE_INPUT_SIZE & (CONSOLE_INPUT_SIZE - 1)) == 0,
	       "CONSOLE_INPUT_SIZE is a power of two");

u32 console_input_level(const struct console_input *r)
{
	return r->prod - r->cons;
}

u32 console_input_push(struct console_input *r, const u8 *s, u32 len)
{
	u32 room = CONSOLE_INPUT_SIZE - console_input_level(r);
	u32 n = len < room ? len : room;

	for (u32 i = 0; i < n; i++)
		r->buf[(r->prod + i) & (CONSOLE_INPUT_SIZE - 1)] = s[i];
	r->prod += n;
	r->dropped += len - n;
	return n;
}

u32 console_input_peek(const struct console_input *r, u8 *out, u32 max)
{
	u32 level = console_input_level(r);
	u32 n = max < level ? max : level;

	for (u32 i = 0; i < n; i++)
		out[i] = r->buf[(r->cons + i) & (CONSOLE_INPUT_SIZE - 1)];
	return n;
}

void console_input_consume(struct console_input *r, u32 n)
{
	u32 level = console_input_level(r);

	r->cons += n < level ? n : level;
}
