/* SPDX-License-Identifier: MIT */
/*
 * A shared request/response ring in Xen's standard layout (public/io/ring.h):
 * req_prod @0, req_event @4, rsp_prod @8, rsp_event @12, padding to 64, then
 * a power-of-two array of request/response slots (a union of both). Indices
 * run freely and are masked on use. Producers publish with a write barrier
 * and notify only when the other side asked (its *_event index).
 */
#ifndef KEEL_TEST_RING_H
#define KEEL_TEST_RING_H

#include <stdint.h>

struct ring_req {
	uint64_t id;
	uint64_t value;
};

struct ring_rsp {
	uint64_t id;
	uint64_t result;
};

union ring_slot {
	struct ring_req req;
	struct ring_rsp rsp;
};

#define RING_SIZE      128 /* slots: (4096 - 64) / 16 rounded down to a power of two */
#define RING_SLOTS_OFF 64

struct ring_shared {
	volatile uint32_t req_prod, req_event, rsp_prod, rsp_event;
	uint8_t pad[48];
	union ring_slot slot[RING_SIZE];
};

_Static_assert(sizeof(struct ring_shared) == 64 + RING_SIZE * 16, "ring layout");

static inline void wmb(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}
static inline void rmb(void)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}
static inline void mb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Publishes prod; true when the consumer asked to be told (event in (old, new]). */
static inline int ring_push_check(volatile uint32_t *prod, volatile uint32_t *event,
				  uint32_t new_prod)
{
	uint32_t old = *prod;

	wmb();
	*prod = new_prod;
	mb();
	return (uint32_t)(new_prod - *event) < (uint32_t)(new_prod - old);
}

#endif
