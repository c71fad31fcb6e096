// SPDX-License-Identifier: MIT
/*
 * The basics a PVH guest sees: start_info, Xen's CPUID leaves, the hypercall
 * page and raw VMCALL, xen_version, console_io, unclaimed ports, and the
 * command line from the module.
 */
#include "guest.h"

const char test_name[] = "hello";

static uint8_t hypercall_page[4096] __attribute__((aligned(4096)));

static void check_start_info(const struct hvm_start_info *si)
{
	CHECK_EQ(si->magic, XEN_HVM_START_MAGIC);
	CHECK_EQ(si->version, 1);
	CHECK_EQ(si->flags, 0);
	CHECK(si->memmap_entries >= 2);
	const struct hvm_memmap_table_entry *m = (const void *)si->memmap_paddr;
	CHECK_EQ(m[0].type, XEN_HVM_MEMMAP_TYPE_RAM);
	CHECK_EQ(m[0].addr, 0);
	/* Most of RAM in one entry; start_info itself in a reserved one. */
	bool big_ram = false, si_reserved = false;
	for (uint32_t i = 0; i < si->memmap_entries; i++) {
		if (m[i].type == XEN_HVM_MEMMAP_TYPE_RAM && m[i].size >= (8u << 20))
			big_ram = true;
		if (m[i].type == XEN_HVM_MEMMAP_TYPE_RESERVED && m[i].addr <= (uint64_t)si &&
		    (uint64_t)si < m[i].addr + m[i].size)
			si_reserved = true;
	}
	CHECK(big_ram);
	CHECK(si_reserved);
	/* ACPI: an RSDP with a valid checksum. */
	CHECK(si->rsdp_paddr != 0);
	if (si->rsdp_paddr) {
		const uint8_t *r = (const uint8_t *)si->rsdp_paddr;
		uint8_t sum = 0;
		for (int i = 0; i < 20; i++)
			sum += r[i];
		CHECK(!memcmp(r, "RSD PTR ", 8));
		CHECK_EQ(sum, 0);
	}
	CHECK(si->cmdline_paddr != 0);
	if (si->cmdline_paddr)
		CHECK(!strcmp((const char *)si->cmdline_paddr, "hello from the module line"));
}

static void check_cpuid(void)
{
	uint32_t r[4];
	char sig[13] = {0};

	cpuid(0x40000000, 0, r);
	memcpy(sig, &r[1], 4);
	memcpy(sig + 4, &r[2], 4);
	memcpy(sig + 8, &r[3], 4);
	CHECK(!strcmp(sig, "XenVMMXenVMM"));
	CHECK(r[0] >= 0x40000002);
	cpuid(0x40000001, 0, r);
	CHECK_EQ(r[0], (4 << 16) | 17);
	cpuid(0x40000002, 0, r);
	CHECK_EQ(r[0], 1);
	CHECK_EQ(r[1], XEN_HYPERCALL_PAGE_MSR);
	cpuid(0x40000004, 0, r);
	CHECK(r[0] & (1 << 3));
	CHECK_EQ(r[1], 0); /* vCPU id */
	CHECK(r[2] != 0);  /* a domU's id */
	cpuid(1, 0, r);
	CHECK(r[2] & (1u << 31));   /* hypervisor present */
	CHECK(!(r[2] & (1u << 5))); /* no nested VMX */
	CHECK_EQ(r[1] >> 24, 0);    /* initial APIC id = vCPU id */
}

static void check_hypercalls(void)
{
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_version, 0), (4 << 16) | 17);
	char extra[16] = {0};
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_extraversion, extra), 0);
	CHECK(extra[0] == '.');
	uint32_t fi[2] = {0, 0};
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, XENVER_get_features, fi), 0);
	CHECK(fi[1] & (1 << XENFEAT_auto_translated_physmap));
	/* An unknown hypercall and an unknown sub-op. */
	CHECK_EQ(HYPERCALL1(60, 0), -38);
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_xen_version, 99, 0), -38);

	/* Through the hypercall page: stub n at 32 * n. */
	wrmsr(XEN_HYPERCALL_PAGE_MSR, (uint64_t)hypercall_page);
	long (*stub)(uint64_t, uint64_t) = (void *)(hypercall_page + 32 * __HYPERVISOR_xen_version);
	long v;
	asm volatile("call *%1"
		     : "=a"(v)
		     : "r"(stub), "D"((uint64_t)XENVER_version), "S"(0ULL)
		     : "memory", "rcx", "rdx", "r8", "r9", "r10", "r11");
	CHECK_EQ(v, (4 << 16) | 17);
}

/* The console ring Keel serves (HVM_PARAM_CONSOLE_PFN/EVTCHN), as hvc0 uses it. */
static void check_console_ring(void)
{
	struct {
		uint16_t domid, pad;
		uint32_t index;
		uint64_t value;
	} p = {0x7ff0, 0, 17, 0};
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_hvm_op, 1, &p), 0);
	uint64_t pfn = p.value;
	p.index = 18;
	p.value = 0;
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_hvm_op, 1, &p), 0);
	uint32_t port = (uint32_t)p.value;
	CHECK(pfn != 0 && port != 0);
	if (!pfn || !port)
		return;
	uint8_t *page = (uint8_t *)(pfn << 12);
	volatile uint32_t *out_cons = (uint32_t *)(page + 3080),
			  *out_prod = (uint32_t *)(page + 3084);
	const char *msg = "hello through the console ring\n";
	uint32_t prod = *out_prod;
	for (const char *c = msg; *c; c++)
		page[1024 + (prod++ & 2047)] = (uint8_t)*c;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	*out_prod = prod;
	struct {
		uint32_t port;
	} send = {port};
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_event_channel_op, 4, &send), 0);
	CHECK_EQ(*out_cons, prod); /* drained */
}

static void check_ports(void)
{
	CHECK_EQ(inb(0x80), 0xff); /* unclaimed: all ones */
	outb(0x80, 0x12);	   /* ignored */
	const char *s = "port e9 works\n";
	while (*s)
		outb(0xe9, (uint8_t)*s++);
}

bool test_main(const struct hvm_start_info *si)
{
	gprintf("hello from a PVH guest\n");
	check_start_info(si);
	check_cpuid();
	check_hypercalls();
	check_ports();
	check_console_ring();
	return true;
}
