// SPDX-License-Identifier: MIT
/* Guest memory access for hypercalls and emulation: see guest_mem.h. */
#include <keel/guest_mem.h>
#include <keel/errno.h>
#include <keel/mm.h>
#include <keel/string.h>
#include <arch/x86/guest_walk.h>
#include <arch/x86/vmcs.h>

void *guest_phys_page(struct domain *d, u64 gpa, bool write)
{
	u64 hpa, perms;

	if (ept_translate(&d->arch.ept, gpa & ~(PAGE_SIZE - 1), &hpa, &perms))
		return NULL;
	if (!(perms & EPT_R) || (write && !(perms & EPT_W)))
		return NULL;
	return phys_to_virt(hpa);
}

static int read_phys(void *ctx, u64 gpa, void *out, u32 size)
{
	struct vcpu *v = ctx;

	return copy_from_guest_phys(v, out, gpa, size);
}

/* Walks guest-linear -> guest-physical with the vCPU's current paging state. */
int guest_linear_to_phys(struct vcpu *v, u64 gva, bool write, u64 *gpa)
{
	struct guest_paging g = {
		.cr0 = vmread(GUEST_CR0),
		.cr3 = vmread(GUEST_CR3),
		.cr4 = vmread(GUEST_CR4),
		.efer = v->arch.efer,
		.read_phys = read_phys,
		.ctx = v,
	};

	return guest_walk(&g, gva, write, gpa);
}

static int copy_phys(struct domain *d, u64 gpa, void *buf, u64 len, bool to_guest)
{
	u8 *b = buf;

	while (len) {
		u64 chunk = MIN(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
		u8 *page = guest_phys_page(d, gpa, to_guest);
		if (!page)
			return -EFAULT;
		u8 *p = page + (gpa & (PAGE_SIZE - 1));
		if (to_guest)
			memcpy(p, b, chunk);
		else
			memcpy(b, p, chunk);
		gpa += chunk;
		b += chunk;
		len -= chunk;
	}
	return 0;
}

int copy_from_guest_phys(struct vcpu *v, void *dst, u64 gpa, u64 len)
{
	return copy_phys(v->dom, gpa, dst, len, false);
}

int copy_to_guest_phys(struct vcpu *v, u64 gpa, const void *src, u64 len)
{
	return copy_phys(v->dom, gpa, (void *)src, len, true);
}

static int copy_virt(struct vcpu *v, u64 gva, void *buf, u64 len, bool to_guest)
{
	u8 *b = buf;

	while (len) {
		u64 chunk = MIN(len, PAGE_SIZE - (gva & (PAGE_SIZE - 1)));
		u64 gpa;
		if (guest_linear_to_phys(v, gva, to_guest, &gpa))
			return -EFAULT;
		int err = copy_phys(v->dom, gpa, b, chunk, to_guest);
		if (err)
			return err;
		gva += chunk;
		b += chunk;
		len -= chunk;
	}
	return 0;
}

int copy_from_guest(struct vcpu *v, void *dst, u64 gva, u64 len)
{
	return copy_virt(v, gva, dst, len, false);
}

int copy_to_guest(struct vcpu *v, u64 gva, const void *src, u64 len)
{
	return copy_virt(v, gva, (void *)src, len, true);
}
