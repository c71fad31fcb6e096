// SPDX-License-Identifier: MIT
/*
 * A two-vCPU guest: vCPU 0 starts vCPU 1 with INIT and SIPI (real mode at
 * 0x8000), then both exchange fixed IPIs through the x2APIC ICR; vCPU 1
 * checks its own identity (x2APIC ID, CPUID leaves 1, 0xB and 0x40000004).
 */
#include "guest.h"

const char test_name[] = "smp";

#define AP_TRAMPOLINE 0x8000
#define VEC_TO_AP     0x60
#define VEC_TO_BSP    0x61

extern uint8_t ap_trampoline_start[], ap_trampoline_end[];
extern uint64_t ap_tramp_cr3, ap_tramp_stack, ap_tramp_entry;

static uint8_t ap_stack[16384] __attribute__((aligned(16)));
static volatile uint32_t ap_alive, ap_apic_id, ap_cpuid_apic, ap_topo_id, ap_xen_vcpu;
static volatile uint32_t ap_ipis, bsp_ipis;

static void x2apic_eoi(void)
{
	wrmsr(0x80b, 0);
}
static void on_ap_ipi(int v)
{
	(void)v;
	ap_ipis++;
	x2apic_eoi();
}
static void on_bsp_ipi(int v)
{
	(void)v;
	bsp_ipis++;
	x2apic_eoi();
}

static void send_ipi(uint32_t dest, uint32_t lo)
{
	wrmsr(0x830, ((uint64_t)dest << 32) | lo);
}

void guest_load_idt(void);

static void ap_main(void)
{
	uint32_t r[4];

	guest_load_idt();
	x2apic_enable();
	wrmsr(0x80f, 0x1ff); /* enable this vCPU's APIC */
	ap_apic_id = (uint32_t)rdmsr(0x802);
	cpuid(1, 0, r);
	ap_cpuid_apic = r[1] >> 24;
	cpuid(0xb, 0, r);
	ap_topo_id = r[3];
	cpuid(0x40000004, 0, r);
	ap_xen_vcpu = r[1];
	__atomic_store_n(&ap_alive, 1, __ATOMIC_SEQ_CST);
	/* Wait for the BSP's IPI, answer it, then go offline. */
	uint64_t end = rdtsc() + 50000000;
	while (!ap_ipis && rdtsc() < end)
		sti_hlt();
	send_ipi(0, VEC_TO_BSP);
	for (;;)
		asm volatile("cli; hlt");
}

bool test_main(const struct hvm_start_info *si)
{
	(void)si;
	set_irq_handler(VEC_TO_AP, on_ap_ipi);
	set_irq_handler(VEC_TO_BSP, on_bsp_ipi);
	x2apic_enable();
	wrmsr(0x80f, 0x1ff);

	uint8_t *dst = (uint8_t *)AP_TRAMPOLINE;
	memcpy(dst, ap_trampoline_start, (size_t)(ap_trampoline_end - ap_trampoline_start));
	uint64_t cr3;
	asm volatile("mov %%cr3, %0" : "=r"(cr3));
	/* The copies of the data words in the trampoline page. */
	uint64_t off_cr3 = (uint64_t)((uint8_t *)&ap_tramp_cr3 - ap_trampoline_start);
	uint64_t off_stack = (uint64_t)((uint8_t *)&ap_tramp_stack - ap_trampoline_start);
	uint64_t off_entry = (uint64_t)((uint8_t *)&ap_tramp_entry - ap_trampoline_start);
	*(uint64_t *)(dst + off_cr3) = cr3;
	*(uint64_t *)(dst + off_stack) = (uint64_t)(ap_stack + sizeof(ap_stack));
	*(uint64_t *)(dst + off_entry) = (uint64_t)ap_main;

	/* INIT, then SIPI: vCPU 1 starts in real mode at 0800:0000. */
	send_ipi(1, 0x4500);			     /* INIT, assert */
	send_ipi(1, 0x4600 | (AP_TRAMPOLINE >> 12)); /* SIPI, vector 0x08 */

	uint64_t end = rdtsc() + 50000000;
	while (!__atomic_load_n(&ap_alive, __ATOMIC_SEQ_CST) && rdtsc() < end)
		asm volatile("pause");
	CHECK_EQ(ap_alive, 1);
	CHECK_EQ(ap_apic_id, 1);
	CHECK_EQ(ap_cpuid_apic, 1);
	CHECK_EQ(ap_topo_id, 1);
	CHECK_EQ(ap_xen_vcpu, 1);

	send_ipi(1, VEC_TO_AP);
	end = rdtsc() + 50000000;
	while (!bsp_ipis && rdtsc() < end)
		sti_hlt();
	CHECK_EQ(ap_ipis, 1);
	CHECK_EQ(bsp_ipis, 1);
	gprintf("AP started by INIT/SIPI and exchanged IPIs\n");
	return true;
}
