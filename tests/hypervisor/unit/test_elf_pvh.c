// SPDX-License-Identifier: MIT
/* PVH ELF loading from synthetic images, and every rejection. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <keel/elf_pvh.h>
#include <keel/errno.h>

static u8 img[16384];
static u8 guest[0x20000];

static void w16(u64 o, u16 v)
{
	memcpy(img + o, &v, 2);
}
static void w32(u64 o, u32 v)
{
	memcpy(img + o, &v, 4);
}
static void w64(u64 o, u64 v)
{
	memcpy(img + o, &v, 8);
}

/* ELF64 with phdrs at 64: [0] PT_LOAD file 0x1000..0x1100 -> paddr 0x10000 memsz 0x200,
 * [1] PT_NOTE at 0x2000 holding a Xen PHYS32_ENTRY note (desc size descsz). */
static void build(u32 descsz, u64 entry)
{
	memset(img, 0, sizeof(img));
	memcpy(img, "\177ELF", 4);
	img[4] = 2;
	img[5] = 1;
	w16(18, 62);
	w64(32, 64);
	w16(54, 56);
	w16(56, 2);
	w32(64, 1);
	w64(64 + 8, 0x1000);
	w64(64 + 24, 0x10000);
	w64(64 + 32, 0x100);
	w64(64 + 40, 0x200);
	w32(120, 4);
	w64(120 + 8, 0x2000);
	w64(120 + 32, 12 + 4 + descsz);
	w32(0x2000, 4);
	w32(0x2004, descsz);
	w32(0x2008, 18);
	memcpy(img + 0x200c, "Xen", 4);
	if (descsz == 8)
		w64(0x2010, entry);
	else
		w32(0x2010, (u32)entry);
	memset(img + 0x1000, 0xab, 0x100);
}

/* The same image as an ELF32 container (machine EM_X86_64 or EM_386): phdrs at 52. */
static void build32(u16 machine, u32 entry)
{
	memset(img, 0, sizeof(img));
	memcpy(img, "\177ELF", 4);
	img[4] = 1;
	img[5] = 1;
	w16(18, machine);
	w32(28, 52);
	w16(42, 32);
	w16(44, 2);
	w32(52, 1);
	w32(52 + 4, 0x1000);
	w32(52 + 12, 0x10000);
	w32(52 + 16, 0x100);
	w32(52 + 20, 0x200);
	w32(84, 4);
	w32(84 + 4, 0x2000);
	w32(84 + 16, 12 + 4 + 4);
	w32(0x2000, 4);
	w32(0x2004, 4);
	w32(0x2008, 18);
	memcpy(img + 0x200c, "Xen", 4);
	w32(0x2010, entry);
	memset(img + 0x1000, 0xab, 0x100);
}

static u8 *map(void *ctx, u64 gpa, u64 len)
{
	(void)ctx;
	if (gpa > sizeof(guest) || len > sizeof(guest) - gpa)
		return NULL;
	return guest + gpa;
}

static void loads(void **state)
{
	(void)state;
	struct elf_pvh_info info;
	const char *why;

	build(8, 0x10040);
	assert_int_equal(elf_pvh_inspect(img, sizeof(img), &info, &why), 0);
	assert_int_equal(info.entry, 0x10040);
	assert_int_equal(info.lo, 0x10000);
	assert_int_equal(info.hi, 0x10200);
	memset(guest, 0xcc, sizeof(guest));
	assert_int_equal(elf_pvh_load(img, sizeof(img), 0, map, NULL, &why), 0);
	assert_int_equal(guest[0x10000], 0xab);
	assert_int_equal(guest[0x100ff], 0xab);
	assert_int_equal(guest[0x10100], 0); /* bss zeroed */
	assert_int_equal(guest[0x101ff], 0);
	assert_int_equal(guest[0x10200], 0xcc); /* nothing beyond memsz */
	build(4, 0x10010);
	assert_int_equal(elf_pvh_inspect(img, sizeof(img), &info, &why), 0);
	assert_int_equal(info.entry, 0x10010);
}

static void loads_elf32(void **state)
{
	(void)state;
	static const u16 machines[] = {62, 3};
	struct elf_pvh_info info;
	const char *why;

	for (unsigned i = 0; i < 2; i++) {
		build32(machines[i], 0x10020);
		assert_int_equal(elf_pvh_inspect(img, sizeof(img), &info, &why), 0);
		assert_int_equal(info.entry, 0x10020);
		assert_int_equal(info.lo, 0x10000);
		assert_int_equal(info.hi, 0x10200);
		memset(guest, 0xcc, sizeof(guest));
		assert_int_equal(elf_pvh_load(img, sizeof(img), 0, map, NULL, &why), 0);
		assert_int_equal(guest[0x100ff], 0xab);
		assert_int_equal(guest[0x10100], 0);
		assert_int_equal(guest[0x10200], 0xcc);
	}
}

/* HVM firmware (hvmloader): an ELF32 without the note, entered at e_entry, only when asked. */
static void firmware_without_note(void **state)
{
	(void)state;
	struct elf_pvh_info info;
	const char *why;

	build32(3, 0x10020);
	w32(84, 0);	  /* the note segment is no PT_NOTE any more */
	w32(24, 0x10080); /* e_entry */
	assert_int_equal(elf_pvh_inspect(img, sizeof(img), &info, &why), -EINVAL);
	assert_non_null(strstr(why, "not a PVH kernel"));
	assert_int_equal(elf_pvh_inspect_as(img, sizeof(img), true, &info, &why), 0);
	assert_true(info.firmware);
	assert_int_equal(info.entry, 0x10080);
	memset(guest, 0xcc, sizeof(guest));
	assert_int_equal(elf_pvh_load(img, sizeof(img), 0, map, NULL, &why), 0);
	assert_int_equal(guest[0x100ff], 0xab);
	w32(24, 0x40000); /* outside what is loaded */
	assert_int_equal(elf_pvh_inspect_as(img, sizeof(img), true, &info, &why), -EINVAL);
	/* With the note the note wins (a PVH kernel in an HVM domain), firmware or not. */
	build32(3, 0x10020);
	assert_int_equal(elf_pvh_inspect_as(img, sizeof(img), true, &info, &why), 0);
	assert_false(info.firmware);
	assert_int_equal(info.entry, 0x10020);
	/* An ELF64 without the note is no firmware Keel knows. */
	build(8, 0x10040);
	w32(120, 0); /* its note segment is no PT_NOTE any more */
	assert_int_equal(elf_pvh_inspect_as(img, sizeof(img), true, &info, &why), -EINVAL);
	assert_non_null(strstr(why, "firmware"));
}

/* Builds a good image (make), spoils it (setup) and expects a refusal whose reason has text. */
#define REJECT_FROM(make, setup, text)                                                             \
	do {                                                                                       \
		struct elf_pvh_info info;                                                          \
		const char *why = NULL;                                                            \
		make;                                                                              \
		setup;                                                                             \
		assert_int_not_equal(elf_pvh_inspect(img, sizeof(img), &info, &why), 0);           \
		assert_non_null(why);                                                              \
		assert_non_null(strstr(why, text));                                                \
	} while (0)
#define REJECT32(setup, text) REJECT_FROM(build32(62, 0x10020), setup, text)
#define REJECT(setup, text)   REJECT_FROM(build(8, 0x10040), setup, text)

static void rejects_elf32(void **state)
{
	(void)state;
	REJECT32(w16(18, 40), "x86");		  /* ARM */
	REJECT32(w16(42, 56), "program headers"); /* ELF64-sized phdrs */
	REJECT32(w32(28, 16380), "beyond the end");
	REJECT32(w32(52 + 4, 16300), "segment beyond");
	REJECT32(w32(52 + 20, 0x10), "inconsistent");
	REJECT32(w32(52 + 12, 0xfffffff0), "outside the loaded");
	REJECT32(w32(0x2010, 0x30000), "outside the loaded");
	REJECT32(w32(0x2004, 2), "bad size");
	struct elf_pvh_info info;
	const char *why;
	build32(62, 0x10020);
	assert_int_equal(elf_pvh_inspect(img, 50, &info, &why), -EINVAL); /* < 52 */
}

static void rejects(void **state)
{
	(void)state;
	REJECT(img[1] = 'X', "not an ELF");
	REJECT(img[4] = 3, "ELF32 or ELF64");
	REJECT(img[5] = 2, "little-endian");
	REJECT(w16(18, 3), "x86"); /* EM_386 only in an ELF32 container */
	REJECT(w16(54, 32), "program headers");
	REJECT(w16(56, 0), "program headers");
	REJECT(w64(32, 16380), "beyond the end");
	REJECT(w64(64 + 8, 16300), "segment beyond");
	REJECT(w64(64 + 32, 0x10000), "segment beyond");
	REJECT(w64(64 + 40, 0x10), "inconsistent");
	REJECT(w64(64 + 24, ~0ULL - 0x10), "inconsistent");
	REJECT(w32(0x2008, 17), "not a PVH kernel");
	REJECT(w32(0x2004, 6), "bad size");
	REJECT(w32(0x2004, 4000), "past its segment");
	REJECT(w64(0x2010, 0x100000000ULL), "above 4 GiB");
	REJECT(w64(0x2010, 0x20000), "outside the loaded");
	REJECT(w32(64, 6), "nothing to load");
	/* Too small to be a header at all. */
	struct elf_pvh_info info;
	const char *why;
	assert_int_equal(elf_pvh_inspect(img, 10, &info, &why), -EINVAL);
}

/* build() plus a PHYS32_RELOC note after the entry note, with descsz bytes of constraints. */
static void add_reloc(u32 descsz, u32 align, u32 min, u32 max)
{
	w32(0x2018, 4);
	w32(0x201c, descsz);
	w32(0x2020, 19);
	memcpy(img + 0x2024, "Xen", 4);
	w32(0x2028, align);
	w32(0x202c, min);
	w32(0x2030, max);
	w64(120 + 32, 24 + 16 + descsz); /* PT_NOTE filesz covers both notes */
}

static void relocates_as_the_note_allows(void **state)
{
	(void)state;
	struct elf_pvh_info info;
	const char *why;
	s64 delta;

	build(8, 0x10040);
	assert_int_equal(elf_pvh_inspect(img, sizeof(img), &info, &why), 0);
	assert_false(info.reloc);
	assert_int_equal(elf_pvh_place(&info, 0x5000, 0x1ffff, &delta), -ENOSPC);

	build(8, 0x10040);
	add_reloc(12, 0x8000, 0x18000, 0x1ffff);
	assert_int_equal(elf_pvh_inspect(img, sizeof(img), &info, &why), 0);
	assert_true(info.reloc);
	assert_int_equal(info.reloc_align, 0x8000);
	assert_int_equal(info.reloc_min, 0x18000);
	assert_int_equal(elf_pvh_place(&info, 0x5000, 0x1ffff, &delta), 0);
	assert_int_equal(delta, 0x8000); /* to 0x18000, the lowest allowed */
	memset(guest, 0xcc, sizeof(guest));
	assert_int_equal(elf_pvh_load(img, sizeof(img), delta, map, NULL, &why), 0);
	assert_int_equal(guest[0x18000], 0xab);
	assert_int_equal(guest[0x10000], 0xcc); /* nothing at the linked address */
	/* Its own maximum or the domain's ceiling can leave no room. */
	assert_int_equal(elf_pvh_place(&info, 0x5000, 0x180ff, &delta), -ENOSPC);
	build(8, 0x10040);
	add_reloc(12, 0x8000, 0x18000, 0x18100);
	assert_int_equal(elf_pvh_inspect(img, sizeof(img), &info, &why), 0);
	assert_int_equal(elf_pvh_place(&info, 0x5000, 0x1ffff, &delta), -ENOSPC);

	/* A short note keeps the defaults: alignment from p_align (0 here: 2 MiB). */
	build(8, 0x10040);
	add_reloc(0, 0, 0, 0);
	assert_int_equal(elf_pvh_inspect(img, sizeof(img), &info, &why), 0);
	assert_int_equal(info.reloc_align, 0x200000);
	assert_int_equal(info.reloc_max, 0xffffffff);
	assert_int_equal(elf_pvh_place(&info, 0x5000, 0x3fffff, &delta), 0);
	assert_int_equal(delta, 0x200000 - 0x10000);

	/* Bad notes. */
	build(8, 0x10040);
	add_reloc(6, 0, 0, 0);
	assert_int_not_equal(elf_pvh_inspect(img, sizeof(img), &info, &why), 0);
	build(8, 0x10040);
	add_reloc(4, 0x3000, 0, 0);
	assert_int_not_equal(elf_pvh_inspect(img, sizeof(img), &info, &why), 0);
	assert_non_null(strstr(why, "power of two"));
}

static void load_out_of_guest_memory(void **state)
{
	(void)state;
	const char *why;

	build(8, 0x1ff40);
	w64(64 + 24, 0x1ff00);
	w64(64 + 40, 0x200);
	assert_int_equal(elf_pvh_load(img, sizeof(img), 0, map, NULL, &why), -ENOMEM);
	assert_non_null(strstr(why, "does not fit"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(loads),
	    cmocka_unit_test(rejects),
	    cmocka_unit_test(loads_elf32),
	    cmocka_unit_test(firmware_without_note),
	    cmocka_unit_test(rejects_elf32),
	    cmocka_unit_test(load_out_of_guest_memory),
	    cmocka_unit_test(relocates_as_the_note_allows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
