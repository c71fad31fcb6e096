// SPDX-License-Identifier: MIT
/* The guest ACPI tables: checksums, FADT flags, and a MADT our own parser reads back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>

#include <keel/acpi.h>
#include <keel/acpi_build.h>
#include <keel/errno.h>

#define BASE 0x2000
static uint8_t buf[ACPI_TABLES_SIZE];

static int rd(void *ctx, u64 pa, void *out, u32 len)
{
	(void)ctx;
	if (pa < BASE || pa - BASE > sizeof(buf) || len > sizeof(buf) - (pa - BASE))
		return -EFAULT;
	memcpy(out, buf + (pa - BASE), len);
	return 0;
}

static uint8_t sum(const uint8_t *p, uint32_t n)
{
	uint8_t s = 0;
	while (n--)
		s += *p++;
	return s;
}

static void tables_read_back(void **state)
{
	(void)state;
	struct acpi_cpus c;
	const char *why;

	assert_int_equal(acpi_build_tables(buf, BASE, 3), 0);
	assert_int_equal(sum(buf, 20), 0);
	assert_int_equal(sum(buf, 36), 0);
	assert_int_equal(acpi_find_cpus(BASE, rd, NULL, &c, &why), 0);
	assert_int_equal(c.nr, 3);
	for (u32 i = 0; i < 3; i++)
		assert_int_equal(c.apic_id[i], i);

	/* FADT: found through the XSDT, checksummed, hardware-reduced, no VGA, no RTC. */
	uint64_t fadt;
	memcpy(&fadt, buf + 0x40 + 36, 8);
	const uint8_t *f = buf + (fadt - BASE);
	assert_memory_equal(f, "FACP", 4);
	uint32_t len, flags;
	uint16_t boot;
	memcpy(&len, f + 4, 4);
	assert_int_equal(len, 276);
	assert_int_equal(sum(f, len), 0);
	memcpy(&flags, f + 112, 4);
	assert_true(flags & (1u << 20));
	memcpy(&boot, f + 109, 2);
	assert_int_equal(boot, (1 << 2) | (1 << 5));
	uint64_t dsdt;
	memcpy(&dsdt, f + 140, 8);
	const uint8_t *d = buf + (dsdt - BASE);
	uint32_t dlen;
	memcpy(&dlen, d + 4, 4);
	assert_memory_equal(d, "DSDT", 4);
	assert_int_equal(dlen, 36 + 14);
	assert_int_equal(sum(d, dlen), 0);
	/* \_S5: NameOp "_S5_" PackageOp, four elements, SLP_TYPa = the sleep type. */
	assert_memory_equal(d + 36, "\x08_S5_\x12", 6);
	assert_int_equal(d[36 + 9], ACPI_SLP_TYP_S5);
	/* Sleep control/status registers: system I/O GAS at 244 and 256. */
	uint64_t port;
	assert_int_equal(f[244], 1);
	memcpy(&port, f + 248, 8);
	assert_int_equal(port, ACPI_SLEEP_CONTROL_PORT);
	assert_int_equal(f[256], 1);
	memcpy(&port, f + 260, 8);
	assert_int_equal(port, ACPI_SLEEP_STATUS_PORT);
}

static void rejects(void **state)
{
	(void)state;
	assert_int_equal(acpi_build_tables(buf, BASE, 0), -EINVAL);
	assert_int_equal(acpi_build_tables(buf, BASE, 100), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(tables_read_back),
	    cmocka_unit_test(rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
