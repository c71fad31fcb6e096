// SPDX-License-Identifier: MIT
/*
 * Linux's drivers/xen/gntdev.c (IOCTL_GNTDEV_MAP_GRANT_REF, then mmap) through Debian's
 * libxengnttab, and drivers/xen/privcmd.c (IOCTL_PRIVCMD_MMAPBATCH_V2) through
 * libxenforeignmemory. Which one mapped a page is remembered, so one unmap serves both.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xenforeignmemory.h>
#include <xengnttab.h>

#include "guest_page.h"

#define MAX_PAGES 256 /* a daemon maps two pages per guest at most; Keel has 64 domains */

struct mapping {
	void *addr;
	bool grant;
};

struct guest_pages {
	xengnttab_handle *gnt;	       /* NULL: no gntdev */
	xenforeignmemory_handle *fmem; /* NULL: no privcmd */
	struct mapping maps[MAX_PAGES];
};

int guest_pages_open(struct guest_pages **out, char *err, size_t errsz)
{
	struct guest_pages *gp = calloc(1, sizeof(*gp));
	int gnt_errno, fmem_errno;

	if (!gp) {
		snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	gp->gnt = xengnttab_open(NULL, 0);
	gnt_errno = errno;
	gp->fmem = xenforeignmemory_open(NULL, 0);
	fmem_errno = errno;
	if (!gp->gnt && !gp->fmem) {
		snprintf(err, errsz, "cannot open /dev/xen/gntdev (%s) nor /dev/xen/privcmd (%s)",
			 strerror(gnt_errno), strerror(fmem_errno));
		free(gp);
		return -(gnt_errno ? gnt_errno : ENODEV);
	}
	*out = gp;
	return 0;
}

static struct mapping *slot(struct guest_pages *gp, void *addr)
{
	for (size_t i = 0; i < MAX_PAGES; i++)
		if (gp->maps[i].addr == addr)
			return &gp->maps[i];
	return NULL;
}

static int remember(struct guest_pages *gp, void *addr, bool grant, void **page)
{
	struct mapping *m = slot(gp, NULL);

	if (!m) {
		if (grant)
			xengnttab_unmap(gp->gnt, addr, 1);
		else
			xenforeignmemory_unmap(gp->fmem, addr, 1);
		return -ENOSPC;
	}
	m->addr = addr;
	m->grant = grant;
	*page = addr;
	return 0;
}

int guest_page_grant_map(struct guest_pages *gp, unsigned int domid, uint32_t gref, void **page)
{
	void *addr;

	if (!gp->gnt)
		return -ENODEV;
	addr = xengnttab_map_grant_ref(gp->gnt, domid, gref, PROT_READ | PROT_WRITE);
	if (!addr)
		return -errno;
	return remember(gp, addr, true, page);
}

int guest_page_foreign_map(struct guest_pages *gp, unsigned int domid, uint64_t gfn, void **page)
{
	xen_pfn_t pfn = (xen_pfn_t)gfn;
	int perr = 0;
	void *addr;

	if (!gp->fmem)
		return -ENODEV;
	addr = xenforeignmemory_map(gp->fmem, domid, PROT_READ | PROT_WRITE, 1, &pfn, &perr);
	if (!addr)
		return -errno;
	if (perr) {
		/* The batch succeeded but this frame did not: nothing usable is mapped. */
		xenforeignmemory_unmap(gp->fmem, addr, 1);
		return perr < 0 ? perr : -perr;
	}
	return remember(gp, addr, false, page);
}

void guest_page_unmap(struct guest_pages *gp, void *page)
{
	struct mapping *m = page ? slot(gp, page) : NULL;

	if (!m)
		return;
	if (m->grant)
		xengnttab_unmap(gp->gnt, page, 1);
	else
		xenforeignmemory_unmap(gp->fmem, page, 1);
	m->addr = NULL;
}

void guest_pages_close(struct guest_pages *gp)
{
	if (!gp)
		return;
	for (size_t i = 0; i < MAX_PAGES; i++)
		guest_page_unmap(gp, gp->maps[i].addr);
	if (gp->gnt)
		xengnttab_close(gp->gnt);
	if (gp->fmem)
		xenforeignmemory_close(gp->fmem);
	free(gp);
}
