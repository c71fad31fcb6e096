// SPDX-License-Identifier: MIT
/* MMIO instruction decoding: encodings as GNU as emits them, and every refusal. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <arch/x86/insn_decode.h>
#include <keel/errno.h>

struct vec {
	const char *what;
	u8 bytes[16];
	u8 nbytes, mode;
	u8 len, op, size, reg, dest_size;
	bool high, sign;
	u64 imm;
};

static const struct vec good[] = {
    {"mov (%rdi),%eax", {0x8b, 0x07}, 2, 64, 2, MMIO_LOAD, 4, 0, 4, false, false, 0},
    {"mov %ecx,0x10(%rsi)", {0x89, 0x4e, 0x10}, 3, 64, 3, MMIO_STORE_REG, 4, 1, 4, false, false, 0},
    {"movabs 0xfed000f0,%rax",
     {0x48, 0xa1, 0xf0, 0, 0xd0, 0xfe, 0, 0, 0, 0},
     10,
     64,
     10,
     MMIO_LOAD,
     8,
     0,
     8,
     false,
     false,
     0},
    {"mov %ah,(%rbx)", {0x88, 0x23}, 2, 64, 2, MMIO_STORE_REG, 1, 0, 1, true, false, 0},
    {"mov (%rbx),%sil", {0x40, 0x8a, 0x33}, 3, 64, 3, MMIO_LOAD, 1, 6, 1, false, false, 0},
    {"movl $0x12345678,0x300(%r8)",
     {0x41, 0xc7, 0x80, 0, 3, 0, 0, 0x78, 0x56, 0x34, 0x12},
     11,
     64,
     11,
     MMIO_STORE_IMM,
     4,
     0,
     4,
     false,
     false,
     0x12345678},
    {"movq $-1,(%rax)",
     {0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff},
     7,
     64,
     7,
     MMIO_STORE_IMM,
     8,
     0,
     8,
     false,
     false,
     ~0ULL},
    {"movzwl 0x4(%rdx,%rcx,8),%r9d",
     {0x44, 0x0f, 0xb7, 0x4c, 0xca, 0x04},
     6,
     64,
     6,
     MMIO_LOAD,
     2,
     9,
     4,
     false,
     false,
     0},
    {"movsbq 0(%rip),%r10",
     {0x4c, 0x0f, 0xbe, 0x15, 0, 0, 0, 0},
     8,
     64,
     8,
     MMIO_LOAD,
     1,
     10,
     8,
     false,
     true,
     0},
    {"mov %r15w,(%rax)",
     {0x66, 0x44, 0x89, 0x38},
     4,
     64,
     4,
     MMIO_STORE_REG,
     2,
     15,
     2,
     false,
     false,
     0},
    {"mov %eax,%fs:(%rax)", {0x64, 0x89, 0x00}, 3, 64, 3, MMIO_STORE_REG, 4, 0, 4, false, false, 0},
    {"movb $0x5a,(%rdi)",
     {0xc6, 0x07, 0x5a},
     3,
     64,
     3,
     MMIO_STORE_IMM,
     1,
     0,
     1,
     false,
     false,
     0x5a},
    {"mov 0xfee00030,%eax (32-bit)",
     {0xa1, 0x30, 0, 0xe0, 0xfe},
     5,
     32,
     5,
     MMIO_LOAD,
     4,
     0,
     4,
     false,
     false,
     0},
    {"mov %dx,(%esi) (32-bit)",
     {0x66, 0x89, 0x16},
     3,
     32,
     3,
     MMIO_STORE_REG,
     2,
     2,
     2,
     false,
     false,
     0},
    {"addr16 mov (%bx,%si),%ecx",
     {0x67, 0x8b, 0x08},
     3,
     32,
     3,
     MMIO_LOAD,
     4,
     1,
     4,
     false,
     false,
     0},
    {"mov 0x1234,%ax (16-bit)",
     {0x8b, 0x06, 0x34, 0x12},
     4,
     16,
     4,
     MMIO_LOAD,
     2,
     0,
     2,
     false,
     false,
     0},
    {"mov %eax,0x10(%esp,%ebx) sib+disp8",
     {0x89, 0x44, 0x1c, 0x10},
     4,
     32,
     4,
     MMIO_STORE_REG,
     4,
     0,
     4,
     false,
     false,
     0},
    {"mov 0x12345678(,%ebx,4),%eax sib base 5",
     {0x8b, 0x04, 0x9d, 0x78, 0x56, 0x34, 0x12},
     7,
     32,
     7,
     MMIO_LOAD,
     4,
     0,
     4,
     false,
     false,
     0},
};

static void decodes_the_moves_drivers_use(void **state)
{
	(void)state;
	for (unsigned i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const struct vec *t = &good[i];
		struct mmio_insn in;
		int err = insn_decode_mmio(t->bytes, t->nbytes, t->mode, &in);
		if (err)
			fail_msg("%s: error %d", t->what, err);
		assert_int_equal(in.len, t->len);
		assert_int_equal(in.op, t->op);
		assert_int_equal(in.size, t->size);
		assert_int_equal(in.reg, t->reg);
		assert_int_equal(in.dest_size, t->dest_size);
		assert_int_equal(in.high_byte, t->high);
		assert_int_equal(in.sign_extend, t->sign);
		if (t->op == MMIO_STORE_IMM)
			assert_int_equal(in.imm, t->imm);
		/* Every shorter prefix of the bytes is truncated, never accepted. */
		for (u32 n = 0; n < t->len; n++)
			assert_int_equal(insn_decode_mmio(t->bytes, n, t->mode, &in), -EFAULT);
	}
}

/* CMP with an immediate (hvmloader's HPET probe): decoded, and RFLAGS as the CPU sets them. */
static void compares_with_immediates(void **state)
{
	(void)state;
	struct mmio_insn in;
	/* cmpw $0x8086,0xfed00002 in 32-bit code: 66 81 3d disp32 imm16 */
	u8 cmpw[] = {0x66, 0x81, 0x3d, 0x02, 0x00, 0xd0, 0xfe, 0x86, 0x80};
	assert_int_equal(insn_decode_mmio(cmpw, sizeof(cmpw), 32, &in), 0);
	assert_int_equal(in.op, MMIO_CMP_IMM);
	assert_int_equal(in.size, 2);
	assert_int_equal(in.len, sizeof(cmpw));
	assert_int_equal(in.imm, 0x8086);
	const u64 cf = 1, zf = 1 << 6, sf = 1 << 7, of = 1 << 11, keep = 1 << 9; /* IF stays */
	assert_int_equal(mmio_cmp_flags(&in, 0x8086, keep) & (cf | zf | sf | of | keep), zf | keep);
	assert_int_equal(mmio_cmp_flags(&in, 0xffff, 0) & (cf | zf), 0); /* all ones: not equal */
	assert_int_equal(mmio_cmp_flags(&in, 0x0001, 0) & cf, cf);	 /* borrow */
	/* cmpb $0x7f,(%rax): 80 38 7f; 0x80 - 0x7f overflows a signed byte */
	u8 cmpb[] = {0x80, 0x38, 0x7f};
	assert_int_equal(insn_decode_mmio(cmpb, sizeof(cmpb), 64, &in), 0);
	assert_int_equal(in.size, 1);
	assert_int_equal(mmio_cmp_flags(&in, 0x80, 0) & (of | sf | cf | zf), of);
	/* cmpl $-1,(%rbx): 83 3b ff, imm8 sign-extended to 32 bits */
	u8 cmpl[] = {0x83, 0x3b, 0xff};
	assert_int_equal(insn_decode_mmio(cmpl, sizeof(cmpl), 64, &in), 0);
	assert_int_equal(in.size, 4);
	assert_int_equal(in.imm & 0xffffffffu, 0xffffffffu);
	assert_int_equal(mmio_cmp_flags(&in, 0xffffffffu, 0) & zf, zf);
	/* 81 /0 is ADD, not CMP */
	u8 add[] = {0x81, 0x00, 1, 0, 0, 0};
	assert_int_equal(insn_decode_mmio(add, sizeof(add), 64, &in), -EINVAL);
	for (u32 n = 0; n < sizeof(cmpw); n++)
		assert_int_equal(insn_decode_mmio(cmpw, n, 32, &in), -EFAULT);
}

static void refuses_everything_else(void **state)
{
	(void)state;
	static const struct {
		u8 b[16];
		u8 n;
	} bad[] = {
	    {{0x89, 0xc3}, 2},		   /* mov %eax,%ebx: no memory operand */
	    {{0x03, 0x00}, 2},		   /* add (%rax),%eax */
	    {{0xa5}, 1},		   /* movs */
	    {{0xc7, 0x08, 1, 2, 3, 4}, 6}, /* C7 /1 is not MOV */
	    {{0x0f, 0x0b}, 2},		   /* ud2 */
	    {{0x0f}, 1},		   /* truncated two-byte opcode: -EFAULT */
	};
	struct mmio_insn in;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(insn_decode_mmio(bad[i].b, bad[i].n, 64, &in), 0);
	/* Fifteen prefixes and then an opcode: longer than any instruction. */
	u8 many[20];
	memset(many, 0x66, sizeof(many));
	many[16] = 0x8b;
	many[17] = 0x07;
	assert_int_equal(insn_decode_mmio(many, sizeof(many), 64, &in), -EFAULT);
	u8 ok[2] = {0x8b, 0x07};
	assert_int_equal(insn_decode_mmio(ok, 2, 8, &in), -EINVAL); /* no such mode */
	/* REX is a prefix only in 64-bit mode: in 32-bit mode 0x48 is DEC %eax. */
	u8 rex[3] = {0x48, 0x8b, 0x07};
	assert_int_equal(insn_decode_mmio(rex, 3, 32, &in), -EINVAL);
}

static void register_results_follow_x86_rules(void **state)
{
	(void)state;
	struct mmio_insn in = {.size = 4, .dest_size = 4};
	assert_int_equal(mmio_load_result(&in, ~0ULL, 0xffffffffffffffffULL), 0xffffffffULL);
	in = (struct mmio_insn){.size = 2, .dest_size = 2};
	assert_int_equal(mmio_load_result(&in, 0x1111222233334444ULL, 0xabcd),
			 0x111122223333abcdULL);
	in = (struct mmio_insn){.size = 1, .dest_size = 1, .high_byte = true};
	assert_int_equal(mmio_load_result(&in, 0x1234, 0xff), 0xff34);
	in = (struct mmio_insn){.size = 1, .dest_size = 8, .sign_extend = true};
	assert_int_equal(mmio_load_result(&in, 0, 0x80), 0xffffffffffffff80ULL);
	in = (struct mmio_insn){.size = 2, .dest_size = 4};
	assert_int_equal(mmio_load_result(&in, ~0ULL, 0x8001), 0x8001);
	in = (struct mmio_insn){.op = MMIO_STORE_REG, .size = 1, .high_byte = true};
	assert_int_equal(mmio_store_value(&in, 0xabcd), 0xab);
	in = (struct mmio_insn){.op = MMIO_STORE_REG, .size = 2};
	assert_int_equal(mmio_store_value(&in, 0x12345678), 0x5678);
}

/* REP INS/OUTS by pointer: within the first element's page and the index register's width. */
static void string_chunks_stay_in_page_and_index(void **state)
{
	(void)state;
	/* Forward from the page start: a page's worth; fewer reps: the reps. */
	assert_int_equal(insn_string_chunk(0x10000, 0x10000, 1000, 2, false, 8), 1000);
	assert_int_equal(insn_string_chunk(0x10000, 0x10000, 5000, 2, false, 8), 2048);
	assert_int_equal(insn_string_chunk(0x10ff0, 0xff0, 100, 4, false, 8), 4);
	/* An element crossing the page goes alone (0). */
	assert_int_equal(insn_string_chunk(0x10ffe, 0xffe, 100, 4, false, 8), 0);
	/* Backwards: down to the page start. */
	assert_int_equal(insn_string_chunk(0x10008, 0x8, 100, 2, true, 8), 5);
	assert_int_equal(insn_string_chunk(0x10ffe, 0xffe, 100, 4, true, 8), 0);
	assert_int_equal(insn_string_chunk(0x10ffc, 0xffc, 3000, 4, true, 8), 1024);
	/* 16-bit addressing: DI wraps at 64 KiB, the page does not end there. */
	assert_int_equal(insn_string_chunk(0x9fff0, 0xfff0, 100, 2, false, 2), 8);
	assert_int_equal(insn_string_chunk(0x9ffff, 0xffff, 100, 2, false, 2), 0);
	assert_int_equal(insn_string_chunk(0x20004, 0x4, 100, 2, true, 2), 3);
	/* Bits above the address size are not the index. */
	assert_int_equal(insn_string_chunk(0x9fff0, 0x1234fff0, 100, 2, false, 2), 8);
	/* 32-bit addressing wraps at 4 GiB. */
	assert_int_equal(insn_string_chunk(0x1000, 0xfffffff8, 100, 4, false, 4), 2);
	/* A size of zero is nothing to carry. */
	assert_int_equal(insn_string_chunk(0x1000, 0, 100, 0, false, 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(decodes_the_moves_drivers_use),
	    cmocka_unit_test(compares_with_immediates),
	    cmocka_unit_test(refuses_everything_else),
	    cmocka_unit_test(register_results_follow_x86_rules),
	    cmocka_unit_test(string_chunks_stay_in_page_and_index),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
