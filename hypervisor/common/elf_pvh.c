// SPDX-License-Identifier: MIT
/* PVH ELF loader: see elf_pvh.h. Layouts are the ELF64 System V ABI's. */
#include <keel/elf_pvh.h>
#include <keel/errno.h>
#include <keel/string.h>
#include <public/xen/start_info.h>

#define EHDR_SIZE	64
#define PHDR_SIZE	56
#define PT_LOAD		1
#define PT_NOTE		4
#define EM_X86_64	62

static u16 rd16(const u8 *p) { u16 v; memcpy(&v, p, 2); return v; }
static u32 rd32(const u8 *p) { u32 v; memcpy(&v, p, 4); return v; }
static u64 rd64(const u8 *p) { u64 v; memcpy(&v, p, 8); return v; }

struct phdr {
	u32 type;
	u64 offset, paddr, filesz, memsz;
};

static void read_phdr(const u8 *img, u64 phoff, u32 i, struct phdr *ph)
{
	const u8 *p = img + phoff + (u64)i * PHDR_SIZE;

	ph->type = rd32(p);
	ph->offset = rd64(p + 8);
	ph->paddr = rd64(p + 24);
	ph->filesz = rd64(p + 32);
	ph->memsz = rd64(p + 40);
}

static int check_header(const u8 *img, size_t len, u64 *phoff, u32 *phnum, const char **why)
{
	if (len < EHDR_SIZE || memcmp(img, "\177ELF", 4)) {
		*why = "not an ELF image";
		return -EINVAL;
	}
	if (img[4] != 2 || img[5] != 1 || rd16(img + 18) != EM_X86_64) {
		*why = "not a little-endian ELF64 x86-64 image";
		return -EINVAL;
	}
	*phoff = rd64(img + 32);
	*phnum = rd16(img + 56);
	if (rd16(img + 54) != PHDR_SIZE || *phnum == 0) {
		*why = "ELF program headers missing or of the wrong size";
		return -EINVAL;
	}
	if (*phoff > len || (u64)*phnum * PHDR_SIZE > len - *phoff) {
		*why = "ELF program headers beyond the end of the image";
		return -EINVAL;
	}
	return 0;
}

/* Scans one PT_NOTE segment for Xen's PHYS32_ENTRY note. */
static int scan_notes(const u8 *n, u64 size, u32 *entry, bool *found, const char **why)
{
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
		if (namesz == 4 && !memcmp(n + name_off, "Xen", 4) &&
		    type == XEN_ELFNOTE_PHYS32_ENTRY) {
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

int elf_pvh_inspect(const u8 *img, size_t len, struct elf_pvh_info *info, const char **why)
{
	u64 phoff;
	u32 phnum;
	bool found = false;
	int err;

	memset(info, 0, sizeof(*info));
	*why = NULL;
	err = check_header(img, len, &phoff, &phnum, why);
	if (err)
		return err;

	info->lo = UINT64_MAX;
	for (u32 i = 0; i < phnum; i++) {
		struct phdr ph;
		read_phdr(img, phoff, i, &ph);
		if (ph.type != PT_LOAD && ph.type != PT_NOTE)
			continue;
		if (ph.offset > len || ph.filesz > len - ph.offset) {
			*why = "ELF segment beyond the end of the image";
			return -EINVAL;
		}
		if (ph.type == PT_NOTE) {
			err = scan_notes(img + ph.offset, ph.filesz, &info->entry, &found, why);
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
	}
	if (!info->nr_load) {
		*why = "ELF image has nothing to load";
		return -EINVAL;
	}
	if (!found) {
		*why = "no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel";
		return -EINVAL;
	}
	if (info->entry < info->lo || info->entry >= info->hi) {
		*why = "PVH entry point lies outside the loaded segments";
		return -EINVAL;
	}
	return 0;
}

int elf_pvh_load(const u8 *img, size_t len, elf_gpa_map_fn map, void *ctx, const char **why)
{
	struct elf_pvh_info info;
	u64 phoff;
	u32 phnum;
	int err = elf_pvh_inspect(img, len, &info, why);

	if (err)
		return err;
	check_header(img, len, &phoff, &phnum, why);
	for (u32 i = 0; i < phnum; i++) {
		struct phdr ph;
		read_phdr(img, phoff, i, &ph);
		if (ph.type != PT_LOAD || !ph.memsz)
			continue;
		u8 *dst = map(ctx, ph.paddr, ph.memsz);
		if (!dst) {
			*why = "ELF segment does not fit in the domain's memory";
			return -ENOMEM;
		}
		memcpy(dst, img + ph.offset, ph.filesz);
		memset(dst + ph.filesz, 0, ph.memsz - ph.filesz);
	}
	return 0;
}
