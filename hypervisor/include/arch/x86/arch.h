/* SPDX-License-Identifier: MIT */
/*
 * x86 (VT-x) side of a vCPU and a domain: the `arch` members of struct vcpu
 * and struct domain. Only arch/x86 code reads these fields; common code goes
 * through the hooks in keel/arch.h.
 */
#ifndef KEEL_ARCH_X86_ARCH_H
#define KEEL_ARCH_X86_ARCH_H

#include <keel/types.h>
#include <arch/x86/ept.h>
#include <arch/x86/insn_decode.h>

struct vlapic;

/*
 * An I/O instruction forwarded to an ioreq server (io.c, mmio.c): what to do
 * with the answer when the vCPU runs again.
 */
struct io_insn {
	u8 kind;       /* IO_INSN_* */
	u8 size;       /* port I/O: bytes */
	u8 addr_bytes; /* string I/O: address size (2, 4, 8) */
	bool rep;
	bool in;	       /* port I/O: IN (the answer goes to rAX) */
	u32 len;	       /* instruction length */
	s64 step;	       /* string I/O: +size or -size (EFLAGS.DF) */
	u64 lin;	       /* INS: where the element goes */
	u32 count;	       /* string I/O: elements in the request */
	struct mmio_insn mmio; /* MMIO: the decoded move */
};
#define IO_INSN_PIO	 1
#define IO_INSN_INS	 2
#define IO_INSN_OUTS	 3
#define IO_INSN_MMIO	 4
#define IO_INSN_INS_PTR	 5 /* elements by pointer (data_is_ptr) */
#define IO_INSN_OUTS_PTR 6

struct arch_vcpu {
	u8 *vmcs;
	u64 vmcs_pa;
	bool launched;
	s32 host_cpu;	  /* whose host state the VMCS holds; -1 none */
	bool vmcs_active; /* loaded on host_cpu: VMCLEAR there before freeing */
	u16 vpid;
	u64 efer; /* the guest's view, kept in step with GUEST_IA32_EFER */
	/* Guest MSRs that live in hardware while the vCPU runs. */
	u64 msr_star, msr_lstar, msr_cstar, msr_sfmask, msr_kernel_gs_base, msr_tsc_aux;
	u64 spec_ctrl; /* the guest's IA32_SPEC_CTRL (when virtualised) */
	struct vlapic *vlapic;
	u64 xcr0;		   /* the guest's XCR0 (x87 only until it says otherwise) */
	u8 *xsave_area;		   /* its extended state while another vCPU runs */
	u8 fpu[512] __aligned(64); /* FXSAVE image across vCPU switches */
	struct io_insn io;	   /* the instruction an ioreq server is answering */
};

struct hvm_platform;

struct arch_domain {
	struct ept ept;		  /* guest-physical -> host-physical */
	struct hvm_platform *hvm; /* an HVM domain's emulated devices (hvm/platform.c) */
};

#endif
