/* SPDX-License-Identifier: MIT */
#ifndef KEEL_CONSOLE_H
#define KEEL_CONSOLE_H

#include <keel/types.h>

void serial_init(u16 base);
void console_write(const char *s, size_t len);
/* Waits until the UART has sent everything (before powering off an emulator). */
void console_flush(void);

#endif
