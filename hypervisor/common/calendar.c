// SPDX-License-Identifier: MIT
/* Calendar arithmetic: see calendar.h. */
#include <keel/calendar.h>

u64 unix_time(u32 year, u32 mon, u32 day, u32 hour, u32 min, u32 sec)
{
	/* Shift the year to start in March so the leap day is last. */
	s64 y = (s64)year - (mon <= 2);
	s64 era = (y >= 0 ? y : y - 399) / 400;
	u64 yoe = (u64)(y - era * 400);
	u64 mp = (mon + 9) % 12;
	u64 doy = (153 * mp + 2) / 5 + day - 1;
	u64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	s64 days = era * 146097 + (s64)doe - 719468;

	return (u64)days * 86400 + hour * 3600 + min * 60 + sec;
}

void calendar_from_unix(u64 t, struct calendar_tm *tm)
{
	u64 days = t / 86400, s = t % 86400;

	tm->hour = (u32)(s / 3600);
	tm->min = (u32)(s / 60 % 60);
	tm->sec = (u32)(s % 60);
	tm->wday = (u32)((days + 4) % 7); /* 1970-01-01 was a Thursday */
	/* The inverse of unix_time: eras of 400 years, years starting in March. */
	u64 z = days + 719468;
	u32 era = (u32)(z / 146097), doe = (u32)(z - (u64)era * 146097);
	u32 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	u32 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	u32 mp = (5 * doy + 2) / 153;
	tm->mday = doy - (153 * mp + 2) / 5 + 1;
	tm->mon = mp < 10 ? mp + 3 : mp - 9;
	tm->year = yoe + era * 400 + (tm->mon <= 2);
}
