// SPDX-License-Identifier: MIT
/*
 * Domains: creation (RAM, EPT, vCPUs), PVH loading, console, and their end.
 * A domain's end (shutdown or crash) stops its vCPUs at once; the scheduler
 * loop reaps it afterwards, outside any of its vCPUs' VM exits.
 */
#include <keel/arch.h>
#include <keel/domain.h>
#include <keel/elf_pvh.h>
#include <keel/errno.h>
#include <keel/hypercall.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/selftest.h>
#include <keel/string.h>
#include <keel/vlapic.h>
#include <arch/x86/hvm/platform.h>
#include <keel/evtchn.h>
#include <keel/grant_table.h>
#include <keel/physmap.h>
#include <keel/hvm_firmware.h>
#include <keel/ioreq.h>
#include <keel/pvclock.h>
#include <keel/runstate.h>
#include <keel/acpi_build.h>
#include <keel/console_ring.h>
#include <keel/toolstack_pages.h>
#include <keel/dom0.h>
#include <public/xen/start_info.h>

/*
 * Guest-physical layout of what Keel provides, below the kernel (reserved in
 * the memory map): start_info with the memory map, module list and command
 * line; ACPI tables; the console ring page; the xenstore page (used only by a
 * domain the toolstack builds, whose console and xenstore dom0 serves).
 */
#define START_INFO_GPA 0x1000
#define MEMMAP_GPA     (START_INFO_GPA + 0x40)
#define MODLIST_GPA    (START_INFO_GPA + 0x100)
#define CMDLINE_GPA    (START_INFO_GPA + 0x800)
#define BOOT_DATA_END  (START_INFO_GPA + 0x1000)
#define ACPI_GPA       0x2000
#define CONSOLE_GPA    (ACPI_GPA + ACPI_TABLES_SIZE)
#define STORE_GPA      (CONSOLE_GPA + PAGE_SIZE)
#define RESERVED_END   (STORE_GPA + PAGE_SIZE)

static struct domain *domains[MAX_DOMAINS];
static u32 next_pcpu; /* round-robin placement of unpinned vCPUs */

static void stop_vcpus(struct domain *d);

struct domain *domain_by_id(u16 id)
{
	struct domain *d = id < MAX_DOMAINS ? domains[id] : NULL;

	return d && d->state != DOM_ZOMBIE ? d : NULL;
}

struct domain *domain_by_name(const char *name)
{
	for (u32 i = 0; i < MAX_DOMAINS; i++)
		if (domains[i] && domains[i]->state != DOM_ZOMBIE &&
		    !strcmp(domains[i]->name, name))
			return domains[i];
	return NULL;
}

bool domain_id_free(void)
{
	for (u32 i = 1; i < MAX_DOMAINS; i++)
		if (!domains[i])
			return true;
	return false;
}

u32 domains_alive(void)
{
	u32 n = 0;

	for (u32 i = 0; i < MAX_DOMAINS; i++)
		if (domains[i] &&
		    (domains[i]->state == DOM_RUNNING || domains[i]->state == DOM_PAUSED))
			n++;
	return n;
}

int domain_ram_hpa(const struct domain *d, u64 gpa, u64 len, paddr_t *hpa)
{
	for (u32 i = 0; i < d->nr_ram; i++) {
		const struct domain_ram *r = &d->ram[i];
		if (gpa >= r->gpa && gpa - r->gpa <= r->size && len <= r->size - (gpa - r->gpa)) {
			*hpa = r->hpa + (gpa - r->gpa);
			return 0;
		}
	}
	return -EINVAL;
}

u64 domain_ram_end(const struct domain *d)
{
	u64 end = 0;

	for (u32 i = 0; i < d->nr_ram; i++)
		end = MAX(end, d->ram[i].gpa + d->ram[i].size);
	return end;
}

struct domain *domain_initial(void)
{
	struct domain *d = domain_by_id(0);

	return d && d->initial ? d : NULL;
}

void domain_restore_ram_page(struct domain *d, u64 gpa)
{
	paddr_t hpa;

	gpa &= ~(u64)(PAGE_SIZE - 1);
	if (!domain_ram_hpa(d, gpa, PAGE_SIZE, &hpa))
		arch_p2m_map(d, gpa, hpa, PAGE_SIZE, P2M_RW);
	else if (!d->owns_host || dom0_restore_passthrough(d, gpa))
		arch_p2m_unmap(d, gpa, PAGE_SIZE);
	arch_p2m_flush(d);
}

u32 domains_remaining(void)
{
	u32 n = 0;

	for (u32 i = 0; i < MAX_DOMAINS; i++)
		if (domains[i] && domains[i]->state != DOM_ZOMBIE)
			n++;
	return n;
}

u8 *domain_gpa_ptr(struct domain *d, u64 gpa, u64 len)
{
	paddr_t hpa;

	if (domain_ram_hpa(d, gpa, len, &hpa))
		return NULL;
	return phys_to_virt(hpa);
}

/* True when one of its vCPUs entered the guest: the CPUs may cache its EPT's mappings. */
static bool domain_ran(const struct domain *d)
{
	for (u32 i = 0; i < d->nr_vcpus; i++)
		if (d->vcpu[i] && d->vcpu[i]->exits)
			return true;
	return false;
}

static void free_domain(struct domain *d)
{
	bool ran = domain_ran(d);

	for (u32 i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];
		if (!v)
			continue;
		sched_remove(v);
		arch_vcpu_forget(v);
		vcpu_timers_stop(v);
		arch_vcpu_free(v);
		pages_free(v, ALIGN_UP(sizeof(*v), PAGE_SIZE) / PAGE_SIZE);
	}
	evtchn_domain_destroy(d);
	if (d->shared_info)
		pages_free(d->shared_info, 1);
	d->shared_info = NULL;
	gnttab_release_mappings(d);
	physmap_release_foreign(d);
	ioreq_domain_free(d);	 /* after its pages were taken back from their mappers */
	evtchn_raise_dom_exc(d); /* and once more when it is gone */
	gnttab_domain_free(d);
	hvm_platform_free(d);
	/* Its EPT's tables and its RAM go to the next domain built: no cached mapping may stay. */
	if (ran)
		arch_p2m_flush(d);
	arch_p2m_destroy(d);
	balloon_domain_free(d);
	if (d->foreign_pins) {
		/* Others still map some of its RAM: keep that (and the id) until they let go. */
		printk("keel: domain %u (%s): RAM kept while %u foreign mapping(s) remain\n", d->id,
		       d->name, d->foreign_pins);
		d->state = DOM_ZOMBIE;
		d->nr_vcpus = 0;
		return;
	}
	domain_zombie_release(d);
}

void domain_zombie_release(struct domain *d)
{
	if (d->state == DOM_ZOMBIE)
		printk("keel: domain %u (%s): last foreign mapping gone, RAM freed\n", d->id,
		       d->name);
	if (d->owns_host && d->nr_ram)
		dom0_release_ram(d);
	else if (d->nr_ram)
		mm_free_range(d->ram[0].hpa, d->ram[0].size);
	domains[d->id] = NULL;
	pages_free(d, ALIGN_UP(sizeof(*d), PAGE_SIZE) / PAGE_SIZE);
}

void domains_resolve_peers(void)
{
	for (u32 i = 0; i < MAX_DOMAINS; i++) {
		struct domain *d = domains[i], *p;
		if (!d || !d->peer[0])
			continue;
		p = domain_by_name(d->peer);
		if (!p) {
			printk("keel: domain %u (%s): no peer named %s\n", d->id, d->name, d->peer);
			continue;
		}
		char *c = (char *)domain_gpa_ptr(d, CMDLINE_GPA, BOOT_DATA_END - CMDLINE_GPA);
		size_t n = strlen(d->cmdline);
		ksnprintf(d->cmdline + n, sizeof(d->cmdline) - n, "%speer=%u", n ? " " : "", p->id);
		strlcpy(c, d->cmdline, BOOT_DATA_END - CMDLINE_GPA);
		((struct hvm_start_info *)domain_gpa_ptr(d, START_INFO_GPA, PAGE_SIZE))
		    ->cmdline_paddr = CMDLINE_GPA;
	}
}

struct domain *domain_create(const struct domain_config *cfg, const char **why)
{
	struct domain *d;
	u16 id;

	/* Domain 0 is the initial domain's, as on Xen; the others count from 1. */
	for (id = cfg->initial ? 0 : 1; id < MAX_DOMAINS && domains[id]; id++)
		if (cfg->initial)
			break;
	if (id == MAX_DOMAINS || (cfg->initial && domains[0])) {
		*why = cfg->initial ? "there is already a dom0" : "too many domains";
		return NULL;
	}
	d = pages_alloc(ALIGN_UP(sizeof(*d), PAGE_SIZE) / PAGE_SIZE);
	if (!d) {
		*why = "out of memory for the domain structure";
		return NULL;
	}
	domains[id] = d;
	d->id = id;
	d->state = DOM_PAUSED;
	strlcpy(d->name, cfg->name, sizeof(d->name));
	strlcpy(d->cmdline, cfg->cmdline, sizeof(d->cmdline));
	strlcpy(d->peer, cfg->peer, sizeof(d->peer));
	d->privileged = cfg->privileged;
	d->initial = cfg->initial;
	d->owns_host = cfg->owns_host;
	d->build = cfg->by_toolstack ? BUILD_EMPTY : BUILD_BOOT;
	d->hvm = cfg->hvm;
	d->start_info_gpa = START_INFO_GPA;
	d->hvm_params[HVM_PARAM_HPET_ENABLED] = cfg->hvm && cfg->hpet;
	d->weight = cfg->weight;
	d->cap = cfg->cap;
	d->mem_size = cfg->mem_size;
	d->tot_pages = cfg->mem_size >> PAGE_SHIFT;
	d->max_pages = d->tot_pages;

	if (arch_p2m_init(d)) {
		*why = "out of memory for the domain's physical map";
		goto fail;
	}
	if (cfg->owns_host) {
		if (dom0_setup_ram(d, cfg, why))
			goto fail;
	} else {
		/* Contiguous, 2 MiB aligned: EPT maps it with large pages. */
		paddr_t hpa;
		if (mm_alloc_range(d->mem_size, 2ULL << 20, &hpa)) {
			*why = "not enough free memory for the domain's RAM";
			goto fail;
		}
		d->ram[0] = (struct domain_ram){0, hpa, d->mem_size};
		d->nr_ram = 1;
		memset(phys_to_virt(hpa), 0, d->mem_size);
		if (arch_p2m_map(d, 0, hpa, d->mem_size, P2M_RW)) {
			*why = "out of memory for the domain's physical map";
			goto fail;
		}
	}

	d->shared_info = pages_alloc(1);
	d->shared_info_gfn = GFN_NONE;
	if (!d->shared_info || evtchn_domain_init(d) || gnttab_domain_init(d)) {
		*why = "out of memory for shared info, event channels and grant tables";
		goto fail;
	}
	if (d->hvm && hvm_platform_init(d)) {
		*why = "out of memory for the HVM platform devices";
		goto fail;
	}
	pvclock_write_wallclock(d->shared_info);

	d->nr_vcpus = cfg->vcpus;
	for (u32 i = 0; i < cfg->vcpus; i++) {
		struct vcpu *v = pages_alloc(ALIGN_UP(sizeof(*v), PAGE_SIZE) / PAGE_SIZE);
		if (!v) {
			*why = "out of memory for vCPUs";
			goto fail;
		}
		d->vcpu[i] = v;
		v->dom = d;
		v->id = i;
		if (cfg->pin[i] >= 0 && (u32)cfg->pin[i] >= nr_pcpus) {
			*why = "pin names a pCPU that is not online";
			goto fail;
		}
		v->pcpu = cfg->pin[i] >= 0 ? (u32)cfg->pin[i] : next_pcpu++ % nr_pcpus;
		v->affinity = 1u << v->pcpu;
		v->state = VCPU_OFFLINE;
		v->runstate.state = RUNSTATE_offline;
		/* Beyond the legacy 32, a vCPU needs VCPUOP_register_vcpu_info: park it here. */
		v->vcpu_info = &d->shared_info->vcpu_info[i % XEN_LEGACY_MAX_VCPUS];
		pvclock_update(&v->vcpu_info->time);
		vcpu_timers_init(v);
		if (arch_vcpu_init(v)) {
			*why = "cannot set up the vCPU's VMCS or local APIC";
			goto fail;
		}
	}
	return d;
fail:
	free_domain(d);
	return NULL;
}

static u8 *map_for_elf(void *ctx, u64 gpa, u64 len)
{
	struct domain *d = ctx;

	/* The pages Keel provides are not the kernel's. */
	if (gpa < RESERVED_END && gpa + len > START_INFO_GPA)
		return NULL;
	return domain_gpa_ptr(d, gpa, len);
}

/*
 * Where the kernel goes: where it was linked if that lies in the domain's RAM
 * clear of Keel's pages, else, for a kernel with the PHYS32_RELOC note, the
 * lowest place its constraints allow (as Xen places a relocatable PVH kernel).
 */
static int place_kernel(struct domain *d, struct elf_pvh_info *info, s64 *delta, const char **why)
{
	paddr_t hpa;
	const struct domain_ram *main = &d->ram[d->nr_ram - 1];

	*delta = 0;
	bool fits = !domain_ram_hpa(d, info->lo, info->hi - info->lo, &hpa) &&
		    (info->lo >= RESERVED_END || info->hi <= START_INFO_GPA);
	if (fits)
		return 0;
	if (elf_pvh_place(info, MAX(RESERVED_END, main->gpa), main->gpa + main->size - 1, delta)) {
		*why = info->reloc ? "the relocatable kernel fits nowhere in the domain's memory"
				   : "ELF segment does not fit in the domain's memory";
		return -E2BIG;
	}
	info->entry = (u32)((s64)info->entry + *delta);
	info->lo = (u64)((s64)info->lo + *delta);
	info->hi = (u64)((s64)info->hi + *delta);
	printk("keel: domain %u (%s): kernel relocated by %ld bytes to %lx\n", d->id, d->name,
	       (long)*delta, info->lo);
	return 0;
}

/* A boot-time domain's console is Keel's; a built domain's console and xenstore are dom0's. */
static int setup_consoles(struct domain *d, const char **why)
{
	int err;

	if (d->build == BUILD_BOOT)
		err = console_ring_setup(d, CONSOLE_GPA) < 0 ? -ENOSPC : 0;
	else
		err = toolstack_pages_setup(d, CONSOLE_GPA, STORE_GPA);
	if (err)
		*why = "no event channel for the console or xenstore";
	return err;
}

/* A domU's memory map: Keel's pages reserved, the rest RAM; also in start_info. */
static void write_memmap(struct domain *d, struct hvm_start_info *si)
{
	struct hvm_memmap_table_entry *mm = (void *)((u8 *)si + (MEMMAP_GPA - START_INFO_GPA));

	d->memmap[0] = (struct domain_memmap_entry){0, START_INFO_GPA, XEN_HVM_MEMMAP_TYPE_RAM};
	d->memmap[1] = (struct domain_memmap_entry){START_INFO_GPA, RESERVED_END - START_INFO_GPA,
						    XEN_HVM_MEMMAP_TYPE_RESERVED};
	d->memmap[2] = (struct domain_memmap_entry){RESERVED_END, d->mem_size - RESERVED_END,
						    XEN_HVM_MEMMAP_TYPE_RAM};
	d->memmap_entries = 3;
	for (u32 i = 0; i < d->memmap_entries; i++)
		mm[i] = (struct hvm_memmap_table_entry){d->memmap[i].addr, d->memmap[i].size,
							d->memmap[i].type, 0};
	si->memmap_paddr = MEMMAP_GPA;
	si->memmap_entries = d->memmap_entries;
}

/*
 * Loads a PVH kernel and writes its start info: for boot modules and for the
 * toolstack's KEEL_DOMCTL_loadkernel alike. -ENOEXEC for an image that is not
 * a PVH ELF, -E2BIG when it does not fit: both known before anything is
 * written, so the toolstack may try again with another image.
 */
int domain_load_pvh(struct domain *d, const u8 *image, size_t len, const char **why)
{
	struct elf_pvh_info info;
	s64 delta;
	int err;

	if (elf_pvh_inspect_as(image, len, d->hvm, &info, why))
		return -ENOEXEC;
	if ((err = place_kernel(d, &info, &delta, why)))
		return err;
	if (elf_pvh_load(image, len, delta, map_for_elf, d, why))
		return -E2BIG;
	if (info.firmware) {
		/* hvmloader: Xen's HVM layout; no command line, no ACPI of Keel's. */
		if ((err = hvm_firmware_layout(d, info.hi, why)))
			return err;
		d->kernel_end = info.hi;
		arch_vcpu_set_entry(d->vcpu[0], info.entry, (u32)d->start_info_gpa);
		d->vcpu[0]->state = VCPU_RUNNABLE;
		return 0;
	}

	struct hvm_start_info *si = (void *)domain_gpa_ptr(d, START_INFO_GPA, PAGE_SIZE);
	si->magic = XEN_HVM_START_MAGIC;
	si->version = 1;
	si->flags = 0;
	si->nr_modules = 0;
	d->kernel_end = info.hi;
	if (d->owns_host) {
		if ((err = dom0_setup_start_info(d, si, why)))
			return err;
		goto cmdline;
	}
	write_memmap(d, si);
	if (acpi_build_tables(domain_gpa_ptr(d, ACPI_GPA, ACPI_TABLES_SIZE), ACPI_GPA,
			      d->nr_vcpus)) {
		*why = "cannot build the ACPI tables";
		return -EINVAL;
	}
	si->rsdp_paddr = ACPI_GPA;
	if ((err = setup_consoles(d, why)))
		return err;
cmdline:
	if (d->cmdline[0]) {
		char *c = (char *)si + (CMDLINE_GPA - START_INFO_GPA);
		strlcpy(c, d->cmdline, BOOT_DATA_END - CMDLINE_GPA);
		si->cmdline_paddr = CMDLINE_GPA;
	}

	struct vcpu *v0 = d->vcpu[0];
	arch_vcpu_set_entry(v0, info.entry, START_INFO_GPA);
	v0->state = VCPU_RUNNABLE;
	return 0;
}

int domain_pause(struct domain *d)
{
	if (d->state != DOM_RUNNING)
		return -EINVAL;
	d->state = DOM_PAUSED;
	/* Its vCPUs stay queued; the scheduler skips them. Running ones leave now. */
	for (u32 i = 0; i < d->nr_vcpus; i++)
		smp_kick(d->vcpu[i]->pcpu);
	sched_request_resched();
	return 0;
}

/*
 * The one way a live domain ends (shutdown, crash, destroyed by the
 * toolstack): its last console line out, its state set, its vCPUs stopped.
 * The caller says why on the console first. False if it was not alive.
 */
static bool domain_end(struct domain *d, enum domain_state state, u32 reason)
{
	if (d->state != DOM_RUNNING && d->state != DOM_PAUSED)
		return false;
	domain_console_write(d, "\n", d->con_len ? 1 : 0);
	d->state = state;
	d->shutdown_reason = reason;
	stop_vcpus(d);
	evtchn_raise_dom_exc(d);
	return true;
}

/* A host-owning dom0 runs the toolstack: it sees ended domains and destroys them, as on Xen. */
static bool toolstack_reaps(const struct domain *d)
{
	const struct domain *t = domain_initial();

	return t && t != d && t->owns_host && (t->state == DOM_RUNNING || t->state == DOM_PAUSED);
}

int domain_kill(struct domain *d, struct domain *by)
{
	if ((d->state == DOM_SHUTDOWN || d->state == DOM_CRASHED) && !d->killed) {
		/* Ended and kept for the toolstack: destroying it now frees it. */
		d->killed = true;
		printk("keel: domain %u (%s) released by domain %u (%s)\n", d->id, d->name, by->id,
		       by->name);
		smp_kick(0);
		return 0;
	}
	if (d->state != DOM_RUNNING && d->state != DOM_PAUSED)
		return -EINVAL;
	d->killed = true;
	domain_end(d, DOM_SHUTDOWN, SHUTDOWN_poweroff);
	printk("keel: domain %u (%s) destroyed by domain %u (%s)\n", d->id, d->name, by->id,
	       by->name);
	return 0;
}

int domain_initrd_place(struct domain *d, u64 len, u64 *at, const char **why)
{
	const struct domain_ram *top = &d->ram[d->nr_ram - 1];

	if (!len) {
		*why = "initrd empty";
		return -EINVAL;
	}
	/* At the top of RAM, page-aligned, above the kernel and Keel's pages. */
	if (len > top->size) {
		*why = "initrd larger than the domain's memory";
		return -E2BIG;
	}
	*at = ALIGN_DOWN(top->gpa + top->size - len, PAGE_SIZE);
	if (*at < ALIGN_UP(d->kernel_end, PAGE_SIZE) || *at < RESERVED_END) {
		*why = "initrd does not fit above the kernel";
		return -E2BIG;
	}
	return 0;
}

void domain_initrd_record(struct domain *d, u64 at, u64 len)
{
	struct hvm_start_info *si = (void *)domain_gpa_ptr(d, START_INFO_GPA, PAGE_SIZE);
	struct hvm_modlist_entry *m = (void *)((u8 *)si + (MODLIST_GPA - START_INFO_GPA));

	*m = (struct hvm_modlist_entry){at, len, 0, 0};
	si->modlist_paddr = MODLIST_GPA;
	si->nr_modules = 1;
}

int domain_add_initrd(struct domain *d, const u8 *data, size_t len, const char **why)
{
	u64 at;
	int err = domain_initrd_place(d, len, &at, why);

	if (err)
		return err;
	memcpy(domain_gpa_ptr(d, at, len), data, len);
	domain_initrd_record(d, at, len);
	return 0;
}

void domain_unpause(struct domain *d)
{
	if (d->state != DOM_PAUSED)
		return;
	d->state = DOM_RUNNING;
	for (u32 i = 0; i < d->nr_vcpus; i++)
		if (d->vcpu[i]->state == VCPU_RUNNABLE)
			sched_wake(d->vcpu[i]);
}

static void stop_vcpus(struct domain *d)
{
	for (u32 i = 0; i < d->nr_vcpus; i++) {
		d->vcpu[i]->state = VCPU_OFFLINE;
		sched_remove(d->vcpu[i]);
		arch_vcpu_stop(d->vcpu[i]);
		vcpu_timers_stop(d->vcpu[i]);
		/* A pCPU running it now leaves the guest at once. */
		smp_kick(d->vcpu[i]->pcpu);
	}
	smp_kick(0); /* the boot CPU reports when the last domain is gone */
}

static const char *shutdown_name(u32 reason)
{
	switch (reason) {
	case SHUTDOWN_poweroff:
		return "poweroff";
	case SHUTDOWN_reboot:
		return "reboot";
	case SHUTDOWN_suspend:
		return "suspend";
	case SHUTDOWN_crash:
		return "crash";
	case SHUTDOWN_watchdog:
		return "watchdog";
	default:
		return "unknown";
	}
}

void domain_shutdown(struct domain *d, u32 reason)
{
	if (domain_end(d, reason == SHUTDOWN_crash ? DOM_CRASHED : DOM_SHUTDOWN, reason))
		printk("keel: domain %u (%s) shut down: %s\n", d->id, d->name,
		       shutdown_name(reason));
}

void domain_crash(struct domain *d, const char *why)
{
	if (domain_end(d, DOM_CRASHED, SHUTDOWN_crash))
		printk("keel: domain %u (%s) destroyed after a crash: %s\n", d->id, d->name, why);
}

void domain_destroy(struct domain *d)
{
	stop_vcpus(d);
	free_domain(d);
}

/* Clears this pCPU's VMCSs of dead domains; true when none of d's is active anywhere. */
static bool vmcs_released(struct domain *d)
{
	bool all = true;

	for (u32 i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];
		if (v->arch.vmcs_active && v->arch.host_cpu == (s32)this_cpu()->id)
			arch_vcpu_release(v);
		if (v->arch.vmcs_active)
			all = false;
	}
	return all;
}

void domains_reap(void)
{
	for (u32 i = 0; i < MAX_DOMAINS; i++) {
		struct domain *d = domains[i];
		if (!d || (d->state != DOM_SHUTDOWN && d->state != DOM_CRASHED))
			continue;
		if (!d->killed && toolstack_reaps(d))
			continue; /* its state stays visible until dom0 destroys it */
		if (!vmcs_released(d))
			continue; /* another pCPU still has one loaded: it clears it next pass */
		hypercall_report(d);
		ioreq_report(d);
		for (u32 v = 0; v < d->nr_vcpus; v++)
			printk("keel: domain %u (%s) vcpu %u: ran %lu ticks, %lu exits\n", d->id,
			       d->name, v, d->vcpu[v]->runtime, d->vcpu[v]->exits);
		selftest_domain_ended(d);
		free_domain(d);
	}
}

static console_observer_fn console_observer;

void domain_set_console_observer(console_observer_fn fn)
{
	console_observer = fn;
}

static void console_flush_line(struct domain *d)
{
	d->con_line[d->con_len] = '\0';
	printk("(%s) %s\n", d->name, d->con_line);
	if (console_observer)
		console_observer(d, d->con_line);
	d->con_len = 0;
}

void domain_console_write(struct domain *d, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '\n') {
			console_flush_line(d);
			continue;
		}
		if (c == '\r')
			continue;
		/* Keep the hypervisor console readable: no control characters. */
		if ((u8)c < 0x20 && c != '\t')
			c = '?';
		d->con_line[d->con_len++] = c;
		if (d->con_len == sizeof(d->con_line) - 1)
			console_flush_line(d);
	}
}
