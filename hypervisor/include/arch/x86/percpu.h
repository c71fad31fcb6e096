/* SPDX-License-Identifier: MIT */
/* Per physical CPU state: descriptor tables, the running vCPU, scheduler queue. */
#ifndef KEEL_ARCH_X86_PERCPU_H
#define KEEL_ARCH_X86_PERCPU_H

#include <keel/types.h>

#define MAX_PCPUS      8
#define GDT_TSS	       0x20 /* 16-byte 64-bit TSS descriptor at entries 4-5 */
#define IST_STACK_SIZE 8192 /* IST1: the exceptions that push an error code */

struct vcpu;

struct tss64 {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;

struct percpu {
	struct percpu *self; /* at %gs:0 */
	u32 id;
	u32 apic_id;
	u64 gdt[8] __aligned(16);
	struct tss64 tss;
	struct vcpu *current; /* the vCPU whose VMCS is loaded */
	struct vcpu *rq_head; /* runnable vCPUs queued here */
	u64 timer_deadline;   /* TSC of the next host timer event, 0 = none */
	u64 idle_ticks;
	bool online;	/* in VMX root operation, running the scheduler */
	u32 last_domid; /* whose vCPU ran here last (IBPB on a change) */
	u8 ist_stack[IST_STACK_SIZE] __aligned(16);
};

extern struct percpu percpus[MAX_PCPUS];
extern u32 nr_pcpus;

void percpu_init(u32 id);
struct percpu *this_cpu(void);

#endif
