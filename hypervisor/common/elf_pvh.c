// SPDX-License-Identifier: MIT
/*
 * PVH ELF loader: see elf_pvh.h. Layouts are the System V ABI's for ELF64
 * and ELF32. As Xen's libelf does, both classes are accepted: a PVH kernel
 * may be linked as elf32-x86-64 or elf32-i386 (64-bit or 32-bit code in a
 * 32-bit container) as well as elf64-x86-64.
 */
#include <keel/elf_pvh.h>
#include <keel/errno.h>
#include <keel/string.h>
#include <keel/unaligned.h>
#include <public/xen/start_info.h>

#define ELFCLASS32  1
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define PT_LOAD	    1
#define PT_NOTE	    4
#define EM_386	    3
#define EM_X86_64   62

/* Where the two classes differ: header sizes and field offsets. */
struct elf_layout {
	u32 ehdr_size, phdr_size;
	u32 e_phoff, e_phentsize, e_phnum;		   /* in the ELF header */
	u32 p_offset, p_paddr, p_filesz, p_memsz, p_align; /* in a program header */
	bool wide;					   /* 64-bit fields */
};

static const struct elf_layout ELF64 = {64, 56, 32, 54, 56, 8, 24, 32, 40, 48, true};
static const struct elf_layout ELF32 = {52, 32, 28, 42, 44, 4, 12, 16, 20, 28, false};

struct phdr {
	u32 type;
	u64 offset, paddr, filesz, memsz, align;
};

static u64 rd_word(const struct elf_layout *l, const u8 *p)
{
	return l->wide ? rd64(p) : rd32(p);
}

static void read_phdr(const struct elf_layout *l, const u8 *img, u64 phoff, u32 i, struct phdr *ph)
{
	const u8 *p = img + phoff + (u64)i * l->phdr_size;

	ph->type = rd32(p);
	ph->offset = rd_word(l, p + l->p_offset);
	ph->paddr = rd_word(l, p + l->p_paddr);
	ph->filesz = rd_word(l, p + l->p_filesz);
	ph->memsz = rd_word(l, p + l->p_memsz);
	ph->align = rd_word(l, p + l->p_align);
}

static int check_header(const u8 *img, size_t len, const struct elf_layout **layout, u64 *phoff,
			u32 *phnum, const char **why)
{
	if (len < ELF32.ehdr_size || memcmp(img, "\177ELF", 4)) {
		*why = "not an ELF image";
		return -EINVAL;
	}
	const struct elf_layout *l = img[4] == ELFCLASS64 ? &ELF64 : &ELF32;
	u16 machine = rd16(img + 18);
	bool x86 = machine == EM_X86_64 || (img[4] == ELFCLASS32 && machine == EM_386);
	if ((img[4] != ELFCLASS32 && img[4] != ELFCLASS64) || img[5] != ELFDATA2LSB || !x86) {
		*why = "not a little-endian x86 ELF image (ELF32 or ELF64)";
		return -EINVAL;
	}
	if (len < l->ehdr_size) {
		*why = "ELF header truncated";
		return -EINVAL;
	}
	*layout = l;
	*phoff = rd_word(l, img + l->e_phoff);
	*phnum = rd16(img + l->e_phnum);
	if (rd16(img + l->e_phentsize) != l->phdr_size || *phnum == 0) {
		*why = "ELF program headers missing or of the wrong size";
		return -EINVAL;
	}
	if (*phoff > len || (u64)*phnum * l->phdr_size > len - *phoff) {
		*why = "ELF program headers beyond the end of the image";
		return -EINVAL;
	}
	return 0;
}

/* PHYS32_RELOC: up to three u32s, each optional (the note may be shorter). */
static int read_reloc(const u8 *desc, u32 descsz, struct elf_pvh_info *info, const char **why)
{
	if (descsz % 4 || descsz > 12) {
		*why = "PHYS32_RELOC note has a bad size";
		return -EINVAL;
	}
	info->reloc = true;
	if (descsz >= 4)
		info->reloc_align = rd32(desc);
	if (descsz >= 8)
		info->reloc_min = rd32(desc + 4);
	if (descsz >= 12)
		info->reloc_max = rd32(desc + 8);
	return 0;
}

/* Scans one PT_NOTE segment for Xen's PHYS32_ENTRY and PHYS32_RELOC notes. */
static int scan_notes(const u8 *n, u64 size, struct elf_pvh_info *info, bool *found,
		      const char **why)
{
	u32 *entry = &info->entry;
	u64 off = 0;

	while (size - off >= 12) {
		u32 namesz = rd32(n + off), descsz = rd32(n + off + 4), type = rd32(n + off + 8);
		u64 name_off = off + 12;
		u64 desc_off = name_off + ALIGN_UP((u64)namesz, 4);
		u64 next = desc_off + ALIGN_UP((u64)descsz, 4);
		if (desc_off > size || next > size) {
			*why = "ELF note runs past its segment";
			return -EINVAL;
		}
		bool xen = namesz == 4 && !memcmp(n + name_off, "Xen", 4);
		if (xen && type == XEN_ELFNOTE_PHYS32_RELOC) {
			int err = read_reloc(n + desc_off, descsz, info, why);
			if (err)
				return err;
		} else if (xen && type == XEN_ELFNOTE_PHYS32_ENTRY) {
			u64 e;
			if (descsz == 4)
				e = rd32(n + desc_off);
			else if (descsz == 8)
				e = rd64(n + desc_off);
			else {
				*why = "PHYS32_ENTRY note has a bad size";
				return -EINVAL;
			}
			if (e >> 32) {
				*why = "PHYS32_ENTRY is above 4 GiB";
				return -EINVAL;
			}
			*entry = (u32)e;
			*found = true;
		}
		off = next;
	}
	return 0;
}

int elf_pvh_inspect_as(const u8 *img, size_t len, bool firmware, struct elf_pvh_info *info,
		       const char **why)
{
	const struct elf_layout *l;
	u64 phoff;
	u32 phnum;
	bool found = false;
	int err;

	memset(info, 0, sizeof(*info));
	*why = NULL;
	err = check_header(img, len, &l, &phoff, &phnum, why);
	if (err)
		return err;

	info->lo = UINT64_MAX;
	info->reloc_max = 0xffffffff;
	u64 max_align = 0;
	for (u32 i = 0; i < phnum; i++) {
		struct phdr ph;
		read_phdr(l, img, phoff, i, &ph);
		if (ph.type != PT_LOAD && ph.type != PT_NOTE)
			continue;
		if (ph.offset > len || ph.filesz > len - ph.offset) {
			*why = "ELF segment beyond the end of the image";
			return -EINVAL;
		}
		if (ph.type == PT_NOTE) {
			err = scan_notes(img + ph.offset, ph.filesz, info, &found, why);
			if (err)
				return err;
			continue;
		}
		if (ph.memsz < ph.filesz || ph.paddr + ph.memsz < ph.paddr) {
			*why = "ELF segment sizes are inconsistent";
			return -EINVAL;
		}
		if (!ph.memsz)
			continue;
		info->nr_load++;
		info->lo = MIN(info->lo, ph.paddr);
		info->hi = MAX(info->hi, ph.paddr + ph.memsz);
		max_align = MAX(max_align, ph.align);
	}
	if (info->reloc && !info->reloc_align)
		info->reloc_align =
		    max_align >= 0x1000 && max_align <= (1ULL << 31) ? (u32)max_align : 0x200000;
	if (info->reloc && (info->reloc_align & (info->reloc_align - 1))) {
		*why = "PHYS32_RELOC alignment is not a power of two";
		return -EINVAL;
	}
	if (!info->nr_load) {
		*why = "ELF image has nothing to load";
		return -EINVAL;
	}
	if (!found && firmware && l == &ELF32) {
		/* HVM firmware (hvmloader): entered at e_entry, as Xen's libxc does. */
		info->entry = rd32(img + 24);
		info->firmware = found = true;
	}
	if (!found) {
		*why = firmware ? "no XEN_ELFNOTE_PHYS32_ENTRY note and not an ELF32 firmware image"
				: "no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel";
		return -EINVAL;
	}
	if (info->entry < info->lo || info->entry >= info->hi) {
		*why = "PVH entry point lies outside the loaded segments";
		return -EINVAL;
	}
	return 0;
}

int elf_pvh_inspect(const u8 *img, size_t len, struct elf_pvh_info *info, const char **why)
{
	return elf_pvh_inspect_as(img, len, false, info, why);
}

int elf_pvh_place(const struct elf_pvh_info *info, u64 floor, u64 ceiling, s64 *delta)
{
	u64 size = info->hi - info->lo;
	u64 align = info->reloc_align ? info->reloc_align : 0x200000;
	u64 start = ALIGN_UP(MAX(floor, (u64)info->reloc_min), align);
	u64 last = MIN(ceiling, (u64)info->reloc_max);

	if (!info->reloc || !size || start < floor || start + size - 1 > last ||
	    start + size < start)
		return -ENOSPC;
	*delta = (s64)(start - info->lo);
	return 0;
}

int elf_pvh_load(const u8 *img, size_t len, s64 delta, elf_gpa_map_fn map, void *ctx,
		 const char **why)
{
	struct elf_pvh_info info;
	const struct elf_layout *l;
	u64 phoff;
	u32 phnum;
	/* Checked again (the image is never trusted); firmware too, which the caller chose. */
	int err = elf_pvh_inspect_as(img, len, true, &info, why);

	if (err)
		return err;
	check_header(img, len, &l, &phoff, &phnum, why);
	for (u32 i = 0; i < phnum; i++) {
		struct phdr ph;
		read_phdr(l, img, phoff, i, &ph);
		if (ph.type != PT_LOAD || !ph.memsz)
			continue;
		u8 *dst = map(ctx, ph.paddr + (u64)delta, ph.memsz);
		if (!dst) {
			*why = "ELF segment does not fit in the domain's memory";
			return -ENOMEM;
		}
		memcpy(dst, img + ph.offset, ph.filesz);
		memset(dst + ph.filesz, 0, ph.memsz - ph.filesz);
	}
	return 0;
}
