// SPDX-License-Identifier: MIT
/* The ACPI PM timer and PM1a status/enable: rate, 32-bit wrap, TMR_STS, write-1-to-clear, SCI. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arch/x86/hvm/vpmtimer.h>

#define S 1000000000ULL

static struct vpmtimer pm;

static void counter(void **state)
{
	(void)state;
	vpmtimer_reset(&pm, 5 * S);
	assert_int_equal(vpmtimer_count(&pm, 5 * S), 0);
	assert_int_equal(vpmtimer_count(&pm, 6 * S), VPMT_HZ);
	u32 prev = 0;
	for (u64 t = 5 * S; t < 7 * S; t += 12345678) {
		u32 c = vpmtimer_count(&pm, t);
		assert_true(c >= prev);
		prev = c;
	}
	/* 32 bits: wraps after 2^32 ticks (about 20 minutes). */
	u64 wrap = 5 * S + (1ULL << 32) * S / VPMT_HZ + S;
	assert_in_range(vpmtimer_count(&pm, wrap), VPMT_HZ - 2, VPMT_HZ + 2);
}

static void status_and_sci(void **state)
{
	(void)state;
	u64 flip = (1ULL << 31) * S / VPMT_HZ + 1; /* bit 31 set: about 600 s */

	vpmtimer_reset(&pm, 0);
	assert_int_equal(vpmtimer_evt_read(&pm, 0, 4, 0), 0);
	assert_int_equal(vpmtimer_next_event(&pm, 0), 0); /* TMR_EN off */
	vpmtimer_evt_write(&pm, 2, 2, VPMT_TMR_STS, 0);	  /* TMR_EN */
	assert_int_equal(vpmtimer_evt_read(&pm, 2, 2, 0), 1);
	assert_in_range(vpmtimer_next_event(&pm, 0), flip - 1, flip + 1);
	assert_false(vpmtimer_sci(&pm, flip - 1000));
	assert_true(vpmtimer_sci(&pm, flip + 1000));
	assert_int_equal(vpmtimer_evt_read(&pm, 0, 1, flip), 1);
	assert_int_equal(vpmtimer_next_event(&pm, flip), 0); /* status already up */
	/* Writing 0 leaves it; writing 1 clears it and drops the SCI. */
	vpmtimer_evt_write(&pm, 0, 2, 0, flip);
	assert_true(vpmtimer_sci(&pm, flip));
	vpmtimer_evt_write(&pm, 0, 4, 0x00010001, flip);
	assert_false(vpmtimer_sci(&pm, flip));
	assert_int_equal(vpmtimer_evt_read(&pm, 0, 4, flip), 0x00010000);
	/* Enabled but not set: no SCI; bytes past the block read all ones. */
	assert_int_equal(vpmtimer_evt_read(&pm, 2, 4, flip), 0xffff0001);
	assert_int_equal(vpmtimer_evt_read(&pm, 3, 1, flip), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(counter),
	    cmocka_unit_test(status_and_sci),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
