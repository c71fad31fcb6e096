// SPDX-License-Identifier: MIT
/* The IO-APIC: registers, edge and level delivery, remote IRR and EOI, masks, bad accesses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arch/x86/hvm/platform.h>
#include <arch/x86/hvm/vioapic.h>

static struct vioapic io;
static struct vioapic_msg sent[8];
static unsigned nsent;

static void record(void *ctx, const struct vioapic_msg *m)
{
	(void)ctx;
	if (nsent < 8)
		sent[nsent] = *m;
	nsent++;
}

static void setup(void)
{
	vioapic_reset(&io);
	io.deliver = record;
	nsent = 0;
}

static u32 reg(u32 r)
{
	vioapic_write(&io, 0x00, 4, r);
	return vioapic_read(&io, 0x10, 4);
}

static void set_reg(u32 r, u32 v)
{
	vioapic_write(&io, 0x00, 4, r);
	vioapic_write(&io, 0x10, 4, v);
}

static void registers(void **state)
{
	(void)state;
	setup();
	assert_int_equal(reg(0x01), 0x2f0011); /* 48 pins, version 0x11 */
	assert_int_equal(reg(0x00), 0);
	set_reg(0x00, 0x0f000000 | 0xff); /* hvmloader writes its ID; low bits are not the ID */
	assert_int_equal(reg(0x00), 0x0f000000);
	assert_int_equal(reg(0x02), 0x0f000000);
	set_reg(0x01, 0); /* read-only */
	assert_int_equal(reg(0x01), 0x2f0011);
	assert_int_equal(vioapic_read(&io, 0x00, 4), 0x01);
	for (u32 pin = 0; pin < VIOAPIC_PINS; pin++)
		assert_int_equal(reg(0x10 + 2 * pin), RTE_MASKED);
	assert_int_equal(reg(0x10 + 2 * VIOAPIC_PINS), 0xffffffff); /* past pin 47 */
	/* Writable bits only; remote IRR and delivery status are the IO-APIC's. */
	set_reg(0x10 + 2 * 47, 0xffffffff);
	set_reg(0x11 + 2 * 47, 0xffffffff);
	assert_int_equal(reg(0x10 + 2 * 47), 0x1afff);
	assert_int_equal(reg(0x11 + 2 * 47), 0xff000000);
	/* Only aligned 32-bit accesses reach a register. */
	assert_int_equal(vioapic_read(&io, 0x10, 1), 0xffffffff);
	assert_int_equal(vioapic_read(&io, 0x12, 4), 0xffffffff);
	vioapic_write(&io, 0x00, 2, 0x01); /* dropped: IOREGSEL keeps pin 47's high half */
	assert_int_equal(vioapic_read(&io, 0x00, 4), 0x6f);
	assert_int_equal(vioapic_read(&io, 0x20, 4), 0xffffffff);
}

static void edge(void **state)
{
	(void)state;
	setup();
	set_reg(0x11 + 2 * 2, 0x01000000); /* GSI 2 (ISA IRQ 0) to APIC 1, vector 0x30 */
	set_reg(0x10 + 2 * 2, 0x30);
	vioapic_set_line(&io, 2, true);
	assert_int_equal(nsent, 1);
	assert_int_equal(sent[0].vector, 0x30);
	assert_int_equal(sent[0].dest, 1);
	assert_false(sent[0].level);
	assert_int_equal(sent[0].mode, RTE_MODE_FIXED);
	vioapic_set_line(&io, 2, true); /* no new edge */
	assert_int_equal(nsent, 1);
	vioapic_set_line(&io, 2, false);
	vioapic_set_line(&io, 2, true);
	assert_int_equal(nsent, 2);
	/* Masked: the edge is lost. Logical lowest priority passes its fields on. */
	set_reg(0x10 + 2 * 2, RTE_MASKED | 0x30);
	vioapic_set_line(&io, 2, false);
	vioapic_set_line(&io, 2, true);
	assert_int_equal(nsent, 2);
	set_reg(0x10 + 2 * 4, RTE_LOGICAL | (RTE_MODE_LOWEST << 8) | 0x34);
	vioapic_set_line(&io, 4, true);
	assert_int_equal(nsent, 3);
	assert_true(sent[2].logical);
	assert_int_equal(sent[2].mode, RTE_MODE_LOWEST);
	/* ExtINT (the PIC's pin 0) is not an IO-APIC message. */
	set_reg(0x10, RTE_MODE_EXTINT << 8);
	vioapic_set_line(&io, 0, true);
	assert_int_equal(nsent, 3);
	vioapic_set_line(&io, 99, true); /* no such pin */
	assert_int_equal(nsent, 3);
}

static void level(void **state)
{
	(void)state;
	setup();
	set_reg(0x10 + 2 * 20, RTE_LEVEL | 0x45);
	vioapic_set_line(&io, 20, true);
	assert_int_equal(nsent, 1);
	assert_true(sent[0].level);
	assert_true(reg(0x10 + 2 * 20) & RTE_REMOTE_IRR);
	vioapic_set_line(&io, 20, true); /* in service: nothing more */
	assert_int_equal(nsent, 1);
	vioapic_eoi(&io, 0x45); /* still asserted: delivered again */
	assert_int_equal(nsent, 2);
	assert_true(reg(0x10 + 2 * 20) & RTE_REMOTE_IRR);
	vioapic_set_line(&io, 20, false);
	vioapic_write(&io, 0x40, 4, 0x45); /* the EOI register */
	assert_int_equal(nsent, 2);
	assert_false(reg(0x10 + 2 * 20) & RTE_REMOTE_IRR);
	vioapic_eoi(&io, 0x46); /* another vector: nothing */
	/* A masked level line delivers when unmasked. */
	set_reg(0x10 + 2 * 21, RTE_MASKED | RTE_LEVEL | 0x50);
	vioapic_set_line(&io, 21, true);
	assert_int_equal(nsent, 2);
	set_reg(0x10 + 2 * 21, RTE_LEVEL | 0x50);
	assert_int_equal(nsent, 3);
	/* Turning an entry to edge drops its remote IRR. */
	set_reg(0x10 + 2 * 21, 0x50);
	assert_false(reg(0x10 + 2 * 21) & RTE_REMOTE_IRR);
}

/* Xen's wiring of ISA IRQs and PCI INTx to GSIs and links (xen/include/asm-x86/hvm/irq.h). */
static void wiring(void **state)
{
	(void)state;
	assert_int_equal(hvm_isa_irq_to_gsi(0), 2);
	assert_int_equal(hvm_isa_irq_to_gsi(8), 8);
	assert_int_equal(hvm_isa_irq_to_gsi(15), 15);
	assert_int_equal(hvm_pci_intx_gsi(3, 0), 28);
	assert_int_equal(hvm_pci_intx_gsi(1, 3), 23);
	assert_int_equal(hvm_pci_intx_gsi(8, 0), 17);  /* 32 + 1 wraps */
	assert_int_equal(hvm_pci_intx_gsi(31, 3), 18); /* (124 + 3 + 3) mod 32 = 2 */
	for (u32 d = 0; d < 32; d++)
		for (u32 i = 0; i < 4; i++)
			assert_in_range(hvm_pci_intx_gsi(d, i), 16, 47);
	assert_int_equal(hvm_pci_intx_link(3, 0), 3);
	assert_int_equal(hvm_pci_intx_link(3, 2), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(registers),
	    cmocka_unit_test(edge),
	    cmocka_unit_test(level),
	    cmocka_unit_test(wiring),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
