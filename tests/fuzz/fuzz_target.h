/* SPDX-License-Identifier: MIT */
/*
 * The entry point every fuzz target defines (libFuzzer's interface). Force-included into
 * fuzz sources by keel_fuzz_target(), so -Wmissing-prototypes holds for them too.
 */
#ifndef KEEL_TESTS_FUZZ_TARGET_H
#define KEEL_TESTS_FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
