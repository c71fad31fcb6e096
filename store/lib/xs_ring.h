/* SPDX-License-Identifier: MIT */
/*
 * The guest transport: the xenstore_domain_interface page shared with a domain (a request
 * ring and a response ring of 1024 bytes each, free-running 32-bit indexes) and the event
 * channel that signals it. The page is guest memory: every index read from it is checked.
 */
#ifndef KEEL_XS_RING_H
#define KEEL_XS_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "xs_server.h"

#define XS_RING_SIZE 1024u

/* Layout of Xen's struct xenstore_domain_interface (io/xs_wire.h). */
struct xs_ring_page {
	char req[XS_RING_SIZE];
	char rsp[XS_RING_SIZE];
	uint32_t req_cons, req_prod;
	uint32_t rsp_cons, rsp_prod;
	uint32_t server_features;
	uint32_t connection;
	uint32_t error;
};

#define XS_RING_ERROR_NONE    0u
#define XS_RING_ERROR_RINGIDX 2u /* the guest's indexes are impossible */
#define XS_RING_ERROR_PROTO   3u /* the guest broke the protocol (payload too long) */

struct xs_ring {
	struct xs_ring_page *page;
	struct xs_conn *conn;
	void (*notify)(void *arg); /* signal the guest's event channel */
	void *notify_arg;
	bool in_event; /* inside xs_ring_event: closing waits until it returns */
	bool closing;
	bool broken;
};

/*
 * Connects the ring page of domain domid to the server. notify signals the guest. A guest
 * is unprivileged; dom0's own kernel (served through /dev/xen/xenbus_backend) is privileged.
 * Returns 0 or -ENOMEM.
 */
int xs_ring_attach(struct xs_server *srv, struct xs_ring *ring, struct xs_ring_page *page,
		   unsigned int domid, bool privileged, void (*notify)(void *arg),
		   void *notify_arg);
/* The guest signalled its event channel: take its requests, pass on replies. */
void xs_ring_event(struct xs_ring *ring);
/* Disconnects (frees the connection); the page stays the caller's. */
void xs_ring_detach(struct xs_ring *ring);

#endif
