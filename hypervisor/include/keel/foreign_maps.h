/* SPDX-License-Identifier: MIT */
/*
 * The record of every foreign frame a domain has in its physmap (physmap.c):
 * who maps it at which gfn, whose frame it is, and whether it is the owner's
 * RAM (which pins the owner). Found by (mapper, gfn) through a hash; entries
 * live in pages taken from the frame pool as mappings grow, so a device model
 * may map as much guest memory as QEMU's map cache asks (every 1 MiB bucket of
 * guest RAM it touched stays mapped until invalidated), up to
 * FOREIGN_MAPS_MAX at once. Callers hold the hypervisor lock.
 */
#ifndef KEEL_FOREIGN_MAPS_H
#define KEEL_FOREIGN_MAPS_H

#include <keel/types.h>

struct domain;

#define FOREIGN_MAPS_MAX (1u << 22) /* 16 GiB of foreign frames mapped at once */

struct foreign_map {
	struct domain *mapper; /* NULL: free */
	struct domain *owner;
	u64 gfn;		  /* in the mapper's physmap */
	paddr_t hpa;		  /* the frame */
	struct foreign_map *next; /* hash chain; free list when free */
	bool ram; /* the owner's RAM (pins it), else a frame of its grant table or ioreq servers */
};

struct foreign_map *foreign_find(const struct domain *mapper, u64 gfn);
/* A new record (not yet linked to the owner's pins: the caller does that); NULL when out of
 * memory or at FOREIGN_MAPS_MAX. (mapper, gfn) must not be recorded already. */
struct foreign_map *foreign_insert(struct domain *mapper, struct domain *owner, u64 gfn,
				   paddr_t hpa, bool ram);
void foreign_remove(struct foreign_map *m);
/* fn on every record in use; fn may remove the one it is given. */
void foreign_each(void (*fn)(struct foreign_map *m, void *ctx), void *ctx);
u64 foreign_count(void);

#endif
