// SPDX-License-Identifier: MIT
/*
 * Fuzz target: dom0's own kernel's ring (/dev/xen/xenbus_backend), served as domain 0,
 * privileged: every request type is allowed and nothing is throttled. Input format in
 * ring_rounds.h; the guest ring's corpus seeds it.
 */
#include "ring_rounds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_ring_rounds(data, size, 0, true);
	return 0;
}
