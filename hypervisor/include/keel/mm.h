/* SPDX-License-Identifier: MIT */
/* The hypervisor's physical memory: one frame pool over the boot memory map. */
#ifndef KEEL_MM_H
#define KEEL_MM_H

#include <keel/bootinfo.h>
#include <keel/frame_pool.h>

/* Builds the pool: RAM from the map, minus the image, modules, boot info and low 1 MiB. */
int mm_init(const struct boot_info *bi, paddr_t mbi_pa, u32 mbi_size);
/* Zeroed pages, identity-mapped; NULL when memory is exhausted. */
void *pages_alloc(u64 count);
void pages_free(void *p, u64 count);
/* A contiguous, aligned physical range (not zeroed). */
int mm_alloc_range(u64 size, u64 align, paddr_t *pa);
void mm_free_range(paddr_t pa, u64 size);
u64 mm_free_bytes(void);
/* Takes [lo, lo+size) of host RAM out of the pool for dom0, moving modules out of it. */
int mm_claim_window(struct boot_info *bi, u64 lo, u64 size, const char **why);
/* Gives dom0's window back (dom0 ended). */
void mm_release_window(u64 lo, u64 size);
/* The RAM of the boot memory map (the host's, reported to the toolstack). */
u64 mm_total_bytes(void);

static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)pa;
}

static inline paddr_t virt_to_phys(const void *p)
{
	return (paddr_t)(uintptr_t)p;
}

#endif
