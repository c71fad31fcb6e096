// SPDX-License-Identifier: MIT
/*
 * dom0's view of the host (host_map.c) on the Bochs host's own map: dom0's memory map
 * (identity RAM, Keel's pages reserved, other host RAM reserved, firmware kept) and the
 * device space it reaches 1:1; overlapping firmware entries, bounds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>

#include <keel/errno.h>
#include <keel/host_map.h>
#include <arch/x86/irq_route.h>

/* Bochs 2.7 with 2 GiB, as Keel prints it at boot. */
static const struct boot_mmap_entry bochs[] = {
    {0x0, 0x9f000, MMAP_RAM},
    {0x9f000, 0x1000, MMAP_RESERVED},
    {0xe8000, 0x18000, MMAP_RESERVED},
    {0x100000, 0x7fef0000, MMAP_RAM},
    {0x7fff0000, 0x10000, MMAP_ACPI_RECLAIM},
    {0xfffc0000, 0x40000, MMAP_RESERVED},
};
#define NB (sizeof(bochs) / sizeof(bochs[0]))

static void assert_range(const struct host_range *r, u64 addr, u64 size, u32 type)
{
	assert_int_equal(r->addr, addr);
	assert_int_equal(r->size, size);
	assert_int_equal(r->type, type);
}

static void dom0_map_on_bochs(void **state)
{
	(void)state;
	struct host_range ram[] = {{0, 0x9f000, 1}, {0x400000, 0x18000000, 1}};
	struct host_range keep = {0x1000, 0x2000, 0};
	struct host_range out[16];

	int n = host_map_dom0(bochs, NB, ram, 2, &keep, 1, out, 16);
	assert_int_equal(n, 9);
	assert_range(&out[0], 0x0, 0x1000, MMAP_RAM);
	assert_range(&out[1], 0x1000, 0x2000, MMAP_RESERVED); /* Keel's start info, map */
	assert_range(&out[2], 0x3000, 0x9c000, MMAP_RAM);
	/* EBDA, then (hole 0xa0000-0xe8000 omitted) the BIOS, then Keel's 1-4 MiB. */
	assert_range(&out[3], 0x9f000, 0x1000, MMAP_RESERVED);
	assert_range(&out[4], 0xe8000, 0x318000, MMAP_RESERVED);
	assert_range(&out[5], 0x400000, 0x18000000, MMAP_RAM);
	/* The rest of host RAM is not dom0's; the ACPI tables are its own to read. */
	assert_range(&out[6], 0x18400000, 0x7fff0000 - 0x18400000, MMAP_RESERVED);
	assert_range(&out[7], 0x7fff0000, 0x10000, MMAP_ACPI_RECLAIM);
	assert_range(&out[8], 0xfffc0000, 0x40000, MMAP_RESERVED); /* the BIOS flash */
	assert_int_equal(host_map_dom0(bochs, NB, ram, 2, &keep, 1, out, 8), -E2BIG);
}

static void dom0_map_keeps_top_reserved(void **state)
{
	(void)state;
	struct host_range ram[] = {{0x400000, 0x200000, 1}};
	struct host_range out[16];

	int n = host_map_dom0(bochs, NB, ram, 1, NULL, 0, out, 16);
	assert_true(n > 0);
	assert_range(&out[n - 1], 0xfffc0000, 0x40000, MMAP_RESERVED);
	/* Nothing dom0 does not own is RAM in its map. */
	for (int i = 0; i < n; i++)
		if (out[i].type == MMAP_RAM)
			assert_range(&out[i], 0x400000, 0x200000, MMAP_RAM);
}

static void passthrough_on_bochs(void **state)
{
	(void)state;
	struct host_range out[16];

	int n = host_map_passthrough(bochs, NB, out, 16);
	assert_int_equal(n, 3);
	/* EBDA, VGA, ROMs and BIOS: one uncached range, page-aligned. */
	assert_range(&out[0], 0x9f000, 0x61000, HOST_RESERVED);
	assert_int_equal(out[0].type, HOST_RESERVED);
	/* The ACPI tables: cached. */
	assert_range(&out[1], 0x7fff0000, 0x10000, HOST_FIRMWARE);
	/* The PCI hole, IO-APIC, HPET, LAPIC and flash up to 4 GiB: device space. */
	assert_range(&out[2], 0x80000000, 0x80000000, HOST_RESERVED);
	assert_int_equal(host_map_passthrough(bochs, NB, out, 2), -E2BIG);
}

static void kinds_and_overlaps(void **state)
{
	(void)state;
	/* A reserved entry inside RAM wins; a bad entry is reserved; unlisted is a hole. */
	static const struct boot_mmap_entry m[] = {
	    {0x100000, 0x100000, MMAP_RAM},  {0x180000, 0x1000, MMAP_ACPI_NVS},
	    {0x181000, 0x1000, MMAP_BAD},    {0x1000, 0x1000, MMAP_RAM},
	    {0x1000, 0x1000, MMAP_RESERVED},
	};
	assert_int_equal(host_map_kind(m, 5, 0x100000), HOST_RAM);
	assert_int_equal(host_map_kind(m, 5, 0x180800), HOST_FIRMWARE);
	assert_int_equal(host_map_kind(m, 5, 0x181000), HOST_RESERVED);
	assert_int_equal(host_map_kind(m, 5, 0x1800), HOST_RESERVED);
	assert_int_equal(host_map_kind(m, 5, 0x300000), HOST_HOLE);
	assert_int_equal(host_map_kind(m, 5, ~0ULL), HOST_HOLE);
	/* An entry that wraps the address space is clipped, not looped over. */
	static const struct boot_mmap_entry wrap[] = {{0xfffffffffffff000ULL, 0x2000, MMAP_RAM}};
	struct host_range ram = {0, 0x1000, 1}, out[4];
	assert_int_equal(host_map_dom0(wrap, 1, &ram, 1, NULL, 0, out, 4), 2);
}

static void device_vectors(void **state)
{
	(void)state;
	/* Below 0x20: exceptions; 0xf0 and up: Keel's timer, IPI and spurious vectors. */
	assert_false(irq_route_is_device_vector(0x1f));
	assert_true(irq_route_is_device_vector(0x20));
	assert_true(irq_route_is_device_vector(0x30)); /* Linux's ISA IRQ 0 */
	assert_true(irq_route_is_device_vector(0xef));
	assert_false(irq_route_is_device_vector(0xf0));
	assert_false(irq_route_is_device_vector(0xff));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(dom0_map_on_bochs),    cmocka_unit_test(dom0_map_keeps_top_reserved),
	    cmocka_unit_test(passthrough_on_bochs), cmocka_unit_test(kinds_and_overlaps),
	    cmocka_unit_test(device_vectors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
