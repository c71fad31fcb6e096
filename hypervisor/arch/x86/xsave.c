// SPDX-License-Identifier: MIT
/* Guest extended state: see xsave.h (Intel SDM vol. 1, chapter 13). */
#include <arch/x86/vmcs.h>
#include <arch/x86/boot_defs.h>
#include <arch/x86/xsave.h>
#include <arch/x86/cpu.h>
#include <arch/x86/vmexit.h>
#include <arch/x86/vmx_vcpu.h>
#include <keel/errno.h>
#include <keel/mm.h>
#include <keel/string.h>

static bool have_xsave;
static u64 offered;
static u32 area_size;

static void xsetbv(u64 v)
{
	asm volatile("xsetbv" ::"c"(0), "a"((u32)v), "d"((u32)(v >> 32)));
}

void xsave_init_cpu(void)
{
	struct cpuid_regs r;

	cpuid_count(1, 0, &r);
	if (!(r.ecx & BIT(26)))
		return;
	write_cr4(read_cr4() | CR4_OSXSAVE);
	xsetbv(XSTATE_X87 | XSTATE_SSE);
	if (have_xsave)
		return; /* the boot CPU decided what guests get */
	cpuid_count(0xd, 0, &r);
	u64 host = ((u64)r.edx << 32) | r.eax;
	offered = host & (XSTATE_X87 | XSTATE_SSE | XSTATE_AVX);
	/* Legacy area and header, plus AVX's upper halves where offered. */
	area_size = 576;
	if (offered & XSTATE_AVX) {
		cpuid_count(0xd, 2, &r);
		area_size = MAX(area_size, r.ebx + r.eax);
	}
	have_xsave = area_size <= PAGE_SIZE;
	if (!have_xsave)
		offered = 0;
}

bool xsave_available(void)
{
	return have_xsave;
}

u64 xsave_guest_mask(void)
{
	return offered;
}

u32 xsave_area_size(void)
{
	return area_size;
}

bool xcr0_valid(u64 value, u64 mask)
{
	if (!(value & XSTATE_X87) || (value & ~mask))
		return false;
	if ((value & XSTATE_AVX) && !(value & XSTATE_SSE))
		return false;
	return true;
}

int xsave_vcpu_init(struct vcpu *v)
{
	v->arch.xcr0 = XSTATE_X87;
	if (!have_xsave)
		return 0;
	v->arch.xsave_area = pages_alloc(1);
	if (!v->arch.xsave_area)
		return -ENOMEM;
	/* FCW 0x37f, MXCSR 0x1f80; an all-zero header means "initial state" for the rest. */
	v->arch.xsave_area[0] = 0x7f;
	v->arch.xsave_area[1] = 0x03;
	v->arch.xsave_area[24] = 0x80;
	v->arch.xsave_area[25] = 0x1f;
	return 0;
}

void xsave_vcpu_free(struct vcpu *v)
{
	if (v->arch.xsave_area)
		pages_free(v->arch.xsave_area, 1);
	v->arch.xsave_area = NULL;
}

void xsave_switch(struct vcpu *old, struct vcpu *v)
{
	if (!have_xsave) {
		if (old)
			asm volatile("fxsave64 %0" : "=m"(old->arch.fpu));
		asm volatile("fxrstor64 %0" ::"m"(v->arch.fpu));
		return;
	}
	/* XSAVE and XRSTOR act on the components the current XCR0 enables. */
	if (old)
		asm volatile("xsave64 (%0)" ::"r"(old->arch.xsave_area), "a"(~0u), "d"(~0u)
			     : "memory");
	xsetbv(v->arch.xcr0);
	asm volatile("xrstor64 (%0)" ::"r"(v->arch.xsave_area), "a"(~0u), "d"(~0u) : "memory");
}

enum exit_action handle_xsetbv(struct vcpu *v, u64 qual)
{
	(void)qual;
	u64 value = (v->regs.rdx << 32) | (u32)v->regs.rax;

	if (!have_xsave || (u32)v->regs.rcx != 0 || vmx_guest_cpl() != 0 ||
	    !(vmread(GUEST_CR4) & CR4_OSXSAVE) || !xcr0_valid(value, offered)) {
		vmx_inject_exception(v, 13, true, 0);
		return EXIT_RESUME;
	}
	xsetbv(value);
	v->arch.xcr0 = value;
	vmexit_skip_instruction();
	return EXIT_RESUME;
}
