/* SPDX-License-Identifier: MIT */
/*
 * The one place common code learns the architecture: the `arch` members of
 * struct vcpu / struct domain, the CPU services (cpu.h: TSC, halting, port
 * and MSR access; percpu.h: this_cpu; smp.h: kicks and cross-CPU requests),
 * and the hooks below, implemented under arch/<arch>/. Only x86 with VT-x
 * exists today. guest_linear_to_phys (keel/guest_mem.h) is the arch's too
 * (arch/x86/guest_linear.c).
 */
#ifndef KEEL_ARCH_H
#define KEEL_ARCH_H

#include <arch/x86/arch.h>
#include <arch/x86/cpu.h>
#include <arch/x86/percpu.h>
#include <arch/x86/smp.h>

struct vcpu;
struct domain;
enum exit_action;

/*
 * vCPU life: the hardware state (VMCS, APIC, FPU area) made as after reset,
 * the PVH entry point set (32-bit protected mode, EBX = start_info), its
 * timers stopped when the domain ends, freed.
 */
int arch_vcpu_init(struct vcpu *v);
void arch_vcpu_set_entry(struct vcpu *v, u32 entry, u32 start_info);
void arch_vcpu_stop(struct vcpu *v);
void arch_vcpu_free(struct vcpu *v);

/* Running: v becomes the vCPU on pCPU cpu (its VMCS, MSRs and FPU state loaded). */
void arch_vcpu_switch_in(u32 cpu, struct vcpu *v);
/* Before entry: inject what is deliverable and arm the exit at tsc_deadline. */
void arch_vcpu_prepare_entry(struct vcpu *v, u64 tsc_deadline);
/* Runs v until the next exit: 0, or nonzero if the entry failed (nothing ran). */
int arch_vcpu_enter(struct vcpu *v);
/* Handles that exit (or the failed entry) and says what the run loop does next. */
enum exit_action arch_vcpu_handle_exit(struct vcpu *v, int entry_failed);
/* The vCPU's domain ended: its hardware state is let go on the pCPU that ran it. */
void arch_vcpu_release(struct vcpu *v);
/*
 * v's VMCS current on this pCPU again: building another domain's vCPUs in one
 * of v's exits (a domctl) loads theirs; v's exit handling then needs its own.
 */
void arch_vcpu_make_current(struct vcpu *v);
/* v is being freed: no pCPU keeps it as its FPU owner. */
void arch_vcpu_forget(struct vcpu *v);
/* An interrupt is waiting for v (HLT must not sleep). */
bool arch_vcpu_interrupt_pending(struct vcpu *v);

/*
 * A domain's physical map (guest-physical -> host-physical; EPT on x86):
 * map RAM or special pages (writable or not), unmap, look up, and flush
 * what vCPUs cached of it after a change.
 */
#define P2M_RW	 0
#define P2M_RO	 1
#define P2M_MMIO 2 /* read-write, uncached: device memory passed through */
int arch_p2m_init(struct domain *d);
void arch_p2m_destroy(struct domain *d);
int arch_p2m_map(struct domain *d, u64 gpa, u64 hpa, u64 size, int access);
int arch_p2m_unmap(struct domain *d, u64 gpa, u64 size);
/* 0 with *hpa and *writable, or -ENOENT when nothing is mapped there. */
int arch_p2m_translate(struct domain *d, u64 gpa, u64 *hpa, bool *readable, bool *writable);
void arch_p2m_flush(struct domain *d);

/*
 * The hypervisor's own view of RAM: identity-maps physical memory up to end
 * beyond what the boot code mapped. 0 or -ENOMEM.
 */
int arch_map_ram(u64 end);

/*
 * The hypervisor console's input: moves up to max bytes the UART has received
 * into buf without waiting; returns how many (0 without a console).
 */
u32 arch_console_poll(u8 *buf, u32 max);

/* The pCPU's own timer: an interrupt at the TSC deadline (0 = none). */
void arch_timer_arm(u64 tsc_deadline);

#endif
