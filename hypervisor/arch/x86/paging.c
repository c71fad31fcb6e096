// SPDX-License-Identifier: MIT
/* Extending the boot identity map over RAM above 4 GiB: see paging.h. */
#include <arch/x86/paging.h>
#include <keel/arch.h>
#include <arch/x86/boot_defs.h>
#include <arch/x86/cpu.h>
#include <keel/errno.h>
#include <keel/mm.h>

#define GIB	  (1ULL << 30)
#define ADDR_MASK 0x000ffffffffff000ULL

extern u64 boot_pml4[512];

static u64 *next_table(u64 *entry)
{
	if (!(*entry & PTE_P)) {
		u64 *t = pages_alloc(1);
		if (!t)
			return NULL;
		*entry = virt_to_phys(t) | PTE_P | PTE_W;
	}
	return phys_to_virt(*entry & ADDR_MASK);
}

int paging_map_above_4g(u64 end)
{
	struct cpuid_regs r;
	bool gib_pages;

	cpuid_count(0x80000001, 0, &r);
	gib_pages = r.edx & BIT(26);
	for (u64 a = 4 * GIB; a < end; a += GIB) {
		u64 *pdpt = next_table(&boot_pml4[(a >> 39) & 511]);
		if (!pdpt)
			return -ENOMEM;
		u64 *pdpte = &pdpt[(a >> 30) & 511];
		if (gib_pages) {
			*pdpte = a | PTE_P | PTE_W | PTE_PS;
			continue;
		}
		u64 *pd = next_table(pdpte);
		if (!pd)
			return -ENOMEM;
		for (u64 i = 0; i < 512; i++)
			pd[i] = (a + (i << 21)) | PTE_P | PTE_W | PTE_PS;
	}
	write_cr3(read_cr3()); /* drop stale non-present translations */
	return 0;
}

int arch_map_ram(u64 end)
{
	return paging_map_above_4g(end);
}
