/* SPDX-License-Identifier: MIT */
/*
 * Keel's tiny test-guest framework: PVH entry, console via console_io, one
 * "Test result: PASS|FAIL <name>" line, shutdown via sched_op. Guests use only
 * Xen's guest ABI, so they run on Xen too.
 */
#ifndef KEEL_TEST_GUEST_H
#define KEEL_TEST_GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/xen/hypercall.h>
#include <public/xen/start_info.h>

/* Each guest defines this; it returns true for PASS. */
bool test_main(const struct hvm_start_info *si);
extern const char test_name[];

/* Raw VMCALL with Xen's 64-bit convention. */
long hypercall(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);
#define HYPERCALL1(nr, a) hypercall(nr, (uint64_t)(a), 0, 0, 0, 0)
#define HYPERCALL2(nr, a, b) hypercall(nr, (uint64_t)(a), (uint64_t)(b), 0, 0, 0)
#define HYPERCALL3(nr, a, b, c) hypercall(nr, (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), 0, 0)

void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Records a failed check (the test goes on, the result becomes FAIL). */
void check_failed(const char *file, int line, const char *expr);
#define CHECK(e) ((e) ? (void)0 : check_failed(__FILE__, __LINE__, #e))
#define CHECK_EQ(a, b)                                                          \
	do {                                                                    \
		long long _a = (long long)(a), _b = (long long)(b);             \
		if (_a != _b) {                                                 \
			gprintf("check %s == %s: %lld != %lld\n", #a, #b, _a, _b); \
			check_failed(__FILE__, __LINE__, #a " == " #b);         \
		}                                                               \
	} while (0)

void guest_shutdown(unsigned reason) __attribute__((noreturn));

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	asm volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

/* A vCPU starts in xAPIC mode, as on Xen: switch it to x2APIC (IA32_APIC_BASE.EXTD). */
static inline void x2apic_enable(void)
{
	wrmsr(0x1b, rdmsr(0x1b) | (1 << 10) | (1 << 11));
}

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* Exceptions: a handler may claim vector n; otherwise it is reported and the test fails. */
typedef bool (*exception_hook)(int vector, uint64_t error_code, uint64_t *rip);
void set_exception_hook(exception_hook h);
/* Interrupt vectors 32-255: the handler runs with interrupts off; the guest sends its EOI. */
typedef void (*irq_handler)(int vector);
void set_irq_handler(int vector, irq_handler h);
/* The full interrupt frame, for handlers that change where iret returns to. */
struct guest_frame {
	uint64_t regs[15];
	uint64_t vector, error_code, rip, cs, rflags, rsp, ss;
};
typedef void (*frame_hook)(struct guest_frame *f);
void set_frame_hook(int vector, frame_hook h);
void set_gate_dpl(int vector, int dpl);
void guest_load_idt(void);

static inline void sti_hlt(void)
{
	asm volatile("sti; hlt; cli" ::: "memory");
}

/* The guest command line (after "--" on the module line) and numeric options in it. */
const char *guest_cmdline(const struct hvm_start_info *si);
uint64_t guest_option(const struct hvm_start_info *si, const char *key, uint64_t dflt);
bool cmdline_has(const char *cmd, const char *key, const char *value);

void *memset(void *s, int c, size_t n);
int strncmp(const char *a, const char *b, size_t n);
void *memcpy(void *d, const void *s, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int memcmp(const void *a, const void *b, size_t n);

#endif
