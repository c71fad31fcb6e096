// SPDX-License-Identifier: MIT
/*
 * Owning the 8259 PICs and the PIT (see legacy_irq.h). Keel's own interrupts
 * come through the local APIC; the legacy controllers are masked so that
 * nothing the firmware left running reaches a CPU-exception vector.
 */
#include <arch/x86/legacy_irq.h>
#include <arch/x86/cpu.h>

#define PIC1_CMD       0x20
#define PIC1_DATA      0x21
#define PIC2_CMD       0xa0
#define PIC2_DATA      0xa1
#define ICW1_INIT_ICW4 0x11 /* edge triggered, cascade, ICW4 follows */
#define ICW4_8086      0x01
#define PIT_CH0	       0x40
#define PIT_CMD	       0x43
#define PIT_HZ	       1193182

void legacy_pic_program(u8 base, u16 mask)
{
	outb(PIC1_CMD, ICW1_INIT_ICW4);
	outb(PIC2_CMD, ICW1_INIT_ICW4);
	outb(PIC1_DATA, base);
	outb(PIC2_DATA, (u8)(base + 8));
	outb(PIC1_DATA, 1 << 2); /* slave on IRQ2 */
	outb(PIC2_DATA, 2);	 /* slave identity */
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_DATA, ICW4_8086);
	outb(PIC1_DATA, (u8)mask);
	outb(PIC2_DATA, (u8)(mask >> 8));
}

void legacy_pit_periodic(u32 hz)
{
	u32 count = hz ? PIT_HZ / hz : 0;

	if (count > 0xffff)
		count = 0;   /* 0 means 65536 */
	outb(PIT_CMD, 0x34); /* channel 0, lobyte/hibyte, mode 2 */
	outb(PIT_CH0, count & 0xff);
	outb(PIT_CH0, (count >> 8) & 0xff);
}

void legacy_irq_own(void)
{
	legacy_pic_program(LEGACY_PIC_VECTOR_BASE, 0xffff);
	/* Mode 0 with the longest count: one terminal count, then the output stays put. */
	outb(PIT_CMD, 0x30);
	outb(PIT_CH0, 0);
	outb(PIT_CH0, 0);
}
