// SPDX-License-Identifier: MIT
/*
 * Hypervisor exceptions. Any exception in the hypervisor itself is a bug: dump
 * the state on the console and halt, so a fault never turns into a silent
 * triple fault and reboot loop.
 */
#include <arch/x86/traps.h>
#include <arch/x86/apic.h>
#include <arch/x86/smp.h>
#include <arch/x86/cpu.h>
#include <arch/x86/boot_defs.h>
#include <arch/x86/legacy_irq.h>
#include <arch/x86/irq_route.h>
#include <keel/printk.h>

struct idt_entry {
	u16 off_lo;
	u16 sel;
	u8 ist;
	u8 type;
	u16 off_mid;
	u32 off_hi;
	u32 zero;
} __packed;

static struct idt_entry idt[256] __aligned(16);
extern const u64 isr_table[32];
extern void isr_irq_base(void);

#define IRQ_STUB_SIZE	      16
#define EXTERNAL_ON_EXCEPTION 256 /* exception_stubs.inc: vector + 256, no error code */

/* Vectors whose exceptions push an error code: entered on IST1 (see exception_stubs.inc). */
static const u64 ERROR_CODE_VECTORS = BIT(8) | BIT(10) | BIT(11) | BIT(12) | BIT(13) | BIT(14) |
				      BIT(17) | BIT(21) | BIT(29) | BIT(30);
/*
 * Vectors an Intel CPU never raises in Keel's root mode (9: coprocessor overrun
 * is pre-486; 15, 22-27, 31 reserved; 20 #VE needs EPT in the host; 28 is
 * AMD's): whatever arrives there is an interrupt.
 */
static const u64 NEVER_RAISED = BIT(9) | BIT(15) | BIT(20) | BIT(22) | BIT(23) | BIT(24) | BIT(25) |
				BIT(26) | BIT(27) | BIT(28) | BIT(31);

static const char *const names[32] = {
    "#DE divide error",
    "#DB debug",
    "NMI",
    "#BP breakpoint",
    "#OF overflow",
    "#BR bound range",
    "#UD invalid opcode",
    "#NM no FPU",
    "#DF double fault",
    "coprocessor overrun",
    "#TS invalid TSS",
    "#NP segment not present",
    "#SS stack fault",
    "#GP general protection",
    "#PF page fault",
    "reserved",
    "#MF x87 error",
    "#AC alignment check",
    "#MC machine check",
    "#XM SIMD error",
    "#VE virtualization",
    "#CP control protection",
};

static void set_gate(u32 vec, u64 a)
{
	idt[vec] = (struct idt_entry){
	    .off_lo = (u16)a,
	    .sel = GDT_CS64,
	    .ist = (vec < 32 && (ERROR_CODE_VECTORS & BIT(vec))) ? 1 : 0,
	    .type = 0x8e, /* present, DPL 0, 64-bit interrupt gate */
	    .off_mid = (u16)(a >> 16),
	    .off_hi = (u32)(a >> 32),
	};
}

bool host_interrupt(u64 vector)
{
	if (vector == HOST_SPURIOUS_VECTOR)
		return false; /* never in service: no EOI */
	if (vector == HOST_TIMER_VECTOR || vector == HOST_IPI_VECTOR) {
		apic_eoi();
		return true;
	}
	if (irq_route_deliver((u32)vector))
		return false; /* dom0's device */
	stray_irq(vector);
	return false;
}

/* Through the IDT: only while the hypervisor idles (sti; hlt). */
void idle_interrupt(u64 vector)
{
	if (host_interrupt(vector))
		smp_service_requests();
}

void traps_load(void)
{
	struct {
		u16 limit;
		u64 base;
	} __packed idtr = {sizeof(idt) - 1, (u64)(uintptr_t)idt};

	asm volatile("lidt %0" ::"m"(idtr));
}

void traps_init(void)
{
	for (int i = 0; i < 32; i++)
		set_gate(i, isr_table[i]);
	for (u32 v = 32; v < 256; v++)
		set_gate(v, (u64)(uintptr_t)isr_irq_base + IRQ_STUB_SIZE * (v - 32));
	traps_load();
}

static u64 stray_total;
static u64 stray_seen[4]; /* one line per vector, the first time */

void stray_irq(u64 vector)
{
	if (apic_isr_test((u32)vector))
		apic_eoi();
	stray_total++;
	if (vector < 256 && !(stray_seen[vector >> 6] & (1ULL << (vector & 63)))) {
		stray_seen[vector >> 6] |= 1ULL << (vector & 63);
		printk("keel: stray interrupt on vector %lu ignored\n", vector);
	}
}

u64 stray_irq_count(void)
{
	return stray_total;
}

/*
 * An external interrupt that arrived on an exception vector: the stub said so
 * (no error code where one belongs), the vector is one the CPU never raises
 * here, or the local APIC has it in service.
 */
static bool is_external(struct trap_frame *f)
{
	if (f->vector >= EXTERNAL_ON_EXCEPTION) {
		f->vector -= EXTERNAL_ON_EXCEPTION;
		return true;
	}
	if (NEVER_RAISED & BIT(f->vector))
		return true;
	return f->vector >= 16 && !(ERROR_CODE_VECTORS & BIT(f->vector)) && f->vector != 18 &&
	       apic_isr_test((u32)f->vector);
}

void trap_handler(struct trap_frame *f)
{
	if (is_external(f)) {
		stray_irq(f->vector);
		return;
	}
	const char *name = f->vector < 32 && names[f->vector] ? names[f->vector] : "exception";

	printk("keel: hypervisor exception %lu (%s), error code 0x%lx\n", f->vector, name,
	       f->error_code);
	printk("  rip %016lx cs %04lx rflags %016lx rsp %016lx cr2 %016lx\n", f->rip, f->cs,
	       f->rflags, f->rsp, read_cr2());
	printk("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
	printk("  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", f->rsi, f->rdi, f->rbp, f->r8);
	printk("  r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", f->r9, f->r10, f->r11, f->r12);
	printk("  r13 %016lx r14 %016lx r15 %016lx\n", f->r13, f->r14, f->r15);
	panic("unexpected exception in the hypervisor");
}
