// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the console ring (controld/console_ring.c) against a guest that owns the
 * whole page, indexes included, and rewrites any of it between dom0's calls. Input: rounds
 * of [op][offset hi][offset lo][len][len bytes written into the page]; op's low bit picks
 * a read (cap: op >> 1, times 16) or a write of the round's bytes. What dom0 reads must
 * come from within the page, never more than asked or than the ring holds; dom0's own
 * indexes move only by what it took or gave; a broken ring stays broken.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../../controld/console_ring.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cons_page page;
	static char buf[CONS_OUT_SIZE + 16];
	struct cons_ring ring;
	size_t off = 0;
	bool broken = false;

	memset(&page, 0, sizeof(page));
	cons_ring_init(&ring, &page);
	while (off + 4 <= size) {
		uint8_t op = data[off];
		size_t at = ((size_t)data[off + 1] << 8 | data[off + 2]) % sizeof(page);
		size_t len = data[off + 3];
		uint32_t before_out = ring.out_cons, before_in = ring.in_prod;
		long n;

		off += 4;
		if (len > size - off)
			len = size - off;
		if (len > sizeof(page) - at)
			len = sizeof(page) - at;
		memcpy((uint8_t *)&page + at, data + off, len);
		if (op & 1) {
			size_t cap = (size_t)(op >> 1) * 16;

			n = cons_ring_read(&ring, buf, cap);
			if (n > (long)cap || n > (long)CONS_OUT_SIZE ||
			    (n >= 0 && ring.out_cons != before_out + (uint32_t)n))
				abort();
		} else {
			n = cons_ring_write(&ring, (const char *)data + off, len);
			if (n > (long)len || n > (long)CONS_IN_SIZE ||
			    (n >= 0 && ring.in_prod != before_in + (uint32_t)n))
				abort();
		}
		if ((broken && n != -EIO) || (n < 0 && n != -EIO))
			abort();
		broken |= n == -EIO;
		off += len;
	}
	return 0;
}
