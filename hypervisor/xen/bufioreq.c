// SPDX-License-Identifier: MIT
/* The buffered ioreq ring, Keel's side (bufioreq.h). */
#include <keel/bufioreq.h>
#include <public/xen/dm_op.h>

static int size_code(u8 size)
{
	switch (size) {
	case 1:
		return 0;
	case 2:
		return 1;
	case 4:
		return 2;
	case 8:
		return 3;
	}
	return -1;
}

bool bufioreq_post(void *page, bool atomic, u8 type, u8 size, u64 addr, u64 data)
{
	struct buffered_iopage_head *h = page;
	struct buf_ioreq *slot = (struct buf_ioreq *)(h + 1);
	int code = size_code(size);
	u32 need = size == 8 ? 2 : 1;

	if (code < 0 || addr > 0xfffff)
		return false;
	u32 rp = __atomic_load_n(&h->read_pointer, __ATOMIC_ACQUIRE);
	u32 wp = __atomic_load_n(&h->write_pointer, __ATOMIC_RELAXED);
	if (wp - rp > IOREQ_BUFFER_SLOT_NUM - need)
		return false; /* full, or pointers no ring has: the device model's doing */
	u32 head = type | (IOREQ_WRITE << BUF_IOREQ_DIR_BIT) | ((u32)code << BUF_IOREQ_SIZE_SHIFT) |
		   ((u32)addr << BUF_IOREQ_ADDR_SHIFT);
	slot[wp % IOREQ_BUFFER_SLOT_NUM] = (struct buf_ioreq){head, (u32)data};
	if (need == 2)
		slot[(wp + 1) % IOREQ_BUFFER_SLOT_NUM] =
		    (struct buf_ioreq){head, (u32)(data >> 32)};
	/* The slots are visible before the pointer that publishes them. */
	__atomic_store_n(&h->write_pointer, wp + need, __ATOMIC_RELEASE);
	/* Rebase: the device model only ever adds to read_pointer; both move down together. */
	for (u32 tries = 0; atomic && tries < IOREQ_BUFFER_SLOT_NUM; tries++) {
		u64 *both = page, old = __atomic_load_n(both, __ATOMIC_ACQUIRE);
		u32 r = (u32)old, w = (u32)(old >> 32), n = r / IOREQ_BUFFER_SLOT_NUM;
		if (!n)
			break;
		u64 rebased = (u64)(r - n * IOREQ_BUFFER_SLOT_NUM) |
			      ((u64)(w - n * IOREQ_BUFFER_SLOT_NUM) << 32);
		if (__atomic_compare_exchange_n(both, &old, rebased, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			break;
	}
	return true;
}
