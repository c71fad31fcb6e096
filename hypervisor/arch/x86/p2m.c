// SPDX-License-Identifier: MIT
/* A domain's physical map as an EPT (the p2m hooks of keel/arch.h). */
#include <keel/arch.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/mm.h>
#include <arch/x86/vmx_vcpu.h>

static void *table_alloc(void *ctx, u64 *pa)
{
	(void)ctx;
	void *p = pages_alloc(1);

	if (p)
		*pa = virt_to_phys(p);
	return p;
}

static void table_free(void *ctx, void *t, u64 pa)
{
	(void)ctx;
	(void)pa;
	pages_free(t, 1);
}

static void *table_p2v(void *ctx, u64 pa)
{
	(void)ctx;
	return phys_to_virt(pa);
}

static const struct ept_ops hv_ept_ops = {table_alloc, table_free, table_p2v, NULL};

int arch_p2m_init(struct domain *d)
{
	return ept_init(&d->arch.ept, &hv_ept_ops);
}

void arch_p2m_destroy(struct domain *d)
{
	if (d->arch.ept.pml4)
		ept_destroy(&d->arch.ept);
}

int arch_p2m_map(struct domain *d, u64 gpa, u64 hpa, u64 size, int access)
{
	return ept_map(&d->arch.ept, gpa, hpa, size, access == P2M_RO ? (EPT_R | EPT_X) : EPT_RWX,
		       access == P2M_MMIO ? EPT_MT_UC : EPT_MT_WB);
}

int arch_p2m_unmap(struct domain *d, u64 gpa, u64 size)
{
	return ept_unmap(&d->arch.ept, gpa, size);
}

int arch_p2m_translate(struct domain *d, u64 gpa, u64 *hpa, bool *readable, bool *writable)
{
	u64 perms;

	if (ept_translate(&d->arch.ept, gpa, hpa, &perms))
		return -ENOENT;
	*readable = perms & EPT_R;
	*writable = perms & EPT_W;
	return 0;
}

void arch_p2m_flush(struct domain *d)
{
	vmx_flush_guest_tlb(d);
}
