// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the buffered ioreq ring under a device model that writes what it likes into
 * the shared pointers. 12-byte records: op (0 post, 1 the device model sets read_pointer, 2
 * it sets write_pointer), size, atomic, pad, then a u32 and a u32 (address/data or the
 * pointer). A post must succeed only with room, move write minus read by its slots, and
 * write nothing outside the page (ASan: the page is a 4 KiB heap block).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <keel/bufioreq.h>
#include <public/xen/dm_op.h>

#define RECORD 12

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *page = calloc(1, 4096);
	struct buffered_iopage_head *h = (struct buffered_iopage_head *)page;

	if (!page)
		return 0;
	for (size_t off = 0; off + RECORD <= size; off += RECORD) {
		const uint8_t *r = data + off;
		uint32_t a, b;
		memcpy(&a, r + 4, 4);
		memcpy(&b, r + 8, 4);
		if (r[0] % 3 == 1) {
			h->read_pointer = a;
			continue;
		}
		if (r[0] % 3 == 2) {
			h->write_pointer = a;
			continue;
		}
		uint8_t sz = r[1] & 15;
		uint32_t before = h->write_pointer - h->read_pointer;
		uint32_t need = sz == 8 ? 2 : 1;
		bool ok = bufioreq_post(page, r[2] & 1, 0, sz, a & 0x1fffff, b);
		bool valid =
		    (sz == 1 || sz == 2 || sz == 4 || sz == 8) && (a & 0x1fffff) <= 0xfffff;
		if (ok != (valid && before <= IOREQ_BUFFER_SLOT_NUM - need))
			abort();
		if (ok && h->write_pointer - h->read_pointer != before + need)
			abort();
	}
	free(page);
	return 0;
}
