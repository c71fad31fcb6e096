// SPDX-License-Identifier: MIT
/*
 * Multiboot2 boot-information decoder. The layout (a u32 total_size, a u32
 * reserved, then 8-byte aligned tags {u32 type, u32 size, ...} ending with
 * type 0) is from the Multiboot2 specification. Pure code: unit-tested on the host.
 */
#include <keel/bootinfo.h>
#include <keel/errno.h>
#include <keel/string.h>
#include <keel/unaligned.h>

enum {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_LOADER = 2,
	MB2_TAG_MODULE = 3,
	MB2_TAG_MMAP = 6,
	MB2_TAG_ACPI_OLD = 14,
	MB2_TAG_ACPI_NEW = 15,
};

/* Copies a NUL-terminated string of at most len bytes from a tag, always terminating. */
static void copy_tag_string(char *dst, size_t dstsz, const u8 *src, size_t len)
{
	size_t n = strnlen((const char *)src, len);

	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int parse_mmap(const u8 *tag, u32 size, struct boot_info *bi, const char **why)
{
	if (size < 16) {
		*why = "memory-map tag too short";
		return -EINVAL;
	}
	u32 esz = rd32(tag + 8);
	if (esz < 24 || esz % 8) {
		*why = "memory-map entry size invalid";
		return -EINVAL;
	}
	/* size >= 16 here; compare against what is left so nothing wraps. */
	for (u32 off = 16; esz <= size - off; off += esz) {
		const u8 *e = tag + off;
		if (bi->nr_mmap == BOOT_MAX_MMAP) {
			bi->dropped_mmap++;
			continue;
		}
		struct boot_mmap_entry *m = &bi->mmap[bi->nr_mmap++];
		m->addr = rd64(e);
		m->len = rd64(e + 8);
		m->type = rd32(e + 16);
	}
	return 0;
}

static int parse_module(const u8 *tag, u32 size, struct boot_info *bi, const char **why)
{
	if (size < 16) {
		*why = "module tag too short";
		return -EINVAL;
	}
	u32 start = rd32(tag + 8), end = rd32(tag + 12);
	if (end < start) {
		*why = "module ends before it starts";
		return -EINVAL;
	}
	if (bi->nr_modules == BOOT_MAX_MODULES) {
		bi->dropped_modules++;
		return 0;
	}
	struct boot_module *m = &bi->modules[bi->nr_modules++];
	m->start = start;
	m->end = end;
	copy_tag_string(m->cmdline, sizeof(m->cmdline), tag + 16, size - 16);
	return 0;
}

int mb2_parse(const void *mbi, size_t avail, paddr_t mbi_pa, struct boot_info *bi, const char **why)
{
	const u8 *base = mbi;

	memset(bi, 0, sizeof(*bi));
	*why = NULL;
	if (avail < 16) {
		*why = "boot information truncated";
		return -EINVAL;
	}
	u32 total = rd32(base);
	if (total < 16 || total > avail) {
		*why = "boot information size out of range";
		return -EINVAL;
	}

	u32 off = 8;
	for (;;) {
		if (off + 8 > total) {
			*why = "tag header beyond the end of the boot information";
			return -EINVAL;
		}
		const u8 *tag = base + off;
		u32 type = rd32(tag), size = rd32(tag + 4);
		if (size < 8 || size > total - off) {
			*why = "tag size out of range";
			return -EINVAL;
		}
		int err = 0;
		switch (type) {
		case MB2_TAG_END:
			return 0;
		case MB2_TAG_CMDLINE:
			copy_tag_string(bi->cmdline, sizeof(bi->cmdline), tag + 8, size - 8);
			break;
		case MB2_TAG_LOADER:
			copy_tag_string(bi->loader, sizeof(bi->loader), tag + 8, size - 8);
			break;
		case MB2_TAG_MODULE:
			err = parse_module(tag, size, bi, why);
			break;
		case MB2_TAG_MMAP:
			err = parse_mmap(tag, size, bi, why);
			break;
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW:
			/* Prefer the ACPI 2.0 RSDP when both are given. */
			if (size > 8 && (!bi->acpi_rsdp || type == MB2_TAG_ACPI_NEW))
				bi->acpi_rsdp = mbi_pa + off + 8;
			break;
		default:
			break; /* other tags are not needed */
		}
		if (err)
			return err;
		off += (size + 7) & ~7u;
	}
}

u64 boot_ram_bytes(const struct boot_info *bi)
{
	u64 sum = 0;

	for (u32 i = 0; i < bi->nr_mmap; i++)
		if (bi->mmap[i].type == MMAP_RAM)
			sum += bi->mmap[i].len;
	return sum;
}
