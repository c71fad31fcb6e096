/* SPDX-License-Identifier: MIT */
#ifndef KEEL_PRINTK_H
#define KEEL_PRINTK_H

#include <keel/types.h>

/* Formats into buf (always NUL-terminated when size > 0); returns the full length. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

void printk(const char *fmt, ...) __printf(1, 2);
void console_write(const char *s, size_t len);

__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#endif
