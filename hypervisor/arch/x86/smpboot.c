// SPDX-License-Identifier: MIT
/*
 * Host SMP: APs found in the ACPI MADT are started with INIT-SIPI-SIPI
 * through a real-mode trampoline, enter VMX root operation, and run the
 * scheduler loop on their own run queue. Cross-CPU requests are IPIs.
 */
#include <arch/x86/smp.h>
#include <arch/x86/apic.h>
#include <arch/x86/boot_defs.h>
#include <arch/x86/cpu.h>
#include <arch/x86/percpu.h>
#include <arch/x86/traps.h>
#include <arch/x86/vmcs.h>
#include <arch/x86/vmx.h>
#include <arch/x86/xsave.h>
#include <keel/acpi.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/spinlock.h>
#include <keel/string.h>
#include <keel/timer.h>

extern u8 ap_trampoline_start[], ap_trampoline_end[];
extern u64 ap_boot_cr3, ap_boot_stack, ap_boot_entry;

static volatile u32 booting_cpu;
static volatile bool ap_up;
static volatile u64 flush_eptp[MAX_PCPUS];

static int read_phys(void *ctx, u64 pa, void *out, u32 len)
{
	(void)ctx;
	if (pa + len > (4ULL << 30))
		return -1; /* only the identity-mapped 4 GiB */
	memcpy(out, phys_to_virt(pa), len);
	return 0;
}

static void delay_us(u64 us)
{
	u64 end = rdtsc() + tsc_khz * us / 1000;

	while (rdtsc() < end)
		cpu_relax();
}

static __noreturn void ap_start64(void)
{
	u32 id = booting_cpu;
	struct vmx_raw raw;
	struct vmx_caps caps;
	const char *why;

	percpu_init(id);
	traps_load();
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	xsave_init_cpu();
	apic_init();
	percpus[id].apic_id = apic_id();
	vmx_read_raw(&raw);
	if (vmx_caps_decode(&raw, &caps, &why) || vmx_on(&raw, &caps)) {
		printk("keel: CPU %u: VT-x unusable (%s); parked\n", id,
		       why ? why : "VMXON failed");
		ap_up = true;
		cpu_halt_forever();
	}
	percpus[id].online = true;
	__atomic_store_n(&ap_up, true, __ATOMIC_SEQ_CST);
	sched_run();
}

static void send_icr(u32 dest, u32 lo)
{
	wrmsr(0x830, ((u64)dest << 32) | lo);
}

u32 smp_boot_aps(u64 rsdp, u32 max)
{
	struct acpi_cpus cpus;
	const char *why;
	u32 self = apic_id();

	percpus[0].apic_id = self;
	percpus[0].online = true;
	if (!rsdp || acpi_find_cpus(rsdp, read_phys, NULL, &cpus, &why)) {
		printk("keel: SMP: %s; running on the boot CPU only\n",
		       rsdp ? why : "no ACPI RSDP");
		return 1;
	}
	memcpy(phys_to_virt(AP_TRAMPOLINE_PA), ap_trampoline_start,
	       (size_t)(ap_trampoline_end - ap_trampoline_start));
	u64 *data_cr3 = phys_to_virt(AP_TRAMPOLINE_PA + ((u8 *)&ap_boot_cr3 - ap_trampoline_start));
	u64 *data_stack =
	    phys_to_virt(AP_TRAMPOLINE_PA + ((u8 *)&ap_boot_stack - ap_trampoline_start));
	u64 *data_entry =
	    phys_to_virt(AP_TRAMPOLINE_PA + ((u8 *)&ap_boot_entry - ap_trampoline_start));

	for (u32 i = 0; i < cpus.nr && nr_pcpus < MIN(max, MAX_PCPUS); i++) {
		u32 dest = cpus.apic_id[i];
		if (dest == self)
			continue;
		u8 *stack = pages_alloc(AP_STACK_PAGES);
		if (!stack)
			break;
		booting_cpu = nr_pcpus;
		ap_up = false;
		*data_cr3 = read_cr3();
		*data_stack = virt_to_phys(stack) + AP_STACK_PAGES * PAGE_SIZE;
		*data_entry = (u64)(uintptr_t)ap_start64;
		send_icr(dest, 0x4500); /* INIT */
		delay_us(10000);
		for (int sipi = 0; sipi < 2 && !ap_up; sipi++) {
			send_icr(dest, 0x4600 | (AP_TRAMPOLINE_PA >> 12)); /* SIPI */
			delay_us(sipi ? 200000 : 1000);
		}
		u64 end = rdtsc() + tsc_khz * 1000; /* one second */
		while (!ap_up && rdtsc() < end)
			cpu_relax();
		if (!ap_up) {
			printk("keel: CPU with APIC id %u did not start\n", dest);
			pages_free(stack, AP_STACK_PAGES);
			continue;
		}
		if (percpus[booting_cpu].online)
			nr_pcpus++;
	}
	return nr_pcpus;
}

void smp_kick(u32 cpu)
{
	if (cpu != this_cpu()->id && percpus[cpu].online)
		send_icr(percpus[cpu].apic_id, HOST_IPI_VECTOR);
}

void smp_service_requests(void)
{
	u32 me = this_cpu()->id;
	u64 eptp = __atomic_load_n(&flush_eptp[me], __ATOMIC_SEQ_CST);

	if (eptp) {
		invept_single(eptp);
		__atomic_store_n(&flush_eptp[me], 0, __ATOMIC_SEQ_CST);
	}
}

void smp_flush_ept(u64 eptp)
{
	u32 me = this_cpu()->id;

	invept_single(eptp);
	for (u32 c = 0; c < nr_pcpus; c++) {
		if (c == me || !percpus[c].online)
			continue;
		__atomic_store_n(&flush_eptp[c], eptp, __ATOMIC_SEQ_CST);
		smp_kick(c);
	}
	/* The others answer from their exit path, idle loop or lock wait. */
	for (u32 c = 0; c < nr_pcpus; c++)
		while (c != me && __atomic_load_n(&flush_eptp[c], __ATOMIC_SEQ_CST))
			cpu_relax();
}

void spin_wait_hook(void)
{
	smp_service_requests();
}
