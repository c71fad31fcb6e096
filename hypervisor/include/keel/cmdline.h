/* SPDX-License-Identifier: MIT */
/* "key=value key2 key3=value3" command lines, as the hypervisor and modules get them. */
#ifndef KEEL_CMDLINE_H
#define KEEL_CMDLINE_H

#include <keel/types.h>

/*
 * Finds key in cmdline and copies its value into val (size bytes, always
 * terminated). A key without '=' has the value "". Returns the value's full
 * length, or -ENOENT when the key is absent, -E2BIG when val is too small.
 */
int cmdline_get(const char *cmdline, const char *key, char *val, size_t size);
/* True when key is present, as "key", "key=1", "key=yes" or "key=on". */
bool cmdline_flag(const char *cmdline, const char *key);
/* Parses a decimal or 0x-hex number with an optional K/M/G suffix. */
int parse_u64(const char *s, u64 *out);

#endif
