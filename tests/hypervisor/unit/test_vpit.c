// SPDX-License-Identifier: MIT
/* The PIT: counting in each mode, latches, read-back, channel 2's gate, channel 0's timer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arch/x86/hvm/vpit.h>

#define MS 1000000ULL
#define US 1000ULL

static struct vpit pit;

/* Two reads of a channel: low byte, then high byte. */
static u32 read_word(u16 port, u64 now)
{
	u32 lo = vpit_read(&pit, port, now);
	return lo | (u32)vpit_read(&pit, port, now) << 8;
}

static u32 latched_count(u32 ch, u64 now)
{
	vpit_write(&pit, 0x43, (u8)(ch << 6), now); /* counter latch */
	u32 lo = vpit_read(&pit, (u16)(0x40 + ch), now + 5 * MS);
	return lo | (u32)vpit_read(&pit, (u16)(0x40 + ch), now + 9 * MS) << 8;
}

static void rate_generator(void **state)
{
	(void)state;
	u64 first, period;

	assert_int_equal(vpit_ns_to_ticks(1000 * MS), VPIT_HZ);
	vpit_reset(&pit, 0);
	vpit_write(&pit, 0x43, 0x34, 0); /* channel 0, LSB then MSB, mode 2 */
	vpit_write(&pit, 0x40, 0xa9, 0);
	vpit_write(&pit, 0x40, 0x04, 0); /* 1193: 1 kHz */
	assert_true(vpit_irq_timer(&pit, &first, &period));
	assert_in_range(period, 999847 - 1, 999847 + 1);
	assert_int_equal(first, period);
	/* Half a period in: about half the count left (the latch holds it while read later). */
	assert_in_range(latched_count(0, 500 * US), 596, 598);
	/* OUT in mode 2: low for one tick at the end of each period. */
	assert_false(vpit_out(&pit, 0, 500 * US));
	/* Words are read low byte first, the flip-flop alternating. */
	assert_in_range(read_word(0x40, 250 * US), 894, 896);
	/* Mode 6 is mode 2. */
	vpit_write(&pit, 0x43, 0x3c, 0);
	assert_int_equal(pit.ch[0].mode, 2);
	/* A count of 0 is 65536. */
	vpit_write(&pit, 0x43, 0x36, 0);
	vpit_write(&pit, 0x40, 0, 0);
	vpit_write(&pit, 0x40, 0, 0);
	assert_true(vpit_irq_timer(&pit, &first, &period));
	assert_in_range(period, 54925401 - 1, 54925401 + 1);
	/* Square wave: OUT high for the first half of the period. */
	assert_true(vpit_out(&pit, 0, 10 * MS));
	assert_false(vpit_out(&pit, 0, 40 * MS));
	/* Mode 5 raises no channel 0 interrupt; modes 0 and 4 are one-shots. */
	vpit_write(&pit, 0x43, 0x3a, 0);
	assert_false(vpit_irq_timer(&pit, &first, &period));
	vpit_write(&pit, 0x43, 0x30, 0);
	vpit_write(&pit, 0x40, 0x10, MS);
	vpit_write(&pit, 0x40, 0x00, MS);
	assert_true(vpit_irq_timer(&pit, &first, &period));
	assert_int_equal(period, 0);
	assert_in_range(first, MS + 13409, MS + 13411); /* 16 ticks after the load */
}

static void read_back(void **state)
{
	(void)state;
	vpit_reset(&pit, 0);
	vpit_write(&pit, 0x43, 0xb0, 0); /* channel 2, word, mode 0 */
	vpit_write(&pit, 0x42, 0x00, 0);
	vpit_write(&pit, 0x42, 0x10, 0); /* 4096 ticks: 3.43 ms */
	/* Read-back of channel 2's status and count (bits 5 and 4 clear). */
	vpit_write(&pit, 0x43, 0xc8, 1 * MS);
	u8 status = vpit_read(&pit, 0x42, 2 * MS);
	assert_int_equal(status, 0x30); /* OUT low, word access, mode 0, binary */
	u32 count = read_word(0x42, 2 * MS);
	assert_in_range(count, 4096 - 1194, 4096 - 1192);
	/* Status only, after the count ran out: OUT high. */
	vpit_write(&pit, 0x43, 0xe8, 4 * MS);
	assert_int_equal(vpit_read(&pit, 0x42, 4 * MS), 0xb0);
	/* A latch holds until read: through a later latch, and through a new count. */
	vpit_write(&pit, 0x43, 0x80, 0);
	vpit_write(&pit, 0x42, 0xff, 0);
	vpit_write(&pit, 0x42, 0xff, 0);
	vpit_write(&pit, 0x43, 0x80, 0);
	assert_int_equal(read_word(0x42, 5 * MS), 0x1000); /* the old count, latched at 0 */
	vpit_write(&pit, 0x43, 0x80, 1 * MS);
	vpit_write(&pit, 0x43, 0x80, 3 * MS);
	u32 c1 = read_word(0x42, 5 * MS);
	assert_in_range(c1, 0xffff - 1194, 0xffff - 1192);
	assert_int_equal(vpit_read(&pit, 0x43, 0), 0xff); /* the control port is write-only */
}

static void gate_and_port61(void **state)
{
	(void)state;
	vpit_reset(&pit, 0);
	assert_int_equal(vpit_port61_read(&pit, 0) & 0x01, 0);
	vpit_write(&pit, 0x43, 0xb2, 0); /* channel 2, word, mode 1 (retriggerable one-shot) */
	vpit_write(&pit, 0x42, 0x00, 0);
	vpit_write(&pit, 0x42, 0x10, 0);
	vpit_port61_write(&pit, 0x03, 10 * MS); /* gate up: the count starts now */
	assert_int_equal(vpit_port61_read(&pit, 10 * MS) & 0x23, 0x23); /* gate, speaker, OUT */
	assert_int_equal(vpit_port61_read(&pit, 20 * MS) & 0x21, 0x01); /* count done: OUT low */
	/* Bit 4 toggles with time (the refresh clock). */
	assert_int_not_equal(vpit_port61_read(&pit, 0) & 0x10,
			     vpit_port61_read(&pit, 1ULL << 14) & 0x10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rate_generator),
	    cmocka_unit_test(read_back),
	    cmocka_unit_test(gate_and_port61),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
