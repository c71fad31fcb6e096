// SPDX-License-Identifier: MIT
/*
 * EPT violations: guest-physical addresses with nothing mapped. The vLAPIC's
 * xAPIC page is emulated; any other unbacked address behaves as on Xen's HVM
 * when no device claims it: reads return all ones, writes are dropped. The
 * faulting instruction is decoded (insn_decode.c) to learn the register and
 * size. An instruction fetch from such an address, an access Keel cannot
 * decode, or a write to a read-only mapping still crashes the domain.
 */
#include <arch/x86/vmcs.h>
#include <arch/x86/boot_defs.h>
#include <arch/x86/vmexit.h>
#include <arch/x86/insn_decode.h>
#include <keel/guest_mem.h>
#include <keel/ioreq.h>
#include <keel/printk.h>
#include <keel/vlapic.h>
#include <arch/x86/hvm/platform.h>

#define EPT_QUAL_READ	BIT(0)
#define EPT_QUAL_WRITE	BIT(1)
#define EPT_QUAL_FETCH	BIT(2)
#define EPT_QUAL_MAPPED (BIT(3) | BIT(4) | BIT(5)) /* the entry allowed some access */
#define CS_AR_L		BIT(13)
#define CS_AR_DB	BIT(14)
#define PAGE_SIZE_4K	4096

u32 vmexit_code_mode(struct vcpu *v)
{
	u64 ar = vmread(GUEST_CS_AR);

	if ((v->arch.efer & EFER_LMA) && (ar & CS_AR_L)) /* EFER.LMA and a 64-bit segment */
		return 64;
	return (ar & CS_AR_DB) ? 32 : 16;
}

/* The register with x86 encoding number n (0 rAX, 1 rCX, ... 4 rSP, ... 15 r15). */
static u64 *gpr(struct vcpu *v, u32 n)
{
	struct guest_regs *r = &v->regs;
	u64 *const map[16] = {&r->rax, &r->rcx, &r->rdx, &r->rbx, NULL,	   &r->rbp,
			      &r->rsi, &r->rdi, &r->r8,	 &r->r9,  &r->r10, &r->r11,
			      &r->r12, &r->r13, &r->r14, &r->r15};
	return map[n & 15];
}

static u64 gpr_get(struct vcpu *v, u32 n)
{
	u64 *p = gpr(v, n);

	return p ? *p : vmread(GUEST_RSP);
}

static void gpr_set(struct vcpu *v, u32 n, u64 val)
{
	u64 *p = gpr(v, n);

	if (p)
		*p = val;
	else
		vmwrite(GUEST_RSP, val);
}

/* Up to 15 bytes at CS:RIP; the second page only if the first one ends early. */
static u32 fetch_insn(struct vcpu *v, u8 *buf)
{
	u64 lin = vmread(GUEST_RIP);

	if (vmexit_code_mode(v) != 64)
		lin = (lin + vmread(GUEST_CS_BASE)) & 0xffffffffULL;
	u32 first = PAGE_SIZE_4K - (u32)(lin & (PAGE_SIZE_4K - 1));
	if (first > INSN_MAX_LEN)
		first = INSN_MAX_LEN;
	if (copy_from_guest(v, buf, lin, first))
		return 0;
	if (first < INSN_MAX_LEN &&
	    !copy_from_guest(v, buf + first, lin + first, INSN_MAX_LEN - first))
		return INSN_MAX_LEN;
	return first;
}

/* Keel's own devices: the vLAPIC page, an HVM domain's IO-APIC and HPET. */
static bool device_claims(struct vcpu *v, u64 gpa)
{
	return vlapic_mmio_claims(v, gpa) || hvm_mmio_claims(v, gpa);
}

static u64 device_read(struct vcpu *v, u64 gpa, u32 size)
{
	if (vlapic_mmio_claims(v, gpa))
		return vlapic_mmio_read(v, gpa, size);
	if (hvm_mmio_claims(v, gpa))
		return hvm_mmio_read(v, gpa, size);
	return ~0ULL;
}

static void device_write(struct vcpu *v, u64 gpa, u32 size, u64 val)
{
	if (vlapic_mmio_claims(v, gpa))
		vlapic_mmio_write(v, gpa, size, val);
	else if (hvm_mmio_claims(v, gpa))
		hvm_mmio_write(v, gpa, size, val);
}

/* True when an ioreq server took the access; the answer is applied by mmio_forward_complete. */
static bool forward(struct vcpu *v, u64 gpa, const struct mmio_insn *in)
{
	bool read = in->op == MMIO_LOAD || in->op == MMIO_CMP_IMM;
	struct ioreq_access a = {.type = IOREQ_TYPE_COPY,
				 .dir = read ? IOREQ_READ : IOREQ_WRITE,
				 .size = in->size,
				 .addr = gpa};

	if (!read)
		a.data = mmio_store_value(in, in->op == MMIO_STORE_IMM ? 0 : gpr_get(v, in->reg));
	v->arch.io = (struct io_insn){.kind = IO_INSN_MMIO, .len = in->len, .mmio = *in};
	return ioreq_send(v, &a);
}

void mmio_forward_complete(struct vcpu *v)
{
	const struct mmio_insn *in = &v->arch.io.mmio;

	if (in->op == MMIO_LOAD)
		gpr_set(v, in->reg, mmio_load_result(in, gpr_get(v, in->reg), v->io.data));
	else if (in->op == MMIO_CMP_IMM)
		vmwrite(GUEST_RFLAGS, mmio_cmp_flags(in, v->io.data, vmread(GUEST_RFLAGS)));
	vmexit_advance_rip(in->len);
}

static enum exit_action refuse(struct vcpu *v, u64 gpa, u64 qual, const char *why)
{
	printk("keel: d%u: access to unmapped guest-physical %lx (%s%s%s)\n", v->dom->id, gpa,
	       qual & EPT_QUAL_READ ? "read" : "", qual & EPT_QUAL_WRITE ? "write" : "",
	       qual & EPT_QUAL_FETCH ? "fetch" : "");
	return vmexit_crash(v, why);
}

enum exit_action handle_ept_violation(struct vcpu *v, u64 qual)
{
	u64 gpa = vmread(GUEST_PHYSICAL_ADDRESS);
	struct mmio_insn in;
	u8 bytes[INSN_MAX_LEN];

	if (qual & EPT_QUAL_FETCH)
		return refuse(v, gpa, qual, "EPT violation");
	if (qual & EPT_QUAL_MAPPED)
		return refuse(v, gpa, qual, "EPT violation: write to a read-only page");
	u32 n = fetch_insn(v, bytes);
	if (!n || insn_decode_mmio(bytes, n, vmexit_code_mode(v), &in))
		return refuse(v, gpa, qual, "EPT violation: MMIO access Keel cannot emulate");
	if (!device_claims(v, gpa) && forward(v, gpa, &in))
		return EXIT_RESCHED; /* an ioreq server answers it */
	if (in.op == MMIO_LOAD) {
		u64 val = device_read(v, gpa, in.size);
		gpr_set(v, in.reg, mmio_load_result(&in, gpr_get(v, in.reg), val));
	} else if (in.op == MMIO_CMP_IMM) {
		u64 val = device_read(v, gpa, in.size);
		vmwrite(GUEST_RFLAGS, mmio_cmp_flags(&in, val, vmread(GUEST_RFLAGS)));
	} else {
		u64 src = in.op == MMIO_STORE_IMM ? 0 : gpr_get(v, in.reg);
		device_write(v, gpa, in.size, mmio_store_value(&in, src));
	}
	if (!v->dom->said_unclaimed_mmio && !device_claims(v, gpa)) {
		v->dom->said_unclaimed_mmio = true;
		printk("keel: d%u: unclaimed MMIO at %lx: reads all ones, writes dropped\n",
		       v->dom->id, gpa);
	}
	vmexit_advance_rip(in.len);
	return EXIT_RESUME;
}
