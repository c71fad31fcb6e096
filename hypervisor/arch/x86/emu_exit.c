// SPDX-License-Identifier: MIT
/*
 * Ending an emulated host after a self-test: Bochs powers off when "Shutdown"
 * is written to port 0x8900; QEMU exits through an isa-debug-exit device the
 * harness places at port 0xf4. Only used when the command line asks for it.
 */
#include <keel/console.h>
#include <keel/emu.h>
#include <arch/x86/cpu.h>

void emu_poweroff(void)
{
	const char *s = "Shutdown";

	console_flush();
	while (*s)
		outb(0x8900, (u8)*s++);
	outl(0xf4, 0); /* QEMU exit status (0 << 1) | 1 */
}
