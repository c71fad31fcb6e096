// SPDX-License-Identifier: MIT
/* Fuzz target: a guest's ring (domain 5, unprivileged); input format in ring_rounds.h. */
#include "ring_rounds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_ring_rounds(data, size, 5, false);
	return 0;
}
