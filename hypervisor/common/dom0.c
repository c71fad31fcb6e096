// SPDX-License-Identifier: MIT
/* The initial domain's memory and start info: see dom0.h. */
#include <keel/arch.h>
#include <keel/cmdline.h>
#include <keel/dom0.h>
#include <keel/errno.h>
#include <keel/host_map.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <public/xen/start_info.h>

extern u8 __image_end[];

#define WINDOW_ALIGN  (2ULL << 20)
#define LOW_RAM_LIMIT 0xa0000ULL    /* legacy VGA and ROMs above */
#define LAPIC_PAGE    0xfee00000ULL /* dom0's is the virtual one */
/* Keel's pages in dom0's low RAM: start info (+ RSDP copy), its memory map. */
#define START_INFO_GPA 0x1000ULL
#define RSDP_GPA       (START_INFO_GPA + 0x40)
#define MEMMAP_GPA     0x2000ULL
#define KEEL_PAGES_END 0x3000ULL
#define RSDP_V2_LEN    36

static struct {
	const struct boot_info *bi; /* the host's memory map */
	u64 lo, size;		    /* the identity RAM window; size 0 = none claimed */
	u8 rsdp[RSDP_V2_LEN];
	u32 rsdp_len;
} plan;

int dom0_plan(struct boot_info *bi)
{
	struct domain_config cfg;
	const char *why;

	plan.bi = bi;
	for (u32 i = 0; i < bi->nr_modules; i++) {
		if (domain_config_parse(bi->modules[i].cmdline, &cfg, &why) || !cfg.owns_host)
			continue;
		/* The MBI's copy of the RSDP: kept before the MBI may be overwritten. */
		if (bi->acpi_rsdp) {
			const u8 *r = phys_to_virt(bi->acpi_rsdp);
			plan.rsdp_len = r[15] >= 2 ? RSDP_V2_LEN : 20;
			memcpy(plan.rsdp, r, plan.rsdp_len);
		}
		u64 lo = ALIGN_UP(virt_to_phys(__image_end), WINDOW_ALIGN);
		u64 size = ALIGN_UP(cfg.mem_size, WINDOW_ALIGN);
		if (mm_claim_window(bi, lo, size, &why)) {
			printk("keel: dom0 (module %u) refused: %s\n", i, why);
			return -ENOMEM;
		}
		plan.lo = lo;
		plan.size = size;
		printk("keel: dom0 RAM window [%lx-%lx) identity-mapped\n", lo, lo + size);
		return 0;
	}
	return 0;
}

/* The host's RAM from address 0, as far as legacy device space: dom0's low memory. */
static u64 low_ram_end(void)
{
	const struct boot_info *bi = plan.bi;

	for (u32 i = 0; i < bi->nr_mmap; i++) {
		const struct boot_mmap_entry *m = &bi->mmap[i];
		if (m->type == MMAP_RAM && m->addr == 0)
			return ALIGN_DOWN(MIN(m->len, LOW_RAM_LIMIT), PAGE_SIZE);
	}
	return 0;
}

static int map_passthrough(struct domain *d, u64 lo, u64 hi)
{
	struct host_range r[BOOT_MAX_MMAP + 8];
	int n = host_map_passthrough(plan.bi->mmap, plan.bi->nr_mmap, r, ARRAY_SIZE(r));

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		u64 a = MAX(r[i].addr, lo), b = MIN(r[i].addr + r[i].size, hi);
		if (a >= b)
			continue;
		int err =
		    arch_p2m_map(d, a, a, b - a, r[i].type == HOST_FIRMWARE ? P2M_RW : P2M_MMIO);
		if (err)
			return err;
	}
	return 0;
}

int dom0_setup_ram(struct domain *d, const struct domain_config *cfg, const char **why)
{
	u64 low = low_ram_end();

	if (!plan.size || ALIGN_UP(cfg->mem_size, WINDOW_ALIGN) != plan.size) {
		*why = "no RAM window was claimed for dom0 at boot";
		return -ENOMEM;
	}
	if (low < KEEL_PAGES_END) {
		*why = "the host has no low memory for dom0's start info";
		return -ENOMEM;
	}
	d->ram[0] = (struct domain_ram){0, 0, low};
	d->ram[1] = (struct domain_ram){plan.lo, plan.lo, plan.size};
	d->nr_ram = 2;
	d->mem_size = low + plan.size;
	d->tot_pages = d->max_pages = d->mem_size >> PAGE_SHIFT;
	memset(phys_to_virt(plan.lo), 0, plan.size);
	memset(phys_to_virt(START_INFO_GPA), 0, KEEL_PAGES_END - START_INFO_GPA);
	if (arch_p2m_map(d, 0, 0, low, P2M_RW) ||
	    arch_p2m_map(d, plan.lo, plan.lo, plan.size, P2M_RW) ||
	    map_passthrough(d, 0, HOST_IO_LIMIT) || arch_p2m_unmap(d, LAPIC_PAGE, PAGE_SIZE)) {
		*why = "out of memory for dom0's physical map";
		return -ENOMEM;
	}
	return 0;
}

int dom0_setup_start_info(struct domain *d, struct hvm_start_info *si, const char **why)
{
	struct host_range ram[2], keep = {START_INFO_GPA, KEEL_PAGES_END - START_INFO_GPA, 0};
	struct host_range map[DOMAIN_MEMMAP_MAX];
	struct hvm_memmap_table_entry *out = phys_to_virt(MEMMAP_GPA);

	for (u32 i = 0; i < d->nr_ram; i++)
		ram[i] = (struct host_range){d->ram[i].gpa, d->ram[i].size, MMAP_RAM};
	int n = host_map_dom0(plan.bi->mmap, plan.bi->nr_mmap, ram, d->nr_ram, &keep, 1, map,
			      ARRAY_SIZE(map));
	if (n < 0) {
		*why = "the host's memory map is too long for dom0";
		return n;
	}
	for (int i = 0; i < n; i++) {
		d->memmap[i] = (struct domain_memmap_entry){map[i].addr, map[i].size, map[i].type};
		out[i] = (struct hvm_memmap_table_entry){map[i].addr, map[i].size, map[i].type, 0};
	}
	d->memmap_entries = (u32)n;
	si->memmap_paddr = MEMMAP_GPA;
	si->memmap_entries = (u32)n;
	si->flags = SIF_PRIVILEGED | SIF_INITDOMAIN;
	if (plan.rsdp_len) {
		memcpy(phys_to_virt(RSDP_GPA), plan.rsdp, plan.rsdp_len);
		si->rsdp_paddr = RSDP_GPA;
	}
	return 0;
}

int dom0_restore_passthrough(struct domain *d, u64 gpa)
{
	enum host_kind k = host_map_kind(plan.bi->mmap, plan.bi->nr_mmap, gpa);

	if (gpa >= HOST_IO_LIMIT || k == HOST_RAM || gpa == LAPIC_PAGE)
		return -ENOENT;
	return arch_p2m_map(d, gpa, gpa, PAGE_SIZE, k == HOST_FIRMWARE ? P2M_RW : P2M_MMIO);
}

void dom0_release_ram(struct domain *d)
{
	mm_release_window(d->ram[1].hpa, d->ram[1].size);
	plan.size = 0;
}
