// SPDX-License-Identifier: MIT
/* The HPET: capabilities, the main counter, one-shot and periodic comparators, routing, status. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arch/x86/hvm/vhpet.h>

#define US 1000ULL
#define MS 1000000ULL

#define CONF	 0x010
#define ISR	 0x020
#define COUNTER	 0x0f0
#define T_CFG(n) (0x100 + 0x20 * (n))
#define T_CMP(n) (0x108 + 0x20 * (n))
#define ROUTE(g) ((u64)(g) << 9)

static struct vhpet h;

static void registers_and_counter(void **state)
{
	(void)state;
	vhpet_reset(&h);
	assert_int_equal(vhpet_read(&h, 0x000, 4, 0), 0x8086a201); /* vendor, legacy, 64-bit, 3 */
	assert_int_equal(vhpet_read(&h, 0x004, 4, 0), 16000000);   /* fs per tick */
	assert_int_equal(vhpet_read(&h, T_CFG(2) + 4, 4, 0), 0xf00000); /* GSI 20-23 */
	assert_int_equal(vhpet_read(&h, T_CFG(0), 4, 0) & 0x30, 0x30);	/* periodic, 64-bit */
	assert_int_equal(vhpet_read(&h, 0x002, 2, 0), ~0ULL);		/* bad size */
	assert_int_equal(vhpet_read(&h, 0x006, 4, 0), ~0ULL);		/* misaligned */
	/* Halted: the counter holds and may be written; running: 62.5 MHz. */
	assert_int_equal(vhpet_counter(&h, 5 * MS), 0);
	vhpet_write(&h, COUNTER, 8, 1000, 0);
	vhpet_write(&h, CONF, 4, VHPET_CONF_ENABLE, 10 * MS);
	assert_int_equal(vhpet_read(&h, COUNTER, 8, 11 * MS), 1000 + 62500);
	vhpet_write(&h, COUNTER, 8, 5, 11 * MS); /* ignored while running */
	assert_int_equal(vhpet_counter(&h, 12 * MS), 1000 + 125000);
	vhpet_write(&h, CONF, 4, 0, 12 * MS);
	assert_int_equal(vhpet_counter(&h, 50 * MS), 1000 + 125000);
	assert_int_equal(vhpet_read(&h, COUNTER + 4, 4, 50 * MS), 0);
}

static void one_shot_routed(void **state)
{
	(void)state;
	vhpet_reset(&h);
	vhpet_write(&h, CONF, 4, VHPET_CONF_ENABLE, 0);
	vhpet_write(&h, T_CFG(2), 8, VHPET_TN_ENABLE | VHPET_TN_LEVEL | ROUTE(21), 0);
	vhpet_write(&h, T_CMP(2), 8, 62500, 0); /* 1 ms */
	u64 at = vhpet_next_expiry(&h, 2, 0);
	assert_in_range(at, MS, MS + 1);
	struct vhpet_irq irq = vhpet_expire(&h, 2, MS / 2); /* early: nothing */
	assert_false(irq.raise);
	irq = vhpet_expire(&h, 2, at);
	assert_true(irq.raise);
	assert_false(irq.legacy);
	assert_true(irq.level);
	assert_int_equal(irq.line, 21);
	assert_int_equal(vhpet_read(&h, ISR, 4, at), 0x4);
	assert_int_equal(vhpet_next_expiry(&h, 2, at), 0); /* one-shot: done */
	vhpet_write(&h, ISR, 4, 0x4, at);
	assert_int_equal(vhpet_read(&h, ISR, 4, at), 0);
	/* A route the capabilities do not offer raises nothing. */
	vhpet_write(&h, T_CFG(2), 8, VHPET_TN_ENABLE | ROUTE(5), 0);
	vhpet_write(&h, T_CMP(2), 8, 0, 0);
	assert_false(vhpet_expire(&h, 2, 2 * MS).raise);
	/* Interrupt disabled or HPET halted: no expiry. */
	vhpet_write(&h, T_CFG(1), 8, ROUTE(20), 0);
	vhpet_write(&h, T_CMP(1), 8, 100, 0);
	assert_int_equal(vhpet_next_expiry(&h, 1, 0), 0);
	vhpet_write(&h, T_CFG(1), 8, VHPET_TN_ENABLE | ROUTE(20), 0);
	vhpet_write(&h, CONF, 4, 0, 0);
	assert_int_equal(vhpet_next_expiry(&h, 1, 0), 0);
}

static void periodic_legacy(void **state)
{
	(void)state;
	vhpet_reset(&h);
	/* Linux's periodic set-up: SETVAL, the first comparator, then the period. */
	vhpet_write(&h, T_CFG(0), 4,
		    VHPET_TN_ENABLE | VHPET_TN_PERIODIC | VHPET_TN_SETVAL | VHPET_TN_32BIT, 0);
	vhpet_write(&h, T_CMP(0), 4, 62500, 0);
	vhpet_write(&h, T_CMP(0), 4, 62500, 0);
	vhpet_write(&h, CONF, 4, VHPET_CONF_ENABLE | VHPET_CONF_LEGACY, 0);
	u64 at = vhpet_next_expiry(&h, 0, 0);
	assert_in_range(at, MS, MS + 1);
	struct vhpet_irq irq = vhpet_expire(&h, 0, at);
	assert_true(irq.raise);
	assert_true(irq.legacy);
	assert_int_equal(irq.line, 0);
	assert_in_range(vhpet_next_expiry(&h, 0, at), 2 * MS, 2 * MS + 1);
	/* Late by 3.5 periods: the next comparator is the one after now. */
	irq = vhpet_expire(&h, 0, 5 * MS + 500 * US);
	assert_true(irq.raise);
	assert_int_equal(vhpet_read(&h, T_CMP(0), 4, 0), 6 * 62500);
	/* Timer 1 in legacy mode is ISA IRQ 8. */
	vhpet_write(&h, T_CFG(1), 4, VHPET_TN_ENABLE, 0);
	vhpet_write(&h, T_CMP(1), 8, 10, 0);
	irq = vhpet_expire(&h, 1, MS);
	assert_true(irq.legacy);
	assert_int_equal(irq.line, 8);
	/* The same on a running counter: the comparator follows the period's boundaries. */
	vhpet_write(&h, T_CFG(0), 4,
		    VHPET_TN_ENABLE | VHPET_TN_PERIODIC | VHPET_TN_SETVAL | VHPET_TN_32BIT,
		    48 * MS);
	vhpet_write(&h, T_CMP(0), 4, 3000000 + 62500, 48 * MS); /* counter: 3,000,000 */
	vhpet_write(&h, T_CMP(0), 4, 62500, 48 * MS);
	assert_int_equal(vhpet_read(&h, T_CMP(0), 4, 0), 49 * 62500);
	assert_in_range(vhpet_next_expiry(&h, 0, 48 * MS), 49 * MS, 49 * MS + 1);
	/* A periodic comparator left behind (a late timer) is due at once, not after a wrap. */
	assert_int_equal(vhpet_next_expiry(&h, 0, 52 * MS), 52 * MS);
	assert_true(vhpet_expire(&h, 0, 52 * MS).raise);
	assert_in_range(vhpet_next_expiry(&h, 0, 52 * MS), 53 * MS, 53 * MS + 1);
	/* Periods under 100 us are raised to it. */
	vhpet_write(&h, T_CFG(2), 4, VHPET_TN_ENABLE | VHPET_TN_PERIODIC | ROUTE(22), 0);
	vhpet_write(&h, T_CMP(2), 8, 1, 0);
	assert_int_equal(h.period[2], 6250);
}

static void thirty_two_bit(void **state)
{
	(void)state;
	vhpet_reset(&h);
	/* Near the 32-bit wrap: a 32-bit comparator past it fires after the wrap. */
	vhpet_write(&h, COUNTER, 8, 0xfffff000ULL, 0);
	vhpet_write(&h, CONF, 4, VHPET_CONF_ENABLE, 0);
	vhpet_write(&h, T_CFG(0), 4, VHPET_TN_ENABLE | VHPET_TN_32BIT | ROUTE(20), 0);
	vhpet_write(&h, T_CMP(0), 8, 0x100000100ULL, 0); /* upper half dropped */
	assert_int_equal(vhpet_read(&h, T_CMP(0), 8, 0), 0x100);
	u64 at = vhpet_next_expiry(&h, 0, 0);
	assert_in_range(at, 0x1100 * VHPET_NS, 0x1100 * VHPET_NS + 1);
	assert_true(vhpet_expire(&h, 0, at).raise);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(registers_and_counter),
	    cmocka_unit_test(one_shot_routed),
	    cmocka_unit_test(periodic_legacy),
	    cmocka_unit_test(thirty_two_bit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
