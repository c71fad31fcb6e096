/* SPDX-License-Identifier: MIT */
/*
 * The initial domain (dom0, "dom0" on its GRUB line): Debian's kernel as a
 * Xen PVH initial domain that owns the host's devices. Its RAM is
 * identity-mapped (devices DMA to the addresses it gives them: no IOMMU is
 * assumed); the host's device space reaches it 1:1; the host's ACPI tables
 * are its own. What Linux expects of all this: dom0/PVH-DOM0.md.
 */
#ifndef KEEL_DOM0_H
#define KEEL_DOM0_H

#include <keel/bootinfo.h>
#include <keel/domain.h>
#include <public/xen/start_info.h>

/*
 * At boot, before anything else is allocated: finds the module marked dom0
 * and claims its RAM window from host RAM (modules moved out of it). Says why
 * on the console and returns < 0 if it cannot; dom0 is then refused.
 */
int dom0_plan(struct boot_info *bi);

/* domain_create for dom0: identity RAM, device space 1:1 (EPT), RAM zeroed. */
int dom0_setup_ram(struct domain *d, const struct domain_config *cfg, const char **why);
/* domain_load_pvh for dom0: SIF_INITDOMAIN, its memory map, the host's RSDP. */
int dom0_setup_start_info(struct domain *d, struct hvm_start_info *si, const char **why);
/* Puts device space back 1:1 at gpa after a page mapped over it: 0, or -ENOENT if none. */
int dom0_restore_passthrough(struct domain *d, u64 gpa);
/* dom0 ended: its window goes back to the pool. */
void dom0_release_ram(struct domain *d);

#endif
