// SPDX-License-Identifier: MIT
/* The PIC pair: initialisation, priorities, cascade, ELCR levels, EOI forms, masks, poll. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arch/x86/hvm/vpic.h>

static struct vpic pic;

/* The BIOS/Linux initialisation: master at 0x20, slave at 0x28, cascade on IRQ 2. */
static void init_pair(u8 icw4)
{
	vpic_reset(&pic);
	vpic_write(&pic, 0x20, 0x11);
	vpic_write(&pic, 0x21, 0x20);
	vpic_write(&pic, 0x21, 0x04);
	vpic_write(&pic, 0x21, icw4);
	vpic_write(&pic, 0xa0, 0x11);
	vpic_write(&pic, 0xa1, 0x28);
	vpic_write(&pic, 0xa1, 0x02);
	vpic_write(&pic, 0xa1, icw4);
	vpic_write(&pic, 0x21, 0x00);
	vpic_write(&pic, 0xa1, 0x00);
}

static void edge_and_eoi(void **state)
{
	(void)state;
	init_pair(0x01);
	assert_false(vpic_intr(&pic));
	assert_int_equal(vpic_ack(&pic), -1);
	vpic_set_line(&pic, 0, true);
	assert_true(vpic_intr(&pic));
	assert_int_equal(vpic_read(&pic, 0x20), 0x01); /* IRR */
	assert_int_equal(vpic_ack(&pic), 0x20);
	assert_false(vpic_intr(&pic)); /* in service */
	vpic_write(&pic, 0x20, 0x0b);  /* OCW3: read ISR */
	assert_int_equal(vpic_read(&pic, 0x20), 0x01);
	vpic_write(&pic, 0x20, 0x0a); /* OCW3: read IRR: the edge is consumed */
	assert_int_equal(vpic_read(&pic, 0x20), 0x00);
	vpic_write(&pic, 0x20, 0x20); /* non-specific EOI */
	vpic_write(&pic, 0x20, 0x0b);
	assert_int_equal(vpic_read(&pic, 0x20), 0x00);
	/* The line stays high: no new edge, no new interrupt. */
	assert_false(vpic_intr(&pic));
	vpic_set_line(&pic, 0, false);
	vpic_set_line(&pic, 0, true);
	assert_int_equal(vpic_ack(&pic), 0x20);
}

static void priorities_and_masks(void **state)
{
	(void)state;
	init_pair(0x01);
	vpic_set_line(&pic, 3, true);
	vpic_set_line(&pic, 1, true);
	assert_int_equal(vpic_ack(&pic), 0x21); /* IRQ 1 beats IRQ 3 */
	assert_false(vpic_intr(&pic));		/* IRQ 3 waits behind IRQ 1 in service */
	vpic_set_line(&pic, 0, true);
	assert_true(vpic_intr(&pic)); /* IRQ 0 preempts */
	assert_int_equal(vpic_ack(&pic), 0x20);
	vpic_write(&pic, 0x20, 0x60); /* specific EOI of IRQ 0 */
	vpic_write(&pic, 0x20, 0x61); /* and of IRQ 1 */
	assert_int_equal(vpic_ack(&pic), 0x23);
	vpic_write(&pic, 0x20, 0x20);
	/* OCW1 masks a line until unmasked. */
	vpic_write(&pic, 0x21, 0x10);
	assert_int_equal(vpic_read(&pic, 0x21), 0x10);
	vpic_set_line(&pic, 4, true);
	assert_false(vpic_intr(&pic));
	vpic_write(&pic, 0x21, 0x00);
	assert_true(vpic_intr(&pic));
	assert_int_equal(vpic_ack(&pic), 0x24);
	/* Rotation: after a rotating EOI of IRQ 4, IRQ 5 is the highest priority. */
	vpic_write(&pic, 0x20, 0xa0);
	vpic_set_line(&pic, 3, false);
	vpic_set_line(&pic, 3, true);
	vpic_set_line(&pic, 6, true);
	assert_int_equal(vpic_ack(&pic), 0x26);
}

static void cascade(void **state)
{
	(void)state;
	init_pair(0x01);
	vpic_set_line(&pic, 10, true);
	assert_true(vpic_intr(&pic));
	assert_int_equal(vpic_ack(&pic), 0x2a);
	vpic_write(&pic, 0xa0, 0x0b);
	assert_int_equal(vpic_read(&pic, 0xa0), 0x04);
	vpic_write(&pic, 0x20, 0x0b);
	assert_int_equal(vpic_read(&pic, 0x20), 0x04); /* the cascade line in service too */
	vpic_write(&pic, 0xa0, 0x20);
	vpic_write(&pic, 0x20, 0x20);
	/* Masking the slave's line on the master holds slave interrupts back. */
	vpic_write(&pic, 0x21, 0x04);
	vpic_set_line(&pic, 12, true);
	assert_false(vpic_intr(&pic));
	vpic_write(&pic, 0x21, 0x00);
	assert_int_equal(vpic_ack(&pic), 0x2c);
	/* IRQ 2 is the cascade, not a line. */
	init_pair(0x01);
	vpic_set_line(&pic, 2, true);
	assert_false(vpic_intr(&pic));
}

static void elcr_levels(void **state)
{
	(void)state;
	init_pair(0x01);
	assert_int_equal(vpic_elcr_read(&pic, 0), 0);
	vpic_elcr_write(&pic, 0, 0xff);
	vpic_elcr_write(&pic, 1, 0xff);
	assert_int_equal(vpic_elcr_read(&pic, 0), 0xf8); /* IRQ 0-2 are always edge */
	assert_int_equal(vpic_elcr_read(&pic, 1), 0xde); /* IRQ 8 and 13 too */
	vpic_elcr_write(&pic, 0, 0x20);			 /* hvmloader: IRQ 5 level */
	vpic_set_line(&pic, 5, true);
	assert_int_equal(vpic_ack(&pic), 0x25);
	vpic_write(&pic, 0x20, 0x20);
	assert_true(vpic_intr(&pic)); /* still high: again after the EOI */
	assert_int_equal(vpic_ack(&pic), 0x25);
	vpic_write(&pic, 0x20, 0x20);
	vpic_set_line(&pic, 5, false);
	assert_false(vpic_intr(&pic));
}

static void auto_eoi_and_poll(void **state)
{
	(void)state;
	init_pair(0x03); /* ICW4: 8086 mode, automatic EOI */
	vpic_set_line(&pic, 1, true);
	assert_int_equal(vpic_ack(&pic), 0x21);
	vpic_write(&pic, 0x20, 0x0b);
	assert_int_equal(vpic_read(&pic, 0x20), 0x00); /* nothing left in service */
	init_pair(0x01);
	vpic_set_line(&pic, 6, true);
	vpic_write(&pic, 0x20, 0x0c); /* poll */
	assert_int_equal(vpic_read(&pic, 0x20), 0x86);
	vpic_write(&pic, 0x20, 0x0c);
	assert_int_equal(vpic_read(&pic, 0x20), 0x00); /* IRQ 6 in service: nothing */
	/* ICW1 mid-way resets masks and service state; no INTR until initialised. */
	vpic_write(&pic, 0x20, 0x11);
	vpic_set_line(&pic, 7, true);
	assert_false(vpic_intr(&pic));
	vpic_write(&pic, 0x21, 0x30);
	vpic_write(&pic, 0x21, 0x04);
	vpic_write(&pic, 0x21, 0x01);
	assert_int_equal(vpic_ack(&pic), 0x37);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(edge_and_eoi),	 cmocka_unit_test(priorities_and_masks),
	    cmocka_unit_test(cascade),		 cmocka_unit_test(elcr_levels),
	    cmocka_unit_test(auto_eoi_and_poll),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
