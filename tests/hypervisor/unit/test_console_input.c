// SPDX-License-Identifier: MIT
/* The console input ring: order, wrap-around, a full ring dropping and counting, peek/consume. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <keel/console_input.h>

static struct console_input ring;

static void reset(void)
{
	memset(&ring, 0, sizeof(ring));
}

static void in_order(void **state)
{
	(void)state;
	u8 out[8];

	reset();
	assert_int_equal(console_input_level(&ring), 0);
	assert_int_equal(console_input_peek(&ring, out, sizeof(out)), 0);
	assert_int_equal(console_input_push(&ring, (const u8 *)"ls -l\r", 6), 6);
	assert_int_equal(console_input_level(&ring), 6);
	/* Peek leaves the bytes; consume takes them. */
	assert_int_equal(console_input_peek(&ring, out, 3), 3);
	assert_memory_equal(out, "ls ", 3);
	assert_int_equal(console_input_peek(&ring, out, sizeof(out)), 6);
	assert_memory_equal(out, "ls -l\r", 6);
	console_input_consume(&ring, 3);
	assert_int_equal(console_input_peek(&ring, out, sizeof(out)), 3);
	assert_memory_equal(out, "-l\r", 3);
	console_input_consume(&ring, 100); /* more than waits: only what waits */
	assert_int_equal(console_input_level(&ring), 0);
	assert_int_equal(ring.dropped, 0);
}

static void full_drops_and_counts(void **state)
{
	(void)state;
	static u8 big[CONSOLE_INPUT_SIZE + 10], out[CONSOLE_INPUT_SIZE];

	reset();
	for (u32 i = 0; i < sizeof(big); i++)
		big[i] = (u8)i;
	assert_int_equal(console_input_push(&ring, big, sizeof(big)), CONSOLE_INPUT_SIZE);
	assert_int_equal(ring.dropped, 10);
	assert_int_equal(console_input_push(&ring, big, 1), 0);
	assert_int_equal(ring.dropped, 11);
	/* The oldest bytes are kept, the newest dropped (as Xen's serial_rx ring). */
	assert_int_equal(console_input_peek(&ring, out, sizeof(out)), CONSOLE_INPUT_SIZE);
	assert_memory_equal(out, big, CONSOLE_INPUT_SIZE);
	console_input_consume(&ring, 4);
	assert_int_equal(console_input_push(&ring, (const u8 *)"abcdef", 6), 4);
	assert_int_equal(ring.dropped, 13);
}

static void wraps_around(void **state)
{
	(void)state;
	u8 out[16];

	reset();
	/* Indices run free past the buffer size and past 2^32. */
	ring.prod = ring.cons = 0xfffffffcu;
	assert_int_equal(console_input_push(&ring, (const u8 *)"0123456789", 10), 10);
	assert_int_equal(console_input_level(&ring), 10);
	assert_int_equal(console_input_peek(&ring, out, sizeof(out)), 10);
	assert_memory_equal(out, "0123456789", 10);
	console_input_consume(&ring, 10);
	assert_int_equal(console_input_level(&ring), 0);
	for (int round = 0; round < 300; round++) {
		assert_int_equal(console_input_push(&ring, (const u8 *)"xyz", 3), 3);
		assert_int_equal(console_input_peek(&ring, out, 3), 3);
		assert_memory_equal(out, "xyz", 3);
		console_input_consume(&ring, 3);
	}
	assert_int_equal(ring.dropped, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(in_order),
	    cmocka_unit_test(full_drops_and_counts),
	    cmocka_unit_test(wraps_around),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
