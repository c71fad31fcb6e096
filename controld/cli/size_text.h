/* SPDX-License-Identifier: MIT */
/*
 * Sizes as people type them: N with an optional binary suffix K, M, G or T (either case),
 * as the hypervisor's mem= and truncate(1) take them. Pure; unit-tested and fuzzed.
 */
#ifndef KEEL_CLI_SIZE_TEXT_H
#define KEEL_CLI_SIZE_TEXT_H

#include <stdint.h>

#define SIZE_TEXT_MAX (1ull << 50) /* 1 PiB: beyond any disk or memory Keel serves */

/*
 * s in bytes into *out; a bare N is N << bare_shift bytes (0: bytes, 20: MiB).
 * -EINVAL not a size, -ERANGE over SIZE_TEXT_MAX.
 */
int size_text_parse(const char *s, unsigned bare_shift, uint64_t *out);

#endif
