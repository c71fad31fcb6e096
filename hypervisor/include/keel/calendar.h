/* SPDX-License-Identifier: MIT */
/*
 * Civil calendar <-> seconds since 1970 (UTC, proleptic Gregorian), for the
 * host's CMOS clock (arch/x86/rtc.c) and HVM guests' RTC (arch/x86/hvm/vrtc.c).
 * Pure: unit-tested on the host.
 */
#ifndef KEEL_CALENDAR_H
#define KEEL_CALENDAR_H

#include <keel/types.h>

struct calendar_tm {
	u32 sec, min, hour, mday, mon, year, wday; /* mon 1-12, year 4 digits, wday 0 = Sunday */
};

/* Days-from-civil: a calendar date to seconds since 1970. */
u64 unix_time(u32 year, u32 mon, u32 day, u32 hour, u32 min, u32 sec);
/* The calendar date of t seconds since 1970. */
void calendar_from_unix(u64 t, struct calendar_tm *tm);

#endif
