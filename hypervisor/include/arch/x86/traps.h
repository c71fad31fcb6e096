/* SPDX-License-Identifier: MIT */
#ifndef KEEL_ARCH_X86_TRAPS_H
#define KEEL_ARCH_X86_TRAPS_H

#include <keel/types.h>

/* The frame isr.S builds, lowest address first. */
struct trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error_code;
	u64 rip, cs, rflags, rsp, ss;
};

/* Builds the IDT (boot CPU) and loads it (every CPU). */
void traps_init(void);
void traps_load(void);
void trap_handler(struct trap_frame *f);
/*
 * A host interrupt on vector (from the IDT, or acknowledged on a VM exit):
 * EOIs Keel's timer and IPI and returns true for them; the spurious vector
 * needs nothing; anything else is a stray (stray_irq). False for those.
 */
bool host_interrupt(u64 vector);
void idle_interrupt(u64 vector);
/* The boot CPU's C entry, from boot/entry.S (arch/x86/setup.c). */
void kmain(u32 magic, u32 mbi_pa);

#endif
