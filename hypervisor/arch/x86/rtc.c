// SPDX-License-Identifier: MIT
/* The CMOS real-time clock, read once at boot for the guests' wallclock. */
#include <keel/calendar.h>
#include <keel/rtc.h>
#include <arch/x86/cpu.h>

static u8 cmos(u8 reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static u32 bcd(u8 v, bool binary)
{
	return binary ? v : (u32)(v & 0xf) + (u32)(v >> 4) * 10;
}

u64 rtc_read_unix_time(void)
{
	/* Wait out an update in progress, then read; re-read until two agree. */
	u8 a[6], b[6];
	for (int tries = 0; tries < 10; tries++) {
		for (int i = 0; i < 1000000 && (cmos(0x0a) & 0x80); i++)
			cpu_relax();
		u8 regs[6] = {0x00, 0x02, 0x04, 0x07, 0x08, 0x09};
		for (int i = 0; i < 6; i++)
			a[i] = cmos(regs[i]);
		for (int i = 0; i < 6; i++)
			b[i] = cmos(regs[i]);
		bool same = true;
		for (int i = 0; i < 6; i++)
			same &= a[i] == b[i];
		if (same)
			break;
	}
	u8 status_b = cmos(0x0b);
	bool binary = status_b & 0x04;
	u32 hour = bcd(a[2] & 0x7f, binary);
	if (!(status_b & 0x02) && (a[2] & 0x80))
		hour = (hour % 12) + 12;     /* 12-hour clock, PM */
	u32 year = bcd(a[5], binary) + 2000; /* no century register everywhere: 2000-2099 */
	return unix_time(year, bcd(a[4], binary), bcd(a[3], binary), hour, bcd(a[1], binary),
			 bcd(a[0], binary));
}
