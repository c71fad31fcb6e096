// SPDX-License-Identifier: MIT
/* Fuzz target: MMIO instruction decoding of guest bytes in all three modes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arch/x86/insn_decode.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u32 modes[] = {16, 32, 64};
	struct mmio_insn in;

	for (unsigned i = 0; i < 3; i++) {
		if (insn_decode_mmio(data, (u32)(size > 64 ? 64 : size), modes[i], &in))
			continue;
		/* An accepted instruction lies within the bytes and the architectural limit. */
		if (in.len == 0 || in.len > size || in.len > INSN_MAX_LEN || in.reg > 15 ||
		    (in.size != 1 && in.size != 2 && in.size != 4 && in.size != 8))
			abort();
		(void)mmio_load_result(&in, ~0ULL, ~0ULL);
		(void)mmio_store_value(&in, ~0ULL);
		(void)mmio_cmp_flags(&in, ~0ULL, 0);
	}
	return 0;
}
