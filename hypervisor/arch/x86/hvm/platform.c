// SPDX-License-Identifier: MIT
/*
 * An HVM domain's emulated platform: interrupt wiring, delivery and timers.
 * See hvm/platform.h. Every entry runs under hv_lock (spinlock.h).
 */
#include <arch/x86/hvm/platform.h>
#include <arch/x86/hvm/vhpet.h>
#include <arch/x86/hvm/vioapic.h>
#include <arch/x86/hvm/vpic.h>
#include <arch/x86/hvm/vpit.h>
#include <arch/x86/hvm/vpmtimer.h>
#include <arch/x86/hvm/vrtc.h>
#include <arch/x86/percpu.h>
#include <arch/x86/smp.h>
#include <keel/domain.h>
#include <keel/ioreq.h>
#include <keel/errno.h>
#include <keel/mm.h>
#include <keel/pvclock.h>
#include <keel/sched.h>
#include <keel/string.h>
#include <keel/timer.h>
#include <keel/vlapic.h>

#define PIT_IRQ	    0
#define RTC_IRQ	    8
#define SCI_IRQ	    9
#define MIN_PERIOD  100000ULL /* ns: Xen's floor for emulated periodic timers */
#define PCI_DEVICES 32
#define GSI_COUNT   VIOAPIC_PINS

/* An HPET comparator's Keel timer, and whose it is. */
struct hpet_timer {
	struct timer timer;
	struct hvm_platform *p;
	u32 n;
};

struct hvm_platform {
	struct domain *d;
	struct vpic pic;
	struct vioapic ioapic;
	struct vpit pit;
	struct vrtc rtc;
	struct vpmtimer pm;
	struct vhpet hpet; /* present when HVM_PARAM_HPET_ENABLED is 1 */
	/* Xen's assertion counts (xen/arch/x86/hvm/irq.c): one line, many sources. */
	u16 isa_asserted;
	u32 intx_asserted[PCI_DEVICES * 4 / 32];
	u8 gsi_count[GSI_COUNT];
	u8 link_count[4];
	u8 link_route[4];
	struct timer pit_timer, rtc_timer, pm_timer;
	struct hpet_timer hpet_timer[VHPET_TIMERS];
	u8 hpet_level;		   /* timers holding a level GSI up */
	u8 hpet_gsi[VHPET_TIMERS]; /* and which */
	u64 pit_next, pit_period;  /* ns */
};

#define PLATFORM_PAGES (ALIGN_UP(sizeof(struct hvm_platform), PAGE_SIZE) / PAGE_SIZE)

static struct hvm_platform *platform(struct domain *d)
{
	return d->hvm ? d->arch.hvm : NULL;
}

static u64 now_ns(void)
{
	return system_time_ns();
}

static bool alive(const struct domain *d)
{
	return d->state == DOM_RUNNING || d->state == DOM_PAUSED;
}

/* v notices a new interrupt: woken when halted, made to exit when in the guest elsewhere. */
static void kick(struct vcpu *v)
{
	if (v->state == VCPU_BLOCKED)
		sched_wake(v);
	else if (v->pcpu != this_cpu()->id)
		smp_kick(v->pcpu);
}

/* ---- interrupt lines (Xen's assert_irq / deassert_irq) ---- */

static void gsi_level(struct hvm_platform *p, u32 gsi, u32 isa_irq, bool high)
{
	vioapic_set_line(&p->ioapic, gsi, high);
	if (isa_irq < 16)
		vpic_set_line(&p->pic, isa_irq, high);
	if (vpic_intr(&p->pic) && p->d->vcpu[0])
		kick(p->d->vcpu[0]);
}

static void gsi_get(struct hvm_platform *p, u32 gsi, u32 isa_irq)
{
	if (p->gsi_count[gsi]++ == 0)
		gsi_level(p, gsi, isa_irq, true);
}

static void gsi_put(struct hvm_platform *p, u32 gsi, u32 isa_irq)
{
	if (p->gsi_count[gsi] && --p->gsi_count[gsi] == 0)
		gsi_level(p, gsi, isa_irq, false);
}

static void isa_assert(struct hvm_platform *p, u32 irq)
{
	if (p->isa_asserted & (1u << irq))
		return;
	p->isa_asserted |= (u16)(1u << irq);
	gsi_get(p, hvm_isa_irq_to_gsi(irq), irq);
}

static void isa_deassert(struct hvm_platform *p, u32 irq)
{
	if (!(p->isa_asserted & (1u << irq)))
		return;
	p->isa_asserted &= (u16) ~(1u << irq);
	gsi_put(p, hvm_isa_irq_to_gsi(irq), irq);
}

/* An edge from an emulated device (PIT, RTC): low, then high. */
static void isa_pulse(struct hvm_platform *p, u32 irq)
{
	isa_deassert(p, irq);
	isa_assert(p, irq);
}

int hvm_set_isa_irq_level(struct domain *d, u32 isa_irq, u32 level)
{
	struct hvm_platform *p = platform(d);

	if (!p || isa_irq > 15 || level > 1)
		return -EINVAL;
	if (level)
		isa_assert(p, isa_irq);
	else
		isa_deassert(p, isa_irq);
	return 0;
}

int hvm_set_pci_intx_level(struct domain *d, u32 device, u32 intx, u32 level)
{
	struct hvm_platform *p = platform(d);

	if (!p || device >= PCI_DEVICES || intx > 3 || level > 1)
		return -EINVAL;
	u32 bit = device * 4 + intx, gsi = hvm_pci_intx_gsi(device, intx);
	u32 link = hvm_pci_intx_link(device, intx), isa = p->link_route[link];
	bool was = p->intx_asserted[bit / 32] & (1u << (bit % 32));
	if (level == was)
		return 0;
	if (level) {
		p->intx_asserted[bit / 32] |= 1u << (bit % 32);
		gsi_get(p, gsi, 16);
		if (p->link_count[link]++ == 0 && isa)
			gsi_get(p, isa, isa);
	} else {
		p->intx_asserted[bit / 32] &= ~(1u << (bit % 32));
		gsi_put(p, gsi, 16);
		if (--p->link_count[link] == 0 && isa)
			gsi_put(p, isa, isa);
	}
	return 0;
}

int hvm_set_pci_link_route(struct domain *d, u32 link, u32 isa_irq)
{
	struct hvm_platform *p = platform(d);

	if (!p || link > 3 || isa_irq > 15)
		return -EINVAL;
	u32 old = p->link_route[link];
	if (old == isa_irq)
		return 0;
	p->link_route[link] = (u8)isa_irq;
	if (!p->link_count[link])
		return 0;
	if (old)
		gsi_put(p, old, old);
	if (isa_irq)
		gsi_get(p, isa_irq, isa_irq);
	return 0;
}

/* ---- delivery to the vLAPICs ---- */

/* As Xen's vlapic_lowest_prio: the matching enabled APIC with the lowest PPR, the first on a tie.
 */
static struct vcpu *lowest_priority(struct domain *d, u8 dest, bool logical)
{
	struct vcpu *best = NULL;
	int best_ppr = 0;

	for (u32 i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];
		int ppr = v && vlapic_matches_dest(v, dest, logical)
			      ? vlapic_arbitration_priority(v)
			      : -1;
		if (ppr >= 0 && (!best || ppr < best_ppr)) {
			best = v;
			best_ppr = ppr;
		}
	}
	return best;
}

/* Fixed (every match), lowest priority, NMI; 0, or -ESRCH (no APIC to take it) / -EINVAL. */
static int deliver(struct domain *d, u8 mode, u8 dest, bool logical, u8 vector, bool level)
{
	if (mode == RTE_MODE_LOWEST) {
		struct vcpu *v = lowest_priority(d, dest, logical);
		if (!v)
			return -ESRCH;
		vlapic_deliver(v, false, vector, level);
		kick(v);
		return 0;
	}
	if (mode != RTE_MODE_FIXED && mode != RTE_MODE_NMI)
		return -EINVAL;
	for (u32 i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];
		if (!v || !vlapic_matches_dest(v, dest, logical))
			continue;
		vlapic_deliver(v, mode == RTE_MODE_NMI, vector, level);
		kick(v);
	}
	return 0;
}

static void ioapic_deliver(void *ctx, const struct vioapic_msg *m)
{
	struct hvm_platform *p = ctx;

	(void)deliver(p->d, m->mode, m->dest, m->logical, m->vector, m->level);
}

int hvm_inject_msi(struct domain *d, u64 addr, u32 data)
{
	u8 vector = (u8)data, dest = (u8)(addr >> 12);

	if (!platform(d))
		return -EINVAL;
	if (!vector) /* a PVHVM pirq: Keel maps none */
		return ((addr >> 32) & 0xffffff00) | dest ? -EINVAL : -ERANGE;
	return deliver(d, (data >> 8) & 7, dest, (addr >> 2) & 1, vector, (data >> 15) & 1);
}

void hvm_platform_eoi(struct vcpu *v, u8 vector)
{
	struct hvm_platform *p = platform(v->dom);

	if (p)
		vioapic_eoi(&p->ioapic, vector);
}

bool hvm_extint_pending(struct vcpu *v)
{
	struct hvm_platform *p = platform(v->dom);

	if (!p || v->id != 0 || !vpic_intr(&p->pic))
		return false;
	/* As Xen's vlapic_accept_pic_intr: IO-APIC pin 0 as ExtINT to this LAPIC, or LVT0. */
	u64 rte0 = p->ioapic.rte[0];
	bool via_ioapic =
	    RTE_MODE(rte0) == RTE_MODE_EXTINT && !(rte0 & RTE_MASKED) && RTE_DEST(rte0) == v->id;
	return via_ioapic || vlapic_accepts_extint(v);
}

int hvm_extint_ack(struct vcpu *v)
{
	struct hvm_platform *p = platform(v->dom);

	return p ? vpic_ack(&p->pic) : -1;
}

/* ---- timers ---- */

static bool hpet_present(const struct hvm_platform *p)
{
	return p->d->hvm_params[HVM_PARAM_HPET_ENABLED] == 1;
}

/* Legacy replacement: HPET timers 0 and 1 own ISA IRQ 0 and 8 (the PIT's and RTC's are cut). */
static bool hpet_legacy(const struct hvm_platform *p)
{
	return hpet_present(p) && (p->hpet.conf & VHPET_CONF_ENABLE) &&
	       (p->hpet.conf & VHPET_CONF_LEGACY);
}

static void arm(struct timer *t, u64 ns)
{
	timer_stop(t);
	t->pcpu = this_cpu()->id;
	if (ns)
		timer_set(t, system_ns_to_tsc(ns));
}

static void pit_rearm(struct hvm_platform *p)
{
	u64 first, period, now = now_ns();

	if (!vpit_irq_timer(&p->pit, &first, &period)) {
		timer_stop(&p->pit_timer);
		return;
	}
	if (period && period < MIN_PERIOD)
		period = MIN_PERIOD;
	p->pit_period = period;
	p->pit_next = first > now ? first : now;
	arm(&p->pit_timer, p->pit_next);
}

static void pit_fired(struct timer *t)
{
	struct hvm_platform *p =
	    (void *)((u8 *)t - __builtin_offsetof(struct hvm_platform, pit_timer));
	u64 now = now_ns();

	if (!alive(p->d))
		return;
	if (!hpet_legacy(p)) /* the HPET's legacy replacement takes IRQ 0 from the PIT */
		isa_pulse(p, PIT_IRQ);
	if (!p->pit_period)
		return;
	p->pit_next += p->pit_period;
	if (p->pit_next <= now) /* ticks missed while Keel was busy are dropped, not bunched */
		p->pit_next = now + p->pit_period;
	arm(t, p->pit_next);
}

static void rtc_rearm(struct hvm_platform *p)
{
	arm(&p->rtc_timer, vrtc_next_event(&p->rtc, now_ns()));
}

static void rtc_fired(struct timer *t)
{
	struct hvm_platform *p =
	    (void *)((u8 *)t - __builtin_offsetof(struct hvm_platform, rtc_timer));

	if (!alive(p->d))
		return;
	if (vrtc_update(&p->rtc, now_ns()) && !hpet_legacy(p))
		isa_pulse(p, RTC_IRQ);
	rtc_rearm(p);
}

static void sci_update(struct hvm_platform *p)
{
	u64 now = now_ns();

	if (vpmtimer_sci(&p->pm, now))
		isa_assert(p, SCI_IRQ);
	else
		isa_deassert(p, SCI_IRQ);
	arm(&p->pm_timer, vpmtimer_next_event(&p->pm, now));
}

static void pm_fired(struct timer *t)
{
	struct hvm_platform *p =
	    (void *)((u8 *)t - __builtin_offsetof(struct hvm_platform, pm_timer));

	if (alive(p->d))
		sci_update(p);
}

static void hpet_rearm(struct hvm_platform *p)
{
	u64 now = now_ns();

	for (u32 n = 0; n < VHPET_TIMERS; n++)
		arm(&p->hpet_timer[n].timer, vhpet_next_expiry(&p->hpet, n, now));
}

static void hpet_raise(struct hvm_platform *p, u32 n, const struct vhpet_irq *irq)
{
	if (irq->legacy) {
		isa_pulse(p, irq->line);
	} else if (irq->level) {
		if (p->hpet_level & (1u << n))
			return; /* still up: its status bit was not cleared */
		p->hpet_level |= (u8)(1u << n);
		p->hpet_gsi[n] = (u8)irq->line;
		gsi_get(p, irq->line, 16);
	} else {
		gsi_get(p, irq->line, 16); /* an edge on the IO-APIC pin */
		gsi_put(p, irq->line, 16);
	}
}

static void hpet_fired(struct timer *t)
{
	struct hpet_timer *h = (void *)((u8 *)t - __builtin_offsetof(struct hpet_timer, timer));
	struct hvm_platform *p = h->p;

	if (!alive(p->d))
		return;
	struct vhpet_irq irq = vhpet_expire(&p->hpet, h->n, now_ns());
	if (irq.raise)
		hpet_raise(p, h->n, &irq);
	arm(t, vhpet_next_expiry(&p->hpet, h->n, now_ns()));
}

/* Level GSIs whose status bit the guest cleared go down. */
static void hpet_lower_cleared(struct hvm_platform *p)
{
	for (u32 n = 0; n < VHPET_TIMERS; n++) {
		if (!(p->hpet_level & (1u << n)) || (p->hpet.isr & (1u << n)))
			continue;
		p->hpet_level &= (u8) ~(1u << n);
		gsi_put(p, p->hpet_gsi[n], 16);
	}
}

/* ---- ports and MMIO ---- */

static u32 pm_base(struct domain *d, bool timer)
{
	bool moved = d->hvm_params[HVM_PARAM_ACPI_IOPORTS_LOCATION] == 1;

	if (timer)
		return moved ? VPMT_TMR_V1 : VPMT_TMR_V0;
	return moved ? VPMT_EVT_V1 : VPMT_EVT_V0;
}

static bool pic_io(struct hvm_platform *p, u16 port, bool in, u32 *val)
{
	if (port >= 0x4d0) {
		if (in)
			*val = vpic_elcr_read(&p->pic, port & 1);
		else
			vpic_elcr_write(&p->pic, port & 1, (u8)*val);
	} else if (in) {
		*val = vpic_read(&p->pic, port);
	} else {
		vpic_write(&p->pic, port, (u8)*val);
	}
	if (vpic_intr(&p->pic) && p->d->vcpu[0])
		kick(p->d->vcpu[0]);
	return true;
}

static bool pit_io(struct hvm_platform *p, u16 port, bool in, u32 *val)
{
	u64 now = now_ns();

	if (port == 0x61) {
		if (in)
			*val = vpit_port61_read(&p->pit, now);
		else
			vpit_port61_write(&p->pit, (u8)*val, now);
		return true;
	}
	if (in) {
		*val = vpit_read(&p->pit, port, now);
		return true;
	}
	vpit_write(&p->pit, port, (u8)*val, now);
	if (port == 0x40 && p->pit.ch[0].load_ns == now)
		pit_rearm(p); /* channel 0 got a new count */
	return true;
}

static bool rtc_io(struct hvm_platform *p, u16 port, bool in, u32 *val)
{
	u64 now = now_ns();

	if (port == 0x70) {
		/* An index >= 14 (its write too) goes on to the device model, as on Xen. */
		if (!in)
			return vrtc_index_write(&p->rtc, (u8)*val);
		*val = 0xff;
		return vrtc_claims_data(&p->rtc);
	}
	if (!vrtc_claims_data(&p->rtc))
		return false;
	bool edge = vrtc_update(&p->rtc, now);
	if (in)
		*val = vrtc_data_read(&p->rtc, now);
	else {
		s64 before = p->rtc.offset;
		vrtc_data_write(&p->rtc, (u8)*val, now);
		ioreq_timeoffset(p->d, p->rtc.offset - before); /* as Xen, for the device model */
	}
	if ((vrtc_update(&p->rtc, now) || edge) && !hpet_legacy(p))
		isa_pulse(p, RTC_IRQ);
	rtc_rearm(p);
	return true;
}

static bool pm_io(struct hvm_platform *p, u16 port, u32 size, bool in, u32 *val)
{
	u64 now = now_ns();
	u32 tmr = pm_base(p->d, true);

	if (port >= tmr && port < tmr + 4) {
		/* Only 4-byte reads at the register; other accesses read all ones, as Xen. */
		if (in)
			*val = (port == tmr && size == 4) ? vpmtimer_count(&p->pm, now) : ~0u;
		return true;
	}
	u32 off = port - pm_base(p->d, false);
	if (in)
		*val = vpmtimer_evt_read(&p->pm, off, size, now);
	else
		vpmtimer_evt_write(&p->pm, off, size, *val, now);
	sci_update(p);
	return true;
}

/* One byte wide devices (PIC, PIT, RTC) refuse other sizes: reads all ones, writes dropped. */
struct port_range {
	u16 first, last;
	bool byte_only;
	bool (*io)(struct hvm_platform *p, u16 port, bool in, u32 *val);
};

static const struct port_range fixed_ports[] = {
    {0x20, 0x21, true, pic_io}, {0xa0, 0xa1, true, pic_io}, {0x4d0, 0x4d1, false, pic_io},
    {0x40, 0x43, true, pit_io}, {0x61, 0x61, true, pit_io}, {0x70, 0x71, true, rtc_io},
};

bool hvm_port_io(struct vcpu *v, u16 port, u32 size, bool in, u32 *val)
{
	struct hvm_platform *p = platform(v->dom);

	if (!p)
		return false;
	u32 evt = pm_base(v->dom, false), tmr = pm_base(v->dom, true);
	if ((port >= evt && port < evt + 4) || (port >= tmr && port < tmr + 4))
		return pm_io(p, port, size, in, val);
	for (u32 i = 0; i < ARRAY_SIZE(fixed_ports); i++) {
		const struct port_range *r = &fixed_ports[i];
		if (port < r->first || port > r->last)
			continue;
		if (r->byte_only && size != 1) {
			*val = ~0u;
			return true;
		}
		if (size != 1 && !in) { /* a 2-byte ELCR write: both registers */
			u32 lo = *val & 0xff, hi = (*val >> 8) & 0xff;
			return r->io(p, port, false, &lo) &&
			       (port == r->last || r->io(p, port + 1, false, &hi));
		}
		if (size != 1) {
			u32 lo = 0xff, hi = 0xff;
			r->io(p, port, true, &lo);
			if (port < r->last)
				r->io(p, port + 1, true, &hi);
			*val = lo | (hi << 8) | (size == 4 ? 0xffff0000u : 0);
			return true;
		}
		return r->io(p, port, in, val);
	}
	return false;
}

bool hvm_port_claims_string(struct vcpu *v, u16 port)
{
	struct hvm_platform *p = platform(v->dom);

	/* Port 0x70 (the index) and a CMOS RAM index go on to the device model. */
	if (!p || port == 0x70 || (port == 0x71 && !vrtc_claims_data(&p->rtc)))
		return false;
	for (u32 i = 0; i < ARRAY_SIZE(fixed_ports); i++)
		if (port >= fixed_ports[i].first && port <= fixed_ports[i].last)
			return true;
	u32 evt = pm_base(v->dom, false), tmr = pm_base(v->dom, true);
	return (port >= evt && port < evt + 4) || (port >= tmr && port < tmr + 4);
}

static bool in_ioapic(u64 gpa)
{
	return gpa >= VIOAPIC_BASE && gpa < VIOAPIC_BASE + VIOAPIC_SIZE;
}

static bool in_hpet(const struct hvm_platform *p, u64 gpa)
{
	return hpet_present(p) && gpa >= VHPET_BASE && gpa < VHPET_BASE + VHPET_SIZE;
}

bool hvm_mmio_claims(struct vcpu *v, u64 gpa)
{
	struct hvm_platform *p = platform(v->dom);

	return p && (in_ioapic(gpa) || in_hpet(p, gpa));
}

u64 hvm_mmio_read(struct vcpu *v, u64 gpa, u32 size)
{
	struct hvm_platform *p = platform(v->dom);

	if (in_ioapic(gpa))
		return vioapic_read(&p->ioapic, (u32)(gpa - VIOAPIC_BASE), size);
	return vhpet_read(&p->hpet, (u32)(gpa - VHPET_BASE), size, now_ns());
}

void hvm_mmio_write(struct vcpu *v, u64 gpa, u32 size, u64 val)
{
	struct hvm_platform *p = platform(v->dom);

	if (in_ioapic(gpa)) {
		vioapic_write(&p->ioapic, (u32)(gpa - VIOAPIC_BASE), size, (u32)val);
		return;
	}
	vhpet_write(&p->hpet, (u32)(gpa - VHPET_BASE), size, val, now_ns());
	hpet_lower_cleared(p);
	hpet_rearm(p);
}

/* ---- life ---- */

int hvm_platform_init(struct domain *d)
{
	struct hvm_platform *p = pages_alloc(PLATFORM_PAGES);
	u64 now = now_ns();

	if (!p)
		return -ENOMEM;
	memset(p, 0, sizeof(*p));
	p->d = d;
	vpic_reset(&p->pic);
	vioapic_reset(&p->ioapic);
	p->ioapic.deliver = ioapic_deliver;
	p->ioapic.ctx = p;
	vpit_reset(&p->pit, now);
	vrtc_reset(&p->rtc, pvclock_boot_wallclock(), 0); /* the wall clock of system time 0 */
	vpmtimer_reset(&p->pm, now);
	vhpet_reset(&p->hpet);
	for (u32 n = 0; n < VHPET_TIMERS; n++) {
		p->hpet_timer[n] = (struct hpet_timer){.p = p, .n = n};
		timer_init(&p->hpet_timer[n].timer, hpet_fired, this_cpu()->id);
	}
	timer_init(&p->pit_timer, pit_fired, this_cpu()->id);
	timer_init(&p->rtc_timer, rtc_fired, this_cpu()->id);
	timer_init(&p->pm_timer, pm_fired, this_cpu()->id);
	d->arch.hvm = p;
	return 0;
}

void hvm_platform_free(struct domain *d)
{
	struct hvm_platform *p = d->arch.hvm;

	if (!p)
		return;
	timer_stop(&p->pit_timer);
	timer_stop(&p->rtc_timer);
	timer_stop(&p->pm_timer);
	for (u32 n = 0; n < VHPET_TIMERS; n++)
		timer_stop(&p->hpet_timer[n].timer);
	pages_free(p, PLATFORM_PAGES);
	d->arch.hvm = NULL;
}
