// SPDX-License-Identifier: MIT
/* Test-guest runtime: start, console, checks, result line, shutdown, exceptions. */
#include "guest.h"

#include <keel/printk.h>
#include <keel/cmdline.h>

static unsigned failures;
static exception_hook hook;

long hypercall(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	long ret;
	register uint64_t r10 asm("r10") = a4;
	register uint64_t r8 asm("r8") = a5;

	asm volatile("vmcall"
		     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
		     : "a"(nr)
		     : "memory", "rcx", "r11");
	return ret;
}

void gprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	HYPERCALL3(__HYPERVISOR_console_io, CONSOLEIO_write, n, buf);
}

void check_failed(const char *file, int line, const char *expr)
{
	failures++;
	gprintf("check failed at %s:%d: %s\n", file, line, expr);
}

void guest_shutdown(unsigned reason)
{
	uint32_t r = reason;

	HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_shutdown, &r);
	for (;;)
		asm volatile("cli; hlt");
}

void set_exception_hook(exception_hook h)
{
	hook = h;
}

static irq_handler irq_handlers[256];
static frame_hook frame_hooks[256];

void set_frame_hook(int vector, frame_hook h)
{
	frame_hooks[vector & 255] = h;
}

void set_irq_handler(int vector, irq_handler h)
{
	irq_handlers[vector & 255] = h;
}

void guest_exception(struct guest_frame *f)
{
	if (frame_hooks[f->vector & 255]) {
		frame_hooks[f->vector & 255](f);
		return;
	}
	if (f->vector >= 32) {
		if (irq_handlers[f->vector])
			irq_handlers[f->vector]((int)f->vector);
		else
			gprintf("spurious interrupt %lu\n", f->vector);
		return;
	}
	if (hook && hook((int)f->vector, f->error_code, &f->rip))
		return;
	gprintf("unexpected exception %lu (error %lx) at rip %lx\n", f->vector, f->error_code,
		f->rip);
	gprintf("Test result: FAIL %s\n", test_name);
	guest_shutdown(SHUTDOWN_poweroff);
}

struct idt_entry {
	uint16_t lo, sel;
	uint8_t ist, type;
	uint16_t mid;
	uint32_t hi, zero;
} __attribute__((packed));

static struct idt_entry idt[256] __attribute__((aligned(16)));
extern const uint64_t guest_isr_table[32];
extern const uint8_t guest_irq_stubs[];

void set_gate_dpl(int vector, int dpl)
{
	idt[vector & 255].type = (uint8_t)(0x8e | ((dpl & 3) << 5));
}

void guest_load_idt(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint64_t)idt};

	asm volatile("lidt %0" ::"m"(idtr));
}

static void idt_init(void)
{
	for (int i = 0; i < 256; i++) {
		uint64_t a =
		    i < 32 ? guest_isr_table[i] : (uint64_t)(guest_irq_stubs + 16 * (i - 32));
		idt[i] = (struct idt_entry){(uint16_t)a,	 0x08, 0, 0x8e, (uint16_t)(a >> 16),
					    (uint32_t)(a >> 32), 0};
	}
	guest_load_idt();
}

void guest_start(const struct hvm_start_info *si)
{
	idt_init();
	bool ok = test_main(si);
	if (failures)
		ok = false;
	gprintf("Test result: %s %s\n", ok ? "PASS" : "FAIL", test_name);
	guest_shutdown(SHUTDOWN_poweroff);
}

void *memset(void *s, int c, size_t n)
{
	uint8_t *p = s;

	while (n--)
		*p++ = (uint8_t)c;
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *a = d;
	const uint8_t *b = s;

	while (n--)
		*a++ = *b++;
	return d;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (uint8_t)*a - (uint8_t)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (uint8_t)*a - (uint8_t)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

const char *guest_cmdline(const struct hvm_start_info *si)
{
	return si->cmdline_paddr ? (const char *)si->cmdline_paddr : "";
}

bool cmdline_has(const char *cmd, const char *key, const char *value)
{
	char buf[32];

	return cmdline_get(cmd, key, buf, sizeof(buf)) >= 0 && !strcmp(buf, value);
}

uint64_t guest_option(const struct hvm_start_info *si, const char *key, uint64_t dflt)
{
	char buf[24];
	uint64_t v;

	if (cmdline_get(guest_cmdline(si), key, buf, sizeof(buf)) < 0 || parse_u64(buf, &v))
		return dflt;
	return v;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

volatile unsigned guest_gp_count;
static unsigned gp_skip_len;

static bool skip_gp(int vector, uint64_t code, uint64_t *rip)
{
	(void)code;
	if (vector != 13)
		return false;
	guest_gp_count++;
	*rip += gp_skip_len;
	return true;
}

void guest_skip_gp(unsigned insn_len)
{
	gp_skip_len = insn_len;
	set_exception_hook(insn_len ? skip_gp : NULL);
}
