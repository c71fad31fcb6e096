// SPDX-License-Identifier: MIT
/*
 * CPU share probe: spins for run=TICKS of wall-clock TSC time, counting work,
 * and prints "work N". Two of these on one pCPU show the scheduler's split.
 */
#include "guest.h"

const char test_name[] = "spin";

bool test_main(const struct hvm_start_info *si)
{
	uint64_t run = guest_option(si, "run", 20000000);
	uint64_t end = rdtsc() + run, work = 0;

	while (rdtsc() < end) {
		for (volatile int i = 0; i < 100; i++)
			;
		work++;
	}
	gprintf("work %lu\n", work);
	return work > 0;
}
