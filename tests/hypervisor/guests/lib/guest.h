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

#include <arch/x86/cpu.h>
#include <public/xen/hypercall.h>
#include <public/xen/start_info.h>

/* Each guest defines this; it returns true for PASS. */
bool test_main(const struct hvm_start_info *si);
extern const char test_name[];

/* Raw VMCALL with Xen's 64-bit convention. */
long hypercall(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);
#define HYPERCALL1(nr, a)	hypercall(nr, (uint64_t)(a), 0, 0, 0, 0)
#define HYPERCALL2(nr, a, b)	hypercall(nr, (uint64_t)(a), (uint64_t)(b), 0, 0, 0)
#define HYPERCALL3(nr, a, b, c) hypercall(nr, (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), 0, 0)

void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Records a failed check (the test goes on, the result becomes FAIL). */
void check_failed(const char *file, int line, const char *expr);
#define CHECK(e) ((e) ? (void)0 : check_failed(__FILE__, __LINE__, #e))
#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		long long _a = (long long)(a), _b = (long long)(b);                                \
		if (_a != _b) {                                                                    \
			gprintf("check %s == %s: %lld != %lld\n", #a, #b, _a, _b);                 \
			check_failed(__FILE__, __LINE__, #a " == " #b);                            \
		}                                                                                  \
	} while (0)

void guest_shutdown(unsigned reason) __attribute__((noreturn));

/* The CPU helpers are the hypervisor's own (rdtsc, rdmsr/wrmsr, inb/outb, cpuid_count). */
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	struct cpuid_regs c;

	cpuid_count(leaf, sub, &c);
	r[0] = c.eax;
	r[1] = c.ebx;
	r[2] = c.ecx;
	r[3] = c.edx;
}

/* The RTC/CMOS registers through the index (0x70) and data (0x71) ports. */
static inline uint8_t cmos_read(uint8_t index)
{
	outb(0x70, index);
	return inb(0x71);
}

static inline void cmos_write(uint8_t index, uint8_t val)
{
	outb(0x70, index);
	outb(0x71, val);
}

/* A vCPU starts in xAPIC mode, as on Xen: switch it to x2APIC (IA32_APIC_BASE.EXTD). */
static inline void x2apic_enable(void)
{
	wrmsr(0x1b, rdmsr(0x1b) | (1 << 10) | (1 << 11));
}

/* Exceptions: a handler may claim vector n; otherwise it is reported and the test fails. */
typedef bool (*exception_hook)(int vector, uint64_t error_code, uint64_t *rip);
void set_exception_hook(exception_hook h);
/* #GP expected: each one is counted in guest_gp_count and the faulting instruction
 * (insn_len bytes: 2 for rdmsr/wrmsr, 3 for xsetbv) skipped; 0 ends it. */
void guest_skip_gp(unsigned insn_len);
extern volatile unsigned guest_gp_count;
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
/* Entry points reached from assembly (lib/entry.S, lib/isr.S). */
void guest_start(const struct hvm_start_info *si);
struct guest_frame;
void guest_exception(struct guest_frame *f);

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
