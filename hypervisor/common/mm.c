// SPDX-License-Identifier: MIT
/* Physical memory management on top of the frame pool. */
#include <keel/arch.h>
#include <keel/mm.h>
#include <keel/errno.h>
#include <keel/printk.h>
#include <keel/string.h>

/* The boot page tables identity-map 4 GiB; RAM above is mapped here before it is used. */
#define LOW_LIMIT (4ULL << 30)
#define MM_MAX	  (1ULL << 46) /* 64 TiB: beyond that, RAM is ignored */

extern u8 __image_start[], __image_end[];
static struct frame_pool pool;
static u64 ram_total; /* the boot map's RAM, as far as Keel uses it */

int mm_init(const struct boot_info *bi, paddr_t mbi_pa, u32 mbi_size)
{
	int err;

	u64 high_end = 0;

	frame_pool_init(&pool);
	for (u32 i = 0; i < bi->nr_mmap; i++)
		if (bi->mmap[i].type == MMAP_RAM && bi->mmap[i].addr < MM_MAX)
			ram_total +=
			    MIN(bi->mmap[i].addr + bi->mmap[i].len, MM_MAX) - bi->mmap[i].addr;
	for (u32 i = 0; i < bi->nr_mmap; i++) {
		const struct boot_mmap_entry *m = &bi->mmap[i];
		if (m->type != MMAP_RAM || m->addr >= LOW_LIMIT)
			continue;
		u64 end = MIN(m->addr + m->len, LOW_LIMIT);
		err = frame_pool_add(&pool, m->addr, end);
		if (err)
			return err;
	}
	/* Reserved areas inside RAM (a firmware map may repeat or overlap). */
	for (u32 i = 0; i < bi->nr_mmap; i++)
		if (bi->mmap[i].type != MMAP_RAM)
			frame_pool_reserve(&pool, bi->mmap[i].addr,
					   bi->mmap[i].addr + bi->mmap[i].len);
	/* Below 1 MiB: BIOS data, and later the AP start-up trampoline. */
	frame_pool_reserve(&pool, 0, 1 << 20);
	frame_pool_reserve(&pool, virt_to_phys(__image_start), virt_to_phys(__image_end));
	frame_pool_reserve(&pool, mbi_pa, mbi_pa + mbi_size);
	for (u32 i = 0; i < bi->nr_modules; i++)
		frame_pool_reserve(&pool, bi->modules[i].start, bi->modules[i].end);

	/* RAM above 4 GiB: map it with tables from low memory, then offer it. */
	for (u32 i = 0; i < bi->nr_mmap; i++) {
		const struct boot_mmap_entry *m = &bi->mmap[i];
		if (m->type == MMAP_RAM && m->addr + m->len > LOW_LIMIT)
			high_end = MAX(high_end, MIN(m->addr + m->len, MM_MAX));
	}
	if (!high_end)
		return 0;
	err = arch_map_ram(high_end);
	if (err)
		return err;
	/* Prove the new mapping: the last word of high RAM reads back what was written. */
	volatile u64 *probe = phys_to_virt(ALIGN_DOWN(high_end, PAGE_SIZE) - sizeof(u64));
	*probe = 0x6b65656c6d617021ULL;
	if (*probe != 0x6b65656c6d617021ULL)
		return -EIO;
	for (u32 i = 0; i < bi->nr_mmap; i++) {
		const struct boot_mmap_entry *m = &bi->mmap[i];
		if (m->type != MMAP_RAM || m->addr + m->len <= LOW_LIMIT || m->addr >= MM_MAX)
			continue;
		err = frame_pool_add(&pool, MAX(m->addr, LOW_LIMIT), MIN(m->addr + m->len, MM_MAX));
		if (err)
			return err;
	}
	for (u32 i = 0; i < bi->nr_mmap; i++)
		if (bi->mmap[i].type != MMAP_RAM && bi->mmap[i].addr + bi->mmap[i].len > LOW_LIMIT)
			frame_pool_reserve(&pool, bi->mmap[i].addr,
					   bi->mmap[i].addr + bi->mmap[i].len);
	return 0;
}

/*
 * dom0's RAM is identity-mapped (its devices DMA to the addresses it gives
 * them), and its kernel must sit where it was linked: the window must be
 * free host RAM. GRUB may have put modules there: they move to the top of
 * the pool first.
 */
int mm_claim_window(struct boot_info *bi, u64 lo, u64 size, const char **why)
{
	u64 hi = lo + size;
	bool in_ram = false;

	for (u32 i = 0; i < bi->nr_mmap; i++) {
		const struct boot_mmap_entry *m = &bi->mmap[i];
		if (m->type == MMAP_RAM && lo >= m->addr && hi <= m->addr + m->len)
			in_ram = true;
	}
	if (!in_ram || size % PAGE_SIZE || lo % PAGE_SIZE) {
		*why = "dom0's RAM window is not one range of host RAM";
		return -EINVAL;
	}
	if (lo < virt_to_phys(__image_end) && hi > virt_to_phys(__image_start)) {
		*why = "dom0's RAM window overlaps Keel";
		return -EINVAL;
	}
	/* Nothing may be allocated inside it from now on, the modules' new homes included. */
	frame_pool_reserve(&pool, lo, hi);
	for (u32 i = 0; i < bi->nr_modules; i++) {
		struct boot_module *m = &bi->modules[i];
		u64 len = m->end - m->start;
		paddr_t to;
		if (m->end <= lo || m->start >= hi)
			continue;
		if (frame_pool_alloc(&pool, ALIGN_UP(len, PAGE_SIZE), PAGE_SIZE, &to)) {
			*why = "no room to move a module out of dom0's RAM";
			return -ENOMEM;
		}
		memmove(phys_to_virt(to), phys_to_virt(m->start), len);
		/* What lay outside the window is free again (another module never shares its
		 * pages). */
		if (m->start < lo)
			frame_pool_add(&pool, m->start, lo);
		if (ALIGN_UP(m->end, PAGE_SIZE) > hi)
			frame_pool_add(&pool, hi, ALIGN_UP(m->end, PAGE_SIZE));
		m->start = to;
		m->end = to + len;
	}
	return 0;
}

void mm_release_window(u64 lo, u64 size)
{
	if (frame_pool_free(&pool, lo, size))
		printk("keel: warning: bad release of [%lx+%lx]\n", lo, size);
}

void *pages_alloc(u64 count)
{
	paddr_t pa;

	if (frame_pool_alloc(&pool, count * PAGE_SIZE, PAGE_SIZE, &pa))
		return NULL;
	void *p = phys_to_virt(pa);
	memset(p, 0, count * PAGE_SIZE);
	return p;
}

void pages_free(void *p, u64 count)
{
	if (frame_pool_free(&pool, virt_to_phys(p), count * PAGE_SIZE))
		printk("keel: warning: bad free of %lu pages at %p\n", count, p);
}

int mm_alloc_range(u64 size, u64 align, paddr_t *pa)
{
	return frame_pool_alloc(&pool, ALIGN_UP(size, PAGE_SIZE), align, pa);
}

void mm_free_range(paddr_t pa, u64 size)
{
	if (frame_pool_free(&pool, pa, ALIGN_UP(size, PAGE_SIZE)))
		printk("keel: warning: bad free of [%lx+%lx]\n", pa, size);
}

u64 mm_free_bytes(void)
{
	return pool.free_bytes;
}

u64 mm_total_bytes(void)
{
	return ram_total;
}
