/* SPDX-License-Identifier: MIT */
/*
 * Grant tables v1: a domain lists frames it lets another domain map or copy;
 * Keel checks each use against the entry (type, grantee, read-only), marks it
 * in use (GTF_reading/writing) while mapped or copied, and keeps the granter's
 * memory alive while a foreign mapping of it exists, even past its death.
 */
#ifndef KEEL_GRANT_TABLE_H
#define KEEL_GRANT_TABLE_H

#include <keel/domain.h>
#include <keel/hypercall.h>
#include <public/xen/grant_table.h>

#define GNT_MAX_FRAMES	4
#define GNT_PER_FRAME	(PAGE_SIZE / sizeof(struct grant_entry_v1))
#define GNT_MAX_ENTRIES (GNT_MAX_FRAMES * GNT_PER_FRAME)
#define GNT_MAX_MAPS	1024 /* foreign frames one domain may map at once */

struct grant_active {
	u16 pins_ro;
	u16 pins_rw;
};

struct grant_map {
	struct domain *granter; /* kept alive (possibly as a zombie) while mapped */
	u64 gpa;
	u32 ref;
	bool used;
	bool readonly;
};

int gnttab_domain_init(struct domain *d);
/* The domain's own mappings of others' frames go away (it is dying). */
void gnttab_release_mappings(struct domain *d);
void gnttab_domain_free(struct domain *d);
/* True when one of d's grant mappings sits at gpa. */
bool gnttab_mapped_at(struct domain *d, u64 gpa);
/* Grants gfn of d to `grantee`, read and write (the builder's reserved entries). */
void gnttab_seed(struct domain *d, u32 ref, u64 gfn, u16 grantee);
/* Host page of grant-table frame idx, allocated on first use; NULL when idx is too large. */
void *gnttab_frame(struct domain *d, u32 idx);

long do_grant_table_op(struct vcpu *v, const struct hypercall_args *a);

#endif
