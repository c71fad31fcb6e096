// SPDX-License-Identifier: MIT
/*
 * An HVM domain whose chipset is Debian's qemu-system-xen in dom0 (xenfv
 * machine), reached only through Keel's ioreq servers: PCI configuration
 * space through 0xCF8/0xCFC (the i440FX host bridge, PIIX3, PIIX4 power
 * management and Xen's platform device), a line on QEMU's COM1, and power-off
 * through PIIX4's ACPI PM1a control register, which QEMU turns into dm_op
 * remote_shutdown. Progress goes to Keel's debug port.
 */
#include "guest.h"

const char test_name[] = "qemudev";

#define PCI_ADDR 0xcf8
#define PCI_DATA 0xcfc
#define COM1	 0x3f8
#define PM_BASE	 0xb000 /* where hvmloader puts PIIX4's PM registers */

static uint32_t cfg_addr(unsigned dev, unsigned fn, unsigned reg)
{
	return 0x80000000u | (dev << 11) | (fn << 8) | (reg & 0xfc);
}

static uint32_t pci_read32(unsigned dev, unsigned fn, unsigned reg)
{
	outl(PCI_ADDR, cfg_addr(dev, fn, reg));
	return inl(PCI_DATA);
}

static void pci_write8(unsigned dev, unsigned fn, unsigned reg, uint8_t v)
{
	outl(PCI_ADDR, cfg_addr(dev, fn, reg));
	outb((uint16_t)(PCI_DATA + (reg & 3)), v);
}

static void pci_write32(unsigned dev, unsigned fn, unsigned reg, uint32_t v)
{
	outl(PCI_ADDR, cfg_addr(dev, fn, reg));
	outl(PCI_DATA, v);
}

static void uart_puts(const char *s)
{
	outb(COM1 + 1, 0x00); /* no interrupts */
	outb(COM1 + 3, 0x80); /* divisor latch */
	outb(COM1 + 0, 0x01); /* 115200 */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	for (; *s; s++) {
		for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
			; /* transmitter holding register empty */
		outb(COM1, (uint8_t)*s);
	}
}

static bool find_platform_device(void)
{
	for (unsigned dev = 2; dev < 32; dev++)
		if (pci_read32(dev, 0, 0) == 0x00015853u) {
			gprintf("qemudev: Xen platform device at 00:%02x.0\n", dev);
			return true;
		}
	return false;
}

bool test_main(const struct hvm_start_info *si)
{
	(void)si;
	uint32_t host = pci_read32(0, 0, 0), isa = pci_read32(1, 0, 0), pm = pci_read32(1, 3, 0);
	gprintf("qemudev: 00:00.0 %08x, 00:01.0 %08x, 00:01.3 %08x\n", host, isa, pm);
	CHECK_EQ(host, 0x12378086u); /* i440FX */
	CHECK_EQ(isa, 0x70008086u);  /* PIIX3 ISA bridge */
	CHECK_EQ(pm, 0x71138086u);   /* PIIX4 power management */
	CHECK(find_platform_device());
	CHECK_EQ(pci_read32(31, 7, 0), 0xffffffffu); /* no device there */
	CHECK_EQ(inb(0x6000), 0xff);		     /* nobody's port: Keel's all ones */
	uart_puts("keel-hvm: hello from QEMU's COM1\n");
	gprintf("qemudev: line written to COM1\n");
	/* PIIX4 PM: I/O base and enable, as hvmloader does; then SLP_TYP 0 (soft off) | SLP_EN. */
	pci_write32(1, 3, 0x40, PM_BASE | 1);
	pci_write8(1, 3, 0x80, 1);
	gprintf("qemudev: powering off through PIIX4's PM1a control\n");
	outw(PM_BASE + 4, 1u << 13);
	for (uint64_t t0 = rdtsc(); rdtsc() - t0 < 2000000000ull;)
		;
	gprintf("qemudev: still running after the power-off write\n");
	return false;
}
