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
#include <keel/ioreq.h>
#include <arch/x86/hvm/platform.h>

#define DEBUG_CONSOLE_PORT 0xe9
#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA	   0xcfc

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

/* REP INS/OUTS Keel serves itself: elements per exit, then the instruction runs again. */
#define REPS_PER_EXIT 4096

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

/*
 * Ports Keel answers itself in an HVM domain: the debug console only (its
 * writes, as Xen's hvm_print_line). ACPI PM1a control, 0xCF9 and the keyboard
 * controller belong to the device model's chipset there, as on Xen.
 */
static bool keel_port(u16 port, bool in)
{
	return port == DEBUG_CONSOLE_PORT && !in;
}

/* reg advanced by step within the address size (the bits above stay, as the CPU does for 16-bit).
 */
static u64 addr_step(u64 reg, s64 step, u32 bytes)
{
	u64 m = insn_size_mask(bytes);

	if (bytes == 4)
		return (u32)(reg + (u64)step);
	return (reg & ~m) | ((reg + (u64)step) & m);
}

/*
 * PCI configuration space as Xen routes it (xen/arch/x86/hvm/io.c): the last
 * 4-byte write to 0xCF8 is kept, and still forwarded as port I/O; an access
 * within 0xCFC-0xCFF while its enable bit is set goes to the server that claimed
 * that segment/bus/device/function as IOREQ_TYPE_PCI_CONFIG (addr: the SBDF in
 * bits 63:32, the register below). True when sent.
 */
static bool pci_config(struct vcpu *v, const struct ioreq_access *a)
{
	struct domain *d = v->dom;

	if (a->addr == PCI_CONFIG_ADDRESS && a->size == 4 && a->dir == IOREQ_WRITE) {
		d->pci_cf8 = (u32)a->data;
		return false;
	}
	if (a->addr < PCI_CONFIG_DATA || (a->addr & 3) + a->size > 4 || !(d->pci_cf8 & BIT(31)))
		return false;
	struct ioreq_access c = *a;
	c.type = IOREQ_TYPE_PCI_CONFIG;
	c.addr = ((u64)((d->pci_cf8 >> 8) & 0xffff) << 32) | (d->pci_cf8 & 0xfc) | (a->addr & 3);
	return ioreq_send(v, &c);
}

/*
 * INS/OUTS to a device model's port: as many elements as stay in one page of
 * guest memory go in one request by pointer (Xen's data_is_ptr: QEMU reads or
 * writes them itself); the instruction runs again for the rest. An element that
 * crosses a page goes alone by value. ES:rDI / DS:rSI with the code segment's
 * address size (a segment override or 0x67 prefix is not honoured).
 */
static int forward_string(struct vcpu *v, u64 qual, struct ioreq_access *a)
{
	struct io_insn *io = &v->arch.io;
	u64 mask = insn_size_mask(io->addr_bytes), gpa;
	bool in = IO_IN(qual) != 0, df = (vmread(GUEST_RFLAGS) & RFLAGS_DF) != 0;
	u64 index = in ? v->regs.rdi : v->regs.rsi;
	u64 base = io->addr_bytes == 8 ? 0 : vmread(in ? GUEST_ES_BASE : GUEST_DS_BASE);
	u64 reps = io->rep ? v->regs.rcx & mask : 1;

	io->step = df ? -(s64)a->size : (s64)a->size;
	if (!reps) {
		vmexit_advance_rip(io->len); /* a count of zero does nothing */
		return EXIT_RESUME;
	}
	io->lin = base + (index & mask);
	if (guest_linear_to_phys(v, io->lin, in, &gpa) || !guest_phys_page(v->dom, gpa, in))
		return vmexit_crash(v, in ? "INS to an unmapped address"
					  : "OUTS from an unmapped address");
	io->count = (u32)insn_string_chunk(gpa, index, reps, a->size, df, io->addr_bytes);
	if (io->count) {
		io->kind = in ? IO_INSN_INS_PTR : IO_INSN_OUTS_PTR;
		a->ptr = true;
		a->df = df;
		a->count = io->count;
		a->data = gpa;
	} else if (in) {
		io->kind = IO_INSN_INS;
		io->count = 1;
		u64 probe;
		if (copy_from_guest(v, &probe, io->lin, a->size))
			return vmexit_crash(v, "INS to an unmapped address");
	} else {
		io->kind = IO_INSN_OUTS;
		io->count = 1;
		if (copy_from_guest(v, &a->data, io->lin, a->size))
			return vmexit_crash(v, "OUTS from an unmapped address");
	}
	return ioreq_send(v, a) ? EXIT_RESCHED : -1;
}

/*
 * Port I/O of an HVM domain that an ioreq server claims. Returns EXIT_RESCHED
 * when sent, EXIT_RESUME when there was nothing to do, or -1 when no server
 * claims the port.
 */
static int forward_pio(struct vcpu *v, u64 qual)
{
	struct io_insn *io = &v->arch.io;
	struct ioreq_access a = {IOREQ_TYPE_PIO,
				 IO_IN(qual) ? IOREQ_READ : IOREQ_WRITE,
				 (u8)IO_SIZE(qual),
				 IO_PORT(qual),
				 0,
				 1,
				 false,
				 false};

	*io = (struct io_insn){.kind = IO_INSN_PIO,
			       .size = a.size,
			       .len = (u32)vmread(VM_EXIT_INSTRUCTION_LEN),
			       .rep = IO_REP(qual) != 0,
			       .in = IO_IN(qual) != 0,
			       .addr_bytes = (u8)(vmexit_code_mode(v) / 8)};
	if (IO_STRING(qual))
		return forward_string(v, qual, &a);
	if (!IO_IN(qual))
		a.data = v->regs.rax & insn_size_mask(a.size);
	if (a.addr >= PCI_CONFIG_ADDRESS && a.addr < PCI_CONFIG_DATA + 4 && pci_config(v, &a))
		return EXIT_RESCHED;
	return ioreq_send(v, &a) ? EXIT_RESCHED : -1;
}

/* count elements of a string instruction done: step over it once none are left. */
static void string_step(struct vcpu *v, u64 *index)
{
	struct io_insn *io = &v->arch.io;

	*index = addr_step(*index, io->step * (s64)io->count, io->addr_bytes);
	if (io->rep) {
		v->regs.rcx = addr_step(v->regs.rcx, -(s64)io->count, io->addr_bytes);
		if (v->regs.rcx & insn_size_mask(io->addr_bytes))
			return; /* more to go: the instruction runs again */
	}
	vmexit_advance_rip(io->len);
}

void io_forward_complete(struct vcpu *v)
{
	struct io_insn *io = &v->arch.io;
	u64 data = v->io.data;

	v->io.state = IOW_IDLE;
	switch (io->kind) {
	case IO_INSN_PIO:
		if (io->in && io->size == 4)
			v->regs.rax = (u32)data; /* a 32-bit result clears the upper half */
		else if (io->in)
			v->regs.rax = (v->regs.rax & ~insn_size_mask(io->size)) |
				      (data & insn_size_mask(io->size));
		vmexit_advance_rip(io->len);
		break;
	case IO_INSN_INS:
		(void)copy_to_guest(v, io->lin, &data, io->size); /* gone since: dropped */
		string_step(v, &v->regs.rdi);
		break;
	case IO_INSN_INS_PTR: /* the device model wrote guest memory itself */
		string_step(v, &v->regs.rdi);
		break;
	case IO_INSN_OUTS:
	case IO_INSN_OUTS_PTR:
		string_step(v, &v->regs.rsi);
		break;
	case IO_INSN_MMIO:
		mmio_forward_complete(v);
		break;
	}
}

enum exit_action handle_io(struct vcpu *v, u64 qual)
{
	u32 size = IO_SIZE(qual);
	u16 port = IO_PORT(qual);

	u32 val = (u32)v->regs.rax;
	if (v->dom->hvm && !IO_STRING(qual) && hvm_port_io(v, port, size, IO_IN(qual), &val)) {
		if (IO_IN(qual)) /* Keel's own platform devices (hvm/platform.c) */
			v->regs.rax = size == 4 ? val
						: (v->regs.rax & ~insn_size_mask(size)) |
						      (val & insn_size_mask(size));
		vmexit_skip_instruction();
		return EXIT_RESUME;
	}
	bool platform = v->dom->hvm && IO_STRING(qual) && hvm_port_claims_string(v, port);
	if (v->dom->hvm && !keel_port(port, IO_IN(qual)) && !platform) {
		int r = forward_pio(v, qual);
		if (r >= 0)
			return (enum exit_action)r;
	}

	if (IO_STRING(qual)) {
		/*
		 * INS/OUTS: done element by element through guest memory (64-bit
		 * addressing, DF clear, the common case). Reads store all-ones.
		 */
		u64 count = IO_REP(qual) ? v->regs.rcx : 1;
		bool more = count > REPS_PER_EXIT; /* a huge RCX cannot hold Keel: it runs again */
		if (more)
			count = REPS_PER_EXIT;
		u64 rflags = vmread(GUEST_RFLAGS);
		s64 step = (rflags & RFLAGS_DF) ? -(s64)size : (s64)size;
		for (; count; count--) {
			u32 dev = ~0u;
			if (IO_IN(qual)) {
				u64 ones = ~0ULL;
				if (platform && hvm_port_io(v, port, size, true, &dev))
					ones = dev; /* each element read afresh */
				if (copy_to_guest(v, v->regs.rdi, &ones, size))
					return vmexit_crash(v, "INS to an unmapped address");
				v->regs.rdi += step;
			} else {
				u64 val = 0;
				if (copy_from_guest(v, &val, v->regs.rsi, size))
					return vmexit_crash(v, "OUTS from an unmapped address");
				dev = (u32)val;
				if (!platform || !hvm_port_io(v, port, size, false, &dev))
					port_out(v, port, size, val);
				v->regs.rsi += step;
			}
			if (IO_REP(qual))
				v->regs.rcx--;
		}
		if (more)
			return EXIT_RESUME;
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
