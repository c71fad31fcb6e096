/* SPDX-License-Identifier: MIT */
/*
 * Shared by the ring fuzz targets: the other side owns the whole shared page, indexes
 * included, and may rewrite any of it between notifications. Input: rounds of
 * [offset hi][offset lo][len][len bytes written into the page], each followed by an event.
 */
#ifndef KEEL_FUZZ_RING_ROUNDS_H
#define KEEL_FUZZ_RING_ROUNDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Serves the rounds of data as domain domid's ring. */
void fuzz_ring_rounds(const uint8_t *data, size_t size, unsigned int domid, bool privileged);

#endif
