/* SPDX-License-Identifier: MIT */
/*
 * Decoding the one instruction that touched an emulated MMIO address (an EPT
 * violation does not say which register or size). Only the plain moves a
 * driver uses for device registers are accepted: MOV to and from memory
 * (88, 89, 8A, 8B), MOV of an immediate (C6 /0, C7 /0), MOVZX and MOVSX
 * (0F B6, B7, BE, BF), MOV between rAX and an absolute address (A0-A3), CMP with
 * an immediate (80 /7, 81 /7, 83 /7),
 * with operand-size, address-size, segment, LOCK and REX prefixes. Layouts: Intel SDM Vol. 2,
 * chapter 2 (instruction format). Pure code: the bytes are the guest's, so every length is checked.
 */
#ifndef KEEL_ARCH_X86_INSN_DECODE_H
#define KEEL_ARCH_X86_INSN_DECODE_H

#include <keel/types.h>

#define INSN_MAX_LEN 15

enum mmio_op {
	MMIO_LOAD,	/* register <- memory */
	MMIO_STORE_REG, /* memory <- register */
	MMIO_STORE_IMM, /* memory <- immediate */
	MMIO_CMP_IMM,	/* flags <- memory - immediate (CMP; hvmloader's HPET probe) */
};

struct mmio_insn {
	u8 len;		  /* instruction length in bytes */
	u8 op;		  /* enum mmio_op */
	u8 size;	  /* bytes of memory accessed: 1, 2, 4 or 8 */
	u8 reg;		  /* register number (0 = rAX ... 15 = r15) */
	bool high_byte;	  /* AH, CH, DH, BH: bits 15:8 of register reg */
	u8 dest_size;	  /* loads: bytes written to the register (MOVZX/MOVSX widen) */
	bool sign_extend; /* MOVSX */
	u64 imm;	  /* MMIO_STORE_IMM: the value, sign-extended to size */
};

/*
 * Decodes bytes[0..avail) for a CPU in a 16-, 32- or 64-bit code segment
 * (mode 16, 32, 64). 0, -EINVAL for an instruction that is not one of the
 * above (or has a register operand), -EFAULT when it runs past avail.
 */
int insn_decode_mmio(const u8 *bytes, u32 avail, u32 mode, struct mmio_insn *out);

/* The low size bytes set (size 1, 2, 4, 8): an operand's or an address's width. */
u64 insn_size_mask(u32 size);
/*
 * How many of reps elements of a string I/O instruction (INS/OUTS) one request
 * may carry by pointer: those that stay in the page of the first element's
 * guest-physical address gpa (downwards when df) and keep the index register
 * (index, addr_bytes wide) from wrapping. 0 when the first element itself
 * crosses a page or wraps: it must go alone, by value.
 */
u64 insn_string_chunk(u64 gpa, u64 index, u64 reps, u32 size, bool df, u32 addr_bytes);
/* The value a load leaves in a register that held old (x86 partial-register rules). */
u64 mmio_load_result(const struct mmio_insn *in, u64 old, u64 mem);
/* RFLAGS after CMP of mem with the immediate (CF, PF, AF, ZF, SF, OF as the CPU sets them). */
u64 mmio_cmp_flags(const struct mmio_insn *in, u64 mem, u64 rflags);
/* The bytes a store writes to memory from a register that holds reg. */
u64 mmio_store_value(const struct mmio_insn *in, u64 reg);

#endif
