/* SPDX-License-Identifier: MIT */
/*
 * Guest extended state (XSAVE): x87, SSE and AVX are offered when the host has
 * them. The hypervisor itself never touches FPU/SIMD state, so the running
 * vCPU's XCR0 and registers simply stay in the CPU; they are saved and
 * restored only when another vCPU gets the pCPU.
 */
#ifndef KEEL_ARCH_X86_XSAVE_H
#define KEEL_ARCH_X86_XSAVE_H

#include <keel/domain.h>

#define XSTATE_X87 BIT(0)
#define XSTATE_SSE BIT(1)
#define XSTATE_AVX BIT(2)

/* Per CPU: turns on CR4.OSXSAVE when the CPU has XSAVE. */
void xsave_init_cpu(void);
bool xsave_available(void);
/* The XCR0 bits guests may set. */
u64 xsave_guest_mask(void);
/* Bytes of a save area for every bit of xsave_guest_mask(). */
u32 xsave_area_size(void);

/* Sets up a vCPU's save area (x87 and SSE in their reset state). */
int xsave_vcpu_init(struct vcpu *v);
void xsave_vcpu_free(struct vcpu *v);
/* Saves old's state (may be NULL) and loads v's, XCR0 included. */
void xsave_switch(struct vcpu *old, struct vcpu *v);

/* Pure check of an XSETBV value against the offered mask: true when valid. */
bool xcr0_valid(u64 value, u64 offered);

#endif
