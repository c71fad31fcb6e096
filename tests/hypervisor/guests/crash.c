// SPDX-License-Identifier: MIT
/*
 * A guest that dies on purpose after delay=TICKS, as mode= says: "triple"
 * (no IDT, then a fault: triple fault), "invd" (an instruction whose exit
 * Keel does not handle) or "outside" (a jump beyond its RAM, where the
 * hypervisor's or another domain's memory might be: reads there only see
 * all ones, but code cannot run). Keel must crash only this domain, with a
 * dump.
 */
#include "guest.h"

const char test_name[] = "crash";

bool test_main(const struct hvm_start_info *si)
{
	uint64_t end = rdtsc() + guest_option(si, "delay", 2000000);
	const char *cmd = guest_cmdline(si);

	while (rdtsc() < end)
		asm volatile("pause");
	gprintf("crashing now (%s)\n", cmd);
	if (cmdline_has(cmd, "mode", "invd")) {
		asm volatile("invd");
	} else if (cmdline_has(cmd, "mode", "outside")) {
		/* Guest-physical memory beyond our RAM: not mapped for us, whoever owns it. */
		void (*outside)(void) = (void (*)(void))(64ULL << 20);
		outside();
	} else {
		struct {
			uint16_t limit;
			uint64_t base;
		} __attribute__((packed)) none = {0, 0};
		asm volatile("lidt %0; int3" ::"m"(none));
	}
	gprintf("still alive after the crash attempt\n");
	return false;
}
