/* SPDX-License-Identifier: MIT */
/*
 * Finding the host's CPUs in the ACPI MADT: RSDP -> XSDT (or RSDT) -> "APIC".
 * Pure: tables are read through a callback with bounds checks, so the parser
 * is unit-tested and fuzzed on the host.
 */
#ifndef KEEL_ACPI_H
#define KEEL_ACPI_H

#include <keel/types.h>

#define ACPI_MAX_CPUS 64

struct acpi_cpus {
	u32 nr;
	u32 apic_id[ACPI_MAX_CPUS]; /* enabled processors, in MADT order */
	u32 dropped;
};

/* Copies len bytes of physical memory at pa into out; 0 or -EFAULT. */
typedef int (*acpi_read_fn)(void *ctx, u64 pa, void *out, u32 len);

/*
 * rsdp: physical address of the RSDP. Returns 0 with the enabled CPUs, or
 * -EINVAL / -ENOENT with *why.
 */
int acpi_find_cpus(u64 rsdp, acpi_read_fn read, void *ctx, struct acpi_cpus *cpus,
		   const char **why);

#endif
