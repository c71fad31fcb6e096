/* SPDX-License-Identifier: MIT */
/*
 * What a domain places in its own physmap besides its RAM: the shared-info
 * page and grant frames (add_to_physmap), another domain's RAM frames
 * (add_to_physmap_batch with XENMAPSPACE_gmfn_foreign: privcmd's foreign
 * maps) and another domain's grant-table frames (acquire_resource), and their
 * removal (remove_from_physmap). A foreign RAM frame pins its owner, which
 * stays a zombie until the last such mapping goes; an acquired grant frame is
 * taken back from the mapper when its owner goes. The records: foreign_maps.h.
 */
#ifndef KEEL_PHYSMAP_H
#define KEEL_PHYSMAP_H

#include <keel/domain.h>

/* What sits at a gfn of d's physmap. */
enum gfn_use {
	GFN_FREE,    /* nothing: a hole, usable as scratch space */
	GFN_RAM,     /* d's own RAM (backed or ballooned out) */
	GFN_SPECIAL, /* d's shared-info page or one of its grant frames */
	GFN_FOREIGN, /* another domain's frame, mapped by add_to_physmap_batch/acquire_resource */
	GFN_GRANT,   /* a granted frame mapped by GNTTABOP_map_grant_ref */
	GFN_OTHER,   /* anything else mapped there (the initial domain's 1:1 device ranges) */
};
enum gfn_use physmap_gfn_use(struct domain *d, u64 gfn);

long physmap_add(struct vcpu *v, u64 arg);
long physmap_add_batch(struct vcpu *v, u64 start, u64 arg);
long physmap_remove(struct vcpu *v, u64 start, u64 arg);
long physmap_acquire_resource(struct vcpu *v, u64 start, u64 arg);

/* Every mapping of owner's non-RAM frame at hpa (a grant or ioreq page) goes from its mapper. */
void physmap_revoke_frame(struct domain *owner, paddr_t hpa);
/* d is being freed: its foreign mappings go, and others' mappings of its grant frames. */
void physmap_release_foreign(struct domain *d);
/* One mapping of d's memory by another domain went away; a zombie's last one frees it. */
void domain_foreign_unpin(struct domain *d);

#endif
