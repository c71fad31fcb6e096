// SPDX-License-Identifier: MIT
/* The hypervisor console: formatted lines to the serial port. */
#include <keel/arch.h>
#include <keel/printk.h>
#include <keel/console.h>
#include <keel/spinlock.h>

/* Lines from different pCPUs do not interleave. */
static spinlock_t console_lock = SPINLOCK_INIT;

void printk(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	spin_lock(&console_lock);
	console_write(line, (size_t)n);
	spin_unlock(&console_lock);
}

void panic(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	printk("keel: PANIC: ");
	console_write(line, (size_t)n);
	printk("\nkeel: halted\n");
	console_flush();
	cpu_halt_forever();
}
