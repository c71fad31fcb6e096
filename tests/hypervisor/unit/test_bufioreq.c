// SPDX-License-Identifier: MIT
/* The buffered ioreq ring: Xen's slot layout, two slots for 8 bytes, full rings refused,
 * ATOMIC rebasing, and garbage pointers from the device model kept inside the page. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <keel/bufioreq.h>
#include <public/xen/dm_op.h>

static union {
	struct {
		struct buffered_iopage_head h;
		struct buf_ioreq slot[IOREQ_BUFFER_SLOT_NUM];
	};
	unsigned char bytes[4096];
} ring;

static void layout_is_xens(void **state)
{
	(void)state;
	memset(&ring, 0, sizeof(ring));
	assert_true(bufioreq_post(&ring, true, IOREQ_TYPE_TIMEOFFSET, 8, 0, 0xfffffffffffffff6ULL));
	assert_int_equal(ring.h.write_pointer, 2);
	/* type 7, write (dir 0), size code 3, address 0; then the high half. */
	assert_int_equal(ring.slot[0].head, 7 | (3u << 10));
	assert_int_equal(ring.slot[0].data, 0xfffffff6u);
	assert_int_equal(ring.slot[1].head, 7 | (3u << 10));
	assert_int_equal(ring.slot[1].data, 0xffffffffu);
	assert_true(bufioreq_post(&ring, true, IOREQ_TYPE_PIO, 2, 0xa0010, 0x1234));
	assert_int_equal(ring.slot[2].head, 0 | (1u << 10) | (0xa0010u << 12));
	assert_int_equal(ring.slot[2].data, 0x1234);
	assert_int_equal(ring.h.write_pointer, 3);
	/* Not for the ring: 3 bytes, an address at 1 MiB. */
	assert_false(bufioreq_post(&ring, true, IOREQ_TYPE_PIO, 3, 0, 0));
	assert_false(bufioreq_post(&ring, true, IOREQ_TYPE_COPY, 4, 0x100000, 0));
	assert_int_equal(ring.h.write_pointer, 3);
}

static void full_rings_refuse(void **state)
{
	(void)state;
	memset(&ring, 0, sizeof(ring));
	for (int i = 0; i < IOREQ_BUFFER_SLOT_NUM - 1; i++)
		assert_true(bufioreq_post(&ring, false, IOREQ_TYPE_PIO, 1, 0x80, (u64)i));
	assert_false(bufioreq_post(&ring, false, IOREQ_TYPE_TIMEOFFSET, 8, 0, 1)); /* 2 slots */
	assert_true(bufioreq_post(&ring, false, IOREQ_TYPE_PIO, 1, 0x80, 1));	   /* the last */
	assert_false(bufioreq_post(&ring, false, IOREQ_TYPE_PIO, 1, 0x80, 1));
	/* The device model consumed some: room again, and the slots wrap. */
	ring.h.read_pointer = 5;
	assert_true(bufioreq_post(&ring, false, IOREQ_TYPE_PIO, 1, 0x80, 0x55));
	assert_int_equal(ring.slot[0].data, 0x55); /* slot 511 % 511 */
}

static void atomic_rebases_both_pointers(void **state)
{
	(void)state;
	memset(&ring, 0, sizeof(ring));
	ring.h.read_pointer = 2 * IOREQ_BUFFER_SLOT_NUM + 3;
	ring.h.write_pointer = 2 * IOREQ_BUFFER_SLOT_NUM + 3;
	assert_true(bufioreq_post(&ring, true, IOREQ_TYPE_PIO, 4, 0x10, 9));
	assert_int_equal(ring.slot[3].data, 9);
	assert_int_equal(ring.h.read_pointer, 3);
	assert_int_equal(ring.h.write_pointer, 4);
	/* LEGACY servers: no rebasing. */
	ring.h.read_pointer = ring.h.write_pointer = IOREQ_BUFFER_SLOT_NUM + 1;
	assert_true(bufioreq_post(&ring, false, IOREQ_TYPE_PIO, 4, 0x10, 9));
	assert_int_equal(ring.h.read_pointer, IOREQ_BUFFER_SLOT_NUM + 1);
}

static void garbage_pointers_stay_in_the_page(void **state)
{
	(void)state;
	static const unsigned ptrs[][2] = {
	    {0, 0xffffffffu}, {0xffffffffu, 0}, {0x7fffffffu, 0x7fffffffu}, {12345, 12345 + 511}};
	for (size_t i = 0; i < sizeof(ptrs) / sizeof(ptrs[0]); i++) {
		memset(&ring, 0, sizeof(ring));
		ring.h.read_pointer = ptrs[i][0];
		ring.h.write_pointer = ptrs[i][1];
		/* Full-looking rings refuse; others write a slot inside the page. ASan checks. */
		bool posted = bufioreq_post(&ring, true, IOREQ_TYPE_TIMEOFFSET, 8, 0, 1);
		assert_true(posted == (ptrs[i][1] - ptrs[i][0] <= IOREQ_BUFFER_SLOT_NUM - 2));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(layout_is_xens),
	    cmocka_unit_test(full_rings_refuse),
	    cmocka_unit_test(atomic_rebases_both_pointers),
	    cmocka_unit_test(garbage_pointers_stay_in_the_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
