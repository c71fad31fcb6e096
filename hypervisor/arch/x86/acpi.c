// SPDX-License-Identifier: MIT
/* MADT walk (ACPI 6.x, sections 5.2.5 RSDP, 5.2.7/8 RSDT/XSDT, 5.2.12 MADT). */
#include <keel/acpi.h>
#include <keel/errno.h>
#include <keel/string.h>

#define SDT_HEADER  36
#define MAX_TABLES  64
#define MADT_LAPIC  0
#define MADT_X2APIC 9

static bool checksum_ok(const u8 *p, u32 len)
{
	u8 sum = 0;

	for (u32 i = 0; i < len; i++)
		sum += p[i];
	return sum == 0;
}

static void add_cpu(struct acpi_cpus *c, u32 id)
{
	for (u32 i = 0; i < c->nr; i++)
		if (c->apic_id[i] == id)
			return; /* listed twice (LAPIC and x2APIC entries) */
	if (c->nr == ACPI_MAX_CPUS)
		c->dropped++;
	else
		c->apic_id[c->nr++] = id;
}

static int parse_madt(u64 pa, u32 len, acpi_read_fn read, void *ctx, struct acpi_cpus *c,
		      const char **why)
{
	u8 buf[4096];

	if (len < SDT_HEADER + 8 || len > sizeof(buf)) {
		*why = "MADT size out of range";
		return -EINVAL;
	}
	if (read(ctx, pa, buf, len) || !checksum_ok(buf, len)) {
		*why = "MADT unreadable or bad checksum";
		return -EINVAL;
	}
	for (u32 off = SDT_HEADER + 8; off + 2 <= len;) {
		u8 type = buf[off], elen = buf[off + 1];
		if (elen < 2 || off + elen > len) {
			*why = "MADT entry runs past the table";
			return -EINVAL;
		}
		if (type == MADT_LAPIC && elen >= 8) {
			u32 flags;
			memcpy(&flags, buf + off + 4, 4);
			if (flags & 1)
				add_cpu(c, buf[off + 3]);
		} else if (type == MADT_X2APIC && elen >= 16) {
			u32 id, flags;
			memcpy(&id, buf + off + 4, 4);
			memcpy(&flags, buf + off + 8, 4);
			if (flags & 1)
				add_cpu(c, id);
		}
		off += elen;
	}
	return 0;
}

int acpi_find_cpus(u64 rsdp, acpi_read_fn read, void *ctx, struct acpi_cpus *c, const char **why)
{
	u8 r[36], hdr[SDT_HEADER];
	u64 root;
	u32 entry_size;

	memset(c, 0, sizeof(*c));
	*why = NULL;
	if (read(ctx, rsdp, r, 20) || memcmp(r, "RSD PTR ", 8) || !checksum_ok(r, 20)) {
		*why = "no valid RSDP";
		return -EINVAL;
	}
	if (r[15] >= 2 && !read(ctx, rsdp, r, 36) && checksum_ok(r, 36)) {
		memcpy(&root, r + 24, 8);
		entry_size = 8;
	} else {
		u32 rsdt;
		memcpy(&rsdt, r + 16, 4);
		root = rsdt;
		entry_size = 4;
	}
	if (read(ctx, root, hdr, SDT_HEADER) || memcmp(hdr, entry_size == 8 ? "XSDT" : "RSDT", 4)) {
		*why = "root table unreadable";
		return -EINVAL;
	}
	u32 len;
	memcpy(&len, hdr + 4, 4);
	if (len < SDT_HEADER || (len - SDT_HEADER) / entry_size > MAX_TABLES) {
		*why = "root table size out of range";
		return -EINVAL;
	}
	u32 n = (len - SDT_HEADER) / entry_size;
	for (u32 i = 0; i < n; i++) {
		u64 t = 0;
		if (read(ctx, root + SDT_HEADER + (u64)i * entry_size, &t, entry_size) ||
		    read(ctx, t, hdr, SDT_HEADER)) {
			*why = "table pointer unreadable";
			return -EINVAL;
		}
		if (memcmp(hdr, "APIC", 4))
			continue;
		u32 tlen;
		memcpy(&tlen, hdr + 4, 4);
		return parse_madt(t, tlen, read, ctx, c, why);
	}
	*why = "no MADT";
	return -ENOENT;
}
