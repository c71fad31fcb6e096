// SPDX-License-Identifier: MIT
/*
 * Bad hypercall arguments get Xen's error codes and change nothing: unmapped
 * buffers (not in the guest's page tables, or in them but outside its RAM),
 * out-of-range values, unknown commands, calls from user mode, and bad MSR
 * writes (#GP). The guest must survive all of them.
 */
#include "xen.h"

const char test_name[] = "badargs";

#define EPERM  1
#define ENOENT 2
#define EFAULT 14
#define EINVAL 22
#define ENOSYS 38

#define UNMAPPED    0xdead00000000ULL /* not in our page tables */
#define OUTSIDE_RAM (64ULL << 20)     /* mapped by us, not backed by Keel */

/* --- user mode ----------------------------------------------------------- */

extern uint64_t guest_pml4[], guest_pdpt[], guest_pd[];
static uint64_t gdt[8] __attribute__((aligned(16)));
static struct {
	uint32_t r0;
	uint64_t rsp0;
	uint8_t rest[90];
} __attribute__((packed)) tss __attribute__((aligned(16)));
static uint8_t kstack[8192] __attribute__((aligned(16)));
static uint8_t ustack[8192] __attribute__((aligned(16)));
static volatile long user_result;
uint64_t saved_kernel_rsp;

void user_code(void);
void user_return(void);

/* Runs user_code at CPL 3; it comes back through int $0x80 (see back_to_kernel). */
static void run_user(void)
{
	asm volatile("push %%rbp; push %%rbx; push %%r12; push %%r13; push %%r14; push %%r15\n"
		     "mov %%rsp, saved_kernel_rsp(%%rip)\n"
		     "pushq $0x23\n" /* SS: user data */
		     "pushq %0\n"    /* RSP */
		     "pushq $0x2\n"  /* RFLAGS: interrupts off */
		     "pushq $0x2b\n" /* CS: user code */
		     "lea user_code(%%rip), %%rax\n"
		     "pushq %%rax\n"
		     "iretq\n"
		     ".globl user_code\n"
		     "user_code:\n"
		     "mov $17, %%eax\n" /* xen_version(XENVER_version) */
		     "xor %%edi, %%edi\n"
		     "vmcall\n"
		     "mov %%rax, user_result(%%rip)\n"
		     "int $0x80\n"
		     ".globl user_return\n"
		     "user_return:\n"
		     "pop %%r15; pop %%r14; pop %%r13; pop %%r12; pop %%rbx; pop %%rbp\n"
		     :
		     : "r"((uint64_t)(ustack + sizeof(ustack)))
		     : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory");
}

static void back_to_kernel(struct guest_frame *f)
{
	f->rip = (uint64_t)user_return;
	f->cs = 0x08;
	f->ss = 0x10;
	f->rsp = saved_kernel_rsp;
}

static void setup_user_mode(void)
{
	uint64_t t = (uint64_t)&tss;

	gdt[1] = 0x00af9a000000ffffULL; /* 0x08 kernel code */
	gdt[2] = 0x00cf92000000ffffULL; /* 0x10 kernel data */
	gdt[4] = 0x00cff2000000ffffULL; /* 0x23 user data */
	gdt[5] = 0x00affa000000ffffULL; /* 0x2b user code */
	gdt[6] = (sizeof(tss) - 1) | ((t & 0xffffff) << 16) | (0x89ULL << 40) |
		 (((t >> 24) & 0xff) << 56);
	gdt[7] = t >> 32;
	tss.rsp0 = (uint64_t)(kstack + sizeof(kstack));
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr = {sizeof(gdt) - 1, (uint64_t)gdt};
	asm volatile("lgdt %0; ltr %w1" ::"m"(gdtr), "r"(0x30));
	/* User access to everything (a test guest has nothing to protect). */
	guest_pml4[0] |= 4;
	guest_pdpt[0] |= 4;
	for (int i = 0; i < 512; i++)
		guest_pd[i] |= 4;
	uint64_t cr3;
	asm volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3)::"memory");
	set_frame_hook(0x80, back_to_kernel);
	set_gate_dpl(0x80, 3);
}

/* --- the checks ---------------------------------------------------------- */

static void console_and_version(void)
{
	char buf[16] = "ok\n";

	CHECK_EQ(HYPERCALL3(__HYPERVISOR_console_io, CONSOLEIO_write, 3, UNMAPPED), -EFAULT);
	CHECK_EQ(HYPERCALL3(__HYPERVISOR_console_io, CONSOLEIO_write, 3, OUTSIDE_RAM), -EFAULT);
	CHECK_EQ(HYPERCALL3(__HYPERVISOR_console_io, CONSOLEIO_write, 1 << 20, buf), -EINVAL);
	CHECK_EQ(HYPERCALL3(__HYPERVISOR_console_io, 7, 3, buf), -ENOSYS);
	/* A buffer running off the end of RAM faults; what came before is not an error. */
	CHECK_EQ(HYPERCALL3(__HYPERVISOR_console_io, CONSOLEIO_write, 64, OUTSIDE_RAM - 8),
		 -EFAULT);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_extraversion, UNMAPPED), -EFAULT);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_get_features, OUTSIDE_RAM), -EFAULT);
	CHECK_EQ(HYPERCALL1(__HYPERVISOR_NR, 0), -ENOSYS);
	CHECK_EQ(hypercall(0xffffffffffULL, 0, 0, 0, 0, 0), -ENOSYS);
	CHECK_EQ(HYPERCALL1(2, 0), -ENOSYS);   /* a PV-only hypercall */
	CHECK_EQ(HYPERCALL1(56, buf), -EPERM); /* Keel's domctl: not for an unprivileged guest */
}

static void sched(void)
{
	uint32_t reason = 99;

	CHECK_EQ(HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_shutdown, UNMAPPED), -EFAULT);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_shutdown, &reason), -EINVAL);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_sched_op, 77, 0), -ENOSYS);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0), 0);
	CHECK_EQ(HYPERCALL3(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 9, 0), -ENOENT);
}

static void msrs(void)
{
	guest_skip_gp(2);
	wrmsr(XEN_HYPERCALL_PAGE_MSR, 0x1234);	    /* not page-aligned */
	wrmsr(XEN_HYPERCALL_PAGE_MSR, OUTSIDE_RAM); /* not our RAM */
	wrmsr(0xc0000080, 1ULL << 20);		    /* EFER reserved bit */
	wrmsr(0x277, 0x0202020202020202ULL);	    /* PAT with a reserved type */
	wrmsr(0xc0000100, 0x8000000000000000ULL);   /* non-canonical FS base */
	guest_skip_gp(0);
	CHECK_EQ(guest_gp_count, 5);
}

static void user_mode(void)
{
	setup_user_mode();
	user_result = 12345;
	run_user();
	CHECK_EQ(user_result, -EPERM);
}

bool test_main(const struct hvm_start_info *si)
{
	(void)si;
	console_and_version();
	sched();
	msrs();
	user_mode();
	/* Still fine after all that. */
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_version, 0), (4 << 16) | 17);
	return true;
}
