// SPDX-License-Identifier: MIT
/* Fuzz target: the MADT walk over an arbitrary "physical memory" image, RSDP at 0. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <keel/acpi.h>

static const uint8_t *img;
static size_t img_len;

static int rd(void *ctx, u64 pa, void *out, u32 len)
{
	(void)ctx;
	if (pa > img_len || len > img_len - pa)
		return -1;
	memcpy(out, img + pa, len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acpi_cpus c;
	const char *why;
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	img = copy;
	img_len = size;
	if (acpi_find_cpus(0, rd, NULL, &c, &why) == 0 && c.nr > ACPI_MAX_CPUS)
		abort();
	free(copy);
	return 0;
}
