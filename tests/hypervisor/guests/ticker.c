// SPDX-License-Identifier: MIT
/*
 * A guest that stays up and shows it: "tick N" every period=MS milliseconds of
 * Xen system time (PV clock), halted in between until its timer VIRQ fires
 * (set_timer_op), so it costs the pCPU almost nothing. A paused domain prints
 * no ticks; the emulator tests watch that from the console.
 */
#include "guest.h"
#include "xen.h"

const char test_name[] = "ticker";

#define TICKS_PLENTY 4000000000ULL

bool test_main(const struct hvm_start_info *si)
{
	uint64_t period_ns = guest_option(si, "period", 1000) * 1000000ULL;
	uint32_t port;

	CHECK_EQ(xen_map_shared_info(), 0);
	CHECK_EQ(xen_enable_upcall(), 0);
	CHECK_EQ(bind_virq(VIRQ_TIMER, 0, &port), 0);
	for (uint64_t n = 1;; n++) {
		struct vcpu_time_info *t = &shared->vcpu_info[0].time;
		CHECK_EQ(HYPERCALL1(__HYPERVISOR_set_timer_op, xen_clock_ns(t) + period_ns), 0);
		CHECK(wait_port(port, (uint32_t)n, TICKS_PLENTY));
		gprintf("tick %lu\n", n);
	}
	return true;
}
