/* SPDX-License-Identifier: MIT */
/*
 * One page of a guest mapped into a dom0 daemon, as Linux offers it: a grant reference
 * through /dev/xen/gntdev (libxengnttab), or the guest frame itself through
 * /dev/xen/privcmd (libxenforeignmemory). keel-xenstored maps xenstore rings with it,
 * keel-controld console rings. Which of the two to try first is the caller's choice.
 */
#ifndef KEEL_GUEST_PAGE_H
#define KEEL_GUEST_PAGE_H

#include <stddef.h>
#include <stdint.h>

struct guest_pages;

/* Opens what it can of gntdev and privcmd: 0, or a negative errno when neither opens. */
int guest_pages_open(struct guest_pages **gp, char *err, size_t errsz);
void guest_pages_close(struct guest_pages *gp);

/* Each returns 0 with the page's address in *page, or a negative errno. */
int guest_page_grant_map(struct guest_pages *gp, unsigned int domid, uint32_t gref, void **page);
int guest_page_foreign_map(struct guest_pages *gp, unsigned int domid, uint64_t gfn, void **page);
/* Unmaps what either of them mapped. */
void guest_page_unmap(struct guest_pages *gp, void *page);

#endif
