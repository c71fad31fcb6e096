// SPDX-License-Identifier: MIT
/*
 * blk=garbage: a blkfront gone wrong, over the disk controld plumbed for it. The
 * handshake as Linux's xen-blkfront does it (ring page granted, ring-ref, event-channel,
 * state=Initialised), then requests dom0's xen-blkback must refuse one by one (bad
 * operation, too many segments, a grant it never made, sectors past the disk's end,
 * a sector range upside down) next to one good read, a data page revoked while the read
 * may hold it, the ring's grant revoked while the backend maps it (refused, as on Xen:
 * GTF_reading/GTF_writing), then Closing and Closed, the revocation again once unmapped.
 */
#include "badfront.h"

#include "ring.h"

#define RING_REF    8
#define DATA_REF    9
#define NOT_GRANTED 200
#define GOOD_BURST  16
#define MS	    1000000ULL

static uint8_t ring_page[4096] __attribute__((aligned(4096)));
static uint8_t data_page[4096] __attribute__((aligned(4096)));
static uint8_t gnt_frame[4096] __attribute__((aligned(4096)));
static struct grant_entry_v1 *const gnt = (struct grant_entry_v1 *)gnt_frame;

static long map_grant_table(void)
{
	struct xen_add_to_physmap m = {.domid = DOMID_SELF,
				       .space = XENMAPSPACE_grant_table,
				       .idx = 0,
				       .gpfn = (uint64_t)gnt_frame >> 12};

	return HYPERCALL2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &m);
}

static void grant(uint32_t ref, const void *page)
{
	gnt[ref].domid = 0;
	gnt[ref].frame = (uint32_t)((uint64_t)page >> 12);
	wmb();
	__atomic_store_n(&gnt[ref].flags, GTF_permit_access, __ATOMIC_SEQ_CST);
}

/* gnttab_end_foreign_access's rule: an entry dom0 uses (reading/writing) stays. */
static bool revoke(uint32_t ref, uint16_t *seen)
{
	uint16_t flags = __atomic_load_n(&gnt[ref].flags, __ATOMIC_SEQ_CST);

	while (!(flags & (GTF_reading | GTF_writing)))
		if (__atomic_compare_exchange_n(&gnt[ref].flags, &flags, 0, false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			break;
	*seen = flags;
	return !(flags & (GTF_reading | GTF_writing));
}

/* Waits up to ms for dom0 to have the entry in use (GTF_reading/GTF_writing). */
static bool wait_in_use(uint32_t ref, uint64_t ms)
{
	uint64_t end = xen_now_ns() + ms * MS;

	while (!(__atomic_load_n(&gnt[ref].flags, __ATOMIC_SEQ_CST) & (GTF_reading | GTF_writing)))
		if (xen_now_ns() > end)
			return false;
	return true;
}

/* Polls the backend's state until it is want (or past it when at_least); its last value. */
static long backend_state(struct xs_client *x, const char *be, long want, bool at_least,
			  uint64_t seconds)
{
	char path[96], buf[32];
	uint64_t end = xen_now_ns() + seconds * 1000 * MS;
	long st = -1;

	ksnprintf(path, sizeof(path), "%s/state", be);
	while (xen_now_ns() < end) {
		if (!xs_read(x, path, buf, sizeof(buf)))
			st = (long)(buf[0] - '0');
		if (st == want || (at_least && st > want))
			break;
		xen_nap(100 * MS);
	}
	return st;
}

static void fe_write(struct xs_client *x, const char *fe, const char *key, const char *value)
{
	char path[96], buf[32];

	ksnprintf(path, sizeof(path), "%s/%s", fe, key);
	if (xs_write(x, path, value, buf, sizeof(buf))) {
		gprintf("blk: write %s=%s: %s\n", path, value, buf);
		CHECK(false);
	}
}

static void put_req(struct blkif_sring *s, uint32_t i, uint8_t op, uint8_t nseg, uint32_t gref,
		    uint64_t sector, uint8_t first, uint8_t last)
{
	struct blkif_request *r = &s->ring[i & (BLKIF_RING_SIZE - 1)].req;

	memset(r, 0, sizeof(*r));
	r->operation = op;
	r->nr_segments = nseg;
	r->id = 100 + i;
	r->sector_number = sector;
	for (int k = 0; k < BLKIF_MAX_SEGMENTS_PER_REQUEST; k++)
		r->seg[k] = (struct blkif_request_segment){gref, first, last};
}

/* The garbage, one good read among it (id 104), good reads after it; how many went. */
static uint32_t garbage_requests(struct blkif_sring *s)
{
	put_req(s, 0, 99, 1, DATA_REF, 0, 0, 7);		     /* no such operation */
	put_req(s, 1, BLKIF_OP_READ, 200, DATA_REF, 0, 0, 7);	     /* segments above the max */
	put_req(s, 2, BLKIF_OP_READ, 1, NOT_GRANTED, 0, 0, 7);	     /* a grant it never made */
	put_req(s, 3, BLKIF_OP_READ, 1, DATA_REF, 1ULL << 40, 0, 7); /* past the disk's end */
	put_req(s, 4, BLKIF_OP_READ, 1, DATA_REF, 0, 0, 7);	     /* a good read */
	put_req(s, 5, BLKIF_OP_WRITE, 1, DATA_REF, 8, 6, 2);	     /* sectors upside down */
	put_req(s, 6, BLKIF_OP_READ, 1, DATA_REF, 0, 0, 9);	     /* last sector off the page */
	/* Then good reads of 11 pages each into the data page: the backend holds it a while. */
	for (uint32_t i = 0; i < GOOD_BURST; i++)
		put_req(s, 7 + i, BLKIF_OP_READ, BLKIF_MAX_SEGMENTS_PER_REQUEST, DATA_REF,
			8 + i * 88, 0, 7);
	return 7 + GOOD_BURST;
}

static void report_responses(struct blkif_sring *s, uint32_t n)
{
	uint64_t end = xen_now_ns() + 30000 * MS;

	while (s->rsp_prod < n && xen_now_ns() < end)
		xen_nap(20 * MS);
	rmb();
	gprintf("blk: %u responses to %u requests\n", s->rsp_prod, n);
	uint32_t good = 0;
	for (uint32_t i = 0; i < s->rsp_prod && i < BLKIF_RING_SIZE; i++) {
		const struct blkif_response *r = &s->ring[i].rsp;
		/* Only the good reads may succeed. */
		CHECK(r->status != 0 || r->id == 104 || r->id >= 107);
		if (r->id >= 107)
			good += r->status == 0;
		else
			gprintf("blk: response id %lu op %u status %d\n", r->id, r->operation,
				r->status);
	}
	gprintf("blk: %u of %u good reads done\n", good, GOOD_BURST);
}

/* Frontend dir and backend path of its first disk; false if it has none. */
static bool find_disk(struct xs_client *x, char *fe, size_t fe_len, char *be, size_t be_len)
{
	char buf[64];
	long t = xs_call(x, XS_DIRECTORY, "device/vbd", 11, buf, sizeof(buf), 5000);

	if (t != XS_DIRECTORY || !buf[0]) {
		gprintf("blk: no disk (device/vbd: %ld %s)\n", t, buf);
		return false;
	}
	ksnprintf(fe, fe_len, "device/vbd/%s", buf);
	ksnprintf(buf, sizeof(buf), "%s/backend", fe);
	if (xs_read(x, buf, be, be_len)) {
		gprintf("blk: %s: %s\n", buf, be);
		return false;
	}
	return true;
}

bool bad_blk(struct xs_client *x)
{
	struct blkif_sring *s = (struct blkif_sring *)ring_page;
	char fe[48], be[96], num[16];
	uint32_t port, n;
	uint16_t flags;
	long st;

	if (!find_disk(x, fe, sizeof(fe), be, sizeof(be)))
		return false;
	CHECK_EQ(map_grant_table(), 0);
	st = backend_state(x, be, XenbusStateInitWait, true, 60);
	gprintf("blk: %s, backend %s in state %ld\n", fe, be, st);
	memset(s, 0, sizeof(*s));
	s->req_event = s->rsp_event = 1;
	grant(RING_REF, ring_page);
	grant(DATA_REF, data_page);
	CHECK_EQ(evtchn_alloc_unbound(0, &port), 0);
	ksnprintf(num, sizeof(num), "%u", RING_REF);
	fe_write(x, fe, "ring-ref", num);
	ksnprintf(num, sizeof(num), "%u", port);
	fe_write(x, fe, "event-channel", num);
	fe_write(x, fe, "protocol", "x86_64-abi");
	fe_write(x, fe, "state", "3");
	st = backend_state(x, be, XenbusStateConnected, false, 60);
	gprintf("blk: backend state %ld after Initialised\n", st);
	CHECK_EQ(st, XenbusStateConnected);

	n = garbage_requests(s);
	wmb();
	s->req_prod = n;
	CHECK_EQ(evtchn_send(port), 0);
	/* Mid-I/O: once the good read holds the data page, a bad guest takes it back anyway. */
	bool held = wait_in_use(DATA_REF, 3000);
	bool gone = revoke(DATA_REF, &flags);
	gprintf("blk: data page %s by the backend; revoked: %s (flags 0x%x)\n",
		held ? "seen mapped" : "never seen mapped", gone ? "yes" : "refused", flags);
	CHECK(!held || !gone);
	if (!gone) {
		__atomic_store_n(&gnt[DATA_REF].flags, 0, __ATOMIC_SEQ_CST);
		gprintf("blk: data page's grant entry cleared while mapped\n");
	}
	report_responses(s, n);

	gone = revoke(RING_REF, &flags);
	gprintf("blk: ring revoked while connected: %s (flags 0x%x)\n", gone ? "yes" : "refused",
		flags);
	CHECK(!gone);
	/* blkback unmaps the ring when the frontend is Closed, not before (Linux's
	 * drivers/block/xen-blkback/xenbus.c, frontend_changed). */
	fe_write(x, fe, "state", "5");
	st = backend_state(x, be, XenbusStateClosing, true, 30);
	gone = revoke(RING_REF, &flags);
	gprintf("blk: backend state %ld after Closing; ring revoked: %s (flags 0x%x)\n", st,
		gone ? "yes" : "refused", flags);
	if (!gone) {
		fe_write(x, fe, "state", "6");
		st = backend_state(x, be, XenbusStateClosed, false, 30);
		uint64_t end = xen_now_ns() + 10000 * MS;
		while (!(gone = revoke(RING_REF, &flags)) && xen_now_ns() < end)
			xen_nap(50 * MS);
		gprintf("blk: backend state %ld after Closed; ring revoked: %s (flags 0x%x)\n", st,
			gone ? "yes" : "refused", flags);
	}
	CHECK(gone);
	gone = revoke(DATA_REF, &flags);
	gprintf("blk: data page flags now 0x%x\n", flags);
	CHECK(gone);
	return true;
}
