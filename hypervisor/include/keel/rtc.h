/* SPDX-License-Identifier: MIT */
#ifndef KEEL_RTC_H
#define KEEL_RTC_H

#include <keel/types.h>

/* Seconds since 1970 from the CMOS clock (taken as UTC). */
u64 rtc_read_unix_time(void);

#endif
