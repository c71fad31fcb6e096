/* SPDX-License-Identifier: MIT */
/* Boot-time domains from the multiboot2 modules (common/boot_domains.c). */
#ifndef KEEL_BOOT_DOMAINS_H
#define KEEL_BOOT_DOMAINS_H

#include <keel/bootinfo.h>

/* Creates and loads a domain per module (refusing what cannot be used), then unpauses them. */
void boot_domains_start(const struct boot_info *bi);

#endif
