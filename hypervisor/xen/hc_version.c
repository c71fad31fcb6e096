// SPDX-License-Identifier: MIT
/* xen_version: Keel answers as Xen 4.17 with the features it implements. */
#include <keel/hypercall.h>
#include <keel/errno.h>
#include <keel/guest_mem.h>
#include <keel/string.h>
#include <keel/version.h>

/* Xen's HYPERVISOR_VIRT_START for 64-bit guests (xen/include/public/arch-x86/xen-x86_64.h). */
#define HYPERVISOR_VIRT_START_X86_64 0xffff800000000000ULL

struct xen_compile_info {
	char compiler[64];
	char compile_by[16];
	char compile_domain[32];
	char compile_date[32];
};
_Static_assert(sizeof(struct xen_compile_info) == 144, "xen_compile_info is 144 bytes");

/* The feature bitmap (submap 0) a guest gets; grows as Keel implements more. */
static u32 xen_features_submap0(void)
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
	case XENVER_compile_info: {
		struct xen_compile_info ci;
		memset(&ci, 0, sizeof(ci));
		strlcpy(ci.compiler, "gcc " __VERSION__, sizeof(ci.compiler));
		strlcpy(ci.compile_by, "keel", sizeof(ci.compile_by));
		strlcpy(ci.compile_domain, "keel", sizeof(ci.compile_domain));
		strlcpy(ci.compile_date, __DATE__ " " __TIME__, sizeof(ci.compile_date));
		return copy_to_guest(v, a->a2, &ci, sizeof(ci)) ? -EFAULT : 0;
	}
	case XENVER_changeset: {
		char s[64] = "keel " KEEL_VERSION;
		return copy_to_guest(v, a->a2, s, sizeof(s)) ? -EFAULT : 0;
	}
	case XENVER_platform_parameters: {
		u64 virt_start = HYPERVISOR_VIRT_START_X86_64;
		return copy_to_guest(v, a->a2, &virt_start, sizeof(virt_start)) ? -EFAULT : 0;
	}
	case XENVER_pagesize:
		return PAGE_SIZE;
	case XENVER_get_features: {
		u32 fi[2];
		if (copy_from_guest(v, fi, a->a2, sizeof(fi)))
			return -EFAULT;
		if (fi[0] >= XENFEAT_NR_SUBMAPS)
			return -EINVAL;
		fi[1] = xen_features_submap0();
		return copy_to_guest(v, a->a2, fi, sizeof(fi)) ? -EFAULT : 0;
	}
	case XENVER_guest_handle: {
		u8 handle[16] = {0};
		handle[14] = (u8)(v->dom->id >> 8); /* no toolstack UUID yet: the domid */
		handle[15] = (u8)v->dom->id;
		return copy_to_guest(v, a->a2, handle, sizeof(handle)) ? -EFAULT : 0;
	}
	case XENVER_build_id: {
		/* Xen: privileged domains only; a len of 0 is refused; no build id -> -ENODATA. */
		u32 len;
		if (!v->dom->privileged)
			return -EPERM;
		if (a->a2 && copy_from_guest(v, &len, a->a2, sizeof(len)))
			return -EFAULT;
		if (a->a2 && !len)
			return -EINVAL;
		return -ENODATA; /* keel.elf is linked without a build id (--build-id=none) */
	}
	case XENVER_commandline:
		/* Privileged in Xen; Linux never asks, and Keel keeps its command line to itself.
		 */
		return -EPERM;
	default:
		return -ENOSYS;
	}
}
