// SPDX-License-Identifier: MIT
/* The RTC clock registers: calendar, BCD and binary, 12/24 h, UIP, SET, interrupts, the DM split.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arch/x86/hvm/vrtc.h>
#include <keel/calendar.h>

#define S  1000000000ULL
#define MS 1000000ULL
#define T0 1796043957ULL /* 2026-11-30 13:05:57 UTC, a Monday */

static struct vrtc rtc;

static u8 rd(u8 index, u64 now)
{
	assert_true(vrtc_index_write(&rtc, index));
	return vrtc_data_read(&rtc, now);
}

static void wr(u8 index, u8 val, u64 now)
{
	assert_true(vrtc_index_write(&rtc, index));
	vrtc_data_write(&rtc, val, now);
}

static void calendar(void **state)
{
	(void)state;
	struct calendar_tm tm;

	calendar_from_unix(T0, &tm);
	assert_int_equal(tm.year, 2026);
	assert_int_equal(tm.mon, 11);
	assert_int_equal(tm.mday, 30);
	assert_int_equal(tm.hour, 13);
	assert_int_equal(tm.wday, 1);
	assert_int_equal(unix_time(tm.year, tm.mon, tm.mday, tm.hour, tm.min, tm.sec), T0);
	calendar_from_unix(951782400, &tm); /* 2000-02-29 */
	assert_int_equal(tm.mon, 2);
	assert_int_equal(tm.mday, 29);
	for (u64 t = 0; t < 4102444800ULL; t += 86400 * 37 + 3671) {
		calendar_from_unix(t, &tm);
		assert_int_equal(unix_time(tm.year, tm.mon, tm.mday, tm.hour, tm.min, tm.sec), t);
	}
}

static void formats(void **state)
{
	(void)state;
	vrtc_reset(&rtc, T0, 0);
	/* Default: BCD, 24 hours. */
	assert_int_equal(rd(0x00, 0), 0x57);
	assert_int_equal(rd(0x02, 0), 0x05);
	assert_int_equal(rd(0x04, 0), 0x13);
	assert_int_equal(rd(0x06, 0), 0x02); /* Monday */
	assert_int_equal(rd(0x07, 0), 0x30);
	assert_int_equal(rd(0x08, 0), 0x11);
	assert_int_equal(rd(0x09, 0), 0x26);
	assert_int_equal(rd(0x0d, 0), 0x80); /* valid RAM and time */
	assert_int_equal(rd(0x00, 2 * S + 1), 0x59);
	assert_int_equal(rd(0x00, 3 * S), 0x00); /* the minute rolled over */
	assert_int_equal(rd(0x02, 3 * S), 0x06);
	/* 12 hours: 13:xx is 1 PM. */
	wr(0x0b, 0x00, 0);
	assert_int_equal(rd(0x04, 0), 0x81);
	/* Binary, 24 hours. */
	wr(0x0b, 0x06, 0);
	assert_int_equal(rd(0x00, 0), 57);
	assert_int_equal(rd(0x04, 0), 13);
	assert_int_equal(rd(0x09, 0), 26);
}

static void uip_and_split(void **state)
{
	(void)state;
	vrtc_reset(&rtc, T0, 0);
	assert_int_equal(rd(0x0a, 500 * MS), 0x26);
	assert_int_equal(rd(0x0a, S - 100000), 0xa6); /* the last 244 us of a second */
	wr(0x0a, 0xa6, 0);			      /* UIP is read-only */
	assert_int_equal(rd(0x0a, 0), 0x26);
	/* CMOS RAM (index 14 and up) is the device model's; bit 7 of the index is the NMI mask. */
	assert_false(vrtc_index_write(&rtc, 0x0e));
	assert_false(vrtc_claims_data(&rtc));
	assert_false(vrtc_index_write(&rtc, 0x32));
	assert_true(vrtc_index_write(&rtc, 0x8d));
	assert_true(vrtc_claims_data(&rtc));
	assert_int_equal(vrtc_data_read(&rtc, 0), 0x80);
}

static void setting_the_time(void **state)
{
	(void)state;
	vrtc_reset(&rtc, T0, 0);
	/* SET stops the registers; clearing it takes what was written. */
	wr(0x0b, 0x82, 0);
	wr(0x04, 0x20, 0);
	wr(0x02, 0x30, 0);
	assert_int_equal(rd(0x00, 5 * S), 0x57); /* frozen */
	wr(0x0b, 0x02, 5 * S);
	assert_int_equal(rd(0x04, 5 * S), 0x20);
	assert_int_equal(rd(0x02, 5 * S), 0x30);
	assert_int_equal(rd(0x00, 6 * S), 0x58); /* running again from 20:30:57 */
	/* One register written while running. */
	wr(0x09, 0x30, 6 * S);
	assert_int_equal(rd(0x09, 6 * S), 0x30);
	assert_int_equal(rd(0x04, 6 * S), 0x20);
	/* A value no calendar has leaves the clock alone. */
	wr(0x08, 0x99, 6 * S);
	assert_int_equal(rd(0x08, 6 * S), 0x11);
	wr(0x08, 0x1a, 6 * S); /* not BCD */
	assert_int_equal(rd(0x08, 6 * S), 0x11);
}

/* Holding the divider stops the clock; releasing it puts the next update half a second away. */
static void divider(void **state)
{
	(void)state;
	vrtc_reset(&rtc, T0, 0);
	wr(0x0a, 0x66, 10 * S + 300 * MS); /* 13:06:07.3: held */
	assert_int_equal(rd(0x00, 15 * S), 0x07);
	assert_int_equal(rd(0x0a, 15 * S + S - 1000), 0x66); /* no UIP while held */
	wr(0x0a, 0x26, 20 * S);
	assert_int_equal(rd(0x00, 20 * S), 0x07);
	assert_int_equal(rd(0x0a, 20 * S + 400 * MS), 0x26);
	assert_int_equal(rd(0x0a, 20 * S + 500 * MS - 100000), 0xa6);
	assert_int_equal(rd(0x00, 20 * S + 500 * MS - 1), 0x07);
	assert_int_equal(rd(0x00, 20 * S + 500 * MS), 0x08);
	assert_int_equal(rd(0x00, 21 * S + 500 * MS), 0x09);
}

static void interrupts(void **state)
{
	(void)state;
	vrtc_reset(&rtc, T0, 0);
	assert_int_equal(vrtc_next_event(&rtc, 0), 0); /* nothing enabled */
	/* Update-ended interrupt once a second. */
	wr(0x0b, 0x12, 0);
	assert_int_equal(vrtc_next_event(&rtc, 100 * MS), S);
	assert_false(vrtc_update(&rtc, 900 * MS));
	assert_true(vrtc_update(&rtc, S));
	assert_int_equal(vrtc_next_event(&rtc, S), 0); /* until register C is read */
	assert_false(vrtc_update(&rtc, 2 * S));	       /* IRQF already up: no second edge */
	assert_int_equal(rd(0x0c, 2 * S), 0xd0); /* PF too: rate 6 runs whatever PIE says, as Xen */
	assert_int_equal(rd(0x0c, 2 * S), 0x00); /* read clears */
	/* Periodic at 1024 Hz (rate 6). */
	wr(0x0b, 0x42, 2 * S);
	u64 next = vrtc_next_event(&rtc, 2 * S);
	assert_in_range(next - 2 * S, 1, 976563);
	assert_true(vrtc_update(&rtc, next));
	assert_int_equal(rd(0x0c, next) & 0xe0, 0xc0);
	/* Flags are set without their enables, but raise nothing. */
	wr(0x0b, 0x02, 3 * S);
	assert_false(vrtc_update(&rtc, 5 * S));
	assert_int_equal(rd(0x0c, 5 * S), 0x50);
	/* Alarm: don't-care hours and minutes, seconds 0x00. */
	wr(0x01, 0x00, 5 * S);
	wr(0x03, 0xc0, 5 * S);
	wr(0x05, 0xc0, 5 * S);
	wr(0x0b, 0x22, 5 * S);
	assert_false(vrtc_update(&rtc, 2 * S + 5 * S)); /* 13:06:04 */
	assert_true(vrtc_update(&rtc, 63 * S));		/* 13:07:00 */
	assert_int_equal(rd(0x0c, 63 * S) & 0xa0, 0xa0);
	/* Rate 0 disables the periodic flag. */
	wr(0x0a, 0x20, 63 * S);
	wr(0x0b, 0x42, 63 * S);
	assert_int_equal(vrtc_next_event(&rtc, 63 * S), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(calendar),	     cmocka_unit_test(formats),
	    cmocka_unit_test(uip_and_split), cmocka_unit_test(setting_the_time),
	    cmocka_unit_test(interrupts),    cmocka_unit_test(divider),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
