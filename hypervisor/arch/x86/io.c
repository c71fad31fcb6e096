// SPDX-License-Identifier: MIT
/*
 * Port I/O exits. A PVH guest has no emulated devices: port 0xE9 is its debug
 * console, the ACPI sleep registers power it off, the reset ports reboot it;
 * every other port reads as all-ones and ignores writes.
 */
#include <arch/x86/vmcs.h>
#include <arch/x86/boot_defs.h>
#include <arch/x86/vmexit.h>
#include <keel/guest_mem.h>
#include <keel/acpi_build.h>

#define DEBUG_CONSOLE_PORT 0xe9

#define IO_SIZE(q)   (((q)&7) + 1)
#define IO_IN(q)     ((q)&BIT(3))
#define IO_STRING(q) ((q)&BIT(4))
#define IO_REP(q)    ((q)&BIT(5))
#define IO_PORT(q)   ((u16)((q) >> 16))

/*
 * Writes a guest may use to reset itself, as on a PC: the ACPI reset register
 * the FADT names (port 0xCF9, value 6) and the keyboard controller's pulse
 * command (0xFE to port 0x64). Either ends the domain with "reboot".
 */
#define RESET_PORT 0xcf9
#define KBC_PORT   0x64
#define KBC_RESET  0xfe

static void port_out(struct vcpu *v, u16 port, u32 size, u64 val)
{
	(void)size;
	if (port == ACPI_SLEEP_CONTROL_PORT && (val & ACPI_SLP_EN) &&
	    ACPI_SLP_TYP(val) == ACPI_SLP_TYP_S5) {
		domain_shutdown(v->dom, SHUTDOWN_poweroff); /* ACPI S5: soft off */
	} else if (port == DEBUG_CONSOLE_PORT) {
		char c = (char)val;
		domain_console_write(v->dom, &c, 1);
	} else if ((port == RESET_PORT && (val & 4)) ||
		   (port == KBC_PORT && (u8)val == KBC_RESET)) {
		domain_shutdown(v->dom, SHUTDOWN_reboot);
	}
}

enum exit_action handle_io(struct vcpu *v, u64 qual)
{
	u32 size = IO_SIZE(qual);
	u16 port = IO_PORT(qual);

	if (IO_STRING(qual)) {
		/*
		 * INS/OUTS: done element by element through guest memory (64-bit
		 * addressing, DF clear, the common case). Reads store all-ones.
		 */
		u64 count = IO_REP(qual) ? v->regs.rcx : 1;
		u64 rflags = vmread(GUEST_RFLAGS);
		s64 step = (rflags & RFLAGS_DF) ? -(s64)size : (s64)size;
		for (; count; count--) {
			if (IO_IN(qual)) {
				u64 ones = ~0ULL;
				if (copy_to_guest(v, v->regs.rdi, &ones, size))
					return vmexit_crash(v, "INS to an unmapped address");
				v->regs.rdi += step;
			} else {
				u64 val = 0;
				if (copy_from_guest(v, &val, v->regs.rsi, size))
					return vmexit_crash(v, "OUTS from an unmapped address");
				port_out(v, port, size, val);
				v->regs.rsi += step;
			}
			if (IO_REP(qual))
				v->regs.rcx--;
		}
	} else if (IO_IN(qual) && port == ACPI_SLEEP_STATUS_PORT) {
		v->regs.rax &= ~0xffULL; /* WAK_STS clear: still awake */
	} else if (IO_IN(qual)) {
		if (size == 4)
			v->regs.rax = 0xffffffff;
		else
			v->regs.rax |= (size == 1) ? 0xff : 0xffff;
	} else {
		port_out(v, port, size, v->regs.rax);
	}
	vmexit_skip_instruction();
	return v->dom->state == DOM_RUNNING ? EXIT_RESUME : EXIT_RESCHED;
}
