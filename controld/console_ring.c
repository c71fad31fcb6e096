// SPDX-License-Identifier: MIT
#include "console_ring.h"

#include <errno.h>
#include <string.h>

static uint32_t load(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

void cons_ring_init(struct cons_ring *r, struct cons_page *page)
{
	r->page = page;
	r->out_cons = load(&page->out_cons);
	r->in_prod = load(&page->in_prod);
	r->broken = false;
}

/* n bytes out of / into a ring of size bytes (a power of two) at index idx, across its wrap. */
static uint32_t first_part(uint32_t size, uint32_t idx, uint32_t n)
{
	uint32_t to_wrap = size - (idx & (size - 1));

	return to_wrap < n ? to_wrap : n;
}

static void ring_get(const char *ring, uint32_t size, uint32_t idx, char *dst, uint32_t n)
{
	uint32_t first = first_part(size, idx, n);

	memcpy(dst, ring + (idx & (size - 1)), first);
	memcpy(dst + first, ring, n - first);
}

static void ring_put(char *ring, uint32_t size, uint32_t idx, const char *src, uint32_t n)
{
	uint32_t first = first_part(size, idx, n);

	memcpy(ring + (idx & (size - 1)), src, first);
	memcpy(ring, src + first, n - first);
}

long cons_ring_read(struct cons_ring *r, char *buf, size_t cap)
{
	uint32_t avail;

	if (r->broken)
		return -EIO;
	avail = load(&r->page->out_prod) - r->out_cons;
	if (avail > CONS_OUT_SIZE) {
		r->broken = true;
		return -EIO;
	}
	if (avail > cap)
		avail = (uint32_t)cap;
	ring_get(r->page->out, CONS_OUT_SIZE, r->out_cons, buf, avail);
	r->out_cons += avail;
	store(&r->page->out_cons, r->out_cons);
	return (long)avail;
}

long cons_ring_write(struct cons_ring *r, const char *data, size_t len)
{
	uint32_t used, n;

	if (r->broken)
		return -EIO;
	used = r->in_prod - load(&r->page->in_cons);
	if (used > CONS_IN_SIZE) {
		r->broken = true;
		return -EIO;
	}
	n = CONS_IN_SIZE - used;
	if (n > len)
		n = (uint32_t)len;
	ring_put(r->page->in, CONS_IN_SIZE, r->in_prod, data, n);
	r->in_prod += n;
	/* The bytes are in place before the guest can see the new index. */
	store(&r->page->in_prod, r->in_prod);
	return (long)n;
}
