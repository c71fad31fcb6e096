// SPDX-License-Identifier: MIT
/*
 * A misbehaving PV guest (issue 11, "Bad input"), started from the REST API as an
 * uploaded image. Its command line picks what it does, one behaviour or all in turn:
 *   xs=garbage       its xenstore ring: other domains' paths (other=DOMID is another
 *                    guest), unknown and privileged message types, a watch flood, then
 *                    a header longer than XENSTORE_PAYLOAD_MAX, a producer index far past
 *                    the consumer and indexes going backwards (xsfirst=len|prod|back
 *                    says which comes first: only the first meets a served ring);
 *   console=garbage  console ring indexes that jump by more than the ring, then an event
 *                    flood on its console and xenstore ports for flood=S seconds;
 *   blk=garbage      a blkfront gone wrong (badfront_blk.c);
 *   all=garbage      blk, console, then xs (whose breaks end the ring the others use).
 * stay=1 keeps it up afterwards until it is destroyed.
 * It says what it did and saw on Keel's console ("(name) ..."); dom0's daemons and
 * kernel must stay up, which the host side (tests/dom0/rest_badguests.py) checks.
 */
#include "badfront.h"

#include "ring.h"

const char test_name[] = "badfront";

#define NS_PER_S 1000000000ULL

/* A request that must be refused with err; says what it got. */
static void refused(struct xs_client *x, uint32_t type, const void *payload, uint32_t len,
		    const char *what, const char *err)
{
	char buf[64];
	long t = xs_call(x, type, payload, len, buf, sizeof(buf), 5000);

	gprintf("xs: %s: reply type %ld %s\n", what, t, buf);
	CHECK(t == XS_ERROR && (!err || !strcmp(buf, err)));
}

/* Requests the server must answer with an error, the ring staying served. */
static void xs_refusals(struct xs_client *x, uint64_t other)
{
	char path[64], buf[64];
	const uint32_t junk = 0xdeadbeef;

	refused(x, XS_READ, "/local/domain/0/name", 21, "read dom0's name", "EACCES");
	refused(x, XS_WRITE, "/local/domain/0/evil\0x", 22, "write in dom0's home", "EACCES");
	ksnprintf(path, sizeof(path), "/local/domain/%lu/name", other);
	refused(x, XS_READ, path, (uint32_t)strlen(path) + 1, "read the other guest's name",
		"EACCES");
	ksnprintf(path, sizeof(path), "/local/domain/%lu/evil", other);
	CHECK(xs_write(x, path, "x", buf, sizeof(buf)) < 0);
	gprintf("xs: write in the other guest's home: %s\n", buf);
	CHECK(!strcmp(buf, "EACCES"));
	refused(x, 999, &junk, sizeof(junk), "unknown type 999", NULL);
	refused(x, XS_INVALID, &junk, sizeof(junk), "type XS_INVALID", NULL);
	refused(x, XS_INTRODUCE,
		"9\0"
		"1\0"
		"1\0",
		6, "XS_INTRODUCE (privileged)", NULL);
}

static void xs_watch_flood(struct xs_client *x, uint64_t n)
{
	uint64_t ok = 0, errors = 0, lost = 0;
	char msg[48], buf[64];

	for (uint64_t i = 0; i < n; i++) {
		size_t l = (size_t)ksnprintf(msg, sizeof(msg), "flood/%lu", i) + 1;
		l += (size_t)ksnprintf(msg + l, sizeof(msg) - l, "t%lu", i) + 1;
		long t = xs_call(x, XS_WATCH, msg, (uint32_t)l, buf, sizeof(buf), 5000);
		ok += t == XS_WATCH;
		errors += t == XS_ERROR;
		lost += t < 0;
	}
	gprintf("xs: watch flood: %lu watches, %lu set, %lu refused (last %s), %lu unanswered, "
		"%u events\n",
		n, ok, errors, buf, lost, x->watch_events);
	CHECK_EQ(lost, 0);
	CHECK(xs_read(x, "name", buf, sizeof(buf)) == 0);
	gprintf("xs: after the flood its name still reads %s\n", buf);
}

/* Waits up to 3 s for the server to flag the ring; its error field. */
static uint32_t ring_error(struct xs_client *x)
{
	uint64_t end = xen_now_ns() + 3 * NS_PER_S;

	while (!x->ring->error && xen_now_ns() < end)
		xen_nap(10000000);
	return x->ring->error;
}

static void xs_oversized(struct xs_client *x)
{
	struct xsd_sockmsg h = {.type = XS_READ, .req_id = 77, .len = XENSTORE_PAYLOAD_MAX + 1};

	xs_put(x, &h, sizeof(h), 1000);
	gprintf("xs: header with len %u sent: ring error %u\n", h.len, ring_error(x));
}

static void xs_prod_far(struct xs_client *x)
{
	wmb();
	x->ring->req_prod = x->ring->req_cons + 100000;
	evtchn_send(x->port);
	gprintf("xs: req_prod 100000 past req_cons: ring error %u\n", ring_error(x));
}

static void xs_backwards(struct xs_client *x)
{
	x->ring->req_prod = x->ring->req_cons - 50000;
	x->ring->rsp_cons = x->ring->rsp_prod + 3000;
	evtchn_send(x->port);
	gprintf("xs: indexes backwards: ring error %u\n", ring_error(x));
}

/* The ways to break the ring; xsfirst=NAME puts one first, the server's error set by it. */
static const struct {
	const char *name;
	void (*run)(struct xs_client *x);
} xs_breaks[] = {{"len", xs_oversized}, {"prod", xs_prod_far}, {"back", xs_backwards}};

static bool xs_garbage(struct xs_client *x, const struct hvm_start_info *si)
{
	const char *cmd = guest_cmdline(si);
	unsigned first = 0, n = sizeof(xs_breaks) / sizeof(xs_breaks[0]);

	xs_refusals(x, guest_option(si, "other", 0));
	xs_watch_flood(x, guest_option(si, "watches", 200));
	for (unsigned i = 0; i < n; i++)
		if (cmdline_has(cmd, "xsfirst", xs_breaks[i].name))
			first = i;
	xs_breaks[first].run(x);
	CHECK(x->ring->error != 0);
	for (unsigned i = 0; i < n; i++)
		if (i != first)
			xs_breaks[i].run(x);
	gprintf("xs: garbage done\n");
	return true;
}

static uint64_t hvm_param(uint32_t index)
{
	struct xen_hvm_param p = {.domid = DOMID_SELF, .index = index};

	CHECK_EQ(HYPERCALL2(__HYPERVISOR_hvm_op, HVMOP_get_param, &p), 0);
	return p.value;
}

static bool console_garbage(struct xs_client *x, uint64_t seconds)
{
	struct xencons_interface *c = (void *)(hvm_param(HVM_PARAM_CONSOLE_PFN) << 12);
	uint32_t port = (uint32_t)hvm_param(HVM_PARAM_CONSOLE_EVTCHN);
	static const char line[] = "badfront: console ring ok\r\n";
	uint64_t sends = 0, errors = 0, end;
	long last = 0;

	/* One good line first, so the garbage comes after a working ring. */
	memcpy(c->out + (c->out_prod & 2047), line, sizeof(line) - 1);
	wmb();
	c->out_prod += sizeof(line) - 1;
	evtchn_send(port);
	xen_nap(200000000);
	c->out_prod = c->out_cons + 3 * 2048 + 7;
	c->in_cons = c->in_prod + 5000;
	evtchn_send(port);
	xen_nap(200000000);
	gprintf("console: out_prod %u past out_cons %u, in_cons %u past in_prod %u\n",
		c->out_prod - c->out_cons, c->out_cons, c->in_cons - c->in_prod, c->in_prod);
	end = xen_now_ns() + seconds * NS_PER_S;
	while (xen_now_ns() < end) {
		long r1 = evtchn_send(port), r2 = evtchn_send(x->port);

		sends += 2;
		errors += (r1 != 0) + (r2 != 0);
		if (r1 || r2)
			last = r1 ? r1 : r2;
	}
	gprintf("console: event flood on ports %u and %u: %lu sends in %lu s, %lu failed (last "
		"%ld)\n",
		port, x->port, sends, seconds, errors, last);
	return true;
}

bool test_main(const struct hvm_start_info *si)
{
	const char *cmd = guest_cmdline(si);
	bool all = cmdline_has(cmd, "all", "garbage");
	struct xs_client x;
	uint32_t timer;
	bool ok = true;

	CHECK_EQ(xen_map_shared_info(), 0);
	CHECK_EQ(xen_enable_upcall(), 0);
	CHECK_EQ(bind_virq(VIRQ_TIMER, 0, &timer), 0);
	CHECK_EQ(xs_client_init(&x), 0);
	gprintf("badfront: %s\n", cmd);
	/* The xenstore garbage breaks the ring the others need: it comes last. */
	if (all || cmdline_has(cmd, "blk", "garbage"))
		ok &= bad_blk(&x);
	if (all || cmdline_has(cmd, "console", "garbage"))
		ok &= console_garbage(&x, guest_option(si, "flood", 5));
	if (all || cmdline_has(cmd, "xs", "garbage"))
		ok &= xs_garbage(&x, si);
	gprintf("badfront: done\n");
	/* stay=1: up until destroyed, as the test destroys a bad guest from the API. */
	while (guest_option(si, "stay", 0))
		xen_nap(1000000000ULL);
	return ok;
}
