/* SPDX-License-Identifier: MIT */
/*
 * The pages a domain built by the toolstack shares with dom0, set up as Xen's
 * domain builder does: its console ring and xenstore ring in its reserved low
 * memory, an unbound event channel for each that dom0 may bind, their HVM
 * params (what Linux's hvc_xen.c and xenbus_probe.c read) and the grant
 * entries GNTTAB_RESERVED_CONSOLE and _XENSTORE giving both pages to dom0.
 */
#ifndef KEEL_TOOLSTACK_PAGES_H
#define KEEL_TOOLSTACK_PAGES_H

#include <keel/domain.h>

/* 0, or -ENOSPC when d has no free port; the pages are zeroed. */
int toolstack_pages_setup(struct domain *d, u64 console_gpa, u64 store_gpa);

#endif
