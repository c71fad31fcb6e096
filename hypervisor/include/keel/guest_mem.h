/* SPDX-License-Identifier: MIT */
/*
 * Copying to and from a guest: virtual addresses go through the guest's page
 * tables (as it runs now), physical ones through the domain's EPT. Every byte
 * is checked; a fault anywhere returns -EFAULT and copies nothing further.
 */
#ifndef KEEL_GUEST_MEM_H
#define KEEL_GUEST_MEM_H

#include <keel/domain.h>

int copy_from_guest(struct vcpu *v, void *dst, u64 gva, u64 len);
int copy_to_guest(struct vcpu *v, u64 gva, const void *src, u64 len);
int copy_from_guest_phys(struct vcpu *v, void *dst, u64 gpa, u64 len);
int copy_to_guest_phys(struct vcpu *v, u64 gpa, const void *src, u64 len);
/* Guest-linear -> guest-physical with the vCPU's current paging (its VMCS loaded). */
int guest_linear_to_phys(struct vcpu *v, u64 gva, bool write, u64 *gpa);
/* Host pointer to one guest page (RAM or mapped foreign frame), or NULL. */
void *guest_phys_page(struct domain *d, u64 gpa, bool write);

#endif
