/* SPDX-License-Identifier: MIT */
/* The hypervisor's own identity map: the boot code maps 4 GiB, this maps the rest of RAM. */
#ifndef KEEL_ARCH_X86_PAGING_H
#define KEEL_ARCH_X86_PAGING_H

#include <keel/types.h>

/*
 * Identity-maps [4 GiB, end) write-back, with 1 GiB pages where the CPU has
 * them, else 2 MiB pages. Page tables come from pages_alloc() (memory below
 * 4 GiB, already mapped). 0 or -ENOMEM.
 */
int paging_map_above_4g(u64 end);

#endif
