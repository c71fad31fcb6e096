// SPDX-License-Identifier: MIT
/*
 * The x86 side of running a vCPU (the hooks in keel/arch.h the scheduler
 * calls): VMCS switch, lazy FPU/MSR switch, injection, VM entry and the
 * exit dispatch.
 */
#include <keel/arch.h>
#include <keel/errno.h>
#include <keel/ioreq.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/vlapic.h>
#include <arch/x86/apic.h>
#include <arch/x86/cpu.h>
#include <arch/x86/percpu.h>
#include <arch/x86/vmexit.h>
#include <arch/x86/vmx_vcpu.h>
#include <arch/x86/xsave.h>

int arch_vcpu_init(struct vcpu *v)
{
	/* x87 and SSE as after reset: FCW 0x37f, MXCSR 0x1f80. */
	v->arch.fpu[0] = 0x7f;
	v->arch.fpu[1] = 0x03;
	v->arch.fpu[24] = 0x80;
	v->arch.fpu[25] = 0x1f;
	if (vmx_vcpu_init(v) || vlapic_init(v) || xsave_vcpu_init(v))
		return -ENOMEM;
	/* Inactive again, so whichever pCPU the vCPU runs on can load it. */
	vmx_vcpu_release(v);
	return 0;
}

void arch_vcpu_set_entry(struct vcpu *v, u32 entry, u32 start_info)
{
	vmx_vcpu_set_pvh_entry(v, entry, start_info);
	vmx_vcpu_release(v);
}

void arch_vcpu_stop(struct vcpu *v)
{
	vlapic_stop(v);
}

void arch_vcpu_free(struct vcpu *v)
{
	vlapic_free(v);
	xsave_vcpu_free(v);
	vmx_vcpu_free(v);
}

/* The FPU/SSE state (and the MSRs that live in hardware) belong to one vCPU at a time. */
static struct vcpu *fpu_owner[MAX_PCPUS];

void arch_vcpu_switch_in(u32 cpu, struct vcpu *v)
{
	struct vcpu *old = fpu_owner[cpu];

	vmx_vcpu_load(v);
	if (old == v)
		return;
	if (old)
		msr_save_guest(old);
	xsave_switch(old, v);
	fpu_owner[cpu] = v;
	msr_load_guest(v);
}

void arch_vcpu_forget(struct vcpu *v)
{
	for (u32 i = 0; i < MAX_PCPUS; i++)
		if (fpu_owner[i] == v)
			fpu_owner[i] = NULL;
}

void arch_vcpu_prepare_entry(struct vcpu *v, u64 tsc_deadline)
{
	if (v->io.state == IOW_ANSWERED)
		io_forward_complete(
		    v); /* before any interrupt is injected: the instruction ends first */
	vlapic_inject_pending(v);
	vmx_set_preemption_deadline(tsc_deadline, rdtsc());
}

int arch_vcpu_enter(struct vcpu *v)
{
	return vmx_vcpu_enter(v);
}

enum exit_action arch_vcpu_handle_exit(struct vcpu *v, int entry_failed)
{
	if (entry_failed) {
		printk("keel: VM entry failed: VM-instruction error %lu\n",
		       vmread(VM_INSTRUCTION_ERROR));
		vmexit_crash(v, "VM entry failed");
		return EXIT_RESCHED;
	}
	return vmexit_dispatch(v, (u32)vmread(VM_EXIT_REASON));
}

void arch_vcpu_release(struct vcpu *v)
{
	vmx_vcpu_release(v);
}

void arch_vcpu_make_current(struct vcpu *v)
{
	vmx_vcpu_load(v);
}

bool arch_vcpu_interrupt_pending(struct vcpu *v)
{
	return vlapic_has_pending(v);
}

void arch_timer_arm(u64 tsc_deadline)
{
	apic_timer_arm(tsc_deadline);
}
