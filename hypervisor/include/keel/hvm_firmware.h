/* SPDX-License-Identifier: MIT */
/*
 * An HVM domain started from firmware (Xen's hvmloader, which then loads
 * SeaBIOS) gets the layout Xen's toolstack gives it (hypervisor/HVM.md §2):
 * the firmware at its linked address, the start info right after it and the
 * named modules ("firmware" = SeaBIOS) after that, the HVM info table at
 * 0x9F800, the console and xenstore pages at the top of RAM outside what the
 * table calls low memory, no ACPI tables of Keel's (hvmloader builds them),
 * and a memory map of RAM from 1 MiB, as Xen's toolstack sets it.
 */
#ifndef KEEL_HVM_FIRMWARE_H
#define KEEL_HVM_FIRMWARE_H

#include <keel/domain.h>

#define HVM_FIRMWARE_MODULES 2 /* as Xen: firmware, and ipxe for ROMBIOS */

/* After the firmware image [.., image_end) is loaded: start info, table, pages. */
int hvm_firmware_layout(struct domain *d, u64 image_end, const char **why);
/* A named module of len bytes: where it goes (0, -E2BIG, -EBUSY past the last one). */
int hvm_firmware_module_place(struct domain *d, u64 len, u64 *at, const char **why);
/* Records the module copied to [at, at+len) under name (at most 31 characters). */
void hvm_firmware_module_record(struct domain *d, u64 at, u64 len, const char *name);

#endif
