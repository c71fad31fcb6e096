/* SPDX-License-Identifier: MIT */
/*
 * ACPI tables for a PVH domU, as Xen's toolstack provides them: RSDP (2.0),
 * XSDT, FADT (rev 6, hardware-reduced, no VGA, no CMOS RTC), an empty DSDT,
 * and a MADT with one local APIC per vCPU whose processor UID is the vCPU id
 * (Linux passes it to vcpu_op, bind_virq and bind_ipi). No I/O APIC: Linux
 * then uses the platform's event channels for interrupts.
 */
#ifndef KEEL_ACPI_BUILD_H
#define KEEL_ACPI_BUILD_H

#include <keel/types.h>

#define ACPI_TABLES_SIZE	0x2000

/* Lays the tables out in buf (ACPI_TABLES_SIZE bytes) for guest-physical base gpa. */
int acpi_build_tables(u8 *buf, u64 gpa, u32 nr_vcpus);

#endif
