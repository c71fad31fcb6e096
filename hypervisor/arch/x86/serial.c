// SPDX-License-Identifier: MIT
/* 16550 UART driver for the hypervisor console (COM1 by default, 115200 8N1). */
#include <keel/arch.h>
#include <keel/console.h>
#include <arch/x86/cpu.h>

#define UART_THR 0
#define UART_RBR 0
#define UART_DLL 0
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_DR	 0x01 /* a received byte waits in RBR */
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

static u16 uart_base;

void serial_init(u16 base)
{
	uart_base = base;
	outb(base + UART_IER, 0x00);
	outb(base + UART_LCR, 0x80); /* DLAB: divisor follows */
	outb(base + UART_DLL, 0x01); /* 115200 baud */
	outb(base + UART_DLM, 0x00);
	outb(base + UART_LCR, 0x03); /* 8N1 */
	outb(base + UART_FCR, 0xc7); /* FIFO on, cleared */
	outb(base + UART_MCR, 0x03); /* DTR, RTS; no interrupts */
}

static void serial_putc(char c)
{
	/* Bounded wait: a missing UART must not hang the hypervisor. */
	for (int i = 0; i < 100000 && !(inb(uart_base + UART_LSR) & LSR_THRE); i++)
		cpu_relax();
	outb(uart_base + UART_THR, (u8)c);
}

void console_write(const char *s, size_t len)
{
	if (!uart_base)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

void console_flush(void)
{
	if (!uart_base)
		return;
	for (int i = 0; i < 1000000 && !(inb(uart_base + UART_LSR) & LSR_TEMT); i++)
		cpu_relax();
}

u32 arch_console_poll(u8 *buf, u32 max)
{
	u32 n = 0;

	if (!uart_base)
		return 0;
	while (n < max && (inb(uart_base + UART_LSR) & LSR_DR))
		buf[n++] = inb(uart_base + UART_RBR);
	return n;
}
