// SPDX-License-Identifier: MIT
/* Fuzz target: the multiboot2 decoder must reject or decode any block without reading outside it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <keel/bootinfo.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_info bi;
	const char *why;
	/* An exact-size heap copy so ASan sees any read past the end. */
	uint8_t *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (mb2_parse(buf, size, 0x1000, &bi, &why) == 0 && bi.nr_mmap > BOOT_MAX_MMAP)
		abort();
	free(buf);
	return 0;
}
