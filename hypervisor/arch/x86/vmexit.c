// SPDX-License-Identifier: MIT
/*
 * The VM-exit dispatch table. Exits nobody handles crash the domain that
 * caused them (with a register dump), never the hypervisor.
 */
#include <arch/x86/vmcs.h>
#include <arch/x86/boot_defs.h>
#include <arch/x86/vmexit.h>
#include <arch/x86/apic.h>
#include <arch/x86/legacy_irq.h>
#include <arch/x86/traps.h>
#include <arch/x86/vmx_vcpu.h>
#include <arch/x86/cpu.h>
#include <keel/printk.h>
#include <keel/sched.h>

static const char *const exit_names[EXIT_REASON_MAX] = {
    [EXIT_EXCEPTION_NMI] = "exception or NMI",
    [EXIT_EXTERNAL_INTERRUPT] = "external interrupt",
    [EXIT_TRIPLE_FAULT] = "triple fault",
    [EXIT_INIT] = "INIT",
    [EXIT_SIPI] = "SIPI",
    [EXIT_INTERRUPT_WINDOW] = "interrupt window",
    [EXIT_TASK_SWITCH] = "task switch",
    [EXIT_CPUID] = "CPUID",
    [EXIT_HLT] = "HLT",
    [EXIT_INVD] = "INVD",
    [EXIT_RDPMC] = "RDPMC",
    [EXIT_VMCALL] = "VMCALL",
    [EXIT_CR_ACCESS] = "CR access",
    [EXIT_DR_ACCESS] = "DR access",
    [EXIT_IO] = "I/O",
    [EXIT_RDMSR] = "RDMSR",
    [EXIT_WRMSR] = "WRMSR",
    [EXIT_INVALID_GUEST_STATE] = "invalid guest state",
    [EXIT_MSR_LOADING] = "MSR loading",
    [EXIT_MWAIT] = "MWAIT",
    [EXIT_MONITOR] = "MONITOR",
    [EXIT_PAUSE] = "PAUSE",
    [EXIT_MACHINE_CHECK] = "machine check",
    [EXIT_EPT_VIOLATION] = "EPT violation",
    [EXIT_EPT_MISCONFIG] = "EPT misconfiguration",
    [EXIT_PREEMPT_TIMER] = "preemption timer",
    [EXIT_XSETBV] = "XSETBV",
    [EXIT_VMCLEAR] = "VMCLEAR",
    [EXIT_VMLAUNCH] = "VMLAUNCH",
    [EXIT_VMXON] = "VMXON",
};

void vmexit_skip_instruction(void)
{
	vmexit_advance_rip((u32)vmread(VM_EXIT_INSTRUCTION_LEN));
}

void vmexit_advance_rip(u32 len)
{
	vmwrite(GUEST_RIP, vmread(GUEST_RIP) + len);
	/* Stepping over an instruction ends any STI / MOV SS interrupt shadow. */
	u64 intr = vmread(GUEST_INTERRUPTIBILITY_INFO);
	if (intr & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOVSS))
		vmwrite(GUEST_INTERRUPTIBILITY_INFO,
			intr & ~(u64)(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOVSS));
}

u64 vcpu_gpr_read(struct vcpu *v, unsigned n)
{
	const u64 *r = &v->regs.rax;
	/* guest_regs order: rax rbx rcx rdx rsi rdi rbp r8..r15 */
	static const u8 slot[16] = {0, 2, 3, 1, 0xff, 6, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14};

	if (n == 4)
		return vmread(GUEST_RSP);
	return r[slot[n & 15]];
}

void vcpu_gpr_write(struct vcpu *v, unsigned n, u64 val)
{
	u64 *r = &v->regs.rax;
	static const u8 slot[16] = {0, 2, 3, 1, 0xff, 6, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14};

	if (n == 4)
		vmwrite(GUEST_RSP, val);
	else
		r[slot[n & 15]] = val;
}

static void dump_guest(struct vcpu *v)
{
	struct guest_regs *r = &v->regs;

	printk("  d%u v%u rip %016lx rsp %016lx rflags %08lx cs %04lx cpl %u\n", v->dom->id, v->id,
	       vmread(GUEST_RIP), vmread(GUEST_RSP), vmread(GUEST_RFLAGS),
	       vmread(GUEST_CS_SELECTOR), vmx_guest_cpl());
	printk("  cr0 %016lx cr3 %016lx cr4 %016lx efer %lx\n", vmread(CR0_READ_SHADOW),
	       vmread(GUEST_CR3), vmread(GUEST_CR4), vmread(GUEST_IA32_EFER));
	printk("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", r->rax, r->rbx, r->rcx, r->rdx);
	printk("  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", r->rsi, r->rdi, r->rbp, r->r8);
	printk("  r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", r->r9, r->r10, r->r11, r->r12);
	printk("  r13 %016lx r14 %016lx r15 %016lx cr2 %016lx\n", r->r13, r->r14, r->r15, r->cr2);
}

enum exit_action vmexit_crash(struct vcpu *v, const char *why)
{
	printk("keel: domain %u (%s) crashed: %s\n", v->dom->id, v->dom->name, why);
	dump_guest(v);
	domain_crash(v->dom, why);
	return EXIT_RESCHED;
}

static enum exit_action handle_unexpected(struct vcpu *v, u64 qual)
{
	u32 reason = (u32)vmread(VM_EXIT_REASON) & 0xffff;
	const char *name =
	    reason < EXIT_REASON_MAX && exit_names[reason] ? exit_names[reason] : "unknown";

	printk("keel: unhandled VM exit %u (%s), qualification %lx\n", reason, name, qual);
	return vmexit_crash(v, "unhandled VM exit");
}

static enum exit_action handle_triple_fault(struct vcpu *v, u64 qual)
{
	(void)qual;
	return vmexit_crash(v, "triple fault");
}

static enum exit_action handle_external_interrupt(struct vcpu *v, u64 qual)
{
	(void)qual;
	u8 vector = (u8)vmread(VM_EXIT_INTR_INFO);

	/* Acknowledged on exit: Keel's timer ticks the scheduler; IPIs and strays may resched. */
	if (host_interrupt(vector) && vector == HOST_TIMER_VECTOR)
		return sched_tick(v);
	return sched_host_ipi(v);
}

static enum exit_action handle_hlt(struct vcpu *v, u64 qual)
{
	(void)qual;
	vmexit_skip_instruction();
	return sched_vcpu_halt(v, vmread(GUEST_RFLAGS) & RFLAGS_IF);
}

static enum exit_action handle_exception(struct vcpu *v, u64 qual)
{
	(void)qual;
	u32 info = (u32)vmread(VM_EXIT_INTR_INFO);

	if ((info & 0x7ff) == (INTR_TYPE_HW_EXCEPTION | 18))
		return vmexit_crash(v, "machine check");
	if ((info & 0x700) == INTR_TYPE_NMI) {
		/* A host NMI arrived while the guest ran: nothing to do with it yet. */
		return EXIT_RESUME;
	}
	return handle_unexpected(v, qual);
}

static enum exit_action handle_ud(struct vcpu *v, u64 qual)
{
	(void)qual;
	/* Instructions a guest may not use (VMX, MONITOR/MWAIT): #UD as on a CPU without them. */
	vmx_inject_exception(v, 6, false, 0);
	return EXIT_RESUME;
}

static enum exit_action handle_invalid_state(struct vcpu *v, u64 qual)
{
	(void)qual;
	return vmexit_crash(v, "VM entry failed: invalid guest state");
}

static enum exit_action handle_preemption_timer(struct vcpu *v, u64 qual)
{
	(void)qual;
	return sched_tick(v);
}

static enum exit_action handle_interrupt_window(struct vcpu *v, u64 qual)
{
	(void)v;
	(void)qual;
	return EXIT_RESUME; /* the pending interrupt is injected before the next entry */
}

static const exit_handler_t handlers[EXIT_REASON_MAX] = {
    [EXIT_INTERRUPT_WINDOW] = handle_interrupt_window,
    [EXIT_PREEMPT_TIMER] = handle_preemption_timer,
    [EXIT_EXCEPTION_NMI] = handle_exception,
    [EXIT_EXTERNAL_INTERRUPT] = handle_external_interrupt,
    [EXIT_TRIPLE_FAULT] = handle_triple_fault,
    [EXIT_CPUID] = handle_cpuid,
    [EXIT_HLT] = handle_hlt,
    [EXIT_VMCALL] = handle_vmcall,
    [EXIT_CR_ACCESS] = handle_cr_access,
    [EXIT_IO] = handle_io,
    [EXIT_RDMSR] = handle_rdmsr,
    [EXIT_WRMSR] = handle_wrmsr,
    [EXIT_INVALID_GUEST_STATE] = handle_invalid_state,
    [EXIT_MWAIT] = handle_ud,
    [EXIT_MONITOR] = handle_ud,
    [EXIT_RDPMC] = handle_ud,
    [EXIT_VMCLEAR] = handle_ud,
    [EXIT_VMLAUNCH] = handle_ud,
    [EXIT_VMPTRLD] = handle_ud,
    [EXIT_VMPTRST] = handle_ud,
    [EXIT_VMREAD] = handle_ud,
    [EXIT_VMRESUME] = handle_ud,
    [EXIT_VMWRITE] = handle_ud,
    [EXIT_VMXOFF] = handle_ud,
    [EXIT_VMXON] = handle_ud,
    [EXIT_INVEPT] = handle_ud,
    [EXIT_INVVPID] = handle_ud,
    [EXIT_EPT_VIOLATION] = handle_ept_violation,
    [EXIT_XSETBV] = handle_xsetbv,
};

enum exit_action vmexit_dispatch(struct vcpu *v, u32 reason)
{
	u32 basic = reason & 0xffff;
	exit_handler_t h = basic < EXIT_REASON_MAX ? handlers[basic] : NULL;

	v->exits++;
	/* An event whose delivery the exit interrupted is delivered again on entry. */
	u32 idt = (u32)vmread(IDT_VECTORING_INFO);
	if (idt & INTR_INFO_VALID) {
		vmwrite(VM_ENTRY_INTR_INFO, idt & ~BIT(12));
		if (idt & INTR_INFO_DELIVER_CODE)
			vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, vmread(IDT_VECTORING_ERROR_CODE));
		vmwrite(VM_ENTRY_INSTRUCTION_LEN, vmread(VM_EXIT_INSTRUCTION_LEN));
	}
	if (reason & EXIT_REASON_ENTRY_FAIL) {
		printk("keel: VM entry failed, reason %u, qualification %lx\n", basic,
		       vmread(EXIT_QUALIFICATION));
		return vmexit_crash(v, "VM entry failed");
	}
	return (h ? h : handle_unexpected)(v, vmread(EXIT_QUALIFICATION));
}
