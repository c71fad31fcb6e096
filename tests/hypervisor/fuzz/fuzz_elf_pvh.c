// SPDX-License-Identifier: MIT
/* Fuzz target: PVH ELF inspection and loading into a small guest memory. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <keel/elf_pvh.h>

static uint8_t guest[1 << 20];

static u8 *map(void *ctx, u64 gpa, u64 len)
{
	(void)ctx;
	if (gpa > sizeof(guest) || len > sizeof(guest) - gpa)
		return NULL;
	return guest + gpa;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_pvh_info info;
	const char *why;
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (elf_pvh_inspect(copy, size, &info, &why) == 0 &&
	    (info.entry < info.lo || info.entry >= info.hi))
		abort();
	elf_pvh_load(copy, size, 0, map, NULL, &why);
	if (info.reloc) {
		s64 delta;
		if (elf_pvh_place(&info, 0x5000, sizeof(guest) - 1, &delta) == 0)
			elf_pvh_load(copy, size, delta, map, NULL, &why);
	}
	free(copy);
	return 0;
}
