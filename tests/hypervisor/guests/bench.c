// SPDX-License-Identifier: MIT
/*
 * Exit-path benchmark: a null hypercall (xen_version) round trip and a CPUID
 * exit, in TSC ticks (min and mean over many runs). It uses only Xen's ABI,
 * so the same image runs on Keel and on Xen (as a PVH dom0) for comparison.
 */
#include "guest.h"

const char test_name[] = "bench";

#define RUNS 2000

struct stat {
	uint64_t min, sum;
};

static void sample(struct stat *s, uint64_t t)
{
	if (t < s->min)
		s->min = t;
	s->sum += t;
}

bool test_main(const struct hvm_start_info *si)
{
	struct stat hc = {~0ULL, 0}, id = {~0ULL, 0}, nop = {~0ULL, 0};
	uint32_t r[4];
	(void)si;

	for (int i = 0; i < RUNS; i++) {
		uint64_t t0 = rdtsc();
		asm volatile("" ::: "memory");
		uint64_t t1 = rdtsc();
		sample(&nop, t1 - t0);
	}
	for (int i = 0; i < RUNS; i++) {
		uint64_t t0 = rdtsc();
		long v = HYPERCALL2(__HYPERVISOR_xen_version, XENVER_version, 0);
		uint64_t t1 = rdtsc();
		if (v < 0)
			return false;
		sample(&hc, t1 - t0);
	}
	for (int i = 0; i < RUNS; i++) {
		uint64_t t0 = rdtsc();
		cpuid(0x40000000, 0, r);
		uint64_t t1 = rdtsc();
		sample(&id, t1 - t0);
	}
	/* One line each, easy to parse: "bench <name> min <n> mean <n> ticks". */
	gprintf("bench rdtsc-pair min %lu mean %lu ticks\n", nop.min, nop.sum / RUNS);
	gprintf("bench hypercall min %lu mean %lu ticks\n", hc.min, hc.sum / RUNS);
	gprintf("bench cpuid min %lu mean %lu ticks\n", id.min, id.sum / RUNS);
	return true;
}
