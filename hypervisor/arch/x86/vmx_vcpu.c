// SPDX-License-Identifier: MIT
/* VMCS set-up for a vCPU (Intel SDM vol. 3, chapter 25, "VM-entry checks"). */
#include <arch/x86/vmcs.h>
#include <arch/x86/vmx_vcpu.h>
#include <arch/x86/spec_ctrl.h>
#include <arch/x86/percpu.h>
#include <arch/x86/vmx_regs.h>
#include <arch/x86/boot_defs.h>
#include <arch/x86/cpu.h>
#include <arch/x86/percpu.h>
#include <arch/x86/smp.h>
#include <keel/errno.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include <keel/string.h>

_Static_assert(__builtin_offsetof(struct guest_regs, rdi) == GR_RDI, "vmx_regs.h");
_Static_assert(__builtin_offsetof(struct guest_regs, r15) == GR_R15, "vmx_regs.h");
_Static_assert(__builtin_offsetof(struct guest_regs, cr2) == GR_CR2, "vmx_regs.h");
_Static_assert(__builtin_offsetof(struct vcpu, regs) == 0, "regs first");

extern void vmx_exit(void);
extern int vmx_enter(struct guest_regs *regs, u64 launched);

u32 vmx_pin_ctls, vmx_cpu_ctls, vmx_cpu2_ctls, vmx_exit_ctls, vmx_entry_ctls;
u32 vmx_preempt_shift;
static u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
static u32 vmcs_revision;
static u16 next_vpid = 1;

/* want | must-be-one, masked to may-be-one; fails when a required bit is impossible. */
static int pick(u64 msr, u32 want, u32 required, u32 *out, const char *name, const char **why)
{
	u32 v = (want | (u32)msr) & (u32)(msr >> 32);

	if ((v & required) != required) {
		*why = name;
		return -ENODEV;
	}
	*out = v;
	return 0;
}

int vmx_controls_init(const struct vmx_raw *raw, const struct vmx_caps *caps, const char **why)
{
	int err;

	vmcs_revision = caps->revision;
	vmx_preempt_shift = raw->misc & 0x1f;
	cr0_fixed0 = raw->cr0_fixed0;
	cr0_fixed1 = raw->cr0_fixed1;
	cr4_fixed0 = raw->cr4_fixed0;
	cr4_fixed1 = raw->cr4_fixed1;

	/*
	 * The VMX-preemption timer ends slices even when host interrupts cannot
	 * (Bochs keeps them masked in a guest that never changes IF).
	 */
	err = pick(raw->pinbased, PIN_EXT_INTR_EXIT | PIN_NMI_EXIT | PIN_PREEMPT_TIMER,
		   PIN_EXT_INTR_EXIT | PIN_NMI_EXIT, &vmx_pin_ctls, "pin-based controls", why);
	if (err)
		return err;
	u32 cpu_want = CPU_HLT_EXIT | CPU_UNCOND_IO_EXIT | CPU_SECONDARY | CPU_CR8_LOAD_EXIT |
		       CPU_CR8_STORE_EXIT | CPU_MWAIT_EXIT | CPU_MONITOR_EXIT | CPU_RDPMC_EXIT;
	err = pick(raw->procbased, cpu_want, cpu_want, &vmx_cpu_ctls, "processor-based controls",
		   why);
	if (err)
		return err;
	/* Only ask for what we need; CR3 exiting is unnecessary with EPT. */
	vmx_cpu_ctls &= ~(CPU_CR3_LOAD_EXIT | CPU_CR3_STORE_EXIT) | (u32)raw->procbased;
	u32 cpu2_want = CPU2_EPT | CPU2_UNRESTRICTED | (caps->vpid ? CPU2_VPID : 0) | CPU2_RDTSCP |
			CPU2_INVPCID;
	err = pick(raw->procbased2, cpu2_want, CPU2_EPT | CPU2_UNRESTRICTED, &vmx_cpu2_ctls,
		   "secondary controls", why);
	if (err)
		return err;
	err = pick(raw->exit,
		   EXIT_HOST_ADDR64 | EXIT_ACK_INTR | EXIT_SAVE_EFER | EXIT_LOAD_EFER |
		       EXIT_SAVE_PAT | EXIT_LOAD_PAT,
		   EXIT_HOST_ADDR64 | EXIT_ACK_INTR | EXIT_SAVE_EFER | EXIT_LOAD_EFER,
		   &vmx_exit_ctls, "VM-exit controls", why);
	if (err)
		return err;
	err = pick(raw->entry, ENTRY_LOAD_EFER | ENTRY_LOAD_PAT, ENTRY_LOAD_EFER, &vmx_entry_ctls,
		   "VM-entry controls", why);
	return err;
}

/*
 * CR0 bits the guest may not change by itself: VMX's fixed bits, PE/PG (mode
 * changes need the hypervisor), and CD/NW: with EPT the hypervisor picks the
 * memory types, and a guest's cache-disable would only slow it down (the
 * guest still reads back what it wrote).
 */
u64 vmx_cr0_fixed_mask(void)
{
	return (cr0_fixed0 | ~cr0_fixed1) | CR0_PE | CR0_PG | CR0_CD | CR0_NW;
}

/* The owned bits' hardware values, PE and PG aside. */
u64 vmx_cr0_fixed_bits(void)
{
	return cr0_fixed0 & cr0_fixed1 & ~(u64)(CR0_PE | CR0_PG);
}

static u64 cr4_mask(void)
{
	return cr4_fixed0 | ~cr4_fixed1;
}

static void write_host_state(void);

void vmx_vcpu_load(struct vcpu *v)
{
	struct percpu *pc = this_cpu();

	if (pc->current == v)
		return;
	if (vmptrld(v->arch.vmcs_pa))
		panic("VMPTRLD failed for d%u v%u", v->dom->id, v->id);
	pc->current = v;
	v->arch.vmcs_active = true;
	/* Host state is per pCPU (GS base, TSS, GDT): written where the vCPU runs. */
	if (v->arch.host_cpu != (s32)pc->id) {
		v->arch.host_cpu = (s32)pc->id;
		write_host_state();
	}
}

/* Makes the VMCS inactive on this pCPU, so another may load it (or it may be freed). */
void vmx_vcpu_release(struct vcpu *v)
{
	if (!v->arch.vmcs_active)
		return;
	vmclear(v->arch.vmcs_pa);
	v->arch.vmcs_active = false;
	v->arch.launched = false;
	if (this_cpu()->current == v)
		this_cpu()->current = NULL;
}

static void write_host_state(void)
{
	struct percpu *pc = this_cpu();
	struct {
		u16 limit;
		u64 base;
	} __packed idtr;

	asm volatile("sidt %0" : "=m"(idtr));
	vmwrite(HOST_CR0, read_cr0());
	vmwrite(HOST_CR3, read_cr3());
	vmwrite(HOST_CR4, read_cr4());
	vmwrite(HOST_CS_SELECTOR, GDT_CS64);
	vmwrite(HOST_SS_SELECTOR, GDT_DS);
	vmwrite(HOST_DS_SELECTOR, GDT_DS);
	vmwrite(HOST_ES_SELECTOR, GDT_DS);
	vmwrite(HOST_FS_SELECTOR, 0);
	vmwrite(HOST_GS_SELECTOR, 0);
	vmwrite(HOST_TR_SELECTOR, GDT_TSS);
	vmwrite(HOST_FS_BASE, 0);
	vmwrite(HOST_GS_BASE, virt_to_phys(pc));
	vmwrite(HOST_TR_BASE, virt_to_phys(&pc->tss));
	vmwrite(HOST_GDTR_BASE, virt_to_phys(pc->gdt));
	vmwrite(HOST_IDTR_BASE, idtr.base);
	vmwrite(HOST_IA32_SYSENTER_CS, 0);
	vmwrite(HOST_IA32_SYSENTER_ESP, 0);
	vmwrite(HOST_IA32_SYSENTER_EIP, 0);
	vmwrite(HOST_IA32_EFER, rdmsr(MSR_EFER));
	vmwrite(HOST_IA32_PAT, rdmsr(0x277));
	vmwrite(HOST_RIP, (u64)(uintptr_t)vmx_exit);
}

/*
 * dom0 drives the host's I/O ports itself, except those Keel owns: the 8259s
 * and the PIT (kept remapped and masked; dom0 then finds no PIC and uses the
 * IO-APIC, as on Xen), COM1 (Keel's console) and the debug console port.
 * A set bit makes the port exit (then io.c: reads all ones, writes dropped).
 */
static u8 dom0_io_bitmap[2][4096] __attribute__((aligned(4096)));

static void trap_ports(u16 first, u16 last)
{
	for (u32 p = first; p <= last; p++)
		dom0_io_bitmap[p >> 15][(p & 0x7fff) >> 3] |= (u8)(1u << (p & 7));
}

static u64 dom0_io_bitmaps(void)
{
	static bool built;

	if (!built) {
		trap_ports(0x20, 0x21);	  /* master 8259 */
		trap_ports(0xa0, 0xa1);	  /* slave 8259 */
		trap_ports(0x40, 0x43);	  /* PIT */
		trap_ports(0x3f8, 0x3ff); /* COM1: Keel's console */
		trap_ports(0xe9, 0xe9);	  /* debug console */
		built = true;
	}
	return virt_to_phys(dom0_io_bitmap);
}

int vmx_vcpu_init(struct vcpu *v)
{
	v->arch.vmcs = pages_alloc(1);
	if (!v->arch.vmcs)
		return -ENOMEM;
	v->arch.vmcs_pa = virt_to_phys(v->arch.vmcs);
	memcpy(v->arch.vmcs, &vmcs_revision, 4);
	if (vmclear(v->arch.vmcs_pa))
		return -EIO;
	this_cpu()->current = NULL;
	v->arch.host_cpu = -1;
	vmx_vcpu_load(v);
	v->arch.launched = false;
	/* VPID 0 is the host's: skipped when the counter wraps (domains built at run time). */
	if (!next_vpid)
		next_vpid = 1;
	v->arch.vpid = (vmx_cpu2_ctls & CPU2_VPID) ? next_vpid++ : 0;

	vmwrite(PIN_BASED_VM_EXEC_CONTROL, vmx_pin_ctls);
	if (v->dom->owns_host) {
		vmwrite(CPU_BASED_VM_EXEC_CONTROL,
			(vmx_cpu_ctls & ~CPU_UNCOND_IO_EXIT) | CPU_USE_IO_BITMAPS);
		vmwrite(IO_BITMAP_A, dom0_io_bitmaps());
		vmwrite(IO_BITMAP_B, dom0_io_bitmaps() + 4096);
	} else {
		vmwrite(CPU_BASED_VM_EXEC_CONTROL, vmx_cpu_ctls);
	}
	vmwrite(SECONDARY_VM_EXEC_CONTROL, vmx_cpu2_ctls);
	vmwrite(VM_EXIT_CONTROLS, vmx_exit_ctls);
	vmwrite(VM_ENTRY_CONTROLS, vmx_entry_ctls);
	vmwrite(EXCEPTION_BITMAP, BIT(18)); /* #MC */
	vmwrite(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmwrite(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmwrite(CR3_TARGET_COUNT, 0);
	vmwrite(VM_EXIT_MSR_STORE_COUNT, 0);
	vmwrite(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmwrite(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmwrite(VM_ENTRY_INTR_INFO, 0);
	vmwrite(EPT_POINTER, ept_pointer(&v->dom->arch.ept));
	if (v->arch.vpid)
		vmwrite(VIRTUAL_PROCESSOR_ID, v->arch.vpid);
	vmwrite(VMCS_LINK_POINTER, ~0ULL);
	vmwrite(CR0_GUEST_HOST_MASK, vmx_cr0_fixed_mask());
	vmwrite(CR4_GUEST_HOST_MASK, cr4_mask());
	vmwrite(TSC_OFFSET, 0);
	vmx_vcpu_set_pvh_entry(v, 0, 0);
	return 0;
}

void vmx_vcpu_free(struct vcpu *v)
{
	if (!v->arch.vmcs)
		return;
	vmx_vcpu_release(v);
	pages_free(v->arch.vmcs, 1);
	v->arch.vmcs = NULL;
}

static void set_segment(u32 sel_f, u16 sel, u32 base_f, u32 limit_f, u32 limit, u32 ar_f, u32 ar)
{
	vmwrite(sel_f, sel);
	vmwrite(base_f, 0);
	vmwrite(limit_f, limit);
	vmwrite(ar_f, ar);
}

void vmx_vcpu_set_pvh_entry(struct vcpu *v, u32 entry, u32 ebx)
{
	/* CR0 as the guest sees it: PE|ET; the real value adds VMX's fixed bits. */
	u64 cr0_guest = CR0_PE | BIT(4);
	u64 cr0 = (cr0_guest | cr0_fixed0) & cr0_fixed1 & ~(u64)CR0_PG;

	vmx_vcpu_load(v);
	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.rbx = ebx;
	vmwrite(GUEST_CR0, cr0 | CR0_PE);
	vmwrite(CR0_READ_SHADOW, cr0_guest);
	vmwrite(GUEST_CR3, 0);
	vmwrite(GUEST_CR4, cr4_fixed0 & cr4_fixed1);
	vmwrite(CR4_READ_SHADOW, 0);
	set_segment(GUEST_CS_SELECTOR, 0x08, GUEST_CS_BASE, GUEST_CS_LIMIT, 0xffffffff, GUEST_CS_AR,
		    0xc09b);
	set_segment(GUEST_DS_SELECTOR, 0x10, GUEST_DS_BASE, GUEST_DS_LIMIT, 0xffffffff, GUEST_DS_AR,
		    0xc093);
	set_segment(GUEST_ES_SELECTOR, 0x10, GUEST_ES_BASE, GUEST_ES_LIMIT, 0xffffffff, GUEST_ES_AR,
		    0xc093);
	set_segment(GUEST_SS_SELECTOR, 0x10, GUEST_SS_BASE, GUEST_SS_LIMIT, 0xffffffff, GUEST_SS_AR,
		    0xc093);
	set_segment(GUEST_FS_SELECTOR, 0x10, GUEST_FS_BASE, GUEST_FS_LIMIT, 0xffffffff, GUEST_FS_AR,
		    0xc093);
	set_segment(GUEST_GS_SELECTOR, 0x10, GUEST_GS_BASE, GUEST_GS_LIMIT, 0xffffffff, GUEST_GS_AR,
		    0xc093);
	set_segment(GUEST_TR_SELECTOR, 0x18, GUEST_TR_BASE, GUEST_TR_LIMIT, 0x67, GUEST_TR_AR,
		    0x8b);
	set_segment(GUEST_LDTR_SELECTOR, 0, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT, 0, GUEST_LDTR_AR,
		    AR_UNUSABLE);
	vmwrite(GUEST_GDTR_BASE, 0);
	vmwrite(GUEST_GDTR_LIMIT, 0);
	vmwrite(GUEST_IDTR_BASE, 0);
	vmwrite(GUEST_IDTR_LIMIT, 0);
	vmwrite(GUEST_DR7, 0x400);
	vmwrite(GUEST_RSP, 0);
	vmwrite(GUEST_RIP, entry);
	vmwrite(GUEST_RFLAGS, 0x2);
	vmwrite(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmwrite(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmwrite(GUEST_ACTIVITY_STATE, 0);
	vmwrite(GUEST_SYSENTER_CS, 0);
	vmwrite(GUEST_SYSENTER_ESP, 0);
	vmwrite(GUEST_SYSENTER_EIP, 0);
	vmwrite(GUEST_IA32_DEBUGCTL, 0);
	vmwrite(GUEST_IA32_PAT, 0x0007040600070406ULL);
	vmwrite(GUEST_IA32_EFER, 0);
	vmwrite(VM_ENTRY_CONTROLS, vmx_entry_ctls & ~ENTRY_IA32E_MODE);
	v->arch.efer = 0;
}

void vmx_vcpu_set_real_mode(struct vcpu *v, u16 cs, u32 cs_base)
{
	/* Real mode (unrestricted guest): CR0 = ET, 64 KiB segments, IP 0 in CS. */
	u64 cr0_guest = BIT(4);
	u64 cr0 = (cr0_guest | cr0_fixed0) & cr0_fixed1 & ~(u64)(CR0_PG | CR0_PE);

	vmx_vcpu_load(v);
	memset(&v->regs, 0, sizeof(v->regs));
	vmwrite(GUEST_CR0, cr0);
	vmwrite(CR0_READ_SHADOW, cr0_guest);
	vmwrite(GUEST_CR3, 0);
	vmwrite(GUEST_CR4, cr4_fixed0 & cr4_fixed1);
	vmwrite(CR4_READ_SHADOW, 0);
	vmwrite(GUEST_CS_SELECTOR, cs);
	vmwrite(GUEST_CS_BASE, cs_base);
	vmwrite(GUEST_CS_LIMIT, 0xffff);
	vmwrite(GUEST_CS_AR, 0x9b);
	static const u32 segs[][4] = {
	    {GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT, GUEST_DS_AR},
	    {GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT, GUEST_ES_AR},
	    {GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT, GUEST_SS_AR},
	    {GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT, GUEST_FS_AR},
	    {GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT, GUEST_GS_AR},
	};
	for (u32 i = 0; i < ARRAY_SIZE(segs); i++)
		set_segment(segs[i][0], 0, segs[i][1], segs[i][2], 0xffff, segs[i][3], 0x93);
	set_segment(GUEST_TR_SELECTOR, 0, GUEST_TR_BASE, GUEST_TR_LIMIT, 0xffff, GUEST_TR_AR, 0x8b);
	set_segment(GUEST_LDTR_SELECTOR, 0, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT, 0xffff,
		    GUEST_LDTR_AR, 0x82);
	vmwrite(GUEST_GDTR_BASE, 0);
	vmwrite(GUEST_GDTR_LIMIT, 0xffff);
	vmwrite(GUEST_IDTR_BASE, 0);
	vmwrite(GUEST_IDTR_LIMIT, 0xffff);
	vmwrite(GUEST_RSP, 0);
	vmwrite(GUEST_RIP, 0);
	vmwrite(GUEST_RFLAGS, 0x2);
	vmwrite(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmwrite(GUEST_ACTIVITY_STATE, 0);
	vmwrite(GUEST_IA32_EFER, 0);
	vmwrite(VM_ENTRY_CONTROLS, vmx_entry_ctls & ~ENTRY_IA32E_MODE);
	vmwrite(VM_ENTRY_INTR_INFO, 0);
	v->arch.efer = 0;
}

void vmx_set_preemption_deadline(u64 deadline, u64 now)
{
	if (!(vmx_pin_ctls & PIN_PREEMPT_TIMER))
		return;
	u64 ticks = deadline > now ? (deadline - now) >> vmx_preempt_shift : 0;
	vmwrite(VMX_PREEMPTION_TIMER_VALUE, ticks > 0xffffffff ? 0xffffffff : ticks);
}

void vmx_flush_guest_tlb(struct domain *d)
{
	/* Combined guest-physical mappings for this EPT go stale when it changes, everywhere. */
	smp_flush_ept(ept_pointer(&d->arch.ept));
}

int vmx_vcpu_enter(struct vcpu *v)
{
	struct percpu *pc = this_cpu();

	if (pc->last_domid != v->dom->id) {
		spec_ctrl_domain_switch(pc->last_domid, v->dom->id);
		pc->last_domid = v->dom->id;
	}
	spec_ctrl_enter_guest(v);
	int r = vmx_enter(&v->regs, v->arch.launched);
	spec_ctrl_exit_guest(v);

	if (!r)
		v->arch.launched = true;
	return r;
}

int vmx_inject_exception(struct vcpu *v, u8 vector, bool has_code, u32 code)
{
	(void)v;
	u32 info = INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | vector;

	if (has_code) {
		info |= INTR_INFO_DELIVER_CODE;
		vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, code);
	}
	vmwrite(VM_ENTRY_INTR_INFO, info);
	return 0;
}

u32 vmx_guest_cpl(void)
{
	return (vmread(GUEST_SS_AR) >> 5) & 3;
}
