// SPDX-License-Identifier: MIT
/* Guest ACPI tables (ACPI 6.x layouts): see acpi_build.h. Pure: unit-tested on the host. */
#include <keel/acpi_build.h>
#include <keel/errno.h>
#include <keel/string.h>

#define RSDP_OFF 0x000
#define XSDT_OFF 0x040
#define FADT_OFF 0x100
#define MADT_OFF 0x300
#define DSDT_OFF 0x500

#define FADT_LEN	276
#define FADT_HW_REDUCED (1u << 20)
#define FADT_WBINVD	(1u << 0)
#define FADT_APIC_PHYS	(1u << 19)
#define FADT_RESET_SUP	(1u << 10)
#define BOOT_NO_VGA	(1u << 2)
#define BOOT_NO_CMOS	(1u << 5)

static void put16(u8 *p, u16 v)
{
	memcpy(p, &v, 2);
}
static void put32(u8 *p, u32 v)
{
	memcpy(p, &v, 4);
}
static void put64(u8 *p, u64 v)
{
	memcpy(p, &v, 8);
}

static u8 sum(const u8 *p, u32 len)
{
	u8 s = 0;

	for (u32 i = 0; i < len; i++)
		s += p[i];
	return s;
}

static void header(u8 *t, const char *sig, u32 len, u8 rev)
{
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "KEEL  ", 6);   /* OEM id */
	memcpy(t + 16, "KEELPVH ", 8); /* OEM table id */
	put32(t + 24, 1);	       /* OEM revision */
	memcpy(t + 28, "KEEL", 4);     /* creator id */
	put32(t + 32, 1);	       /* creator revision */
	t[9] = 0;
	t[9] = (u8)-sum(t, len);
}

int acpi_build_tables(u8 *buf, u64 gpa, u32 nr_vcpus)
{
	u32 madt_len = 44 + 8 * nr_vcpus;

	if (!nr_vcpus || MADT_OFF + madt_len > DSDT_OFF)
		return -EINVAL;
	memset(buf, 0, ACPI_TABLES_SIZE);

	/* DSDT: Name (_S5, Package (4) { 5, 5, 0, 0 }), the S5 sleep type for the FADT's register.
	 */
	static const u8 s5[] = {0x08, '_',
				'S',  '5',
				'_',  0x12,
				0x08, 0x04,
				0x0a, ACPI_SLP_TYP_S5,
				0x0a, ACPI_SLP_TYP_S5,
				0x00, 0x00};
	u8 *dsdt = buf + DSDT_OFF;
	memcpy(dsdt + 36, s5, sizeof(s5));
	header(dsdt, "DSDT", 36 + sizeof(s5), 2);

	u8 *madt = buf + MADT_OFF;
	put32(madt + 36, 0xfee00000); /* local APIC address */
	put32(madt + 40, 0);	      /* no 8259s */
	for (u32 i = 0; i < nr_vcpus; i++) {
		u8 *e = madt + 44 + 8 * i;
		e[0] = 0; /* processor local APIC */
		e[1] = 8;
		e[2] = (u8)i;	 /* ACPI processor UID = vCPU id */
		e[3] = (u8)i;	 /* APIC id */
		put32(e + 4, 1); /* enabled */
	}
	header(madt, "APIC", madt_len, 4);

	u8 *fadt = buf + FADT_OFF;
	put32(fadt + 40, (u32)(gpa + DSDT_OFF));       /* DSDT (32-bit) */
	put16(fadt + 109, BOOT_NO_VGA | BOOT_NO_CMOS); /* IA-PC boot architecture flags */
	put32(fadt + 112, FADT_HW_REDUCED | FADT_WBINVD | FADT_APIC_PHYS | FADT_RESET_SUP);
	/* Reset register: system I/O port 0xCF9, 8 bits, value 6 (Keel ends the domain: reboot). */
	fadt[116] = 1;
	fadt[117] = 8;
	fadt[119] = 1;
	put64(fadt + 120, 0xcf9);
	fadt[128] = 6;
	fadt[131] = 4; /* minor version: 6.4 */
	/* Sleep control and status registers: system I/O, 8 bits, byte access. */
	fadt[244] = 1;
	fadt[245] = 8;
	fadt[247] = 1;
	put64(fadt + 248, ACPI_SLEEP_CONTROL_PORT);
	fadt[256] = 1;
	fadt[257] = 8;
	fadt[259] = 1;
	put64(fadt + 260, ACPI_SLEEP_STATUS_PORT);
	put64(fadt + 140, gpa + DSDT_OFF);     /* X_DSDT */
	memcpy(fadt + 268, "KEEL\0\0\0\0", 8); /* hypervisor vendor identity */
	header(fadt, "FACP", FADT_LEN, 6);

	u8 *xsdt = buf + XSDT_OFF;
	put64(xsdt + 36, gpa + FADT_OFF);
	put64(xsdt + 44, gpa + MADT_OFF);
	header(xsdt, "XSDT", 52, 1);

	u8 *rsdp = buf + RSDP_OFF;
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "KEEL  ", 6);
	rsdp[15] = 2; /* ACPI 2.0+ */
	put32(rsdp + 20, 36);
	put64(rsdp + 24, gpa + XSDT_OFF);
	rsdp[8] = (u8)-sum(rsdp, 20);
	rsdp[32] = (u8)-sum(rsdp, 36);
	return 0;
}
