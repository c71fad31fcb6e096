// SPDX-License-Identifier: MIT
/*
 * Virtual local APIC (Intel SDM vol. 3, chapter 10 "APIC"): the x2APIC
 * register interface at MSRs 0x800-0x8ff and the xAPIC one as MMIO at the
 * APIC base (vlapic_mmio_*). As on Xen, a vCPU starts in xAPIC mode and the
 * guest switches to x2APIC through IA32_APIC_BASE. The timer ticks at the TSC
 * rate divided by the divide configuration.
 */
#include <arch/x86/vmcs.h>
#include <arch/x86/boot_defs.h>
#include <keel/vlapic.h>
#include <arch/x86/irq_route.h>
#include <arch/x86/hvm/platform.h>
#include <keel/errno.h>
#include <keel/evtchn.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/string.h>
#include <arch/x86/cpu.h>
#include <arch/x86/vmx_vcpu.h>

#define APIC_BASE_BSP  BIT(8)
#define APIC_BASE_EXTD BIT(10)
#define APIC_BASE_EN   BIT(11)
#define APIC_DEFAULT   0xfee00000ULL

#define REG(msr)   ((msr)-0x800)
#define R_ID	   0x02
#define R_VERSION  0x03
#define R_TPR	   0x08
#define R_PPR	   0x0a
#define R_EOI	   0x0b
#define R_LDR	   0x0d
#define R_DFR	   0x0e /* xAPIC only */
#define R_SVR	   0x0f
#define R_ISR0	   0x10
#define R_TMR0	   0x18
#define R_IRR0	   0x20
#define R_ESR	   0x28
#define R_ICR	   0x30
#define R_ICR_HIGH 0x31 /* xAPIC only: the destination in bits 31:24 */
#define R_LVT0	   0x32 /* timer; thermal, PMC, LINT0, LINT1, error follow */
#define R_TMICT	   0x38
#define R_TMCCT	   0x39
#define R_TDCR	   0x3e
#define R_SELF_IPI 0x3f

#define LVT_MASK	  BIT(16)
#define LVT_TIMER_MODE(l) (((l) >> 17) & 3)
#define TIMER_ONESHOT	  0
#define TIMER_PERIODIC	  1
#define TIMER_DEADLINE	  2
#define SVR_ENABLE	  BIT(8)

#define ICR_MODE(i)	 (((i) >> 8) & 7)
#define ICR_LOGICAL	 BIT(11)
#define ICR_SHORTHAND(i) (((i) >> 18) & 3)
#define MODE_FIXED	 0
#define MODE_LOWEST	 1
#define MODE_NMI	 4
#define MODE_INIT	 5
#define MODE_SIPI	 6

int vlapic_highest_bit(const u32 bits[8])
{
	for (int i = 7; i >= 0; i--)
		if (bits[i])
			return i * 32 + 31 - __builtin_clz(bits[i]);
	return -1;
}

static void set_bit(u32 *bits, u8 n)
{
	bits[n / 32] |= 1u << (n % 32);
}

static void clear_bit(u32 *bits, u8 n)
{
	bits[n / 32] &= ~(1u << (n % 32));
}

static u32 ppr(struct vlapic *l)
{
	int isr = vlapic_highest_bit(l->isr);
	u32 isrv = isr < 0 ? 0 : (u32)isr & 0xf0;

	return (l->tpr & 0xf0) >= isrv ? l->tpr & 0xff : isrv;
}

static bool enabled(struct vlapic *l)
{
	return (l->apic_base & APIC_BASE_EN) && (l->svr & SVR_ENABLE);
}

static u32 divisor(struct vlapic *l)
{
	u32 d = ((l->timer_divide & 8) >> 1) | (l->timer_divide & 3);

	return d == 7 ? 1 : 2u << d;
}

static void timer_fired(struct timer *t)
{
	struct vlapic *l = (struct vlapic *)((u8 *)t - __builtin_offsetof(struct vlapic, timer));
	u32 lvt = l->lvt[0];

	if (!(lvt & LVT_MASK))
		vlapic_set_irq(l->v, (u8)lvt);
	if (LVT_TIMER_MODE(lvt) == TIMER_PERIODIC && l->timer_period) {
		l->timer_start += l->timer_period;
		timer_set(&l->timer, l->timer_start + l->timer_period);
	} else if (LVT_TIMER_MODE(lvt) == TIMER_DEADLINE) {
		l->tsc_deadline = 0;
	}
}

static void timer_restart_count(struct vlapic *l)
{
	timer_stop(&l->timer);
	l->timer_start = rdtsc();
	l->timer_period = (u64)l->timer_initial * divisor(l);
	if (l->timer_initial && LVT_TIMER_MODE(l->lvt[0]) != TIMER_DEADLINE)
		timer_set(&l->timer, l->timer_start + l->timer_period);
}

static u32 current_count(struct vlapic *l)
{
	if (!l->timer_initial || LVT_TIMER_MODE(l->lvt[0]) == TIMER_DEADLINE || !l->timer_period)
		return 0;
	u64 elapsed = rdtsc() - l->timer_start;
	if (LVT_TIMER_MODE(l->lvt[0]) == TIMER_PERIODIC)
		elapsed %= l->timer_period;
	else if (elapsed >= l->timer_period)
		return 0;
	return (u32)((l->timer_period - elapsed) / divisor(l));
}

static void reset(struct vlapic *l)
{
	struct vcpu *v = l->v;

	timer_stop(&l->timer);
	l->apic_base = APIC_DEFAULT | APIC_BASE_EN | (v->id ? 0 : APIC_BASE_BSP);
	l->tpr = 0;
	l->svr = 0xff;
	l->esr = 0;
	l->ldr = 0;
	l->dfr = 0xffffffff;
	l->icr_high = 0;
	l->icr_low = 0;
	for (int i = 0; i < 6; i++)
		l->lvt[i] = LVT_MASK;
	memset(l->irr, 0, sizeof(l->irr));
	memset(l->isr, 0, sizeof(l->isr));
	memset(l->tmr, 0, sizeof(l->tmr));
	l->timer_initial = 0;
	l->timer_divide = 0;
	l->tsc_deadline = 0;
	l->nmi_pending = false;
}

int vlapic_init(struct vcpu *v)
{
	struct vlapic *l = pages_alloc(1);

	if (!l)
		return -ENOMEM;
	l->v = v;
	l->sipi_vector = -1;
	timer_init(&l->timer, timer_fired, v->pcpu);
	v->arch.vlapic = l;
	reset(l);
	return 0;
}

void vlapic_stop(struct vcpu *v)
{
	if (v->arch.vlapic)
		timer_stop(&v->arch.vlapic->timer);
}

void vlapic_free(struct vcpu *v)
{
	if (!v->arch.vlapic)
		return;
	timer_stop(&v->arch.vlapic->timer);
	pages_free(v->arch.vlapic, 1);
	v->arch.vlapic = NULL;
}

void vlapic_set_irq_trig(struct vcpu *v, u8 vector, bool level)
{
	struct vlapic *l = v->arch.vlapic;

	if (vector < 16) {
		l->esr |= BIT(6); /* received illegal vector */
		return;
	}
	set_bit(l->irr, vector);
	/* TMR: the EOI of a level-triggered vector goes on to the IO-APIC. */
	if (level)
		set_bit(l->tmr, vector);
	else
		clear_bit(l->tmr, vector);
	if (v->state == VCPU_BLOCKED)
		sched_wake(v);
}

void vlapic_set_irq(struct vcpu *v, u8 vector)
{
	vlapic_set_irq_trig(v, vector, false);
}

static void set_nmi(struct vcpu *v)
{
	v->arch.vlapic->nmi_pending = true;
	if (v->state == VCPU_BLOCKED)
		sched_wake(v);
}

void vlapic_deliver(struct vcpu *v, bool nmi, u8 vector, bool level)
{
	if (nmi)
		set_nmi(v);
	else
		vlapic_set_irq_trig(v, vector, level);
}

static void deliver_ipi(struct vcpu *target, u32 icr)
{
	struct vlapic *l = target->arch.vlapic;

	switch (ICR_MODE(icr)) {
	case MODE_FIXED:
	case MODE_LOWEST:
		vlapic_set_irq(target, (u8)icr);
		break;
	case MODE_NMI:
		set_nmi(target);
		break;
	case MODE_INIT:
		/* INIT: the vCPU stops and waits for a SIPI. */
		if (target->id == 0)
			break; /* the BSP is never re-initialised by a guest */
		l->init_pending = true;
		target->state = VCPU_OFFLINE;
		sched_remove(target);
		break;
	case MODE_SIPI:
		if (!l->init_pending && target->state != VCPU_OFFLINE)
			break; /* SIPI without INIT is ignored, as on hardware */
		if (target->arch.launched && !l->init_pending)
			break;
		l->sipi_vector = (u8)icr;
		l->init_pending = false;
		target->state = VCPU_RUNNABLE;
		sched_wake(target);
		break;
	default:
		break; /* SMI and others: not for guests */
	}
}

static bool x2apic_mode(const struct vlapic *l)
{
	return l->apic_base & APIC_BASE_EXTD;
}

/* The x2APIC logical id the hardware derives from the x2APIC id (not writable). */
static u32 x2apic_ldr(u32 id)
{
	return ((id >> 4) << 16) | (1u << (id & 15));
}

static bool matches(struct vcpu *t, u32 dest, bool logical, bool x2)
{
	u32 ldr = t->arch.vlapic->ldr;

	if (!logical)
		return dest == (x2 ? 0xffffffff : 0xff) || dest == t->id;
	if (x2) /* cluster in bits 31:16, member bitmap in 15:0 */
		return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
	if ((t->arch.vlapic->dfr >> 28) == 0xf) /* xAPIC flat: 8-bit mask */
		return dest & (ldr >> 24);
	/* xAPIC cluster: cluster in bits 7:4, member bitmap in 3:0. */
	return ((dest >> 4) == (ldr >> 28) || (dest >> 4) == 0xf) && (dest & (ldr >> 24) & 0xf);
}

static void send_ipi(struct vcpu *v, u64 icr)
{
	struct domain *d = v->dom;
	bool x2 = x2apic_mode(v->arch.vlapic);
	u32 lo = (u32)icr, dest = (u32)(icr >> 32);

	for (u32 i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *t = d->vcpu[i];
		bool hit;
		switch (ICR_SHORTHAND(lo)) {
		case 1:
			hit = t == v;
			break;
		case 2:
			hit = true;
			break;
		case 3:
			hit = t != v;
			break;
		default:
			hit = matches(t, dest, lo & ICR_LOGICAL, x2);
			break;
		}
		if (hit)
			deliver_ipi(t, lo);
	}
}

bool vlapic_matches_dest(struct vcpu *t, u8 dest, bool logical)
{
	if (!logical && dest == 0xff)
		return true; /* an 8-bit physical broadcast (IO-APIC, MSI) in either mode */
	return matches(t, dest, logical, x2apic_mode(t->arch.vlapic));
}

int vlapic_arbitration_priority(struct vcpu *v)
{
	struct vlapic *l = v->arch.vlapic;

	return enabled(l) ? (int)ppr(l) : -1;
}

bool vlapic_accepts_extint(struct vcpu *v)
{
	struct vlapic *l = v->arch.vlapic;
	u32 lint0 = l->lvt[3];

	/* LVT0 unmasked ExtINT, or the APIC disabled (the PIC straight to the CPU). */
	return (lint0 & (0x700 | LVT_MASK)) == 0x700 || !(l->apic_base & APIC_BASE_EN);
}

/* Register r (the x2APIC MSR index - 0x800, or the xAPIC offset / 16) in either mode. */
static int reg_read(struct vcpu *v, u32 r, u64 *val)
{
	struct vlapic *l = v->arch.vlapic;
	bool x2 = x2apic_mode(l);

	switch (r) {
	case R_ID:
		*val = x2 ? v->id : v->id << 24;
		break;
	case R_DFR:
		if (x2)
			return -EINVAL;
		*val = l->dfr;
		break;
	case R_ICR_HIGH:
		if (x2)
			return -EINVAL;
		*val = l->icr_high;
		break;
	case R_VERSION:
		*val = 0x50014;
		break;
	case R_TPR:
		*val = l->tpr;
		break;
	case R_PPR:
		*val = ppr(l);
		break;
	case R_LDR:
		*val = l->ldr;
		break;
	case R_SVR:
		*val = l->svr;
		break;
	case R_ESR:
		*val = l->esr;
		break;
	case R_ICR:
		*val = x2 ? 0 : l->icr_low;
		break; /* delivery is instant: never busy */
	case R_TMICT:
		*val = l->timer_initial;
		break;
	case R_TMCCT:
		*val = current_count(l);
		break;
	case R_TDCR:
		*val = l->timer_divide;
		break;
	default:
		if (r >= R_ISR0 && r < R_ISR0 + 8)
			*val = l->isr[r - R_ISR0];
		else if (r >= R_TMR0 && r < R_TMR0 + 8)
			*val = l->tmr[r - R_TMR0];
		else if (r >= R_IRR0 && r < R_IRR0 + 8)
			*val = l->irr[r - R_IRR0];
		else if (r >= R_LVT0 && r < R_LVT0 + 6)
			*val = l->lvt[r - R_LVT0];
		else
			return -EINVAL; /* EOI, SELF_IPI are write-only; the rest reserved */
	}
	return 0;
}

static int reg_write(struct vcpu *v, u32 r, u64 val)
{
	struct vlapic *l = v->arch.vlapic;
	bool x2 = x2apic_mode(l);

	switch (r) {
	case R_TPR:
		l->tpr = (u32)val & 0xff;
		break;
	case R_LDR:
		if (x2)
			return -EINVAL; /* read-only in x2APIC mode */
		l->ldr = (u32)val & 0xff000000;
		break;
	case R_DFR:
		if (x2)
			return -EINVAL;
		l->dfr = (u32)val | 0x0fffffff;
		break;
	case R_ICR_HIGH:
		if (x2)
			return -EINVAL;
		l->icr_high = (u32)val & 0xff000000;
		break;
	case R_EOI: {
		if (val && x2)
			return -EINVAL;
		int isr = vlapic_highest_bit(l->isr);
		if (isr >= 0) {
			clear_bit(l->isr, (u8)isr);
			irq_route_eoi(v, (u32)isr);
			if (l->tmr[isr / 32] & (1u << (isr % 32))) {
				clear_bit(l->tmr, (u8)isr);
				hvm_platform_eoi(v, (u8)isr); /* the IO-APIC's remote IRR */
			}
		}
		break;
	}
	case R_SVR:
		l->svr = (u32)val & 0x11ff;
		if (!(l->svr & SVR_ENABLE))
			for (int i = 0; i < 6; i++)
				l->lvt[i] |= LVT_MASK;
		break;
	case R_ESR:
		l->esr = 0;
		break;
	case R_ICR:
		if (!x2) {
			l->icr_low = (u32)val & ~(u32)BIT(12);
			val = ((u64)(l->icr_high >> 24) << 32) | (u32)val;
		}
		send_ipi(v, val);
		break;
	case R_TMICT:
		l->timer_initial = (u32)val;
		timer_restart_count(l);
		break;
	case R_TDCR:
		l->timer_divide = (u32)val & 0xb;
		break;
	case R_SELF_IPI:
		if (!x2)
			return -EINVAL;
		vlapic_set_irq(v, (u8)val);
		break;
	default:
		if (r >= R_LVT0 && r < R_LVT0 + 6) {
			u32 mask = r == R_LVT0				  ? 0x700ff
				   : (r == R_LVT0 + 3 || r == R_LVT0 + 4) ? 0x1a7ff
									  : 0x107ff;
			u32 old = l->lvt[0];
			if (!(l->svr & SVR_ENABLE))
				val |= LVT_MASK;
			l->lvt[r - R_LVT0] = (u32)val & mask;
			/* A timer mode change disarms the timer, as on hardware. */
			if (r == R_LVT0 && LVT_TIMER_MODE(old) != LVT_TIMER_MODE(l->lvt[0])) {
				timer_stop(&l->timer);
				l->timer_initial = 0;
				l->tsc_deadline = 0;
			}
			break;
		}
		return -EINVAL; /* read-only or reserved */
	}
	return 0;
}

int vlapic_msr_read(struct vcpu *v, u32 msr, u64 *val)
{
	if (!x2apic_mode(v->arch.vlapic))
		return -EINVAL;
	return reg_read(v, REG(msr), val);
}

int vlapic_msr_write(struct vcpu *v, u32 msr, u64 val)
{
	u32 r = REG(msr);

	if (!x2apic_mode(v->arch.vlapic) || (r != R_ICR && (val >> 32)))
		return -EINVAL;
	return reg_write(v, r, val);
}

bool vlapic_mmio_claims(struct vcpu *v, u64 gpa)
{
	struct vlapic *l = v->arch.vlapic;

	return (l->apic_base & APIC_BASE_EN) && !x2apic_mode(l) &&
	       (gpa & ~0xfffULL) == (l->apic_base & ~0xfffULL);
}

/*
 * xAPIC registers are 32 bits at 16-byte strides. Reads of any part of one
 * return those bytes; reserved registers and bytes 4-15 read as zero. Only
 * aligned 32-bit writes reach a register; others are dropped.
 */
u64 vlapic_mmio_read(struct vcpu *v, u64 gpa, u32 size)
{
	u32 off = (u32)(gpa & 0xfff), byte = off & 0xf;
	u64 val = 0;

	if (byte + size > 4 || reg_read(v, off >> 4, &val))
		return 0;
	return (val >> (8 * byte)) & (size >= 4 ? 0xffffffffULL : (1ULL << (8 * size)) - 1);
}

void vlapic_mmio_write(struct vcpu *v, u64 gpa, u32 size, u64 val)
{
	u32 off = (u32)(gpa & 0xfff);

	if (size != 4 || (off & 0xf))
		return;
	reg_write(v, off >> 4, (u32)val);
}

u64 vlapic_base(struct vcpu *v)
{
	return v->arch.vlapic->apic_base;
}

int vlapic_set_base(struct vcpu *v, u64 val)
{
	struct vlapic *l = v->arch.vlapic;
	u64 allowed = APIC_DEFAULT | APIC_BASE_BSP | APIC_BASE_EXTD | APIC_BASE_EN;

	/* The base stays at its default; x2APIC may not go straight back to xAPIC (SDM 10.12.5). */
	if (val & ~allowed || (val & ~0xfffULL) != APIC_DEFAULT)
		return -EINVAL;
	if ((val & APIC_BASE_EXTD) && !(val & APIC_BASE_EN))
		return -EINVAL;
	if ((l->apic_base & APIC_BASE_EXTD) && (val & APIC_BASE_EN) && !(val & APIC_BASE_EXTD))
		return -EINVAL;
	if ((val & APIC_BASE_BSP) != (l->apic_base & APIC_BASE_BSP))
		return -EINVAL;
	if (!(val & APIC_BASE_EN)) {
		reset(l);
		l->apic_base = val;
		return 0;
	}
	if ((val & APIC_BASE_EXTD) && !x2apic_mode(l))
		l->ldr = x2apic_ldr(v->id); /* entering x2APIC mode */
	l->apic_base = val;
	return 0;
}

u64 vlapic_tsc_deadline(struct vcpu *v)
{
	return v->arch.vlapic->tsc_deadline;
}

void vlapic_set_tsc_deadline(struct vcpu *v, u64 val)
{
	struct vlapic *l = v->arch.vlapic;

	if (LVT_TIMER_MODE(l->lvt[0]) != TIMER_DEADLINE)
		return; /* ignored outside TSC-deadline mode */
	l->tsc_deadline = val;
	timer_stop(&l->timer);
	if (val)
		timer_set(&l->timer, val);
}

u32 vlapic_tpr(struct vcpu *v)
{
	return v->arch.vlapic->tpr;
}

void vlapic_set_tpr(struct vcpu *v, u32 tpr)
{
	v->arch.vlapic->tpr = tpr & 0xff;
}

static int deliverable_vector(struct vlapic *l)
{
	if (!enabled(l))
		return -1;
	int irr = vlapic_highest_bit(l->irr);
	if (irr < 0 || ((u32)irr & 0xf0) <= (ppr(l) & 0xf0))
		return -1;
	return irr;
}

bool vlapic_has_pending(struct vcpu *v)
{
	struct vlapic *l = v->arch.vlapic;

	return l->nmi_pending || deliverable_vector(l) >= 0 || evtchn_upcall_pending(v) ||
	       hvm_extint_pending(v);
}

static void request_window(bool on)
{
	u64 ctl = vmread(CPU_BASED_VM_EXEC_CONTROL);
	u64 want = on ? ctl | CPU_INTR_WINDOW_EXIT : ctl & ~(u64)CPU_INTR_WINDOW_EXIT;

	if (want != ctl)
		vmwrite(CPU_BASED_VM_EXEC_CONTROL, want);
}

void vlapic_inject_pending(struct vcpu *v)
{
	struct vlapic *l = v->arch.vlapic;

	vlapic_apply_init_sipi(v);
	if (vmread(VM_ENTRY_INTR_INFO) & INTR_INFO_VALID)
		return; /* an exception or re-injected event goes first */
	u64 intr = vmread(GUEST_INTERRUPTIBILITY_INFO);
	if (l->nmi_pending && !(intr & (INTERRUPTIBILITY_MOVSS | BIT(3)))) {
		l->nmi_pending = false;
		vmwrite(VM_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_NMI | 2);
		return;
	}
	bool can = (vmread(GUEST_RFLAGS) & RFLAGS_IF) &&
		   !(intr & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOVSS));
	if (hvm_extint_pending(v)) {
		/* The PIC first, as Xen: INTA takes its vector; the LAPIC's IRR/ISR stay. */
		request_window(!can);
		int pic = can ? hvm_extint_ack(v) : -1;
		if (pic >= 0) {
			vmwrite(VM_ENTRY_INTR_INFO,
				INTR_INFO_VALID | INTR_TYPE_EXT_INTR | (u32)pic);
			return;
		}
		if (!can)
			return;
	}
	int vec = deliverable_vector(l);
	int upcall = evtchn_upcall_vector(v);
	if (vec < 0 && upcall < 0) {
		request_window(false);
		return;
	}
	if (!can) {
		request_window(true);
		return;
	}
	request_window(false);
	if (upcall > vec) {
		/* The event upcall: level-like on upcall_pending; no ISR, no EOI. */
		vmwrite(VM_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_EXT_INTR | (u32)upcall);
		return;
	}
	clear_bit(l->irr, (u8)vec);
	set_bit(l->isr, (u8)vec);
	vmwrite(VM_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_EXT_INTR | (u32)vec);
}

/* Real mode at vector << 12, as a SIPI starts an AP. */
void vlapic_apply_init_sipi(struct vcpu *v)
{
	struct vlapic *l = v->arch.vlapic;

	if (l->sipi_vector < 0)
		return;
	u32 vec = (u32)l->sipi_vector;
	l->sipi_vector = -1;
	vmx_vcpu_set_real_mode(v, (u16)(vec << 8), vec << 12);
	reset(l);
}
