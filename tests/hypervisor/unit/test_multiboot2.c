// SPDX-License-Identifier: MIT
/* Multiboot2 decoder: well-formed blocks and every bounds check. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>

#include <keel/bootinfo.h>
#include <keel/errno.h>

/* Builds an MBI in a buffer, tag by tag. */
struct mbi {
	uint8_t buf[4096] __attribute__((aligned(8)));
	uint32_t len;
};

static void mbi_init(struct mbi *m)
{
	memset(m, 0, sizeof(*m));
	m->len = 8;
}

static uint8_t *mbi_tag(struct mbi *m, uint32_t type, uint32_t size)
{
	uint8_t *t = m->buf + m->len;
	memcpy(t, &type, 4);
	memcpy(t + 4, &size, 4);
	m->len += (size + 7) & ~7u;
	return t;
}

static void mbi_end(struct mbi *m)
{
	mbi_tag(m, 0, 8);
	memcpy(m->buf, &m->len, 4);
}

static void add_string_tag(struct mbi *m, uint32_t type, const char *s)
{
	uint32_t size = 8 + (uint32_t)strlen(s) + 1;
	memcpy(mbi_tag(m, type, size) + 8, s, strlen(s) + 1);
}

static void add_module(struct mbi *m, uint32_t start, uint32_t end, const char *cmd)
{
	uint32_t size = 16 + (uint32_t)strlen(cmd) + 1;
	uint8_t *t = mbi_tag(m, 3, size);
	memcpy(t + 8, &start, 4);
	memcpy(t + 12, &end, 4);
	memcpy(t + 16, cmd, strlen(cmd) + 1);
}

static void add_mmap(struct mbi *m, const uint64_t (*ents)[3], int n)
{
	uint32_t size = 16 + 24 * (uint32_t)n, esz = 24, ver = 0;
	uint8_t *t = mbi_tag(m, 6, size);
	memcpy(t + 8, &esz, 4);
	memcpy(t + 12, &ver, 4);
	for (int i = 0; i < n; i++) {
		uint32_t type = (uint32_t)ents[i][2];
		memcpy(t + 16 + 24 * i, &ents[i][0], 8);
		memcpy(t + 24 + 24 * i, &ents[i][1], 8);
		memcpy(t + 32 + 24 * i, &type, 4);
	}
}

static struct boot_info bi;

static void full_block(void **state)
{
	(void)state;
	struct mbi m;
	const char *why;
	const uint64_t map[3][3] = {
	    {0, 0x9fc00, 1},
	    {0xf0000, 0x10000, 2},
	    {0x100000, 0x7ff00000, 1},
	};

	mbi_init(&m);
	add_string_tag(&m, 1, "selftest=boot-vmx");
	add_string_tag(&m, 2, "GRUB 2.06");
	add_module(&m, 0x400000, 0x401000, "name=g1 mem=16M");
	add_module(&m, 0x500000, 0x500000, "");
	add_mmap(&m, map, 3);
	mbi_tag(&m, 99, 12); /* unknown tag: skipped */
	mbi_end(&m);

	assert_int_equal(mb2_parse(m.buf, m.len, 0x10000, &bi, &why), 0);
	assert_null(why);
	assert_string_equal(bi.cmdline, "selftest=boot-vmx");
	assert_string_equal(bi.loader, "GRUB 2.06");
	assert_int_equal(bi.nr_modules, 2);
	assert_int_equal(bi.modules[0].start, 0x400000);
	assert_int_equal(bi.modules[0].end, 0x401000);
	assert_string_equal(bi.modules[0].cmdline, "name=g1 mem=16M");
	assert_string_equal(bi.modules[1].cmdline, "");
	assert_int_equal(bi.nr_mmap, 3);
	assert_int_equal(bi.mmap[2].addr, 0x100000);
	assert_int_equal(bi.mmap[2].type, MMAP_RAM);
	assert_int_equal(boot_ram_bytes(&bi), 0x9fc00 + 0x7ff00000ULL);
}

static void rejects(void **state)
{
	(void)state;
	struct mbi m;
	const char *why;
	uint32_t v;

	/* Shorter than a header. */
	mbi_init(&m);
	mbi_end(&m);
	assert_int_equal(mb2_parse(m.buf, 8, 0, &bi, &why), -EINVAL);
	assert_non_null(why);

	/* total_size larger than what the caller can read. */
	assert_int_equal(mb2_parse(m.buf, m.len - 1, 0, &bi, &why), -EINVAL);

	/* No end tag: runs off the end. */
	mbi_init(&m);
	add_string_tag(&m, 1, "x");
	memcpy(m.buf, &m.len, 4);
	assert_int_equal(mb2_parse(m.buf, m.len, 0, &bi, &why), -EINVAL);

	/* A tag whose size reaches past total_size. */
	mbi_init(&m);
	uint8_t *t = mbi_tag(&m, 1, 16);
	mbi_end(&m);
	v = 4000;
	memcpy(t + 4, &v, 4);
	assert_int_equal(mb2_parse(m.buf, m.len, 0, &bi, &why), -EINVAL);

	/* A tag smaller than its own header. */
	mbi_init(&m);
	t = mbi_tag(&m, 1, 16);
	mbi_end(&m);
	v = 4;
	memcpy(t + 4, &v, 4);
	assert_int_equal(mb2_parse(m.buf, m.len, 0, &bi, &why), -EINVAL);

	/* Module that ends before it starts, and one too short to hold its fields. */
	mbi_init(&m);
	add_module(&m, 0x2000, 0x1000, "");
	mbi_end(&m);
	assert_int_equal(mb2_parse(m.buf, m.len, 0, &bi, &why), -EINVAL);
	mbi_init(&m);
	mbi_tag(&m, 3, 12);
	mbi_end(&m);
	assert_int_equal(mb2_parse(m.buf, m.len, 0, &bi, &why), -EINVAL);

	/* Memory map with a bogus entry size. */
	mbi_init(&m);
	t = mbi_tag(&m, 6, 40);
	v = 7;
	memcpy(t + 8, &v, 4);
	mbi_end(&m);
	assert_int_equal(mb2_parse(m.buf, m.len, 0, &bi, &why), -EINVAL);

	/* An entry size so large that offset + size wraps in 32 bits (found by fuzzing). */
	mbi_init(&m);
	t = mbi_tag(&m, 6, 40);
	v = 0xfffffff8;
	memcpy(t + 8, &v, 4);
	mbi_end(&m);
	assert_int_equal(mb2_parse(m.buf, m.len, 0, &bi, &why), 0);
	assert_int_equal(bi.nr_mmap, 0);
}

static void unterminated_strings(void **state)
{
	(void)state;
	struct mbi m;
	const char *why;

	/* A command line without NUL is cut at its tag's end, never read beyond. */
	mbi_init(&m);
	uint8_t *t = mbi_tag(&m, 1, 12);
	memcpy(t + 8, "abcd", 4);
	mbi_tag(&m, 2, 12); /* next tag right after: "abcd" must not run into it */
	mbi_end(&m);
	assert_int_equal(mb2_parse(m.buf, m.len, 0, &bi, &why), 0);
	assert_string_equal(bi.cmdline, "abcd");
}

static void too_many(void **state)
{
	(void)state;
	static struct mbi m;
	const char *why;

	mbi_init(&m);
	for (int i = 0; i < BOOT_MAX_MODULES + 3; i++)
		add_module(&m, 0x1000, 0x2000, "m");
	mbi_end(&m);
	assert_int_equal(mb2_parse(m.buf, m.len, 0, &bi, &why), 0);
	assert_int_equal(bi.nr_modules, BOOT_MAX_MODULES);
	assert_int_equal(bi.dropped_modules, 3);
}

static void acpi_rsdp(void **state)
{
	(void)state;
	struct mbi m;
	const char *why;

	mbi_init(&m);
	mbi_tag(&m, 15, 8 + 36); /* new RSDP at offset 8 */
	mbi_tag(&m, 14, 8 + 20); /* old one later: the new one wins */
	mbi_end(&m);
	assert_int_equal(mb2_parse(m.buf, m.len, 0x9000, &bi, &why), 0);
	assert_int_equal(bi.acpi_rsdp, 0x9000 + 8 + 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(full_block),
	    cmocka_unit_test(rejects),
	    cmocka_unit_test(unterminated_strings),
	    cmocka_unit_test(too_many),
	    cmocka_unit_test(acpi_rsdp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
