// SPDX-License-Identifier: MIT
/* Guest memory access for hypercalls and emulation: see guest_mem.h. */
#include <keel/arch.h>
#include <keel/guest_mem.h>
#include <keel/errno.h>
#include <keel/mm.h>
#include <keel/string.h>

void *guest_phys_page(struct domain *d, u64 gpa, bool write)
{
	u64 hpa;
	bool readable, writable;

	if (arch_p2m_translate(d, gpa & ~(PAGE_SIZE - 1), &hpa, &readable, &writable))
		return NULL;
	if (!readable || (write && !writable))
		return NULL;
	return phys_to_virt(hpa);
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
