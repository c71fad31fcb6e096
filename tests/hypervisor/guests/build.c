// SPDX-License-Identifier: MIT
/*
 * Building a domain from dom0 with Keel's domctl (createdomain, loadkernel,
 * loadinitrd, getbuild), as controld will. One image, its part chosen by
 * role= on its command line:
 *  - the toolstack (no role; "initial", so domain 0): its initrd is this very
 *    image. It checks every bad argument, builds "built" from the image with
 *    role=built and an initrd of its own, binds the built domain's console
 *    port, maps its console and xenstore pages through grant entries 0 and 1
 *    (and the xenstore page by foreign mapping), starts it and reads what it
 *    wrote there. Then it builds "spinner", runs and destroys it, and creates
 *    domains until no id is left: each time the host's free memory comes back.
 *  - role=built: checks what a built domain sees (HVM params, memory map,
 *    initrd, ports and grant entries for dom0), writes a line into its
 *    console ring and a marker into its xenstore page.
 *  - role=spin: runs until destroyed.
 *  - role=elf32 (a second privileged domain whose initrd is this image in the
 *    elf32-x86-64 container): once the toolstack is done, builds "built32"
 *    from that ELF32 image and runs it to its end; the memory comes back.
 *  - role=quick: passes at once (built32).
 *  - role=unpriv: every build command is refused with -EPERM.
 */
#include "guest.h"
#include "xen.h"

#include <keel/errno.h>
#include <public/keel/domctl.h>
#include <public/xen/grant_table.h>

const char test_name[] = "build";

#define MIB	      (1ULL << 20)
#define TICKS	      400000000ULL  /* a bound on every wait */
#define CON_MAP	      0x80000000ULL /* the toolstack's hole where it maps the built console */
#define STORE_MAP     (CON_MAP + 4096)
#define FOREIGN_MAP   (CON_MAP + 2 * 4096) /* the xenstore page again, mapped foreign */
#define GNT_MAP	      0x40000000ULL	   /* where the built domain looks at its own grant table */
#define CON_OUT	      1024		   /* Xen's io/console.h: out[2048] @1024, out_prod @3084 */
#define CON_OUT_CONS  3080
#define CON_OUT_PROD  3084
#define BUILT_MEM     (16 * MIB)
#define INITRD_BYTES  8192
#define ELF_PT_NOTE   4
#define ELF_PT_LOAD   1
#define MAX_IMAGE_CPY (512 * 1024)

static const char console_line[] = "hello dom0, from a domain built by domctl\n";
static const char store_mark[] = "xenstore page reached";

static uint8_t initrd[INITRD_BYTES] __attribute__((aligned(4096)));
static uint8_t image_copy[MAX_IMAGE_CPY] __attribute__((aligned(4096)));

static long domctl(struct keel_domctl *op)
{
	return HYPERCALL1(__HYPERVISOR_keel_domctl, op);
}

static void fill_initrd(void)
{
	for (uint32_t i = 0; i < INITRD_BYTES; i++)
		initrd[i] = (uint8_t)(i * 7 + 3);
}

static void set_name(struct keel_create *c, const char *name)
{
	memset(c->name, 0, sizeof(c->name));
	memcpy(c->name, name, strlen(name));
}

static long create(const char *name, uint64_t mem, uint32_t vcpus, uint16_t *domid)
{
	struct keel_domctl op = {.cmd = KEEL_DOMCTL_createdomain, .domid = 0x1234};

	set_name(&op.u.create, name);
	op.u.create.mem_bytes = mem;
	op.u.create.vcpus = vcpus;
	long r = domctl(&op);
	if (domid)
		*domid = op.domid;
	return r;
}

static long create_op(struct keel_domctl *op)
{
	op->cmd = KEEL_DOMCTL_createdomain;
	return domctl(op);
}

static long load(uint32_t cmd, uint16_t domid, const void *image, uint64_t len, const char *cmdline)
{
	struct keel_domctl op = {.cmd = cmd, .domid = domid};

	op.u.load.image = (uint64_t)image;
	op.u.load.image_len = len;
	op.u.load.cmdline = (uint64_t)cmdline;
	op.u.load.cmdline_len = cmdline ? (uint32_t)strlen(cmdline) : 0;
	return domctl(&op);
}

static long simple(uint32_t cmd, uint16_t domid)
{
	struct keel_domctl op = {.cmd = cmd, .domid = domid};

	return domctl(&op);
}

static long info(uint16_t domid, struct keel_domain_info *out)
{
	struct keel_domctl op = {.cmd = KEEL_DOMCTL_getinfo, .domid = domid};
	long r = domctl(&op);

	if (out)
		*out = op.u.info;
	return r;
}

static uint64_t free_bytes(void)
{
	struct keel_domctl op = {.cmd = KEEL_DOMCTL_hostinfo};

	CHECK_EQ(domctl(&op), 0);
	return op.u.host.free_bytes;
}

static void yield(void)
{
	HYPERCALL2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
}

static bool wait_gone(uint16_t domid)
{
	uint64_t end = rdtsc() + TICKS;

	while (info(domid, NULL) != -ESRCH && rdtsc() < end)
		yield();
	return info(domid, NULL) == -ESRCH;
}

/* ELF64 fields of the image copy (the layout elf_pvh.c checks). */
static uint8_t *phdr(uint32_t i)
{
	uint64_t phoff = *(uint64_t *)(image_copy + 32);
	uint16_t phentsize = *(uint16_t *)(image_copy + 54);

	return image_copy + phoff + (uint64_t)i * phentsize;
}

static uint16_t phnum(void)
{
	return *(uint16_t *)(image_copy + 56);
}

/* The image with its PT_NOTE segments hidden (PT_NULL): no PVH entry note. */
static void copy_without_note(const uint8_t *img, uint64_t len)
{
	memcpy(image_copy, img, len);
	for (uint32_t i = 0; i < phnum(); i++)
		if (*(uint32_t *)phdr(i) == ELF_PT_NOTE)
			*(uint32_t *)phdr(i) = 0;
}

/* The image with a PT_LOAD segment 64 MiB larger in memory than a 16 MiB domain. */
static void copy_too_big(const uint8_t *img, uint64_t len)
{
	memcpy(image_copy, img, len);
	for (uint32_t i = 0; i < phnum(); i++)
		if (*(uint32_t *)phdr(i) == ELF_PT_LOAD)
			*(uint64_t *)(phdr(i) + 40) += 64 * MIB;
}

/* createdomain: each field checked before anything is allocated. */
static void check_create_args(void)
{
	struct keel_domctl op = {0};
	uint64_t before = free_bytes();

	CHECK_EQ(create("", BUILT_MEM, 1, NULL), -EINVAL);
	CHECK_EQ(create("has space", BUILT_MEM, 1, NULL), -EINVAL);
	CHECK_EQ(create("slash/", BUILT_MEM, 1, NULL), -EINVAL);
	memset(op.u.create.name, 'a', sizeof(op.u.create.name)); /* no NUL inside */
	op.u.create.mem_bytes = BUILT_MEM;
	op.u.create.vcpus = 1;
	CHECK_EQ(create_op(&op), -EINVAL);
	CHECK_EQ(create("x", BUILT_MEM + 4096, 1, NULL), -EINVAL); /* not 2 MiB aligned */
	CHECK_EQ(create("x", 17 * MIB, 1, NULL), -EINVAL);
	CHECK_EQ(create("x", 14 * MIB, 1, NULL), -EINVAL); /* below 16 MiB */
	CHECK_EQ(create("x", BUILT_MEM, 0, NULL), -EINVAL);
	CHECK_EQ(create("x", BUILT_MEM, KEEL_MAX_VCPUS + 1, NULL), -EINVAL);
	op = (struct keel_domctl){.pad = 1};
	set_name(&op.u.create, "x");
	op.u.create.mem_bytes = BUILT_MEM;
	op.u.create.vcpus = 1;
	CHECK_EQ(create_op(&op), -EINVAL); /* pad */
	op.pad = 0;
	op.u.create.weight = 65536;
	CHECK_EQ(create_op(&op), -EINVAL);
	op.u.create.weight = 0;
	op.u.create.cap = 101; /* one vCPU */
	CHECK_EQ(create_op(&op), -EINVAL);
	op.u.create.cap = 0;
	op.u.create.flags = 2; /* bit 0 is KEEL_CREATE_hvm; no other is defined */
	CHECK_EQ(create_op(&op), -EINVAL);
	CHECK_EQ(create("builder", BUILT_MEM, 1, NULL), -EEXIST);
	/* More than the host has free: refused, nothing taken. */
	uint64_t more = (before + 4 * MIB) & ~(2 * MIB - 1);
	CHECK_EQ(create("huge", more, 1, NULL), -ENOMEM);
	CHECK_EQ(create("huge", 1ULL << 62, 1, NULL), -ENOMEM);
	CHECK_EQ(free_bytes(), before);
	/* All that is free in one: refused, or built and destroyed; memory back either way. */
	uint16_t id;
	long r = create("most", (before - 2 * MIB) & ~(2 * MIB - 1), 1, &id);
	CHECK(r == -ENOMEM || r == 0);
	if (r == 0) {
		CHECK_EQ(simple(KEEL_DOMCTL_destroy, id), 0);
		CHECK(wait_gone(id));
	}
	CHECK_EQ(free_bytes(), before);
	gprintf("createdomain refuses bad arguments; free memory unchanged\n");
}

/* loadkernel on an empty domain: each argument and image error, nothing kept. */
static void check_kernel_args(uint16_t d, const uint8_t *img, uint64_t len)
{
	struct keel_domctl op = {.cmd = KEEL_DOMCTL_loadkernel, .domid = d};
	uint64_t before = free_bytes();

	CHECK_EQ(load(KEEL_DOMCTL_getbuild, d, NULL, 0, NULL), -ENOENT);
	CHECK_EQ(simple(KEEL_DOMCTL_unpause, d), -ENOENT); /* no kernel */
	CHECK_EQ(load(KEEL_DOMCTL_loadinitrd, d, initrd, INITRD_BYTES, NULL), -ENOENT); /* idem */
	CHECK_EQ(load(KEEL_DOMCTL_loadkernel, d, img, 0, NULL), -EINVAL);
	CHECK_EQ(load(KEEL_DOMCTL_loadkernel, d, img, KEEL_MAX_IMAGE + 1, NULL), -EINVAL);
	op.u.load = (struct keel_load){(uint64_t)img, len, 0, 2048, 0};
	CHECK_EQ(domctl(&op), -EINVAL); /* command line too long */
	op.u.load = (struct keel_load){(uint64_t)img, len, 0, 0, 1};
	CHECK_EQ(domctl(&op), -EINVAL); /* pad */
	CHECK_EQ(load(KEEL_DOMCTL_loadkernel, d, (void *)0xdead00000000ULL, len, NULL), -EFAULT);
	op.u.load = (struct keel_load){(uint64_t)img, len, 0xdead00000000ULL, 10, 0};
	CHECK_EQ(domctl(&op), -EFAULT); /* command line */
	/* Runs past the end of the caller's RAM. */
	uint32_t r[4];
	cpuid(0x40000004, 0, r);
	struct keel_domain_info me;
	CHECK_EQ(info((uint16_t)r[2], &me), 0);
	CHECK_EQ(load(KEEL_DOMCTL_loadkernel, d, (void *)(me.mem_bytes - 4096), len, NULL),
		 -EFAULT);
	CHECK_EQ(load(KEEL_DOMCTL_loadkernel, d, console_line, sizeof(console_line), NULL),
		 -ENOEXEC); /* not an ELF */
	copy_without_note(img, len);
	CHECK_EQ(load(KEEL_DOMCTL_loadkernel, d, image_copy, len, NULL), -ENOEXEC);
	copy_too_big(img, len);
	CHECK_EQ(load(KEEL_DOMCTL_loadkernel, d, image_copy, len, NULL), -E2BIG);
	CHECK_EQ(free_bytes(), before); /* the staging copies were given back */
	CHECK_EQ(load(KEEL_DOMCTL_getbuild, d, NULL, 0, NULL), -ENOENT);
	gprintf("loadkernel refuses bad images and arguments\n");
}

static void check_initrd_args(uint16_t d)
{
	struct keel_domctl op = {.cmd = KEEL_DOMCTL_loadinitrd, .domid = d};

	CHECK_EQ(load(KEEL_DOMCTL_loadinitrd, d, initrd, 0, NULL), -EINVAL);
	CHECK_EQ(load(KEEL_DOMCTL_loadinitrd, d, initrd, INITRD_BYTES, "x"), -EINVAL);
	op.u.load = (struct keel_load){(uint64_t)initrd, INITRD_BYTES, 0, 0, 1};
	CHECK_EQ(domctl(&op), -EINVAL); /* pad */
	CHECK_EQ(load(KEEL_DOMCTL_loadinitrd, d, initrd, KEEL_MAX_IMAGE + 1, NULL), -EINVAL);
	CHECK_EQ(load(KEEL_DOMCTL_loadinitrd, d, initrd, BUILT_MEM + 4096, NULL), -E2BIG);
	CHECK_EQ(load(KEEL_DOMCTL_loadinitrd, d, initrd, BUILT_MEM - MIB, NULL),
		 -E2BIG); /* not above the kernel at 1 MiB */
	CHECK_EQ(load(KEEL_DOMCTL_loadinitrd, d, (void *)0xdead00000000ULL, INITRD_BYTES, NULL),
		 -EFAULT);
}

static long hvm_param(uint16_t domid, uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = {.domid = domid, .index = index};
	long r = HYPERCALL2(__HYPERVISOR_hvm_op, HVMOP_get_param, &p);

	*value = p.value;
	return r;
}

/* What the toolstack learns and connects before starting the built domain. */
static void connect(uint16_t d, uint32_t *handles, uint32_t *local, uint64_t *store_gfn)
{
	struct keel_domctl op = {.cmd = KEEL_DOMCTL_getbuild, .domid = d};
	struct evtchn_status st = {.dom = d};

	CHECK_EQ(domctl(&op), 0);
	const struct keel_build *b = &op.u.build;
	gprintf("built: store gfn %lx port %u, console gfn %lx port %u\n", b->store_gfn,
		b->store_port, b->console_gfn, b->console_port);
	CHECK(b->store_gfn && b->console_gfn && b->store_gfn != b->console_gfn);
	CHECK(b->store_port && b->console_port && b->store_port != b->console_port);
	CHECK(b->store_gfn < BUILT_MEM >> 12 && b->console_gfn < BUILT_MEM >> 12);
	CHECK_EQ(b->pad, 0);
	*store_gfn = b->store_gfn;
	/* The same through hvm_op, as Xen's toolstack reads them; set only by the builder. */
	uint64_t v = 0;
	CHECK_EQ(hvm_param(d, HVM_PARAM_CONSOLE_PFN, &v), 0);
	CHECK_EQ(v, b->console_gfn);
	CHECK_EQ(hvm_param(d, HVM_PARAM_STORE_EVTCHN, &v), 0);
	CHECK_EQ(v, b->store_port);
	CHECK_EQ(hvm_param(60, HVM_PARAM_STORE_EVTCHN, &v), -ESRCH);
	struct xen_hvm_param set = {.domid = d, .index = HVM_PARAM_STORE_PFN, .value = 9};
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_hvm_op, HVMOP_set_param, &set), -EPERM);
	st.port = b->store_port;
	CHECK_EQ(evtchn_op(EVTCHNOP_status, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_unbound);
	CHECK_EQ(st.u.unbound.dom, 0);
	CHECK_EQ(evtchn_bind_interdomain(d, b->console_port, local), 0);
	CHECK_EQ(gnttab_map(d, CON_MAP, GNTMAP_host_map, GNTTAB_RESERVED_CONSOLE, &handles[0]),
		 GNTST_okay);
	CHECK_EQ(gnttab_map(d, STORE_MAP, GNTMAP_host_map, GNTTAB_RESERVED_XENSTORE, &handles[1]),
		 GNTST_okay);
	CHECK_EQ(*(volatile uint32_t *)(CON_MAP + CON_OUT_PROD), 0); /* a fresh ring */
	CHECK_EQ(*(volatile uint8_t *)STORE_MAP, 0);
}

/* The built domain's console line, read where dom0's console service will. */
static bool console_written(void)
{
	uint64_t end = rdtsc() + TICKS;
	volatile uint32_t *prod = (volatile uint32_t *)(CON_MAP + CON_OUT_PROD);

	while (*prod < sizeof(console_line) - 1 && rdtsc() < end)
		yield();
	return *prod == sizeof(console_line) - 1;
}

/* What the started domain wrote: its console line and xenstore marker, as dom0 reads them. */
static void read_pages(uint16_t d, uint64_t store_gfn, uint32_t port)
{
	CHECK(console_written());
	char line[sizeof(console_line)] = {0};
	memcpy(line, (const void *)(CON_MAP + CON_OUT), sizeof(console_line) - 1);
	line[sizeof(line) - 2] = '\0'; /* the newline */
	gprintf("console of built: %s\n", line);
	CHECK(!memcmp(line, console_line, sizeof(console_line) - 2));
	uint64_t end = rdtsc() + TICKS;
	while (memcmp((const void *)STORE_MAP, store_mark, sizeof(store_mark)) && rdtsc() < end)
		yield();
	CHECK(!memcmp((const void *)STORE_MAP, store_mark, sizeof(store_mark)));
	gprintf("xenstore page of built: %s\n", (const char *)STORE_MAP);
	/* The same page by foreign mapping, as keel-xenstored may map it. */
	uint64_t gfn = FOREIGN_MAP >> 12;
	int err = 1;
	CHECK_EQ(xen_map_foreign(d, &store_gfn, &gfn, &err, 1), 0);
	CHECK_EQ(err, 0);
	CHECK(!memcmp((const void *)FOREIGN_MAP, store_mark, sizeof(store_mark)));
	CHECK_EQ(xen_unmap_gfn(gfn), 0);
	/* Consumed, as dom0's console service does: the guest waits for this. */
	*(volatile uint32_t *)(CON_MAP + CON_OUT_CONS) = sizeof(console_line) - 1;
	CHECK_EQ(evtchn_send(port), 0);
}

static void build_and_run(const uint8_t *img, uint64_t len)
{
	uint16_t d;
	uint32_t handles[2], port = 0;
	uint64_t store_gfn = 0;
	struct keel_domain_info di;

	CHECK_EQ(create("built", BUILT_MEM, 1, &d), 0);
	CHECK_EQ(create("built", BUILT_MEM, 1, NULL), -EEXIST);
	CHECK_EQ(info(d, &di), 0);
	CHECK_EQ(di.state, KEEL_DOMSTATE_paused);
	CHECK_EQ(di.mem_bytes, BUILT_MEM);
	CHECK_EQ(di.weight, 256);
	CHECK(!strcmp(di.name, "built"));
	check_kernel_args(d, img, len);
	CHECK_EQ(load(KEEL_DOMCTL_loadkernel, d, img, len, "role=built"), 0);
	CHECK_EQ(load(KEEL_DOMCTL_loadkernel, d, img, len, "role=built"), -EBUSY); /* twice */
	check_initrd_args(d);
	CHECK_EQ(load(KEEL_DOMCTL_loadinitrd, d, initrd, INITRD_BYTES, NULL), 0);
	CHECK_EQ(load(KEEL_DOMCTL_loadinitrd, d, initrd, INITRD_BYTES, NULL), -EBUSY);
	connect(d, handles, &port, &store_gfn);
	CHECK_EQ(simple(KEEL_DOMCTL_unpause, d), 0);
	CHECK_EQ(simple(KEEL_DOMCTL_unpause, d), -EINVAL);
	CHECK_EQ(load(KEEL_DOMCTL_loadkernel, d, img, len, NULL), -EBUSY); /* running */
	read_pages(d, store_gfn, port);
	CHECK_EQ(gnttab_unmap(CON_MAP, handles[0]), GNTST_okay);
	CHECK_EQ(gnttab_unmap(STORE_MAP, handles[1]), GNTST_okay);
	CHECK(wait_gone(d));
}

/* A built domain that runs, is destroyed, and gives all its memory back. */
static void build_and_destroy(const uint8_t *img, uint64_t len)
{
	uint64_t before = free_bytes();
	struct keel_domain_info di;
	uint16_t d;

	CHECK_EQ(create("spinner", 32 * MIB, 2, &d), 0);
	CHECK(free_bytes() < before - 32 * MIB);
	CHECK_EQ(load(KEEL_DOMCTL_loadkernel, d, img, len, "role=spin"), 0);
	CHECK_EQ(load(KEEL_DOMCTL_loadinitrd, d, initrd, INITRD_BYTES, NULL), 0);
	CHECK_EQ(simple(KEEL_DOMCTL_unpause, d), 0);
	uint64_t end = rdtsc() + TICKS;
	while (info(d, &di) == 0 && di.cpu_ns == 0 && rdtsc() < end)
		yield();
	CHECK_EQ(di.state, KEEL_DOMSTATE_running);
	CHECK(di.cpu_ns > 0);
	CHECK_EQ(simple(KEEL_DOMCTL_destroy, d), 0);
	CHECK(wait_gone(d));
	uint64_t after = free_bytes();
	gprintf("spinner destroyed: free %lu KiB before, %lu KiB after\n", before >> 10,
		after >> 10);
	CHECK_EQ(after, before);
}

/* The image this guest was given as its initrd, or NULL. */
static const struct hvm_modlist_entry *given_image(const struct hvm_start_info *si)
{
	const struct hvm_modlist_entry *m = (const void *)si->modlist_paddr;

	CHECK_EQ(si->nr_modules, 1);
	CHECK(si->nr_modules != 1 || m->size <= MAX_IMAGE_CPY);
	return si->nr_modules == 1 && m->size <= MAX_IMAGE_CPY ? m : NULL;
}

/* role=elf32: an ELF32 PVH image built and run, after the toolstack has finished. */
static bool toolstack32(const struct hvm_start_info *si)
{
	const struct hvm_modlist_entry *m = given_image(si);
	uint64_t end = rdtsc() + 4 * TICKS;
	uint16_t d;

	if (!m)
		return false;
	while (keel_domid_of("builder") != 0xffff && rdtsc() < end)
		yield();
	uint64_t before = free_bytes();
	CHECK_EQ(*(const uint8_t *)(m->paddr + 4), 1); /* ELFCLASS32 */
	CHECK_EQ(create("built32", BUILT_MEM, 1, &d), 0);
	CHECK_EQ(load(KEEL_DOMCTL_loadkernel, d, (const void *)m->paddr, m->size, "role=quick"), 0);
	CHECK_EQ(simple(KEEL_DOMCTL_unpause, d), 0);
	CHECK(wait_gone(d));
	CHECK_EQ(free_bytes(), before);
	return true;
}

/* Domains until the ids run out (-ENOSPC), all destroyed: every byte comes back. */
static void check_ids_run_out(void)
{
	uint64_t before = free_bytes();
	uint16_t ids[64];
	char name[] = "many00";
	uint32_t n = 0;
	long r = 0;

	while (n < 64) {
		name[4] = (char)('0' + n / 10);
		name[5] = (char)('0' + n % 10);
		if ((r = create(name, BUILT_MEM, 1, &ids[n])))
			break;
		n++;
	}
	CHECK_EQ(r, -ENOSPC);
	gprintf("%u domains created, then no domain id left\n", n);
	for (uint32_t i = 0; i < n; i++)
		CHECK_EQ(simple(KEEL_DOMCTL_destroy, ids[i]), 0);
	for (uint32_t i = 0; i < n; i++)
		CHECK(wait_gone(ids[i]));
	CHECK_EQ(free_bytes(), before);
}

static bool toolstack(const struct hvm_start_info *si)
{
	const struct hvm_modlist_entry *m = given_image(si);

	if (!m)
		return false;
	const uint8_t *img = (const uint8_t *)m->paddr;
	fill_initrd();
	/* The unprivileged domain's memory comes back while it ends: wait for it first. */
	uint16_t unpriv = keel_domid_of("unpriv");
	CHECK(unpriv == 0xffff || wait_gone(unpriv));
	/* Boot-time domains are not the toolstack's to load. */
	CHECK_EQ(load(KEEL_DOMCTL_loadkernel, 0, img, m->size, NULL), -EBUSY);
	CHECK_EQ(load(KEEL_DOMCTL_getbuild, 0, NULL, 0, NULL), -ENOENT);
	CHECK_EQ(load(KEEL_DOMCTL_loadkernel, 60, img, m->size, NULL), -ESRCH);
	check_create_args();
	build_and_run(img, m->size);
	build_and_destroy(img, m->size);
	check_ids_run_out();
	return true;
}

static bool reserved(const struct hvm_start_info *si, uint64_t pfn)
{
	const struct hvm_memmap_table_entry *mm = (const void *)si->memmap_paddr;

	for (uint32_t i = 0; i < si->memmap_entries; i++)
		if (mm[i].type == XEN_HVM_MEMMAP_TYPE_RESERVED && mm[i].addr <= pfn << 12 &&
		    (pfn << 12) < mm[i].addr + mm[i].size)
			return true;
	return false;
}

/* Its own grant entry ref: the page granted to dom0, read-write. */
static void check_grant(uint32_t ref, uint64_t pfn)
{
	const volatile struct grant_entry_v1 *g = (const void *)GNT_MAP;

	CHECK_EQ(g[ref].flags & (GTF_type_mask | GTF_readonly), GTF_permit_access);
	CHECK_EQ(g[ref].domid, 0);
	CHECK_EQ(g[ref].frame, pfn);
}

/* A domain built by the toolstack: what Xen's domain builder would have given it. */
static bool built(const struct hvm_start_info *si)
{
	uint64_t con_pfn, con_port, store_pfn, store_port;
	struct evtchn_status st = {.dom = DOMID_SELF};

	CHECK_EQ(hvm_param(DOMID_SELF, HVM_PARAM_CONSOLE_PFN, &con_pfn), 0);
	CHECK_EQ(hvm_param(DOMID_SELF, HVM_PARAM_CONSOLE_EVTCHN, &con_port), 0);
	CHECK_EQ(hvm_param(DOMID_SELF, HVM_PARAM_STORE_PFN, &store_pfn), 0);
	CHECK_EQ(hvm_param(DOMID_SELF, HVM_PARAM_STORE_EVTCHN, &store_port), 0);
	CHECK(reserved(si, con_pfn) && reserved(si, store_pfn) && con_pfn != store_pfn);
	CHECK(si->rsdp_paddr != 0);
	/* The toolstack bound the console port before starting it; xenstore's waits. */
	st.port = (uint32_t)con_port;
	CHECK_EQ(evtchn_op(EVTCHNOP_status, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
	CHECK_EQ(st.u.interdomain.dom, 0);
	st.port = (uint32_t)store_port;
	CHECK_EQ(evtchn_op(EVTCHNOP_status, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_unbound);
	CHECK_EQ(st.u.unbound.dom, 0);
	/* Its initrd, module 0. */
	CHECK_EQ(si->nr_modules, 1);
	const struct hvm_modlist_entry *m = (const void *)si->modlist_paddr;
	fill_initrd();
	CHECK_EQ(m->size, INITRD_BYTES);
	CHECK(!memcmp((const void *)m->paddr, initrd, INITRD_BYTES));
	/* Grant entries 0 and 1: its console and xenstore pages for dom0. */
	struct xen_add_to_physmap x = {
	    .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0, .gpfn = GNT_MAP >> 12};
	CHECK_EQ(HYPERCALL2(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x), 0);
	check_grant(GNTTAB_RESERVED_CONSOLE, con_pfn);
	check_grant(GNTTAB_RESERVED_XENSTORE, store_pfn);
	/* A marker in the xenstore page, a line in the console ring (hvc_xen's way). */
	memcpy((void *)(store_pfn << 12), store_mark, sizeof(store_mark));
	uint8_t *con = (uint8_t *)(con_pfn << 12);
	memcpy(con + CON_OUT, console_line, sizeof(console_line) - 1);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	*(volatile uint32_t *)(con + CON_OUT_PROD) = sizeof(console_line) - 1;
	CHECK_EQ(evtchn_send((uint32_t)con_port), 0);
	/* Done once dom0 has read it. */
	volatile uint32_t *cons = (volatile uint32_t *)(con + CON_OUT_CONS);
	uint64_t end = rdtsc() + TICKS;
	while (*cons != sizeof(console_line) - 1 && rdtsc() < end)
		yield();
	CHECK_EQ(*cons, sizeof(console_line) - 1);
	return true;
}

static bool spin(void)
{
	for (;;)
		yield();
	return true;
}

/* Not privileged: refused before anything is looked at. */
static bool unprivileged(void)
{
	for (uint32_t cmd = KEEL_DOMCTL_createdomain; cmd <= KEEL_DOMCTL_getbuild; cmd++)
		CHECK_EQ(load(cmd, 0, initrd, INITRD_BYTES, NULL), -EPERM);
	return true;
}

bool test_main(const struct hvm_start_info *si)
{
	const char *cmd = guest_cmdline(si);

	if (cmdline_has(cmd, "role", "built"))
		return built(si);
	if (cmdline_has(cmd, "role", "spin"))
		return spin();
	if (cmdline_has(cmd, "role", "unpriv"))
		return unprivileged();
	if (cmdline_has(cmd, "role", "elf32"))
		return toolstack32(si);
	if (cmdline_has(cmd, "role", "quick"))
		return true;
	return toolstack(si);
}
