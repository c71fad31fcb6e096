// SPDX-License-Identifier: MIT
/*
 * kmain: the boot CPU's path from the multiboot2 hand-off to VMX root mode,
 * then the boot-time domains (common/boot_domains.c) and the scheduler.
 *
 * Command line (GRUB's multiboot2 line):
 *   selftest=vmx   print one "Test result:" line for the boot test and power
 *                  off the emulator (Bochs port 0x8900, QEMU isa-debug-exit)
 *   selftest=stray-irq  interrupts on unused and exception vectors (see
 *                  arch/x86/stray_irq_test.c)
 *   idle=SECONDS   in self-test mode, idle that long after the last domain
 */
#include <keel/bootinfo.h>
#include <keel/cmdline.h>
#include <keel/console.h>
#include <keel/emu.h>
#include <keel/errno.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <keel/version.h>
#include <arch/x86/boot_defs.h>
#include <arch/x86/cpu.h>
#include <arch/x86/traps.h>
#include <arch/x86/legacy_irq.h>
#include <arch/x86/vmx.h>
#include <arch/x86/vmx_vcpu.h>
#include <arch/x86/apic.h>
#include <arch/x86/percpu.h>
#include <arch/x86/smp.h>
#include <arch/x86/xsave.h>
#include <arch/x86/spec_ctrl.h>
#include <keel/domain.h>
#include <keel/boot_domains.h>
#include <keel/mm.h>
#include <keel/dom0.h>
#include <keel/sched.h>
#include <keel/selftest.h>
#include <keel/timer.h>
#include <keel/pvclock.h>
#include <keel/rtc.h>

static struct boot_info boot_info;

static const char *mmap_type_name(u32 type)
{
	switch (type) {
	case MMAP_RAM:
		return "RAM";
	case MMAP_RESERVED:
		return "reserved";
	case MMAP_ACPI_RECLAIM:
		return "ACPI";
	case MMAP_ACPI_NVS:
		return "ACPI NVS";
	case MMAP_BAD:
		return "bad";
	default:
		return "unknown";
	}
}

static void print_boot_info(const struct boot_info *bi)
{
	printk("keel: loader \"%s\", command line \"%s\"\n", bi->loader, bi->cmdline);
	printk("keel: memory map (%u entries):\n", bi->nr_mmap);
	for (u32 i = 0; i < bi->nr_mmap; i++) {
		const struct boot_mmap_entry *m = &bi->mmap[i];
		printk("  [%016lx-%016lx] %s\n", m->addr, m->addr + m->len - 1,
		       mmap_type_name(m->type));
	}
	printk("keel: RAM %lu MiB\n", boot_ram_bytes(bi) >> 20);
	printk("keel: %u module(s)\n", bi->nr_modules);
	for (u32 i = 0; i < bi->nr_modules; i++) {
		const struct boot_module *m = &bi->modules[i];
		printk("  module %u: [%08lx-%08lx] %lu KiB \"%s\"\n", i, m->start, m->end,
		       (m->end - m->start) >> 10, m->cmdline);
	}
	if (bi->dropped_mmap || bi->dropped_modules)
		printk("keel: warning: %u memory-map entries and %u modules ignored\n",
		       bi->dropped_mmap, bi->dropped_modules);
}

static void print_vmx_summary(const struct vmx_caps *c)
{
	printk("keel: VT-x: VMCS revision 0x%x, size %u bytes, true controls %s\n", c->revision,
	       c->vmcs_size, c->true_ctls ? "yes" : "no");
	printk("keel: VT-x: EPT %s (4-level %s, WB %s, 2M %s, 1G %s, INVEPT %s), "
	       "VPID %s (INVVPID %s), unrestricted guest %s\n",
	       c->ept ? "yes" : "no", c->ept_walk4 ? "yes" : "no", c->ept_wb ? "yes" : "no",
	       c->ept_2m ? "yes" : "no", c->ept_1g ? "yes" : "no", c->invept ? "yes" : "no",
	       c->vpid ? "yes" : "no", c->invvpid ? "yes" : "no", c->unrestricted ? "yes" : "no");
}

/* A fatal condition at boot: say why on the console and halt (never reboot). */
static __noreturn void boot_fail(const char *what, const char *why)
{
	printk("keel: error: %s: %s\n", what, why);
	if (selftest_active())
		selftest_fail_now(why);
	printk("keel: halted\n");
	console_flush();
	cpu_halt_forever();
}

void kmain(u32 magic, u32 mbi_pa)
{
	struct vmx_raw raw;
	struct vmx_caps caps;
	const char *why;

	serial_init(0x3f8);
	percpu_init(0);
	traps_init();
	legacy_irq_own();
	printk("\nKeel hypervisor %s starting\n", KEEL_VERSION);

	if (magic != MB2_BOOTLOADER_MAGIC)
		boot_fail("not started by a multiboot2 loader", "bad magic in EAX");
	const void *mbi = (const void *)(uintptr_t)mbi_pa;
	u32 total = *(const u32 *)mbi;
	if (mb2_parse(mbi, total <= (1u << 20) ? total : 0, mbi_pa, &boot_info, &why))
		boot_fail("bad multiboot2 information", why);
	print_boot_info(&boot_info);
	char test[32] = "", idle[8] = "";
	u64 idle_s = 0;
	if (cmdline_get(boot_info.cmdline, "idle", idle, sizeof(idle)) > 0)
		parse_u64(idle, &idle_s);
	if (cmdline_get(boot_info.cmdline, "selftest", test, sizeof(test)) > 0)
		selftest_init(test, idle_s > 3600 ? 3600 : (u32)idle_s);
	if (mm_init(&boot_info, mbi_pa, total))
		boot_fail("memory", "cannot build the frame pool");
	dom0_plan(&boot_info);
	printk("keel: %lu MiB free for domains\n", mm_free_bytes() >> 20);

	vmx_read_raw(&raw);
	if (vmx_caps_decode(&raw, &caps, &why)) {
		if (caps.vmx && caps.enabled_by_firmware)
			print_vmx_summary(&caps);
		boot_fail("VT-x not available", why);
	}
	print_vmx_summary(&caps);
	printk("keel: VT-x: CR0 fixed %lx/%lx, CR4 fixed %lx/%lx\n", raw.cr0_fixed0, raw.cr0_fixed1,
	       raw.cr4_fixed0, raw.cr4_fixed1);
	if (vmx_on(&raw, &caps))
		boot_fail("VT-x not available", "VMXON failed");
	printk("keel: VMX root operation entered on the boot CPU\n");
	if (vmx_controls_init(&raw, &caps, &why))
		boot_fail("VT-x controls unusable", why);

	/* FPU/SIMD state is switched between vCPUs with XSAVE (or FXSAVE without it). */
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	xsave_init_cpu();
	spec_ctrl_init();
	tsc_calibrate();
	pvclock_init(tsc_khz, boot_tsc, rtc_read_unix_time());
	if (apic_init())
		boot_fail("no x2APIC", "the host timer needs an x2APIC");
	printk("keel: TSC %lu kHz, APIC timer in %s mode\n", tsc_khz,
	       apic_tsc_deadline_mode() ? "TSC-deadline" : "one-shot");
	sched_init();
	char maxcpus[8] = "";
	u64 max = MAX_PCPUS;
	if (cmdline_get(boot_info.cmdline, "maxcpus", maxcpus, sizeof(maxcpus)) > 0)
		parse_u64(maxcpus, &max);
	u32 cpus = smp_boot_aps(boot_info.acpi_rsdp, max ? (u32)max : 1);
	printk("keel: %u pCPU(s) online\n", cpus);

	if (!strcmp(test, "stray-irq"))
		stray_irq_selftest();
	if (!boot_info.nr_modules) {
		/* Only the boot tests pass without a domain; any other test needed one. */
		if (selftest_active() && strncmp(test, "boot-", 5) && strcmp(test, "stray-irq"))
			selftest_fail_now("no domain to run");
		if (selftest_active()) {
			printk("Test result: PASS %s\n", test);
			emu_poweroff();
		}
		printk("keel: ready; no domains to run\n");
		console_flush();
		cpu_halt_forever();
	}
	boot_domains_start(&boot_info);
	printk("keel: ready\n");
	sched_run();
}
