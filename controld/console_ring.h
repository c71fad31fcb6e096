/* SPDX-License-Identifier: MIT */
/*
 * A guest's PV console page as Xen lays it out (public/io/console.h, struct
 * xencons_interface): an input ring dom0 fills and the guest drains, an output ring the
 * guest fills and dom0 drains, free-running 32-bit indexes. The page is guest memory: the
 * guest may write anything there at any time. Dom0's own indexes (out_cons, in_prod) are
 * kept here and only copied to the page; the guest's (out_prod, in_cons) are read once per
 * call and checked against them.
 */
#ifndef KEEL_CONTROLD_CONSOLE_RING_H
#define KEEL_CONTROLD_CONSOLE_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONS_IN_SIZE  1024u
#define CONS_OUT_SIZE 2048u

struct cons_page {
	char in[CONS_IN_SIZE];
	char out[CONS_OUT_SIZE];
	uint32_t in_cons, in_prod;
	uint32_t out_cons, out_prod;
};

struct cons_ring {
	struct cons_page *page;
	uint32_t out_cons, in_prod; /* ours */
	bool broken;		    /* the guest's indexes were impossible once: not used again */
};

/* Takes dom0's indexes as the page has them (a guest may have run before us). */
void cons_ring_init(struct cons_ring *r, struct cons_page *page);
/*
 * Copies up to cap bytes of the guest's output into buf and consumes them. Returns the
 * count, or -EIO when the guest's out_prod is impossible (more than the ring holds ahead of
 * our out_cons): the ring is then broken and every later call fails the same way.
 */
long cons_ring_read(struct cons_ring *r, char *buf, size_t cap);
/* Puts up to len bytes of input in the ring: the count (0 when full), or -EIO as above. */
long cons_ring_write(struct cons_ring *r, const char *data, size_t len);

#endif
