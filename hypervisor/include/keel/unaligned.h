/* SPDX-License-Identifier: MIT */
/*
 * Little-endian reads at any alignment, for parsers of images and tables
 * that come from outside (ELF, multiboot2, ACPI): memcpy, never a cast.
 */
#ifndef KEEL_UNALIGNED_H
#define KEEL_UNALIGNED_H

#include <keel/types.h>
#include <keel/string.h>

static inline u16 rd16(const u8 *p)
{
	u16 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline u32 rd32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline u64 rd64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

#endif
