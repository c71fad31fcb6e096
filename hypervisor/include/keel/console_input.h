/* SPDX-License-Identifier: MIT */
/*
 * Bytes typed on Keel's serial console, waiting for the initial domain
 * (console_io CONSOLEIO_read, VIRQ_CONSOLE). A bounded ring: when it is
 * full, new bytes are dropped and counted, as Xen's serial_rx ring does.
 */
#ifndef KEEL_CONSOLE_INPUT_H
#define KEEL_CONSOLE_INPUT_H

#include <keel/types.h>

#define CONSOLE_INPUT_SIZE 1024 /* a power of two */

struct console_input {
	u8 buf[CONSOLE_INPUT_SIZE];
	u32 prod, cons; /* free-running; prod - cons bytes are waiting */
	u64 dropped;
};

/* Appends what fits; returns how many bytes were taken (the rest is counted in dropped). */
u32 console_input_push(struct console_input *r, const u8 *s, u32 len);
/* Bytes waiting. */
u32 console_input_level(const struct console_input *r);
/* Copies up to max waiting bytes to out without consuming them; returns the count. */
u32 console_input_peek(const struct console_input *r, u8 *out, u32 max);
/* Consumes n bytes (at most what is waiting). */
void console_input_consume(struct console_input *r, u32 n);

#endif
