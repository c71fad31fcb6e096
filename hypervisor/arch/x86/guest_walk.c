// SPDX-License-Identifier: MIT
/* Guest page-table walker (Intel SDM vol. 3, chapter "Paging"). */
#include <arch/x86/guest_walk.h>
#include <arch/x86/boot_defs.h>
#include <keel/errno.h>

#define PT_P	BIT(0)
#define PT_W	BIT(1)
#define PT_PS	BIT(7)
#define ADDR_52 0x000ffffffffff000ULL

static int rd(const struct guest_paging *g, u64 gpa, u64 *v, u32 size)
{
	*v = 0;
	return g->read_phys(g->ctx, gpa, v, size);
}

int guest_walk(const struct guest_paging *g, u64 gva, bool write, u64 *gpa)
{
	bool wp = g->cr0 & CR0_WP;
	bool writable = true;
	u64 pte;

	if (!(g->cr0 & CR0_PG)) {
		*gpa = gva;
		return 0;
	}

	if (!(g->cr4 & CR4_PAE)) {
		/* 32-bit paging: two levels of 4-byte entries, 4 MiB pages with PSE. */
		u32 la = (u32)gva;
		if (rd(g, (g->cr3 & 0xfffff000) + ((la >> 22) << 2), &pte, 4) || !(pte & PT_P))
			return -EFAULT;
		writable = pte & PT_W;
		if ((pte & PT_PS) && (g->cr4 & CR4_PSE)) {
			u64 hi = (pte >> 13) & 0xff; /* PSE-36 bits 39:32 */
			*gpa = (hi << 32) | (pte & 0xffc00000) | (la & 0x3fffff);
			goto check;
		}
		if (rd(g, (pte & 0xfffff000) + (((la >> 12) & 0x3ff) << 2), &pte, 4) ||
		    !(pte & PT_P))
			return -EFAULT;
		writable &= !!(pte & PT_W);
		*gpa = (pte & 0xfffff000) | (la & 0xfff);
		goto check;
	}

	int levels;
	u64 table;
	if (g->efer & EFER_LMA) {
		levels = 4;
		table = g->cr3 & ADDR_52;
	} else {
		/* PAE: CR3 points at four 8-byte PDPTEs, indexed by bits 31:30. */
		u32 la = (u32)gva;
		gva = la;
		if (rd(g, (g->cr3 & 0xffffffe0) + ((la >> 30) << 3), &pte, 8) || !(pte & PT_P))
			return -EFAULT;
		levels = 2;
		table = pte & ADDR_52;
	}
	for (int l = levels - 1; l >= 0; l--) {
		unsigned shift = 12 + 9 * (unsigned)l;
		if (rd(g, table + (((gva >> shift) & 511) << 3), &pte, 8) || !(pte & PT_P))
			return -EFAULT;
		writable &= !!(pte & PT_W);
		if (l == 0 || ((pte & PT_PS) && l <= 2)) {
			u64 mask = (1ULL << shift) - 1;
			*gpa = (pte & ADDR_52 & ~mask) | (gva & mask);
			goto check;
		}
		table = pte & ADDR_52;
	}
	return -EFAULT;

check:
	/* Supervisor writes honour R/W only with CR0.WP (hypercall buffers are kernel memory). */
	if (write && wp && !writable)
		return -EFAULT;
	return 0;
}
