/* SPDX-License-Identifier: MIT */
/*
 * ACPI tables for a PVH domU, as Xen's toolstack provides them: RSDP (2.0),
 * XSDT, FADT (rev 6, hardware-reduced, no VGA, no CMOS RTC) with the
 * hardware-reduced sleep registers, a DSDT whose only object is \_S5 (so a
 * guest can power off through ACPI), and a MADT with one local APIC per vCPU whose processor UID is
 * the vCPU id (Linux passes it to vcpu_op, bind_virq and bind_ipi). No I/O APIC: Linux then uses
 * the platform's event channels for interrupts.
 */
#ifndef KEEL_ACPI_BUILD_H
#define KEEL_ACPI_BUILD_H

#include <keel/types.h>

#define ACPI_TABLES_SIZE 0x2000

/*
 * The sleep control register (FADT SLEEP_CONTROL_REG, an 8-bit I/O port):
 * writing SLP_EN with SLP_TYP = ACPI_SLP_TYP_S5 powers the domain off.
 * The status register reads WAK_STS clear.
 */
#define ACPI_SLEEP_CONTROL_PORT 0xb004
#define ACPI_SLEEP_STATUS_PORT	0xb005
#define ACPI_SLP_TYP_S5		5
#define ACPI_SLP_TYP(v)		(((v) >> 2) & 7)
#define ACPI_SLP_EN		(1u << 5)

/* Lays the tables out in buf (ACPI_TABLES_SIZE bytes) for guest-physical base gpa. */
int acpi_build_tables(u8 *buf, u64 gpa, u32 nr_vcpus);

#endif
