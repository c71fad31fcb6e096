// SPDX-License-Identifier: MIT
/* The HVM firmware layout: see hvm_firmware.h. */
#include <keel/hvm_firmware.h>
#include <keel/errno.h>
#include <keel/guest_mem.h>
#include <keel/string.h>
#include <keel/toolstack_pages.h>
#include <public/xen/hvm_info_table.h>
#include <public/xen/start_info.h>

#define SPECIAL_PAGES 2	       /* console, xenstore: the top of RAM */
#define RAM_FROM      0x100000 /* the memory map Xen's toolstack gives hvmloader */
/* Inside the start info page: memory map, module list, module names. */
#define SI_MEMMAP  0x40
#define SI_MODLIST 0x100
#define SI_NAMES   0x800
#define NAME_MAX   32

static u64 special_start(const struct domain *d)
{
	return d->mem_size - SPECIAL_PAGES * PAGE_SIZE;
}

static struct hvm_start_info *start_info(struct domain *d)
{
	return (void *)domain_gpa_ptr(d, d->start_info_gpa, PAGE_SIZE);
}

static void write_info_table(struct domain *d)
{
	struct hvm_info_table *t = (void *)domain_gpa_ptr(d, HVM_INFO_PADDR, sizeof(*t));
	u8 sum = 0;

	memset(t, 0, sizeof(*t));
	memcpy(t->signature, "HVM INFO", 8);
	t->length = sizeof(*t);
	t->apic_mode = 1;
	t->nr_vcpus = d->nr_vcpus;
	t->low_mem_pgend = (u32)(special_start(d) >> PAGE_SHIFT);
	t->reserved_mem_pgstart = t->low_mem_pgend;
	for (u32 i = 0; i < d->nr_vcpus; i++)
		t->vcpu_online[i / 8] |= (u8)(1u << (i % 8));
	for (u32 i = 0; i < sizeof(*t); i++)
		sum += ((u8 *)t)[i];
	t->checksum = (u8)-sum;
}

int hvm_firmware_layout(struct domain *d, u64 image_end, const char **why)
{
	u64 si_gpa = ALIGN_UP(image_end, PAGE_SIZE);

	if (si_gpa + PAGE_SIZE > special_start(d) || image_end > special_start(d)) {
		*why = "HVM firmware does not fit in the domain's memory";
		return -E2BIG;
	}
	d->start_info_gpa = si_gpa;
	d->hvm_firmware = true;
	d->module_next = si_gpa + PAGE_SIZE;
	struct hvm_start_info *si = start_info(d);
	memset(si, 0, PAGE_SIZE);
	si->magic = XEN_HVM_START_MAGIC;
	si->version = 1;
	d->memmap[0] = (struct domain_memmap_entry){RAM_FROM, special_start(d) - RAM_FROM,
						    XEN_HVM_MEMMAP_TYPE_RAM};
	d->memmap[1] = (struct domain_memmap_entry){special_start(d), SPECIAL_PAGES * PAGE_SIZE,
						    XEN_HVM_MEMMAP_TYPE_RESERVED};
	d->memmap_entries = 2;
	struct hvm_memmap_table_entry *mm = (void *)((u8 *)si + SI_MEMMAP);
	for (u32 i = 0; i < d->memmap_entries; i++)
		mm[i] = (struct hvm_memmap_table_entry){d->memmap[i].addr, d->memmap[i].size,
							d->memmap[i].type, 0};
	si->memmap_paddr = si_gpa + SI_MEMMAP;
	si->memmap_entries = d->memmap_entries;
	write_info_table(d);
	if (toolstack_pages_setup(d, special_start(d), special_start(d) + PAGE_SIZE)) {
		*why = "no event channel for the console or xenstore";
		return -ENOSPC;
	}
	return 0;
}

int hvm_firmware_module_place(struct domain *d, u64 len, u64 *at, const char **why)
{
	if (start_info(d)->nr_modules >= HVM_FIRMWARE_MODULES) {
		*why = "HVM firmware takes two modules at most";
		return -EBUSY;
	}
	*at = ALIGN_UP(d->module_next, PAGE_SIZE);
	if (!len || len > special_start(d) || *at > special_start(d) - len) {
		*why = "module does not fit below the domain's special pages";
		return -E2BIG;
	}
	return 0;
}

void hvm_firmware_module_record(struct domain *d, u64 at, u64 len, const char *name)
{
	struct hvm_start_info *si = start_info(d);
	u32 i = si->nr_modules;
	struct hvm_modlist_entry *m = (void *)((u8 *)si + SI_MODLIST) + i;
	char *n = (char *)si + SI_NAMES + i * NAME_MAX;

	strlcpy(n, name, NAME_MAX);
	*m = (struct hvm_modlist_entry){at, len, d->start_info_gpa + SI_NAMES + i * NAME_MAX, 0};
	si->modlist_paddr = d->start_info_gpa + SI_MODLIST;
	si->nr_modules = i + 1;
	d->module_next = at + len;
}
