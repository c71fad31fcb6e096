// SPDX-License-Identifier: MIT
/* Per-CPU GDT with a TSS: VM exits need a non-null host TR. */
#include <arch/x86/percpu.h>
#include <arch/x86/boot_defs.h>
#include <arch/x86/cpu.h>
#include <keel/string.h>

struct percpu percpus[MAX_PCPUS];
u32 nr_pcpus = 1;

void percpu_init(u32 id)
{
	struct percpu *pc = &percpus[id];
	u64 tss = (u64)(uintptr_t)&pc->tss;
	u64 limit = sizeof(pc->tss) - 1;

	pc->self = pc;
	pc->id = id;
	pc->gdt[0] = 0;
	pc->gdt[1] = 0x00af9a000000ffffULL; /* GDT_CS64 */
	pc->gdt[2] = 0x00cf92000000ffffULL; /* GDT_DS */
	pc->gdt[3] = 0x00cf9a000000ffffULL; /* GDT_CS32 */
	pc->gdt[4] = (limit & 0xffff) | ((tss & 0xffffff) << 16) | (0x89ULL << 40) |
		     ((limit >> 16) << 48) | (((tss >> 24) & 0xff) << 56);
	pc->gdt[5] = tss >> 32;
	pc->tss.iomap_base = sizeof(pc->tss);
	/* 16-byte aligned top: the error-code check in exception_stubs.inc relies on it. */
	pc->tss.ist[0] = (u64)(uintptr_t)(pc->ist_stack + IST_STACK_SIZE);

	struct {
		u16 limit;
		u64 base;
	} __packed gdtr = {sizeof(pc->gdt) - 1, (u64)(uintptr_t)pc->gdt};
	asm volatile("lgdt %0" ::"m"(gdtr));
	asm volatile("ltr %w0" ::"r"((u16)GDT_TSS));
	/* The GS base points at this CPU's struct percpu. */
	wrmsr(0xc0000101, (u64)(uintptr_t)pc);
}

struct percpu *this_cpu(void)
{
	struct percpu *pc;

	asm volatile("movq %%gs:0, %0" : "=r"(pc));
	return pc;
}
