/* SPDX-License-Identifier: MIT */
/* Ticket spinlocks. */
#ifndef KEEL_SPINLOCK_H
#define KEEL_SPINLOCK_H

#include <keel/types.h>

typedef struct {
	volatile u16 next;
	volatile u16 owner;
} spinlock_t;

#define SPINLOCK_INIT                                                                              \
	{                                                                                          \
		0, 0                                                                               \
	}

/* Called while waiting: lets the waiter answer requests that need no lock. */
void spin_wait_hook(void);

static inline void spin_lock(spinlock_t *l)
{
	u16 me = __atomic_fetch_add(&l->next, 1, __ATOMIC_ACQUIRE);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me) {
		spin_wait_hook();
		__asm__ __volatile__("pause" ::: "memory");
	}
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, (u16)(l->owner + 1), __ATOMIC_RELEASE);
}

/*
 * The hypervisor lock: every pCPU holds it while in root mode, except while
 * idle and while running a guest. Hypervisor state (domains, queues, timers,
 * memory) needs no finer locking; the cost is that VM exits are handled one
 * pCPU at a time.
 */
extern spinlock_t hv_lock;

#endif
