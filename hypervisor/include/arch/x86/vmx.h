/* SPDX-License-Identifier: MIT */
#ifndef KEEL_ARCH_X86_VMX_H
#define KEEL_ARCH_X86_VMX_H

#include <arch/x86/vmx_caps.h>

/* Reads CPUID and, when VMX exists, enables it in IA32_FEATURE_CONTROL if unlocked. */
void vmx_read_raw(struct vmx_raw *raw);
/* Enters VMX root operation on this CPU. Returns 0 or a negative errno. */
int vmx_on(const struct vmx_raw *raw, const struct vmx_caps *caps);

#endif
