// SPDX-License-Identifier: MIT
/* Guest-linear addresses of the running vCPU: its paging state from the VMCS, walked. */
#include <keel/guest_mem.h>
#include <arch/x86/guest_walk.h>
#include <arch/x86/vmcs.h>

static int read_phys(void *ctx, u64 gpa, void *out, u32 size)
{
	struct vcpu *v = ctx;

	return copy_from_guest_phys(v, out, gpa, size);
}

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
