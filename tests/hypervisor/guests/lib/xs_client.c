// SPDX-License-Identifier: MIT
/* A test guest's xenstore client: see xs_client.h. */
#include "xs_client.h"

#include "ring.h"
#include "xen.h"

#define NS_PER_MS 1000000ULL

long xs_client_init(struct xs_client *x)
{
	struct xen_hvm_param p = {.domid = DOMID_SELF, .index = HVM_PARAM_STORE_PFN};
	long r = HYPERCALL2(__HYPERVISOR_hvm_op, HVMOP_get_param, &p);

	memset(x, 0, sizeof(*x));
	if (r)
		return r;
	x->ring = (struct xenstore_domain_interface *)(p.value << 12);
	p.index = HVM_PARAM_STORE_EVTCHN;
	r = HYPERCALL2(__HYPERVISOR_hvm_op, HVMOP_get_param, &p);
	x->port = (uint32_t)p.value;
	x->next_id = 1;
	return r;
}

bool xs_put(struct xs_client *x, const void *data, uint32_t n, uint64_t ms)
{
	struct xenstore_domain_interface *r = x->ring;
	const char *src = data;
	uint64_t end = xen_now_ns() + ms * NS_PER_MS;

	while (n) {
		uint32_t prod = r->req_prod, used = prod - r->req_cons;
		uint32_t room = used <= XENSTORE_RING_SIZE ? XENSTORE_RING_SIZE - used : 0;
		uint32_t off = prod & (XENSTORE_RING_SIZE - 1), chunk = XENSTORE_RING_SIZE - off;

		if (!room) {
			if (xen_now_ns() > end)
				return false;
			xen_nap(2 * NS_PER_MS);
			continue;
		}
		if (chunk > room)
			chunk = room;
		if (chunk > n)
			chunk = n;
		memcpy(r->req + off, src, chunk);
		wmb();
		r->req_prod = prod + chunk;
		evtchn_send(x->port);
		src += chunk;
		n -= chunk;
	}
	return true;
}

/* n bytes of replies into dst (NULL: dropped); false if they did not come by end. */
static bool take(struct xs_client *x, void *dst, uint32_t n, uint64_t end)
{
	struct xenstore_domain_interface *r = x->ring;
	char *out = dst;

	while (n) {
		uint32_t cons = r->rsp_cons, avail = r->rsp_prod - cons;
		uint32_t off = cons & (XENSTORE_RING_SIZE - 1), chunk = XENSTORE_RING_SIZE - off;

		if (!avail || avail > XENSTORE_RING_SIZE) {
			if (xen_now_ns() > end)
				return false;
			xen_nap(2 * NS_PER_MS);
			continue;
		}
		rmb();
		if (chunk > avail)
			chunk = avail;
		if (chunk > n)
			chunk = n;
		if (out) {
			memcpy(out, r->rsp + off, chunk);
			out += chunk;
		}
		mb();
		r->rsp_cons = cons + chunk;
		evtchn_send(x->port);
		n -= chunk;
	}
	return true;
}

long xs_call(struct xs_client *x, uint32_t type, const void *payload, uint32_t len, char *buf,
	     size_t cap, uint64_t ms)
{
	struct xsd_sockmsg h = {.type = type, .req_id = x->next_id++, .len = len};
	uint64_t end = xen_now_ns() + ms * NS_PER_MS;

	buf[0] = 0;
	if (!xs_put(x, &h, sizeof(h), ms) || !xs_put(x, payload, len, ms))
		return -1;
	for (;;) {
		struct xsd_sockmsg rh;
		uint32_t keep;

		if (!take(x, &rh, sizeof(rh), end) || rh.len > XENSTORE_PAYLOAD_MAX)
			return -1;
		if (rh.type == XS_WATCH_EVENT || rh.req_id != h.req_id) {
			x->watch_events += rh.type == XS_WATCH_EVENT;
			if (!take(x, NULL, rh.len, end))
				return -1;
			continue;
		}
		keep = rh.len < cap - 1 ? rh.len : (uint32_t)cap - 1;
		if (!take(x, buf, keep, end) || !take(x, NULL, rh.len - keep, end))
			return -1;
		buf[keep] = 0;
		return rh.type;
	}
}

long xs_read(struct xs_client *x, const char *path, char *buf, size_t cap)
{
	long t = xs_call(x, XS_READ, path, (uint32_t)strlen(path) + 1, buf, cap, 5000);

	if (t < 0)
		memcpy(buf, "timeout", 8);
	return t == XS_READ ? 0 : -1;
}

long xs_write(struct xs_client *x, const char *path, const char *value, char *buf, size_t cap)
{
	char msg[256];
	size_t pl = strlen(path) + 1, vl = strlen(value);
	long t;

	if (pl + vl > sizeof(msg))
		return -1;
	memcpy(msg, path, pl);
	memcpy(msg + pl, value, vl);
	t = xs_call(x, XS_WRITE, msg, (uint32_t)(pl + vl), buf, cap, 5000);
	if (t < 0)
		memcpy(buf, "timeout", 8);
	return t == XS_WRITE ? 0 : -1;
}
