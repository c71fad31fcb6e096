/* SPDX-License-Identifier: MIT */
/* Byte offsets in struct guest_regs, for vmx_entry.S (checked in vmx_vcpu.c). */
#ifndef KEEL_ARCH_X86_VMX_REGS_H
#define KEEL_ARCH_X86_VMX_REGS_H

#define GR_RAX 0
#define GR_RBX 8
#define GR_RCX 16
#define GR_RDX 24
#define GR_RSI 32
#define GR_RDI 40
#define GR_RBP 48
#define GR_R8  56
#define GR_R9  64
#define GR_R10 72
#define GR_R11 80
#define GR_R12 88
#define GR_R13 96
#define GR_R14 104
#define GR_R15 112
#define GR_CR2 120

#endif
