// SPDX-License-Identifier: MIT
/* The scheduler's arithmetic. Pure code: unit-tested on the host. */
#include <keel/sched.h>

u64 sched_vruntime_delta(u64 ticks, u32 weight)
{
	if (!weight)
		weight = 1;
	/* Split to keep ticks * DEFAULT_WEIGHT from overflowing on long runs. */
	return ticks / weight * DEFAULT_WEIGHT + ticks % weight * DEFAULT_WEIGHT / weight;
}

u64 sched_cap_budget(u32 cap, u64 period_ticks)
{
	if (!cap)
		return UINT64_MAX;
	return period_ticks / 100 * cap;
}
