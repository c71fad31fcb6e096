// SPDX-License-Identifier: MIT
/* dom0's view of the host's physical address space: see host_map.h. */
#include <keel/errno.h>
#include <keel/host_map.h>
#include <keel/string.h>

#define PAGE_MASK_4K 0xfffULL

static enum host_kind kind_of_type(u32 type)
{
	switch (type) {
	case MMAP_RAM:
		return HOST_RAM;
	case MMAP_ACPI_RECLAIM:
	case MMAP_ACPI_NVS:
		return HOST_FIRMWARE;
	default:
		return HOST_RESERVED;
	}
}

enum host_kind host_map_kind(const struct boot_mmap_entry *host, u32 nr_host, u64 addr)
{
	enum host_kind k = HOST_HOLE;

	for (u32 i = 0; i < nr_host; i++) {
		const struct boot_mmap_entry *e = &host[i];
		if (addr < e->addr || addr - e->addr >= e->len)
			continue;
		enum host_kind ek = kind_of_type(e->type);
		if (ek > k)
			k = ek;
	}
	return k;
}

/* The firmware type to show dom0 for a firmware or reserved address. */
static u32 host_type_at(const struct boot_mmap_entry *host, u32 nr_host, u64 addr)
{
	u32 type = MMAP_RESERVED;
	enum host_kind best = HOST_HOLE;

	for (u32 i = 0; i < nr_host; i++) {
		const struct boot_mmap_entry *e = &host[i];
		if (addr < e->addr || addr - e->addr >= e->len)
			continue;
		enum host_kind ek = kind_of_type(e->type);
		if (ek > best) {
			best = ek;
			type = e->type == MMAP_BAD ? MMAP_RESERVED : e->type;
		}
	}
	return type;
}

static bool inside(const struct host_range *r, u32 n, u64 addr)
{
	for (u32 i = 0; i < n; i++)
		if (addr >= r[i].addr && addr - r[i].addr < r[i].size)
			return true;
	return false;
}

/* Sorted, unique boundaries of every range given, clipped to [0, 2^64). */
struct points {
	u64 p[HOST_MAP_MAX_POINTS];
	u32 n;
};

static int add_point(struct points *pts, u64 x)
{
	u32 i = 0;

	while (i < pts->n && pts->p[i] < x)
		i++;
	if (i < pts->n && pts->p[i] == x)
		return 0;
	if (pts->n == HOST_MAP_MAX_POINTS)
		return -E2BIG;
	memmove(&pts->p[i + 1], &pts->p[i], (pts->n - i) * sizeof(u64));
	pts->p[i] = x;
	pts->n++;
	return 0;
}

static int add_range(struct points *pts, u64 addr, u64 size)
{
	u64 end = addr + size < addr ? ~0ULL : addr + size;
	int err = add_point(pts, addr);

	return err ? err : add_point(pts, end);
}

static int emit(struct host_range *out, u32 *n, u32 max, u64 a, u64 b, u32 type)
{
	if (*n && out[*n - 1].type == type && out[*n - 1].addr + out[*n - 1].size == a) {
		out[*n - 1].size += b - a;
		return 0;
	}
	if (*n == max)
		return -E2BIG;
	out[(*n)++] = (struct host_range){a, b - a, type};
	return 0;
}

int host_map_dom0(const struct boot_mmap_entry *host, u32 nr_host, const struct host_range *ram,
		  u32 nr_ram, const struct host_range *keep, u32 nr_keep, struct host_range *out,
		  u32 max)
{
	struct points pts = {.n = 0};
	u32 n = 0;
	int err = 0;

	for (u32 i = 0; i < nr_host && !err; i++)
		err = add_range(&pts, host[i].addr, host[i].len);
	for (u32 i = 0; i < nr_ram && !err; i++)
		err = add_range(&pts, ram[i].addr, ram[i].size);
	for (u32 i = 0; i < nr_keep && !err; i++)
		err = add_range(&pts, keep[i].addr, keep[i].size);
	if (err)
		return err;

	for (u32 i = 0; i + 1 < pts.n; i++) {
		u64 a = pts.p[i], b = pts.p[i + 1];
		u32 type;
		if (inside(keep, nr_keep, a))
			type = MMAP_RESERVED;
		else if (inside(ram, nr_ram, a))
			type = MMAP_RAM;
		else {
			enum host_kind k = host_map_kind(host, nr_host, a);
			if (k == HOST_HOLE)
				continue;
			type = k == HOST_RAM ? MMAP_RESERVED : host_type_at(host, nr_host, a);
		}
		if ((err = emit(out, &n, max, a, b, type)))
			return err;
	}
	return (int)n;
}

int host_map_passthrough(const struct boot_mmap_entry *host, u32 nr_host, struct host_range *out,
			 u32 max)
{
	struct points pts = {.n = 0};
	u32 n = 0;
	int err = add_range(&pts, 0, HOST_IO_LIMIT);

	for (u32 i = 0; i < nr_host && !err; i++)
		if (host[i].addr < HOST_IO_LIMIT)
			err = add_range(&pts, host[i].addr,
					MIN(host[i].len, HOST_IO_LIMIT - host[i].addr));
	if (err)
		return err;

	for (u32 i = 0; i + 1 < pts.n && pts.p[i] < HOST_IO_LIMIT; i++) {
		u64 a = pts.p[i], b = pts.p[i + 1];
		enum host_kind k = host_map_kind(host, nr_host, a);
		if (k == HOST_RAM)
			continue;
		/* Device space may share a page with RAM's edge: round out; firmware RAM rounds in.
		 */
		if (k == HOST_FIRMWARE) {
			a = (a + PAGE_MASK_4K) & ~PAGE_MASK_4K;
			b &= ~PAGE_MASK_4K;
		} else {
			a &= ~PAGE_MASK_4K;
			b = (b + PAGE_MASK_4K) & ~PAGE_MASK_4K;
		}
		if (a >= b)
			continue;
		if (k == HOST_HOLE)
			k = HOST_RESERVED; /* both uncached device space */
		if (n && out[n - 1].type == k && out[n - 1].addr + out[n - 1].size >= a) {
			out[n - 1].size =
			    MAX(out[n - 1].addr + out[n - 1].size, b) - out[n - 1].addr;
			continue;
		}
		if (n == max)
			return -E2BIG;
		out[n++] = (struct host_range){a, b - a, k};
	}
	return (int)n;
}
