/* SPDX-License-Identifier: MIT */
/*
 * The split-driver layouts a PV frontend shares with dom0, as in Xen's public
 * headers: io/xs_wire.h (xenstore ring and messages), io/console.h, io/xenbus.h
 * (device states), io/ring.h and io/blkif.h (x86_64 block ring).
 */
#ifndef KEEL_TEST_PV_ABI_H
#define KEEL_TEST_PV_ABI_H

#include <stdint.h>

#define XENSTORE_RING_SIZE   1024u
#define XENSTORE_PAYLOAD_MAX 4096u

struct xenstore_domain_interface {
	char req[XENSTORE_RING_SIZE];
	char rsp[XENSTORE_RING_SIZE];
	volatile uint32_t req_cons, req_prod;
	volatile uint32_t rsp_cons, rsp_prod;
	volatile uint32_t server_features, connection, error;
};

struct xsd_sockmsg {
	uint32_t type, req_id, tx_id, len;
};

enum xsd_sockmsg_type {
	XS_DIRECTORY = 1,
	XS_READ = 2,
	XS_WATCH = 4,
	XS_INTRODUCE = 8,
	XS_WRITE = 11,
	XS_WATCH_EVENT = 15,
	XS_ERROR = 16,
	XS_INVALID = 0xffff,
};

struct xencons_interface {
	char in[1024];
	char out[2048];
	volatile uint32_t in_cons, in_prod;
	volatile uint32_t out_cons, out_prod;
};

enum xenbus_state {
	XenbusStateInitialising = 1,
	XenbusStateInitWait = 2,
	XenbusStateInitialised = 3,
	XenbusStateConnected = 4,
	XenbusStateClosing = 5,
	XenbusStateClosed = 6,
};

#define BLKIF_OP_READ		       0
#define BLKIF_OP_WRITE		       1
#define BLKIF_MAX_SEGMENTS_PER_REQUEST 11

struct blkif_request_segment {
	uint32_t gref;
	uint8_t first_sect, last_sect;
};

struct blkif_request {
	uint8_t operation, nr_segments;
	uint16_t handle;
	uint64_t id, sector_number;
	struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};

struct blkif_response {
	uint64_t id;
	uint8_t operation;
	int16_t status;
};

union blkif_sring_entry {
	struct blkif_request req;
	struct blkif_response rsp;
};

#define BLKIF_RING_SIZE 32 /* (4096 - 64) / 112 rounded down to a power of two */

struct blkif_sring {
	volatile uint32_t req_prod, req_event, rsp_prod, rsp_event;
	uint8_t pad[48];
	union blkif_sring_entry ring[BLKIF_RING_SIZE];
};

_Static_assert(sizeof(struct xenstore_domain_interface) == 2048 + 28, "xs ring layout");
_Static_assert(sizeof(struct blkif_request) == 112, "blkif_request layout (x86_64)");
_Static_assert(sizeof(struct blkif_response) == 16, "blkif_response layout");
_Static_assert(sizeof(struct blkif_sring) <= 4096, "blkif ring fits a page");

#endif
