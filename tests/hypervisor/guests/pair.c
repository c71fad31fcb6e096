// SPDX-License-Identifier: MIT
/*
 * Two guests talking through Keel: role=front and role=back, each told the
 * other's domid (peer=, from Keel's module option). Rendezvous without a
 * store: the front's first port of its own (2; 1 is the console's) is for the
 * back, its grant ref 8 is the ring page. Phases:
 *   1. event-channel ping-pong, round trip timed in TSC ticks;
 *   2. N requests over a ring on the granted page, the back end either
 *      mapping it (mode=map) or reaching it with grant copies (mode=copy),
 *      one notification per burst, every response checked;
 *   3. negative cases: a port offered to a third domain, a grant to the wrong
 *      domid, a read-only grant, a revoked grant, out-of-range refs;
 *   4. the front powers off while the back is still copying: the back gets
 *      errors, not a crash, and finishes.
 */
#include "xen.h"
#include "ring.h"

#include <public/xen/grant_table.h>

const char test_name[] = "pair";

#define FRONT_PORT    2 /* front's port for the back (port 1 is its console's) */
#define OFFERED_PORT  3 /* front's port offered to the third domain */
#define REF_RING      8
#define REF_WRONG_DOM 9
#define REF_REVOKE    10
#define REF_READONLY  11
#define MAP_AT	      (12ULL << 20) /* the back maps grants here (inside its RAM) */
#define MAP_AT2	      (13ULL << 20)
#define TICKS_PLENTY  400000000ULL

/* Control block in the ring page's spare tail, for phase hand-offs. */
struct control {
	volatile uint32_t phase;      /* front: where it is */
	volatile uint32_t back_phase; /* back: where it is */
	volatile uint32_t pings;
};
#define CONTROL_OFF 3072

static uint8_t ring_page[4096] __attribute__((aligned(4096)));
static uint8_t spare_page[4096] __attribute__((aligned(4096)));
static uint8_t grant_table_frame[4096] __attribute__((aligned(4096)));
static struct grant_entry_v1 *gnt;
static uint16_t peer, third;
static uint64_t n_requests;
static bool copy_mode;

static long gnttab(uint32_t cmd, void *op, uint32_t count)
{
	return HYPERCALL3(__HYPERVISOR_grant_table_op, cmd, op, count);
}

static void yield(void)
{
	HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
}

static void setup_common(const struct hvm_start_info *si)
{
	const char *cmd = guest_cmdline(si);

	peer = (uint16_t)guest_option(si, "peer", 0);
	third = (uint16_t)guest_option(si, "third", 0);
	n_requests = guest_option(si, "n", 10000);
	copy_mode = cmdline_has(cmd, "mode", "copy");
	CHECK(peer != 0);
	CHECK_EQ(xen_map_shared_info(), 0);
	CHECK_EQ(xen_enable_upcall(), 0);
}

/* ------------------------------------------------------------ front end */

static void grant(uint32_t ref, uint16_t dom, void *page, uint16_t flags)
{
	gnt[ref].domid = dom;
	gnt[ref].frame = (uint32_t)((uint64_t)page >> 12);
	wmb();
	gnt[ref].flags = flags;
}

static bool front(void)
{
	struct ring_shared *r = (struct ring_shared *)ring_page;
	struct control *c = (struct control *)(ring_page + CONTROL_OFF);
	uint32_t port, offered;

	/* Grant table frame 0 in our physmap; version 1; size. */
	struct xen_add_to_physmap x = {.domid = DOMID_SELF,
				       .space = XENMAPSPACE_grant_table,
				       .idx = 0,
				       .gpfn = (uint64_t)grant_table_frame >> 12};
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x), 0);
	gnt = (struct grant_entry_v1 *)grant_table_frame;
	struct gnttab_set_version sv = {1};
	CHECK_EQ(gnttab(GNTTABOP_set_version, &sv, 1), 0);
	sv.version = 2;
	CHECK_EQ(gnttab(GNTTABOP_set_version, &sv, 1), -22);
	struct gnttab_query_size qs = {.dom = DOMID_SELF};
	CHECK_EQ(gnttab(GNTTABOP_query_size, &qs, 1), 0);
	CHECK_EQ(qs.status, 0);
	CHECK(qs.nr_frames >= 1 && qs.max_nr_frames >= qs.nr_frames);

	CHECK_EQ(evtchn_alloc_unbound(peer, &port), 0);
	CHECK_EQ(port, FRONT_PORT);
	CHECK_EQ(evtchn_alloc_unbound(third, &offered), 0);
	CHECK_EQ(offered, OFFERED_PORT);
	memset(ring_page, 0, sizeof(ring_page));
	r->req_event = 1;
	r->rsp_event = 1;
	grant(REF_RING, peer, ring_page, GTF_permit_access);
	grant(REF_WRONG_DOM, third, spare_page, GTF_permit_access);
	grant(REF_READONLY, peer, spare_page, GTF_permit_access | GTF_readonly);
	grant(REF_REVOKE, peer, spare_page, GTF_permit_access);
	c->phase = 1;

	/* Phase 1: ping-pong. Wait for the back end's bind (our port gets marked). */
	CHECK(wait_port(port, 1, TICKS_PLENTY));
	uint64_t total = 0, best = ~0ULL;
	const int pings = 200;
	for (int i = 0; i < pings; i++) {
		uint32_t before = port_hits[port];
		uint64_t t0 = rdtsc();
		CHECK_EQ(evtchn_send(port), 0);
		while (port_hits[port] == before)
			sti_hlt();
		uint64_t t = rdtsc() - t0;
		total += t;
		if (t < best)
			best = t;
	}
	gprintf("bench evtchn-pingpong min %lu mean %lu ticks\n", best, total / pings);

	/* Phase 2: the ring. */
	c->phase = 2;
	uint64_t next_id = 0, done = 0, bursts = 0;
	uint32_t req_prod = 0, rsp_cons = 0;
	uint64_t t0 = rdtsc();
	while (done < n_requests) {
		/* Fill every free slot, then one push and at most one notification. */
		uint32_t before = req_prod;
		while (next_id < n_requests && req_prod - rsp_cons < RING_SIZE) {
			struct ring_req *q = &r->slot[req_prod % RING_SIZE].req;
			q->id = next_id;
			q->value = next_id * 5 + 1;
			next_id++;
			req_prod++;
		}
		if (req_prod != before && ring_push_check(&r->req_prod, &r->req_event, req_prod)) {
			evtchn_send(port);
			bursts++;
		}
		/* Collect responses; ask to be told about the next one before sleeping. */
		for (;;) {
			uint32_t prod = r->rsp_prod;
			rmb();
			while (rsp_cons != prod) {
				struct ring_rsp *s = &r->slot[rsp_cons % RING_SIZE].rsp;
				if (s->id != done || s->result != done * 15 + 3 + 7) {
					gprintf("bad response %lu: id %lu result %lu\n", done,
						s->id, s->result);
					return false;
				}
				done++;
				rsp_cons++;
			}
			if (done == n_requests ||
			    (next_id < n_requests && req_prod - rsp_cons < RING_SIZE))
				break;
			r->rsp_event = rsp_cons + 1;
			mb();
			if (r->rsp_prod != rsp_cons)
				continue;
			uint32_t seen = port_hits[port];
			while (port_hits[port] == seen && r->rsp_prod == rsp_cons)
				sti_hlt();
		}
	}
	uint64_t ticks = rdtsc() - t0;
	gprintf(
	    "bench ring-%s %lu requests in %lu ticks: %lu per million ticks, %lu notifications\n",
	    copy_mode ? "copy" : "map", done, ticks, done * 1000000 / (ticks ? ticks : 1), bursts);

	/* Phase 3: the back end tries its negative cases; revoke on its cue. */
	c->phase = 3;
	uint64_t end = rdtsc() + TICKS_PLENTY;
	while (c->back_phase < 3 && rdtsc() < end)
		yield();
	CHECK(c->back_phase >= 3);
	gnt[REF_REVOKE].flags = 0;
	wmb();
	c->phase = 4;
	while (c->back_phase < 4 && rdtsc() < end)
		yield();
	CHECK(c->back_phase >= 4);

	/* Phase 4: leave while the back end is still copying from us. */
	CHECK_EQ(gnt[REF_READONLY].flags & (GTF_reading | GTF_writing), 0);
	c->phase = 5;
	while (c->back_phase < 5 && rdtsc() < end)
		yield();
	gprintf("front end leaving mid-transfer\n");
	return c->back_phase >= 5;
}

/* ------------------------------------------------------------- back end */

static void pong(uint32_t port)
{
	struct control *c = (struct control *)(ring_page + CONTROL_OFF);
	(void)c;
	evtchn_send(port);
}

static long map_ref(uint32_t ref, uint64_t at, uint32_t flags, uint32_t *handle, int16_t *st)
{
	struct gnttab_map_grant_ref m = {
	    .host_addr = at, .flags = GNTMAP_host_map | flags, .ref = ref, .dom = peer};
	long r = gnttab(GNTTABOP_map_grant_ref, &m, 1);
	*handle = m.handle;
	*st = m.status;
	return r;
}

static int16_t unmap_handle(uint32_t handle, uint64_t at)
{
	struct gnttab_unmap_grant_ref u = {.host_addr = at, .handle = handle};
	CHECK_EQ(gnttab(GNTTABOP_unmap_grant_ref, &u, 1), 0);
	return u.status;
}

/* Grant copy between a peer grant (at offset) and a local buffer. */
static int16_t gcopy(uint32_t ref, uint16_t off, void *local, uint16_t len, bool to_peer)
{
	struct gnttab_copy c = {.len = len};
	uint64_t gpa = (uint64_t)local;
	struct gnttab_copy_ptr peer_side = {.u.ref = ref, .domid = peer, .offset = off};
	struct gnttab_copy_ptr my_side = {
	    .u.gmfn = gpa >> 12, .domid = DOMID_SELF, .offset = (uint16_t)(gpa & 4095)};
	if (to_peer) {
		c.source = my_side;
		c.dest = peer_side;
		c.flags = GNTCOPY_dest_gref;
	} else {
		c.source = peer_side;
		c.dest = my_side;
		c.flags = GNTCOPY_source_gref;
	}
	long r = gnttab(GNTTABOP_copy, &c, 1);
	return r ? (int16_t)-100 : c.status;
}

/* Serves the ring through `r` (a mapping) or through grant copies. */
static uint64_t serve(struct ring_shared *r, uint32_t port)
{
	uint32_t req_cons = 0, rsp_prod = 0;
	uint64_t served = 0;
	uint32_t hdr[4];
	static union ring_slot local[RING_SIZE];

	while (served < n_requests) {
		uint32_t prod;
		if (r) {
			prod = r->req_prod;
		} else {
			if (gcopy(REF_RING, 0, hdr, sizeof(hdr), false))
				return served;
			prod = hdr[0];
		}
		rmb();
		uint32_t start = rsp_prod;
		if (r) {
			while (req_cons != prod) {
				struct ring_req q = r->slot[req_cons % RING_SIZE].req;
				r->slot[rsp_prod % RING_SIZE].rsp =
				    (struct ring_rsp){q.id, q.value * 3 + 7};
				req_cons++;
				rsp_prod++;
				served++;
			}
		} else if (req_cons != prod) {
			/* The whole burst in at most two copies each way (the ring may wrap). */
			uint32_t first = req_cons % RING_SIZE, n = prod - req_cons;
			uint32_t chunk1 = n < RING_SIZE - first ? n : RING_SIZE - first;
			uint16_t off = (uint16_t)(RING_SLOTS_OFF + first * 16);
			if (gcopy(REF_RING, off, &local[first], (uint16_t)(chunk1 * 16), false) ||
			    (n > chunk1 && gcopy(REF_RING, RING_SLOTS_OFF, &local[0],
						 (uint16_t)((n - chunk1) * 16), false)))
				return served;
			for (uint32_t i = 0; i < n; i++) {
				union ring_slot *sl = &local[(req_cons + i) % RING_SIZE];
				sl->rsp = (struct ring_rsp){sl->req.id, sl->req.value * 3 + 7};
			}
			if (gcopy(REF_RING, off, &local[first], (uint16_t)(chunk1 * 16), true) ||
			    (n > chunk1 && gcopy(REF_RING, RING_SLOTS_OFF, &local[0],
						 (uint16_t)((n - chunk1) * 16), true)))
				return served;
			req_cons += n;
			rsp_prod += n;
			served += n;
		}
		if (rsp_prod != start) {
			bool notify;
			if (r) {
				notify = ring_push_check(&r->rsp_prod, &r->rsp_event, rsp_prod);
			} else {
				wmb();
				uint32_t v = rsp_prod;
				if (gcopy(REF_RING, 8, &v, 4, true))
					return served;
				mb();
				if (gcopy(REF_RING, 0, hdr, sizeof(hdr), false))
					return served;
				notify =
				    (uint32_t)(rsp_prod - hdr[3]) < (uint32_t)(rsp_prod - start);
			}
			if (notify)
				evtchn_send(port);
		}
		if (served == n_requests)
			break;
		/* Ask for the next request, re-check, then sleep. */
		if (r) {
			r->req_event = req_cons + 1;
			mb();
			if (r->req_prod != req_cons)
				continue;
		} else {
			uint32_t v = req_cons + 1;
			if (gcopy(REF_RING, 4, &v, 4, true))
				return served;
			mb();
			if (gcopy(REF_RING, 0, hdr, sizeof(hdr), false))
				return served;
			if (hdr[0] != req_cons)
				continue;
		}
		uint32_t seen = port_hits[port];
		while (port_hits[port] == seen)
			sti_hlt();
	}
	return served;
}

static bool back(void)
{
	uint32_t port = 0, h, h2;
	int16_t st;
	long r;
	uint64_t end = rdtsc() + TICKS_PLENTY;

	/* Rendezvous: bind the front's port 1 and map its ring grant, retrying until offered. */
	while ((r = evtchn_bind_interdomain(peer, FRONT_PORT, &port)) != 0 && rdtsc() < end)
		yield();
	CHECK_EQ(r, 0);
	do {
		r = map_ref(REF_RING, MAP_AT, 0, &h, &st);
		if (st)
			yield();
	} while (st && rdtsc() < end);
	CHECK_EQ(r, 0);
	CHECK_EQ(st, 0);
	struct ring_shared *ring = (struct ring_shared *)MAP_AT;
	struct control *c = (struct control *)(MAP_AT + CONTROL_OFF);

	/* Phase 1: answer pings from the upcall. */
	xen_set_port_handler(port, pong);
	while (c->phase < 2 && rdtsc() < end)
		sti_hlt();
	xen_set_port_handler(port, NULL);

	/* Phase 2. */
	uint64_t served = serve(copy_mode ? NULL : ring, port);
	CHECK_EQ(served, n_requests);

	/* Phase 3: negative cases. */
	while (c->phase < 3 && rdtsc() < end)
		yield();
	uint32_t p2;
	CHECK_EQ(evtchn_bind_interdomain(peer, OFFERED_PORT, &p2), -22); /* offered to a third */
	CHECK_EQ(evtchn_bind_interdomain(peer, 900, &p2), -22);
	map_ref(REF_WRONG_DOM, MAP_AT2, 0, &h2, &st);
	CHECK_EQ(st, GNTST_permission_denied);
	map_ref(REF_READONLY, MAP_AT2, 0, &h2, &st);
	CHECK_EQ(st, GNTST_permission_denied); /* rw on a read-only grant */
	map_ref(REF_READONLY, MAP_AT2, GNTMAP_readonly, &h2, &st);
	CHECK_EQ(st, GNTST_okay);
	CHECK_EQ(unmap_handle(h2, MAP_AT2), GNTST_okay);
	CHECK_EQ(unmap_handle(h2, MAP_AT2), GNTST_bad_handle); /* twice */
	uint64_t buf = 0;
	CHECK_EQ(gcopy(REF_READONLY, 0, &buf, 8, false), GNTST_okay);
	CHECK_EQ(gcopy(REF_READONLY, 0, &buf, 8, true), GNTST_permission_denied);
	map_ref(99999, MAP_AT2, 0, &h2, &st);
	CHECK_EQ(st, GNTST_bad_gntref);
	CHECK_EQ(gcopy(5000, 0, &buf, 8, false), GNTST_bad_gntref);
	CHECK_EQ(gcopy(REF_REVOKE, 4000, &buf, 200, false), GNTST_bad_copy_arg);
	map_ref(REF_RING, MAP_AT2 + 1, 0, &h2, &st);
	CHECK_EQ(st, GNTST_bad_virt_addr);
	struct gnttab_map_grant_ref bad = {
	    .host_addr = MAP_AT2, .flags = GNTMAP_host_map, .ref = REF_RING, .dom = 55};
	CHECK_EQ(gnttab(GNTTABOP_map_grant_ref, &bad, 1), 0);
	CHECK_EQ(bad.status, GNTST_bad_domain);
	CHECK_EQ(gnttab(GNTTABOP_map_grant_ref, (void *)0xdead00000000ULL, 1), -14);
	CHECK_EQ(gnttab(GNTTABOP_copy, &bad, 100000), -22);
	CHECK_EQ(gnttab(77, &bad, 1), -38);
	/* Revoked grant: copy works before, fails after. */
	CHECK_EQ(gcopy(REF_REVOKE, 0, &buf, 8, false), GNTST_okay);
	c->back_phase = 3;
	while (c->phase < 4 && rdtsc() < end)
		yield();
	CHECK_EQ(gcopy(REF_REVOKE, 0, &buf, 8, false), GNTST_permission_denied);
	c->back_phase = 4;

	/* Phase 4: keep copying and sending while the front end goes away. */
	while (c->phase < 5 && rdtsc() < end)
		yield();
	c->back_phase = 5;
	int16_t last = 0;
	uint64_t copies = 0;
	while (rdtsc() < end) {
		last = gcopy(REF_RING, 0, &buf, 8, false);
		if (last != GNTST_okay)
			break;
		copies++;
		evtchn_send(port);
		yield();
	}
	CHECK_EQ(last, GNTST_bad_domain);
	struct evtchn_status es = {.dom = DOMID_SELF, .port = port};
	CHECK_EQ(evtchn_op(EVTCHNOP_status, &es), 0);
	CHECK_EQ(es.status, EVTCHNSTAT_unbound);
	CHECK_EQ(evtchn_send(port), 0); /* dropped, not an error */
	/* The mapped ring page stays readable until we unmap it. */
	volatile uint32_t peek = ring->req_prod;
	(void)peek;
	CHECK_EQ(unmap_handle(h, MAP_AT), GNTST_okay);
	gprintf("peer gone after %lu more copies: status %d\n", copies, last);
	return true;
}

bool test_main(const struct hvm_start_info *si)
{
	setup_common(si);
	if (cmdline_has(guest_cmdline(si), "role", "back"))
		return back();
	return front();
}
