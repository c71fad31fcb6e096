// SPDX-License-Identifier: MIT
/* MMIO instruction decoding: see insn_decode.h. */
#include <arch/x86/insn_decode.h>
#include <keel/errno.h>
#include <keel/string.h>

struct cursor {
	const u8 *b;
	u32 avail, pos;
};

static int next(struct cursor *c, u8 *out)
{
	if (c->pos >= c->avail || c->pos >= INSN_MAX_LEN)
		return -EFAULT;
	*out = c->b[c->pos++];
	return 0;
}

static int skip(struct cursor *c, u32 n)
{
	if (c->pos + n > c->avail || c->pos + n > INSN_MAX_LEN)
		return -EFAULT;
	c->pos += n;
	return 0;
}

static u64 read_le(const u8 *p, u32 n)
{
	u64 v = 0;

	for (u32 i = 0; i < n; i++)
		v |= (u64)p[i] << (8 * i);
	return v;
}

/* The memory operand's length after the ModRM byte; a register operand is refused. */
static int skip_memory_operand(struct cursor *c, u8 modrm, u32 addr_size)
{
	u8 mod = modrm >> 6, rm = modrm & 7;

	if (mod == 3)
		return -EINVAL;
	if (addr_size == 16) {
		if (mod == 0 && rm == 6)
			return skip(c, 2);
		return skip(c, mod == 1 ? 1 : mod == 2 ? 2 : 0);
	}
	if (rm == 4) {
		u8 sib;
		int err = next(c, &sib);
		if (err)
			return err;
		if (mod == 0 && (sib & 7) == 5)
			return skip(c, 4);
	}
	if (mod == 0 && rm == 5)
		return skip(c, 4); /* disp32, RIP-relative in 64-bit mode */
	return skip(c, mod == 1 ? 1 : mod == 2 ? 4 : 0);
}

/* What the prefixes say: operand and address size, REX; then the opcode byte. */
struct prefixes {
	u32 operand, address; /* bytes of operand, bits of address */
	u8 rex, op;
};

static int read_prefixes(struct cursor *c, u32 mode, struct prefixes *p)
{
	bool opsize = false, addrsize = false;
	int err;

	p->rex = 0;
	for (;;) {
		if ((err = next(c, &p->op)))
			return err;
		if (p->op == 0x66)
			opsize = true;
		else if (p->op == 0x67)
			addrsize = true;
		else if (p->op != 0xf0 && p->op != 0x2e && p->op != 0x36 && p->op != 0x3e &&
			 p->op != 0x26 && p->op != 0x64 && p->op != 0x65)
			break; /* LOCK and segment overrides have no effect on the access */
	}
	if (mode == 64 && (p->op & 0xf0) == 0x40) {
		p->rex = p->op; /* REX must come last, right before the opcode */
		if ((err = next(c, &p->op)))
			return err;
	}
	p->operand = mode == 16 ? (opsize ? 4 : 2) : (opsize ? 2 : 4);
	if (p->rex & 8)
		p->operand = 8;
	p->address = mode == 64	  ? (addrsize ? 32 : 64)
		     : mode == 32 ? (addrsize ? 16 : 32)
				  : (addrsize ? 32 : 16);
	return 0;
}

int insn_decode_mmio(const u8 *bytes, u32 avail, u32 mode, struct mmio_insn *out)
{
	struct cursor c = {bytes, avail, 0};
	struct prefixes pf;
	u8 modrm;
	int err;

	if (mode != 16 && mode != 32 && mode != 64)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if ((err = read_prefixes(&c, mode, &pf)))
		return err;
	u8 rex = pf.rex, op = pf.op;
	u32 operand = pf.operand, address = pf.address;

	if (op >= 0xa0 && op <= 0xa3) {
		/* MOV between rAX and an absolute address (moffs, address-size wide). */
		if ((err = skip(&c, address / 8)))
			return err;
		out->op = op >= 0xa2 ? MMIO_STORE_REG : MMIO_LOAD;
		out->size = out->dest_size = (op & 1) ? (u8)operand : 1;
		out->reg = 0;
		out->len = (u8)c.pos;
		return 0;
	}
	bool two_byte = op == 0x0f;
	if (two_byte && (err = next(&c, &op)))
		return err;
	if (two_byte && op != 0xb6 && op != 0xb7 && op != 0xbe && op != 0xbf)
		return -EINVAL;
	bool cmp = !two_byte && (op == 0x80 || op == 0x81 || op == 0x83);
	if (!two_byte && !cmp && op != 0x88 && op != 0x89 && op != 0x8a && op != 0x8b &&
	    op != 0xc6 && op != 0xc7)
		return -EINVAL;
	if ((err = next(&c, &modrm)))
		return err;
	if ((err = skip_memory_operand(&c, modrm, address)))
		return err;

	u8 reg = ((modrm >> 3) & 7) | ((rex & 4) ? 8 : 0);
	bool byte_op = two_byte ? (op == 0xb6 || op == 0xbe) : !(op & 1);
	out->size = byte_op ? 1 : (two_byte ? 2 : (u8)operand);
	out->dest_size = (u8)operand;
	out->reg = reg;
	if (two_byte) {
		out->op = MMIO_LOAD;
		out->sign_extend = op >= 0xbe;
		if (operand == 2 && out->size == 2)
			out->dest_size = 2;
	} else if (op == 0xc6 || op == 0xc7 || cmp) {
		if (((modrm >> 3) & 7) != (cmp ? 7 : 0))
			return -EINVAL; /* only /0 is MOV, only /7 is CMP */
		if (op == 0x80)
			out->size = 1;
		/* imm32 sign-extended to 64; 83: imm8 sign-extended to the operand size */
		u32 n = op == 0x83 ? 1 : (out->size == 8 ? 4 : out->size);
		if (c.pos + n > avail || c.pos + n > INSN_MAX_LEN)
			return -EFAULT;
		u64 imm = read_le(bytes + c.pos, n);
		if (n == 1 && out->size > 1)
			imm = (u64)(s64)(s8)(u8)imm;
		else if (out->size == 8)
			imm = (u64)(s64)(s32)(u32)imm;
		c.pos += n;
		out->op = cmp ? MMIO_CMP_IMM : MMIO_STORE_IMM;
		out->dest_size = out->size;
		out->imm = imm;
		out->reg = 0;
	} else {
		out->op = (op == 0x8a || op == 0x8b) ? MMIO_LOAD : MMIO_STORE_REG;
		if (byte_op)
			out->dest_size = 1;
	}
	/* Byte registers 4-7 without REX are AH, CH, DH, BH. */
	if (out->op != MMIO_STORE_IMM && out->op != MMIO_CMP_IMM && !rex &&
	    (byte_op && !two_byte) && reg >= 4 && reg < 8) {
		out->high_byte = true;
		out->reg = reg - 4;
	}
	out->len = (u8)c.pos;
	return 0;
}

u64 insn_size_mask(u32 size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

u64 insn_string_chunk(u64 gpa, u64 index, u64 reps, u32 size, bool df, u32 addr_bytes)
{
	u64 off = gpa & 4095, mask = insn_size_mask(addr_bytes), n;

	index &= mask;
	if (!size || off + size > 4096)
		return 0;
	n = df ? off / size + 1 : (4096 - off) / size;
	if (addr_bytes < 8) {
		/* Each element's bytes lie upwards from its index, whichever the direction. */
		u64 room = df ? index / size + 1 : (mask - index + 1) / size;
		if (index + size - 1 > mask)
			room = 0;
		n = room < n ? room : n;
	}
	return reps < n ? reps : n;
}

u64 mmio_load_result(const struct mmio_insn *in, u64 old, u64 mem)
{
	u64 v = mem & insn_size_mask(in->size);

	if (in->sign_extend && (v >> (8 * in->size - 1)) & 1)
		v |= ~insn_size_mask(in->size);
	if (in->high_byte)
		return (old & ~0xff00ULL) | ((v & 0xff) << 8);
	switch (in->dest_size) {
	case 1:
	case 2:
		return (old & ~insn_size_mask(in->dest_size)) | (v & insn_size_mask(in->dest_size));
	case 4:
		return v & 0xffffffffULL; /* 32-bit writes clear bits 63:32 */
	default:
		return v;
	}
}

u64 mmio_store_value(const struct mmio_insn *in, u64 reg)
{
	if (in->op == MMIO_STORE_IMM)
		return in->imm & insn_size_mask(in->size);
	if (in->high_byte)
		return (reg >> 8) & 0xff;
	return reg & insn_size_mask(in->size);
}

u64 mmio_cmp_flags(const struct mmio_insn *in, u64 mem, u64 rflags)
{
	const u64 cf = 1, pf = 1 << 2, af = 1 << 4, zf = 1 << 6, sf = 1 << 7, of = 1 << 11;
	u64 m = insn_size_mask(in->size), a = mem & m, b = in->imm & m, r = (a - b) & m;
	u32 top = 8 * in->size - 1;

	rflags &= ~(cf | pf | af | zf | sf | of);
	if (a < b)
		rflags |= cf;
	if (!(__builtin_popcount((u32)(r & 0xff)) & 1))
		rflags |= pf;
	if ((a ^ b ^ r) & 0x10)
		rflags |= af;
	if (!r)
		rflags |= zf;
	if ((r >> top) & 1)
		rflags |= sf;
	if ((((a ^ b) & (a ^ r)) >> top) & 1)
		rflags |= of;
	return rflags;
}
