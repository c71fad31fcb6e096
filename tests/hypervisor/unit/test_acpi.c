// SPDX-License-Identifier: MIT
/* MADT discovery over synthetic ACPI tables in a fake physical memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>

#include <keel/acpi.h>
#include <keel/errno.h>

static uint8_t mem[0x10000];

static int rd(void *ctx, u64 pa, void *out, u32 len)
{
	(void)ctx;
	if (pa > sizeof(mem) || len > sizeof(mem) - pa)
		return -EFAULT;
	memcpy(out, mem + pa, len);
	return 0;
}

static void fix_sum(uint8_t *p, uint32_t len, uint32_t sum_off)
{
	uint8_t s = 0;

	p[sum_off] = 0;
	for (uint32_t i = 0; i < len; i++)
		s += p[i];
	p[sum_off] = (uint8_t)-s;
}

static void header(uint8_t *p, const char *sig, uint32_t len)
{
	memcpy(p, sig, 4);
	memcpy(p + 4, &len, 4);
}

/* RSDP v2 @0x100 -> XSDT @0x1000 -> {FACP @0x2000, APIC @0x3000}. */
static void build(int lapics, bool x2apic_dup, bool disable_second)
{
	memset(mem, 0, sizeof(mem));
	uint8_t *r = mem + 0x100;
	memcpy(r, "RSD PTR ", 8);
	r[15] = 2;
	uint32_t rlen = 36;
	memcpy(r + 20, &rlen, 4);
	uint64_t xsdt = 0x1000;
	memcpy(r + 24, &xsdt, 8);
	fix_sum(r, 20, 8);
	fix_sum(r, 36, 32);

	uint8_t *x = mem + 0x1000;
	header(x, "XSDT", 36 + 16);
	uint64_t t1 = 0x2000, t2 = 0x3000;
	memcpy(x + 36, &t1, 8);
	memcpy(x + 44, &t2, 8);
	header(mem + 0x2000, "FACP", 36);

	uint8_t *m = mem + 0x3000;
	uint32_t off = 44;
	for (int i = 0; i < lapics; i++, off += 8) {
		m[off] = 0;
		m[off + 1] = 8;
		m[off + 2] = (uint8_t)i;       /* ACPI id */
		m[off + 3] = (uint8_t)(i * 2); /* APIC id */
		uint32_t flags = (disable_second && i == 1) ? 0 : 1;
		memcpy(m + off + 4, &flags, 4);
	}
	if (x2apic_dup) {
		m[off] = 9;
		m[off + 1] = 16;
		uint32_t id = 0, flags = 1; /* the BSP again, as an x2APIC entry */
		memcpy(m + off + 4, &id, 4);
		memcpy(m + off + 8, &flags, 4);
		off += 16;
		m[off] = 9;
		m[off + 1] = 16;
		id = 300;
		memcpy(m + off + 4, &id, 4);
		memcpy(m + off + 8, &flags, 4);
		off += 16;
	}
	header(m, "APIC", off);
	fix_sum(m, off, 9);
}

static void finds_cpus(void **state)
{
	(void)state;
	struct acpi_cpus c;
	const char *why;

	build(3, true, true);
	assert_int_equal(acpi_find_cpus(0x100, rd, NULL, &c, &why), 0);
	assert_int_equal(c.nr, 3); /* ids 0 and 4 (2 is disabled), then x2APIC 300 */
	assert_int_equal(c.apic_id[0], 0);
	assert_int_equal(c.apic_id[1], 4);
	assert_int_equal(c.apic_id[2], 300);
}

static void rejects(void **state)
{
	(void)state;
	struct acpi_cpus c;
	const char *why;

	build(2, false, false);
	mem[0x100] = 'X';
	assert_int_equal(acpi_find_cpus(0x100, rd, NULL, &c, &why), -EINVAL);
	assert_non_null(why);

	build(2, false, false);
	mem[0x3000 + 20] ^= 1; /* MADT checksum */
	assert_int_equal(acpi_find_cpus(0x100, rd, NULL, &c, &why), -EINVAL);

	build(2, false, false);
	mem[0x3000 + 44 + 1] = 200; /* entry longer than the table */
	fix_sum(mem + 0x3000, 60, 9);
	assert_int_equal(acpi_find_cpus(0x100, rd, NULL, &c, &why), -EINVAL);

	build(2, false, false);
	mem[0x3000 + 44 + 1] = 0; /* zero-length entry: no endless loop */
	fix_sum(mem + 0x3000, 60, 9);
	assert_int_equal(acpi_find_cpus(0x100, rd, NULL, &c, &why), -EINVAL);

	build(2, false, false);
	uint32_t huge = 0xfffffff0;
	memcpy(mem + 0x1000 + 4, &huge, 4); /* XSDT length */
	assert_int_equal(acpi_find_cpus(0x100, rd, NULL, &c, &why), -EINVAL);

	build(2, false, false);
	memcpy(mem + 0x3000, "XXXX", 4);
	assert_int_equal(acpi_find_cpus(0x100, rd, NULL, &c, &why), -ENOENT);

	build(2, false, false);
	uint64_t far = 0xffffffff00ULL;
	memcpy(mem + 0x1000 + 44, &far, 8);
	assert_int_equal(acpi_find_cpus(0x100, rd, NULL, &c, &why), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(finds_cpus),
	    cmocka_unit_test(rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
