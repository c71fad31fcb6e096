// SPDX-License-Identifier: MIT
/*
 * Keel's emulated platform devices, seen from an HVM domain (boot-module option
 * "hvm", no device model): PIT channel 0 ticks through the PIC as ExtINT (LVT0,
 * then IO-APIC pin 0) and through IO-APIC pin 2, counted against the PV clock;
 * PIT latches, read-back and channel 2 with port 0x61; the IO-APIC's version,
 * ID and redirection entries and a level-triggered remote IRR / EOI cycle (the
 * RTC's update interrupt on GSI 8); the RTC in BCD and binary against Keel's
 * wall clock, UIP, register C and CMOS indexes the device model would own; the
 * PM timer's rate and its move to 0xB008; ports and the HPET page nobody claims.
 * With "-- mode=dm" it is instead the HVM side of the dm_op interrupt test: a
 * privileged guest (platform_dm.c) raises its lines step by step. With
 * "-- mode=hpet" (module option "hpet") it checks the HPET: counter rate,
 * legacy replacement ticks in place of the PIT's, a level-triggered routed timer.
 */
#include "guest.h"
#include "platform_mailbox.h"
#include "xen.h"

const char test_name[] = "platform";

#define LAPIC	    0xfee00000UL
#define LAPIC_EOI   0xb0
#define LAPIC_SVR   0xf0
#define LAPIC_TMR   0x180
#define LAPIC_LVT0  0x350
#define IOAPIC	    0xfec00000UL
#define HPET	    0xfed00000UL
#define RTE_LO(pin) (0x10 + 2 * (pin))
#define RTE_HI(pin) (0x11 + 2 * (pin))
#define MASKED	    (1u << 16)
#define LEVEL	    (1u << 15)
#define REMOTE_IRR  (1u << 14)
#define EXTINT	    (7u << 8)

#define VEC_PIC	   0x20 /* master base: IRQ 0 */
#define VEC_SLAVE  0x28
#define VEC_IOAPIC 0x40
#define VEC_RTC	   0x48
#define PIT_1KHZ   1193
#define MS	   1000000ULL

static inline void mmio_write(unsigned long a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static inline uint32_t mmio_read(unsigned long a)
{
	return *(volatile uint32_t *)a;
}

static uint32_t ioapic_read(uint32_t reg)
{
	mmio_write(IOAPIC, reg);
	return mmio_read(IOAPIC + 0x10);
}

static void ioapic_write(uint32_t reg, uint32_t val)
{
	mmio_write(IOAPIC, reg);
	mmio_write(IOAPIC + 0x10, val);
}

static volatile unsigned ticks, rtc_hits;
static volatile uint64_t first_ns, last_ns;
static volatile uint32_t rte8_in_handler, tmr_in_handler;

/* Tick 0 may be one left pending from before: the rate is timed from tick 1. */
static void stamp(void)
{
	uint64_t t = xen_now_ns();

	if (ticks == 1)
		first_ns = t;
	last_ns = t;
	ticks++;
}

static void on_pic_tick(int v)
{
	(void)v;
	stamp();
	outb(0x20, 0x20); /* non-specific EOI */
}

static void on_ioapic_tick(int v)
{
	(void)v;
	stamp();
	mmio_write(LAPIC + LAPIC_EOI, 0);
}

/* The RTC's interrupt as a level-triggered IO-APIC entry: its line stays up (register C unread). */
static void on_rtc_level(int v)
{
	(void)v;
	rte8_in_handler = ioapic_read(RTE_LO(8));
	tmr_in_handler = mmio_read(LAPIC + LAPIC_TMR + (VEC_RTC / 32) * 0x10);
	ioapic_write(RTE_LO(8), LEVEL | MASKED | VEC_RTC);
	mmio_write(LAPIC + LAPIC_EOI, 0); /* broadcast to the IO-APIC: remote IRR drops */
	rtc_hits++;
}

/* Counts n ticks with interrupts on; checks 1 kHz against the PV clock (TSC) within 2 %. */
static void count_ticks(const char *path, unsigned n)
{
	uint64_t end = xen_now_ns() + 2000 * MS;

	ticks = 0;
	while (ticks < n && xen_now_ns() < end)
		sti_hlt();
	asm volatile("cli");
	CHECK(ticks >= n);
	if (ticks < 3)
		return;
	uint64_t hz = (uint64_t)(ticks - 2) * 1000000000ULL / (last_ns - first_ns);
	gprintf("%s: %u ticks at %lu Hz\n", path, ticks, (unsigned long)hz);
	CHECK(hz >= 980 && hz <= 1020);
}

static void pic_init(void)
{
	outb(0x20, 0x11); /* ICW1: edge, cascade, ICW4 */
	outb(0x21, VEC_PIC);
	outb(0x21, 0x04); /* slave on IRQ 2 */
	outb(0x21, 0x01);
	outb(0xa0, 0x11);
	outb(0xa1, VEC_SLAVE);
	outb(0xa1, 0x02);
	outb(0xa1, 0x01);
	outb(0x21, 0xfe); /* only IRQ 0 */
	outb(0xa1, 0xff);
	CHECK_EQ(inb(0x21), 0xfe);
	CHECK_EQ(inb(0xa1), 0xff);
	/* ELCR: what hvmloader writes, back without the always-edge lines. */
	outb(0x4d0, 0x20);
	outb(0x4d1, 0x0c);
	CHECK_EQ(inb(0x4d0), 0x20);
	CHECK_EQ(inb(0x4d1), 0x0c);
	outb(0x4d0, 0x00);
	outb(0x4d1, 0x00);
}

static void pit(void)
{
	outb(0x43, 0x34); /* channel 0, LSB/MSB, mode 2 */
	outb(0x40, PIT_1KHZ & 0xff);
	outb(0x40, PIT_1KHZ >> 8);
	outb(0x43, 0x00); /* latch channel 0 */
	unsigned lo = inb(0x40), c = lo | (unsigned)inb(0x40) << 8;
	CHECK(c >= 1 && c <= PIT_1KHZ);
	outb(0x43, 0xe2); /* read-back: status of channel 0 */
	CHECK_EQ(inb(0x40) & 0x3f, 0x34);

	/* Channel 2 through port 0x61: mode 0, 10 ms; OUT2 (bit 5) rises when it runs out. */
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);
	outb(0x42, 11932 & 0xff);
	outb(0x42, 11932 >> 8);
	uint64_t t0 = xen_now_ns();
	CHECK_EQ(inb(0x61) & 0x21, 0x01);
	while (!(inb(0x61) & 0x20) && xen_now_ns() - t0 < 200 * MS)
		;
	uint64_t dt = xen_now_ns() - t0;
	CHECK(inb(0x61) & 0x20);
	CHECK(dt >= 9 * MS && dt < 20 * MS);
	outb(0x61, inb(0x61) & ~0x01);
}

static void ioapic_registers(void)
{
	CHECK_EQ(ioapic_read(0x01), 0x002f0011); /* 48 pins, version 0x11 */
	ioapic_write(0x00, 1u << 24);		 /* the ID hvmloader gives it */
	CHECK_EQ(ioapic_read(0x00), 1u << 24);
	for (unsigned pin = 0; pin < 48; pin++)
		CHECK_EQ(ioapic_read(RTE_LO(pin)), MASKED);
	ioapic_write(RTE_HI(47), 0xff000000);
	ioapic_write(RTE_LO(47), 0xffffffff);
	CHECK_EQ(ioapic_read(RTE_LO(47)), 0x1afff); /* no remote IRR, no delivery status */
	CHECK_EQ(ioapic_read(RTE_HI(47)), 0xff000000);
	ioapic_write(RTE_LO(47), MASKED);
	ioapic_write(RTE_HI(47), 0);
}

static uint8_t samples[16384];

static unsigned bcd(uint8_t v)
{
	CHECK((v & 0xf) <= 9 && (v >> 4) <= 9);
	return (v >> 4) * 10 + (v & 0xf);
}

static void rtc(void)
{
	CHECK_EQ(cmos_read(0x0d), 0x80);
	CHECK_EQ(cmos_read(0x0b), 0x02); /* BCD, 24 h */
	CHECK_EQ(cmos_read(0x0f), 0xff); /* CMOS RAM: the device model's; there is none */
	CHECK_EQ(cmos_read(0x8d), 0x80); /* bit 7 of the index is the NMI mask */

	/*
	 * UIP is up for the 244 us before each update: too short to catch with one exit per
	 * poll in an emulator. Releasing the divider puts the next update 500 ms later; from
	 * just before it, REP INSB samples register A element by element in one exit.
	 */
	cmos_write(0x0a, 0x66); /* divider held: the clock stops */
	unsigned held = bcd(cmos_read(0x00));
	CHECK_EQ(cmos_read(0x0a), 0x66);
	cmos_write(0x0a, 0x26);
	uint64_t released = xen_now_ns();
	CHECK_EQ(bcd(cmos_read(0x00)), held);
	while (xen_now_ns() - released < 495 * MS)
		;
	outb(0x70, 0x0a);
	uint64_t rdi = (uint64_t)samples, rcx = sizeof(samples);
	asm volatile("cld; rep insb" : "+D"(rdi), "+c"(rcx) : "d"(0x71) : "memory");
	unsigned first_uip = 0, last_uip = 0;
	for (unsigned i = 0; i < sizeof(samples); i++) {
		CHECK_EQ(samples[i] & 0x7f, 0x26);
		if (samples[i] & 0x80) {
			if (!first_uip)
				first_uip = i + 1;
			last_uip = i + 1;
		}
	}
	gprintf("rtc: UIP in samples %u-%u of %u\n", first_uip, last_uip,
		(unsigned)sizeof(samples));
	CHECK(first_uip && last_uip < sizeof(samples)); /* up, then down again */
	/* The clock went on from where it was held (the sampling itself takes a while). */
	unsigned moved = (bcd(cmos_read(0x00)) + 60 - held) % 60;
	CHECK(moved >= 1 && moved < 10);

	/* BCD time against Keel's wall clock (shared info). */
	uint64_t now = shared->wc_sec + xen_now_ns() / 1000000000ULL;
	unsigned min = bcd(cmos_read(0x02)), hour = bcd(cmos_read(0x04));
	unsigned mon = bcd(cmos_read(0x08)), mday = bcd(cmos_read(0x07));
	CHECK(min == (now / 60) % 60 || min == (now / 60 + 1) % 60);
	CHECK_EQ(hour, (now / 3600) % 24);
	CHECK(mon >= 1 && mon <= 12 && mday >= 1 && mday <= 31);
	gprintf("rtc: 20%02x-%02x-%02x %02x:%02x:%02x\n", cmos_read(0x09), cmos_read(0x08),
		cmos_read(0x07), cmos_read(0x04), cmos_read(0x02), cmos_read(0x00));
	/* Binary mode. */
	cmos_write(0x0b, 0x06);
	CHECK_EQ(cmos_read(0x04), hour);
	cmos_write(0x0b, 0x02);
}

/* The RTC's update interrupt, level-triggered through IO-APIC pin 8. */
static void level_cycle(void)
{
	set_irq_handler(VEC_RTC, on_rtc_level);
	(void)cmos_read(0x0c);
	ioapic_write(RTE_HI(8), 0);
	ioapic_write(RTE_LO(8), LEVEL | VEC_RTC);
	cmos_write(0x0b, 0x12); /* UIE */
	uint64_t end = xen_now_ns() + 2500 * MS;
	while (!rtc_hits && xen_now_ns() < end)
		sti_hlt();
	asm volatile("cli");
	CHECK_EQ(rtc_hits, 1);
	CHECK(rte8_in_handler & REMOTE_IRR);
	CHECK(tmr_in_handler & (1u << (VEC_RTC % 32)));
	CHECK_EQ(ioapic_read(RTE_LO(8)), LEVEL | MASKED | VEC_RTC); /* EOI cleared remote IRR */
	/* The line is still up (register C unread): unmasking delivers again at once. */
	ioapic_write(RTE_LO(8), LEVEL | VEC_RTC);
	asm volatile("sti; nop; nop; cli");
	CHECK_EQ(rtc_hits, 2);
	CHECK_EQ(cmos_read(0x0c) & 0x90, 0x90); /* IRQF and UF, then cleared */
	CHECK_EQ(cmos_read(0x0c) & 0x80, 0);
	cmos_write(0x0b, 0x02);
}

static void pm_timer(void)
{
	uint32_t prev = inl(0x1f48);

	for (unsigned i = 0; i < 200; i++) {
		uint32_t c = inl(0x1f48);
		CHECK(c >= prev);
		prev = c;
	}
	uint64_t t0 = xen_now_ns();
	uint32_t c0 = inl(0x1f48);
	while (xen_now_ns() - t0 < 50 * MS)
		;
	uint32_t c1 = inl(0x1f48);
	uint64_t t1 = xen_now_ns();
	uint64_t hz = (uint64_t)(c1 - c0) * 1000000000ULL / (t1 - t0);
	gprintf("pm timer: %lu Hz\n", (unsigned long)hz);
	CHECK(hz > 3579545 * 98 / 100 && hz < 3579545 * 102 / 100);
	CHECK_EQ(inw(0x1f48), 0xffff); /* 4-byte reads only */

	/* hvmloader's move: the timer to 0xB008, the event block to 0xB000. */
	struct xen_hvm_param p = {DOMID_SELF, 0, HVM_PARAM_ACPI_IOPORTS_LOCATION, 1};
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_hvm_op, HVMOP_set_param, &p), 0);
	p.value = 2;
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_hvm_op, HVMOP_set_param, &p), -22);
	CHECK_EQ(inl(0x1f48), 0xffffffff);
	uint32_t b0 = inl(0xb008);
	CHECK(inl(0xb008) >= b0);
	CHECK_EQ(inw(0xb002), 0); /* PM1a enable */
	outw(0xb002, 0x0001);
	CHECK_EQ(inw(0xb002), 0x0001);
	outw(0xb002, 0);
}

static void unclaimed(void)
{
	CHECK_EQ(inb(0x5f), 0xff); /* hvmloader's REP INSB test port */
	CHECK_EQ(inw(0x80), 0xffff);
	CHECK_EQ(inl(0x6000), 0xffffffff);
	CHECK_EQ(inw(0x40), 0xffff);	       /* the PIT is byte-wide */
	CHECK_EQ(mmio_read(HPET), 0xffffffff); /* no HPET (HPET_ENABLED 0) */
}

/* ---- driven by a device model (mode=dm) ---- */

static volatile unsigned hits[256];
static volatile uint32_t rte_seen[48];

/* Vector -> GSI of the level entries below. */
static unsigned gsi_of(int v)
{
	return v == VEC_ISA5 ? 5 : v == VEC_INTX ? 28 : 10;
}

/* A level entry: note remote IRR, mask it (the line may stay up), EOI. */
static void on_level(int v)
{
	unsigned gsi = gsi_of(v);

	rte_seen[gsi] = ioapic_read(RTE_LO(gsi));
	ioapic_write(RTE_LO(gsi), MASKED | LEVEL | (uint32_t)v);
	mmio_write(LAPIC + LAPIC_EOI, 0);
	hits[v]++;
}

static void on_edge(int v)
{
	hits[v]++;
	if (v >= VEC_PIC && v < VEC_PIC + 8)
		outb(0x20, 0x20);
	else
		mmio_write(LAPIC + LAPIC_EOI, 0);
}

static struct mailbox *const mb = (struct mailbox *)(MAILBOX_GFN << 12);

static void ask(uint32_t n)
{
	uint64_t end = xen_now_ns() + 20000 * MS;

	mb->req = n;
	while (mb->ack != n && xen_now_ns() < end)
		HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
	CHECK_EQ(mb->ack, n);
}

/* Interrupts on for a while (yielding, so the device model runs too). */
static void open_window(uint64_t ns)
{
	uint64_t end = xen_now_ns() + ns;

	while (xen_now_ns() < end) {
		asm volatile("sti; nop; cli");
		HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
	}
	asm volatile("sti; nop; cli");
}

static bool driven_by_dm(void)
{
	mmio_write(LAPIC + LAPIC_SVR, 0x1ff);
	set_irq_handler(VEC_ISA5, on_level);
	set_irq_handler(VEC_INTX, on_level);
	set_irq_handler(VEC_LINK, on_level);
	set_irq_handler(VEC_MSI, on_edge);
	set_irq_handler(VEC_PIC + 4, on_edge);
	mb->ack = 0;
	mb->req = 0;
	mb->magic = MAILBOX_MAGIC;

	/* ISA IRQ 5, level: remote IRR while in service, delivered again while asserted. */
	ioapic_write(RTE_LO(5), LEVEL | VEC_ISA5);
	ask(STEP_ISA5_UP);
	open_window(5 * MS);
	CHECK_EQ(hits[VEC_ISA5], 1);
	CHECK(rte_seen[5] & REMOTE_IRR);
	CHECK_EQ(ioapic_read(RTE_LO(5)), MASKED | LEVEL | VEC_ISA5);
	ioapic_write(RTE_LO(5), LEVEL | VEC_ISA5);
	open_window(5 * MS);
	CHECK_EQ(hits[VEC_ISA5], 2);
	ask(STEP_ISA5_DOWN);
	ioapic_write(RTE_LO(5), LEVEL | VEC_ISA5);
	open_window(5 * MS);
	CHECK_EQ(hits[VEC_ISA5], 2); /* lowered: nothing more */

	/* PCI device 3 INTA: its GSI 28 and, through link 3, ISA IRQ 10. */
	ioapic_write(RTE_LO(28), LEVEL | VEC_INTX);
	ioapic_write(RTE_LO(10), LEVEL | VEC_LINK);
	ask(STEP_INTX_UP);
	open_window(5 * MS);
	CHECK_EQ(hits[VEC_INTX], 1);
	CHECK_EQ(hits[VEC_LINK], 1);
	ask(STEP_INTX_DOWN);
	ioapic_write(RTE_LO(28), LEVEL | VEC_INTX);
	ioapic_write(RTE_LO(10), LEVEL | VEC_LINK);
	open_window(5 * MS);
	CHECK_EQ(hits[VEC_INTX], 1);
	CHECK_EQ(hits[VEC_LINK], 1);
	ioapic_write(RTE_LO(28), MASKED);
	ioapic_write(RTE_LO(10), MASKED);

	/* An MSI (and the device model's refused ones: nothing else arrives). */
	ask(STEP_MSI);
	open_window(5 * MS);
	CHECK_EQ(hits[VEC_MSI], 1);
	CHECK_EQ(hits[0x41], 0);

	/* ISA IRQ 4 through the PIC as ExtINT. */
	pic_init();
	outb(0x21, 0xef);
	mmio_write(LAPIC + LAPIC_LVT0, EXTINT);
	ask(STEP_ISA4_UP);
	open_window(5 * MS);
	CHECK_EQ(hits[VEC_PIC + 4], 1); /* edge (ELCR): once, though the line stays up */
	ask(STEP_ISA4_DOWN);
	gprintf("dm interrupts: isa %u, intx %u, link %u, msi %u, pic %u\n", hits[VEC_ISA5],
		hits[VEC_INTX], hits[VEC_LINK], hits[VEC_MSI], hits[VEC_PIC + 4]);
	return true;
}

/* ---- the HPET (mode=hpet) ---- */

#define HPET_CONF    0x010
#define HPET_ISR     0x020
#define HPET_COUNTER 0x0f0
#define HPET_CFG(n)  (0x100 + 0x20 * (n))
#define HPET_CMP(n)  (0x108 + 0x20 * (n))
#define VEC_HPET     0x70

static volatile uint32_t hpet_isr_in_handler;

static void on_hpet_level(int v)
{
	(void)v;
	hpet_isr_in_handler = mmio_read(HPET + HPET_ISR);
	mmio_write(HPET + HPET_ISR, 1u << 2); /* clear the status: the line goes down */
	mmio_write(LAPIC + LAPIC_EOI, 0);
	hits[VEC_HPET]++;
}

static bool hpet(void)
{
	CHECK_EQ(mmio_read(HPET), 0x8086a201);
	CHECK_EQ(mmio_read(HPET + 4), 16000000); /* fs: 62.5 MHz */
	mmio_write(HPET + HPET_CONF, 1);
	uint64_t t0 = xen_now_ns();
	uint32_t c0 = mmio_read(HPET + HPET_COUNTER);
	while (xen_now_ns() - t0 < 50 * MS)
		;
	uint32_t c1 = mmio_read(HPET + HPET_COUNTER);
	uint64_t hz = (uint64_t)(c1 - c0) * 1000000000ULL / (xen_now_ns() - t0);
	gprintf("hpet: counter at %lu Hz\n", (unsigned long)hz);
	CHECK(hz > 62500000ULL * 98 / 100 && hz < 62500000ULL * 102 / 100);

	/*
	 * Legacy replacement: timer 0 periodic at 1 kHz is ISA IRQ 0, and the PIT, also at
	 * 1 kHz, no longer reaches it (else the rate would double).
	 */
	mmio_write(LAPIC + LAPIC_SVR, 0x1ff);
	pic_init();
	set_irq_handler(VEC_PIC, on_pic_tick);
	outb(0x43, 0x34);
	outb(0x40, PIT_1KHZ & 0xff);
	outb(0x40, PIT_1KHZ >> 8);
	mmio_write(HPET + HPET_CFG(0), (1u << 2) | (1u << 3) | (1u << 6) | (1u << 8));
	mmio_write(HPET + HPET_CMP(0), mmio_read(HPET + HPET_COUNTER) + 62500);
	mmio_write(HPET + HPET_CMP(0), 62500);
	mmio_write(HPET + HPET_CONF, 3);
	mmio_write(LAPIC + LAPIC_LVT0, EXTINT);
	count_ticks("hpet legacy timer 0", 50);
	mmio_write(HPET + HPET_CONF, 1);
	mmio_write(HPET + HPET_CFG(0), 0);
	outb(0x21, 0xff);

	/* Timer 2, one-shot, level-triggered to GSI 20: the status bit holds the line. */
	set_irq_handler(VEC_HPET, on_hpet_level);
	ioapic_write(RTE_LO(20), LEVEL | VEC_HPET);
	mmio_write(HPET + HPET_CFG(2), (1u << 1) | (1u << 2) | (20u << 9));
	mmio_write(HPET + HPET_CMP(2), mmio_read(HPET + HPET_COUNTER) + 62500);
	mmio_write(HPET + HPET_CMP(2) + 4, 0);
	uint64_t end = xen_now_ns() + 500 * MS;
	while (!hits[VEC_HPET] && xen_now_ns() < end)
		sti_hlt();
	asm volatile("sti; nop; nop; cli");
	CHECK_EQ(hits[VEC_HPET], 1); /* status cleared before the EOI: not again */
	CHECK(hpet_isr_in_handler & (1u << 2));
	CHECK_EQ(mmio_read(HPET + HPET_ISR), 0);
	CHECK_EQ(ioapic_read(RTE_LO(20)) & REMOTE_IRR, 0);
	mmio_write(HPET + HPET_CONF, 0);
	return true;
}

bool test_main(const struct hvm_start_info *si)
{
	CHECK_EQ(xen_map_shared_info(), 0);
	if (cmdline_has(guest_cmdline(si), "mode", "dm"))
		return driven_by_dm();
	if (cmdline_has(guest_cmdline(si), "mode", "hpet"))
		return hpet();
	unclaimed();
	ioapic_registers();
	mmio_write(LAPIC + LAPIC_SVR, 0x1ff);
	pic_init();
	set_irq_handler(VEC_PIC, on_pic_tick);
	set_irq_handler(VEC_IOAPIC, on_ioapic_tick);
	pit();

	/* PIC -> LVT0 (ExtINT, unmasked). */
	mmio_write(LAPIC + LAPIC_LVT0, EXTINT);
	count_ticks("pic via lvt0", 50);
	/* PIC -> IO-APIC pin 0 (ExtINT to APIC 0), LVT0 masked: hvmloader's set-up. */
	mmio_write(LAPIC + LAPIC_LVT0, MASKED | EXTINT);
	ioapic_write(RTE_LO(0), EXTINT);
	count_ticks("pic via ioapic pin 0", 20);
	ioapic_write(RTE_LO(0), MASKED | EXTINT);
	/* IO-APIC pin 2 (ISA IRQ 0), the PIC masked. */
	outb(0x21, 0xff);
	ioapic_write(RTE_LO(2), VEC_IOAPIC);
	count_ticks("ioapic pin 2", 50);
	ioapic_write(RTE_LO(2), MASKED | VEC_IOAPIC);
	outb(0x43, 0x30); /* channel 0 to a one-shot (mode 0): its timer stops */
	outb(0x40, 0);
	outb(0x40, 0);

	rtc();
	level_cycle();
	pm_timer();
	return true;
}
