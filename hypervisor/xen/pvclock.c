// SPDX-License-Identifier: MIT
/* PV clock and wallclock: see pvclock.h. */
#include <keel/arch.h>
#include <keel/pvclock.h>
#include <keel/timer.h>

static struct pvclock_scale scale;
static u64 clock_boot_tsc;
static u64 wall_sec_at_boot;
static bool tsc_stable;

void pvclock_scale_for(u64 khz, struct pvclock_scale *s)
{
	u64 tps = khz * 1000;
	s8 shift = 0;

	if (!tps)
		tps = 1;
	/* Bring ticks per second into (1e9, 2e9] so mul = 1e9 * 2^32 / tps fits 32 bits. */
	while (tps > 2000000000ULL) {
		tps >>= 1;
		shift--;
	}
	while (tps <= 1000000000ULL) {
		tps <<= 1;
		shift++;
	}
	s->mul = (u32)((1000000000ULL << 32) / tps);
	s->shift = shift;
}

u64 pvclock_scale_delta(u64 ticks, const struct pvclock_scale *s)
{
	if (s->shift < 0)
		ticks >>= -s->shift;
	else
		ticks <<= s->shift;
	return (u64)(((unsigned __int128)ticks * s->mul) >> 32);
}

void pvclock_init(u64 khz, u64 boot, u64 wallclock_sec)
{
	struct cpuid_regs r;

	pvclock_scale_for(khz, &scale);
	clock_boot_tsc = boot;
	wall_sec_at_boot = wallclock_sec;
	cpuid_count(0x80000000, 0, &r);
	if (r.eax >= 0x80000007) {
		cpuid_count(0x80000007, 0, &r);
		tsc_stable = r.edx & BIT(8); /* invariant TSC */
	}
}

u64 system_time_ns(void)
{
	return pvclock_scale_delta(rdtsc() - clock_boot_tsc, &scale);
}

void pvclock_update(struct vcpu_time_info *t)
{
	u64 tsc = rdtsc();

	t->version++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->tsc_timestamp = tsc;
	t->system_time = pvclock_scale_delta(tsc - clock_boot_tsc, &scale);
	t->tsc_to_system_mul = scale.mul;
	t->tsc_shift = scale.shift;
	t->flags = tsc_stable ? XEN_PVCLOCK_TSC_STABLE : 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->version++;
}

u64 pvclock_boot_wallclock(void)
{
	return wall_sec_at_boot;
}

void pvclock_write_wallclock(struct shared_info *si)
{
	si->wc_version++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	si->wc_sec = (u32)wall_sec_at_boot;
	si->wc_sec_hi = (u32)(wall_sec_at_boot >> 32);
	si->wc_nsec = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	si->wc_version++;
}
