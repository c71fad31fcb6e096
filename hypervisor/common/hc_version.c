// SPDX-License-Identifier: MIT
/* xen_version: Keel answers as Xen 4.17 with the features it implements. */
#include <keel/hypercall.h>
#include <keel/errno.h>
#include <keel/guest_mem.h>
#include <keel/string.h>

#define XENVER_capabilities	3
#define XENVER_pagesize		7

/* The feature bitmap (submap 0) a guest gets; grows as Keel implements more. */
u32 xen_features_submap0(void)
{
	return BIT(XENFEAT_auto_translated_physmap) | BIT(XENFEAT_hvm_callback_vector) |
	       BIT(XENFEAT_hvm_safe_pvclock);
}

long do_xen_version(struct vcpu *v, const struct hypercall_args *a)
{
	switch (a->a1) {
	case XENVER_version:
		return (4 << 16) | 17;
	case XENVER_extraversion: {
		char s[16] = ".0-keel";
		return copy_to_guest(v, a->a2, s, sizeof(s)) ? -EFAULT : 0;
	}
	case XENVER_capabilities: {
		char s[1024] = "hvm-3.0-x86_64";
		return copy_to_guest(v, a->a2, s, sizeof(s)) ? -EFAULT : 0;
	}
	case XENVER_pagesize:
		return PAGE_SIZE;
	case XENVER_get_features: {
		u32 fi[2];
		if (copy_from_guest(v, fi, a->a2, sizeof(fi)))
			return -EFAULT;
		fi[1] = fi[0] == 0 ? xen_features_submap0() : 0;
		return copy_to_guest(v, a->a2, fi, sizeof(fi)) ? -EFAULT : 0;
	}
	default:
		return -ENOSYS;
	}
}
