// SPDX-License-Identifier: MIT
/*
 * controld's Keel backend: the pure marshalling of domctl (hv_domctl.c: results into hv.h's
 * types, requests, the events between two listings) and the backend itself (hv_keel.c)
 * over a test double of its transport (../doubles/domctl_double.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../../controld/hv_domctl.h"
#include "../doubles/domctl_double.h"

static void test_domain_info_maps_one_to_one(void **state)
{
	struct keel_domain_info k = {.domid = 7,
				     .state = KEEL_DOMSTATE_shutdown,
				     .shutdown_reason = 1,
				     .nr_vcpus = 4,
				     .mem_bytes = 512ull << 20,
				     .cpu_ns = 123,
				     .weight = 512,
				     .cap = 50,
				     .flags = KEEL_DOMINFO_privileged | KEEL_DOMINFO_destroyed,
				     .vcpus_online = 3,
				     .vcpus_target = 2,
				     .max_mem_bytes = 256ull << 20,
				     .cur_mem_bytes = 300ull << 20};
	struct hv_domain_info h;

	(void)state;
	memset(k.name, 'x', sizeof(k.name)); /* no NUL: the copy still ends in one */
	hv_domain_from_keel(&k, &h);
	assert_int_equal(h.domid, 7);
	assert_int_equal(h.state, HV_DOM_SHUTDOWN);
	assert_int_equal(h.reason, HV_SHUTDOWN_REBOOT);
	assert_int_equal(strlen(h.name), sizeof(h.name) - 1);
	assert_true(h.privileged && h.destroyed);
	assert_int_equal(h.nr_vcpus, 4);
	assert_int_equal(h.vcpus_online, 3);
	assert_int_equal(h.vcpus_target, 2);
	assert_int_equal(h.memory_kib, 512 * 1024);
	assert_int_equal(h.max_memory_kib, 256 * 1024);
	assert_int_equal(h.cur_memory_kib, 300 * 1024);
	assert_int_equal(h.cpu_time_ns, 123);
	assert_int_equal(h.weight, 512);
	assert_int_equal(h.cap, 50);

	/* Crashed: the reason says so whatever the byte holds. */
	k.state = KEEL_DOMSTATE_crashed;
	k.shutdown_reason = 0;
	k.flags = 0;
	hv_domain_from_keel(&k, &h);
	assert_int_equal(h.state, HV_DOM_CRASHED);
	assert_int_equal(h.reason, HV_SHUTDOWN_CRASH);
	assert_false(h.privileged || h.destroyed);
	assert_false(hv_domain_alive(&h));
	k.state = KEEL_DOMSTATE_paused;
	hv_domain_from_keel(&k, &h);
	assert_true(hv_domain_alive(&h));
}

static void test_host_info(void **state)
{
	struct keel_host_info k = {
	    .nr_cpus = 2, .total_bytes = (2048ull << 20) + 5, .free_bytes = 1000ull << 20};
	struct hv_host_info h;

	(void)state;
	memset(k.version, 'K', sizeof(k.version));
	hv_host_from_keel(&k, &h);
	assert_int_equal(h.nr_cpus, 2);
	assert_int_equal(h.total_mib, 2048);
	assert_int_equal(h.free_mib, 1000);
	assert_int_equal(strlen(h.version), sizeof(h.version) - 1);
}

static void test_requests(void **state)
{
	struct keel_domctl op;

	(void)state;
	op = hv_domctl_op(KEEL_DOMCTL_pause, 9);
	assert_int_equal(op.cmd, KEEL_DOMCTL_pause);
	assert_int_equal(op.domid, 9);
	assert_int_equal(op.pad, 0);
	/* Pinning is clamped to the host's pCPUs; nothing left is refused. */
	assert_int_equal(hv_domctl_affinity(3, 1, ~0ull, 2, &op), 0);
	assert_int_equal(op.cmd, KEEL_DOMCTL_setvcpuaffinity);
	assert_int_equal(op.u.vcpu.vcpu, 1);
	assert_int_equal(op.u.vcpu.affinity, 3);
	assert_int_equal(hv_domctl_affinity(3, 0, 1ull << 5, 2, &op), -EINVAL);
	assert_int_equal(hv_domctl_affinity(3, 0, 0, 2, &op), -EINVAL);
	assert_true(hv_online_mask(64) == ~0ull);
	assert_int_equal(hv_online_mask(1), 1);
	/* The memory limit: whole pages, never 0. */
	assert_int_equal(hv_domctl_maxmem(3, 1023, &op), 0);
	assert_int_equal(op.cmd, KEEL_DOMCTL_setmaxmem);
	assert_int_equal(op.u.max_bytes, 1024 * 1024);
	assert_int_equal(hv_domctl_maxmem(3, 524288, &op), 0);
	assert_int_equal(op.u.max_bytes, 512ull << 20);
	assert_int_equal(hv_domctl_maxmem(3, 0, &op), -EINVAL);
	assert_int_equal(hv_domctl_maxmem(3, UINT64_MAX, &op), -EINVAL);
	assert_string_equal(hv_domctl_name(KEEL_DOMCTL_setvcpuaffinity), "setvcpuaffinity");
	assert_string_equal(hv_domctl_name(0), "unknown");
	assert_string_equal(hv_domctl_name(1000), "unknown");
	assert_string_equal(hv_shutdown_reason_name(HV_SHUTDOWN_CRASH), "crash");
}

static struct hv_domain_info dom(hv_domid_t domid, enum hv_dom_state st, enum hv_shutdown_reason r)
{
	return (struct hv_domain_info){.domid = domid, .state = st, .reason = r};
}

static void test_diff(void **state)
{
	struct hv_domain_info before[] = {dom(0, HV_DOM_RUNNING, 0), dom(1, HV_DOM_RUNNING, 0),
					  dom(2, HV_DOM_RUNNING, 0), dom(3, HV_DOM_PAUSED, 0),
					  dom(5, HV_DOM_SHUTDOWN, HV_SHUTDOWN_POWEROFF)};
	struct hv_domain_info after[] = {dom(0, HV_DOM_RUNNING, 0),
					 dom(2, HV_DOM_CRASHED, HV_SHUTDOWN_CRASH),
					 dom(3, HV_DOM_SHUTDOWN, HV_SHUTDOWN_REBOOT),
					 dom(4, HV_DOM_SHUTDOWN, HV_SHUTDOWN_POWEROFF),
					 dom(5, HV_DOM_SHUTDOWN, HV_SHUTDOWN_POWEROFF),
					 dom(6, HV_DOM_RUNNING, 0)};
	struct hv_event ev[8];
	unsigned n;

	(void)state;
	n = hv_domains_diff(before, 5, after, 6, ev, 8);
	assert_int_equal(n, 4);
	assert_int_equal(ev[0].type, HV_EV_DOMAIN_GONE); /* 1: reaped unseen */
	assert_int_equal(ev[0].domid, 1);
	assert_int_equal(ev[1].type, HV_EV_DOMAIN_SHUTDOWN);
	assert_int_equal(ev[1].domid, 2);
	assert_int_equal(ev[1].reason, HV_SHUTDOWN_CRASH);
	assert_int_equal(ev[2].domid, 3);
	assert_int_equal(ev[2].reason, HV_SHUTDOWN_REBOOT);
	assert_int_equal(ev[3].domid, 4); /* new and ended already; 5 was seen ended */
	assert_int_equal(ev[3].type, HV_EV_DOMAIN_SHUTDOWN);

	/* Everything gone; then too many events for the room given. */
	n = hv_domains_diff(before, 5, NULL, 0, ev, 8);
	assert_int_equal(n, 5);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(ev[i].type, HV_EV_DOMAIN_GONE);
	memset(ev, 0xa5, sizeof(ev));
	assert_int_equal(hv_domains_diff(before, 5, NULL, 0, ev, 2), 5);
	assert_int_equal(ev[2].domid, 0xa5a5); /* untouched past max */
	assert_int_equal(hv_domains_diff(after, 6, after, 6, ev, 8), 0);
}

/* The backend over the double, and the events it passes on. */
struct rig {
	struct domctl_double *x;
	struct hv *hv;
	bool closed;
	struct hv_event ev[8];
	unsigned nev;
};

static void record(void *opaque, const struct hv_event *ev)
{
	struct rig *r = opaque;

	if (r->nev < 8)
		r->ev[r->nev] = *ev;
	r->nev++;
}

static int rig_setup(void **state)
{
	struct rig *r = calloc(1, sizeof(*r));
	char err[160];

	r->x = domctl_double_new(2);
	r->x->closed = &r->closed;
	domctl_double_add(r->x, 0, "dom0", KEEL_DOMSTATE_running, 2, 1024ull << 20)->flags =
	    KEEL_DOMINFO_privileged;
	domctl_double_add(r->x, 1, "boot-guest", KEEL_DOMSTATE_running, 2, 256ull << 20);
	domctl_double_add(r->x, 3, "idle", KEEL_DOMSTATE_paused, 1, 64ull << 20);
	assert_int_equal(hv_keel_open(&r->x->base, record, r, &r->hv, err, sizeof(err)), 0);
	*state = r;
	return 0;
}

static int rig_teardown(void **state)
{
	struct rig *r = *state;

	r->hv->ops->close(r->hv);
	assert_true(r->closed);
	free(r);
	return 0;
}

static void test_open_needs_an_answer(void **state)
{
	struct domctl_double *x = domctl_double_new(1);
	bool closed = false;
	struct hv *hv = NULL;
	char err[160];

	(void)state;
	x->closed = &closed;
	x->fail_cmd = KEEL_DOMCTL_hostinfo;
	x->fail_rc = -ENOSYS;
	assert_int_equal(hv_keel_open(&x->base, record, NULL, &hv, err, sizeof(err)), -ENODEV);
	assert_null(hv);
	assert_non_null(strstr(err, "no hypervisor reachable"));
	assert_non_null(strstr(err, "hostinfo"));
	assert_true(closed);
}

static void test_host_and_list(void **state)
{
	struct rig *r = *state;
	struct hv_host_info host;
	struct hv_domain_info info;
	hv_domid_t seen[4];
	unsigned n = 0;

	assert_int_equal(r->hv->ops->host_info(r->hv, &host), 0);
	assert_string_equal(host.version, "Keel 0.1.0");
	assert_int_equal(host.nr_cpus, 2);
	assert_int_equal(host.total_mib, 4096);
	assert_int_equal(host.free_mib, 3072);
	for (unsigned from = 0; !r->hv->ops->domain_next(r->hv, (hv_domid_t)from, &info);
	     from = info.domid + 1u)
		seen[n++] = info.domid;
	assert_int_equal(n, 3);
	assert_int_equal(seen[0], 0);
	assert_int_equal(seen[1], 1);
	assert_int_equal(seen[2], 3);
	assert_int_equal(r->hv->ops->domain_info(r->hv, 1, &info), 0);
	assert_string_equal(info.name, "boot-guest");
	assert_int_equal(info.state, HV_DOM_RUNNING);
	assert_int_equal(info.memory_kib, 256 * 1024);
	assert_int_equal(r->hv->ops->domain_info(r->hv, 2, &info), -ESRCH);
}

/* getstats' counters reach hv.h field by field (each its own value, so a swap shows); an
 * older Keel's EOPNOTSUPP and a gone domain's ESRCH come back as they are. */
static void test_counters(void **state)
{
	struct rig *r = *state;
	struct hv_domain_counters c;

	r->x->stats[1] = (struct keel_domain_stats){.exits = 1000,
						    .dm_pio = 11,
						    .dm_mmio = 12,
						    .dm_pci_config = 13,
						    .dm_buffered = 14,
						    .dm_string_elements = 15,
						    .now_ns = 5000000000ull + 7};
	memset(&c, 0xff, sizeof(c));
	assert_int_equal(r->hv->ops->domain_counters(r->hv, 1, &c), 0);
	assert_int_equal(r->x->last.cmd, KEEL_DOMCTL_getstats);
	assert_int_equal(r->x->last.domid, 1);
	assert_int_equal(c.vm_exits, 1000);
	assert_int_equal(c.dm_pio, 11);
	assert_int_equal(c.dm_mmio, 12);
	assert_int_equal(c.dm_pci_config, 13);
	assert_int_equal(c.dm_buffered, 14);
	assert_int_equal(c.dm_string_elements, 15);
	assert_int_equal(c.now_ns, 5000000000ull + 7);
	assert_string_equal(hv_domctl_name(KEEL_DOMCTL_getstats), "getstats");
	assert_int_equal(r->hv->ops->domain_counters(r->hv, 2, &c), -ESRCH);
	r->x->fail_cmd = KEEL_DOMCTL_getstats;
	r->x->fail_rc = -EOPNOTSUPP;
	assert_int_equal(r->hv->ops->domain_counters(r->hv, 1, &c), -EOPNOTSUPP);
}

static void test_operations(void **state)
{
	struct rig *r = *state;
	struct hv_domain_info info;

	assert_int_equal(r->hv->ops->domain_pause(r->hv, 1), 0);
	assert_int_equal(r->x->dom[1].state, KEEL_DOMSTATE_paused);
	assert_int_equal(r->hv->ops->domain_pause(r->hv, 1), -EINVAL);
	assert_int_equal(r->hv->ops->domain_unpause(r->hv, 1), 0);
	assert_int_equal(r->x->dom[1].state, KEEL_DOMSTATE_running);
	assert_int_equal(r->hv->ops->domain_pause(r->hv, 9), -ESRCH);

	assert_int_equal(r->hv->ops->set_sched(r->hv, 1, 512, 150), 0);
	assert_int_equal(r->x->dom[1].weight, 512);
	assert_int_equal(r->hv->ops->set_sched(r->hv, 1, 0, 0), -EINVAL);
	assert_int_equal(r->hv->ops->set_vcpus_online(r->hv, 1, 1), 0);
	assert_int_equal(r->x->dom[1].vcpus_target, 1);
	assert_int_equal(r->hv->ops->set_vcpus_online(r->hv, 1, 3), -EINVAL);
	/* "Any CPU" is the host's pCPUs. */
	assert_int_equal(r->hv->ops->pin_vcpu(r->hv, 1, 1, ~0ull), 0);
	assert_int_equal(r->x->affinity[1][1], 3);
	assert_int_equal(r->hv->ops->pin_vcpu(r->hv, 1, 0, 1ull << 1), 0);
	assert_int_equal(r->x->affinity[1][0], 2);
	assert_int_equal(r->hv->ops->pin_vcpu(r->hv, 1, 0, 1ull << 7), -EINVAL);
	assert_int_equal(r->hv->ops->pin_vcpu(r->hv, 1, 2, 1), -EINVAL);
	/* The balloon target's limit, in bytes of whole pages. */
	assert_int_equal(r->hv->ops->set_memory_target(r->hv, 1, 131072), 0);
	assert_int_equal(r->x->last.cmd, KEEL_DOMCTL_setmaxmem);
	assert_int_equal(r->x->dom[1].max_mem_bytes, 128ull << 20);
	assert_int_equal(r->hv->ops->set_memory_target(r->hv, 1, 1ull << 30), -EINVAL);

	/* What dom0 serves for a domain built through domctl; -ENOENT for a boot-time one. */
	struct hv_build b;
	r->x->built[3] = true;
	r->x->build[3] = (struct keel_build){
	    .store_gfn = 0xfeffc, .console_gfn = 0xfeffd, .store_port = 1, .console_port = 2};
	assert_int_equal(r->hv->ops->build_info(r->hv, 3, &b), 0);
	assert_int_equal(r->x->last.cmd, KEEL_DOMCTL_getbuild);
	assert_int_equal(b.store_gfn, 0xfeffc);
	assert_int_equal(b.console_gfn, 0xfeffd);
	assert_int_equal(b.store_port, 1);
	assert_int_equal(b.console_port, 2);
	assert_int_equal(r->hv->ops->build_info(r->hv, 1, &b), -ENOENT);
	assert_int_equal(r->hv->ops->build_info(r->hv, 9, &b), -ESRCH);

	/* Not in Keel's domctl: said so, not pretended. */
	assert_int_equal(r->hv->ops->pci_assign(r->hv, 1, "0000:00:02.0"), -ENOSYS);

	/* Destroyed, and destroying what ended by itself is done already. */
	assert_int_equal(r->hv->ops->domain_destroy(r->hv, 0), -EPERM);
	assert_int_equal(r->hv->ops->domain_destroy(r->hv, 1), 0);
	assert_int_equal(r->hv->ops->domain_info(r->hv, 1, &info), 0);
	assert_true(info.destroyed);
	assert_int_equal(info.state, HV_DOM_SHUTDOWN);
	r->x->dom[3].state = KEEL_DOMSTATE_crashed;
	assert_int_equal(r->hv->ops->domain_destroy(r->hv, 3), 0);
	assert_int_equal(r->hv->ops->domain_destroy(r->hv, 9), -ESRCH);
	assert_int_equal(r->nev, 0); /* nothing without the virq */
}

/* A file of n bytes starting with head, in a scratch directory; returns its path. */
static const char *image(const char *name, const char *head, size_t n)
{
	static char path[4][128];
	static unsigned next;
	char *p = path[next++ % 4];
	FILE *f;

	snprintf(p, sizeof(path[0]), "/tmp/keel-test-hv-keel-%d-%s", (int)getpid(), name);
	f = fopen(p, "w");
	assert_non_null(f);
	fwrite(head, 1, strlen(head), f);
	for (size_t i = strlen(head); i < n; i++)
		fputc('k', f);
	fclose(f);
	return p;
}

/* Builds cfg, which must succeed as createdomain, loadkernel, loadinitrd, getbuild; its id. */
static hv_domid_t built_in_order(struct rig *r, const struct hv_domain_config *cfg,
				 struct hv_build *b)
{
	static const uint32_t want[] = {KEEL_DOMCTL_createdomain, KEEL_DOMCTL_loadkernel,
					KEEL_DOMCTL_loadinitrd, KEEL_DOMCTL_getbuild};
	hv_domid_t domid = 0;
	unsigned first = r->x->calls;

	assert_int_equal(r->hv->ops->domain_create(r->hv, cfg, &domid, b), 0);
	assert_int_equal(r->x->calls - first, 4);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(r->x->cmds[first + i], want[i]);
	return domid;
}

static void test_build_sequence(void **state)
{
	struct rig *r = *state;
	const char *kernel = image("kernel", "\177ELF2", 4096);
	const char *initrd = image("initrd", "07070", 8192);
	struct hv_domain_config cfg = {.uuid = "0123abcd-0000-4000-8000-000000000000",
				       .name = "web1",
				       .max_vcpus = 2,
				       .memory_mib = 63,
				       .kernel = kernel,
				       .cmdline = "console=hvc0",
				       .initrd = initrd};
	struct hv_build b;
	hv_domid_t domid = built_in_order(r, &cfg, &b);
	unsigned first;

	/* The lowest free id; memory rounded up to Keel's 2 MiB; paused, not started. */
	assert_int_equal(domid, 2);
	assert_int_equal(r->x->dom[2].mem_bytes, 64ull << 20);
	assert_int_equal(r->x->dom[2].nr_vcpus, 2);
	assert_string_equal(r->x->dom[2].name, "web1");
	assert_int_equal(r->x->dom[2].state, KEEL_DOMSTATE_paused);
	/* The hypervisor read the files' bytes and the command line through the pointers. */
	assert_int_equal(r->x->load[2].kernel_len, 4096);
	assert_memory_equal(r->x->load[2].kernel_head, "\177ELF2kkkk", 8);
	assert_int_equal(r->x->load[2].initrd_len, 8192);
	assert_memory_equal(r->x->load[2].initrd_head, "07070kkk", 8);
	assert_string_equal(r->x->load[2].cmdline, "console=hvc0");
	assert_int_equal(b.store_gfn, 0xfeffc);
	assert_int_equal(b.console_gfn, 0xfeffd);
	assert_int_equal(b.store_port, 1);
	assert_int_equal(b.console_port, 2);
	assert_null(b.failed);
	assert_int_equal(r->x->host.free_bytes, (3ull << 30) - (64ull << 20));

	/* The same name again is the hypervisor's EEXIST, and nothing is left behind. */
	first = r->x->calls;
	assert_int_equal(r->hv->ops->domain_create(r->hv, &cfg, &domid, &b), -EEXIST);
	assert_int_equal(r->x->calls - first, 1);
	assert_false(r->x->used[4]);

	/* A name longer than Keel's 31 characters: its head and the uuid's. */
	cfg.name = "a-very-long-domain-name-beyond-thirty-one";
	cfg.initrd = NULL;
	assert_int_equal(r->hv->ops->domain_create(r->hv, &cfg, &domid, &b), 0);
	assert_string_equal(r->x->dom[domid].name, "a-very-long-domain-nam-0123abcd");
	assert_int_equal(r->x->load[domid].initrd_len, 0);
	unlink(kernel);
	unlink(initrd);
}

/* HVM as Xen's toolstack builds it for hvmloader: KEEL_CREATE_hvm, the loader as the kernel
 * without a command line, SeaBIOS as the module named "firmware"; no initrd. */
static void test_build_hvm(void **state)
{
	struct rig *r = *state;
	const char *loader = image("hvmloader", "\177ELF1", 4096);
	const char *bios = image("bios", "SEABIOS", 8192);
	struct hv_domain_config cfg = {.name = "hvm1",
				       .max_vcpus = 1,
				       .memory_mib = 64,
				       .hvm = true,
				       .kernel = loader,
				       .cmdline = "ignored",
				       .initrd = "/nonexistent/initrd",
				       .firmware = bios};
	struct hv_build b;
	hv_domid_t domid = built_in_order(r, &cfg, &b);
	unsigned first;

	assert_true(r->x->load[domid].hvm);
	assert_int_equal(r->x->load[domid].kernel_len, 4096);
	assert_string_equal(r->x->load[domid].cmdline, "");
	assert_int_equal(r->x->load[domid].initrd_len, 8192);
	assert_memory_equal(r->x->load[domid].initrd_head, "SEABIOS", 7);
	assert_string_equal(r->x->load[domid].module_name, "firmware");
	assert_null(b.failed);

	/* A PVH domain is not HVM; an HVM one without firmware is refused before building. */
	cfg.hvm = false;
	cfg.name = "pvh1";
	cfg.initrd = NULL;
	assert_int_equal(r->hv->ops->domain_create(r->hv, &cfg, &domid, &b), 0);
	assert_false(r->x->load[domid].hvm);
	assert_string_equal(r->x->load[domid].cmdline, "ignored");
	cfg.hvm = true;
	cfg.name = "hvm2";
	cfg.firmware = NULL;
	first = r->x->calls;
	assert_int_equal(r->hv->ops->domain_create(r->hv, &cfg, &domid, &b), -EINVAL);
	assert_int_equal(r->x->calls, first);
	/* A missing firmware file names the part; the domain is undone. */
	cfg.firmware = "/nonexistent/bios.bin";
	uint64_t free_before = r->x->host.free_bytes;
	assert_int_equal(r->hv->ops->domain_create(r->hv, &cfg, &domid, &b), -ENOENT);
	assert_string_equal(b.failed, "firmware");
	assert_int_equal(r->x->host.free_bytes, free_before);
	unlink(loader);
	unlink(bios);
}

/* Each failure of the build names its part, undoes the domain, and leaves the host as it was. */
static void test_build_errors(void **state)
{
	struct rig *r = *state;
	const char *elf = image("elf", "\177ELF", 4096);
	const char *text = image("text", "#!/bin/sh", 100);
	const char *big = image("big", "\177ELF", 9u << 20);
	const char *empty = image("empty", "", 0);
	struct hv_domain_config cfg = {.name = "g", .max_vcpus = 1, .memory_mib = 16};
	uint64_t free_before = r->x->host.free_bytes;
	struct {
		const char *kernel, *initrd;
		unsigned vcpus;
		uint64_t mib;
		int rc;
		const char *failed;
	} c[] = {
	    {text, NULL, 1, 16, -ENOEXEC, "kernel"},
	    {elf, big, 1, 16, -E2BIG, "initrd"},
	    {big, NULL, 1, 16, -E2BIG, "kernel"},
	    {"/nonexistent/vmlinuz", NULL, 1, 16, -ENOENT, "kernel"},
	    {elf, empty, 1, 16, -ENODATA, "initrd"},
	    {elf, NULL, 9, 16, -EINVAL, "domain"},
	    {elf, NULL, 1, 4096, -ENOMEM, "domain"},
	};

	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct hv_build b;
		hv_domid_t domid = 0;
		cfg.kernel = c[i].kernel;
		cfg.initrd = c[i].initrd;
		cfg.max_vcpus = c[i].vcpus;
		cfg.memory_mib = c[i].mib;
		assert_int_equal(r->hv->ops->domain_create(r->hv, &cfg, &domid, &b), c[i].rc);
		assert_string_equal(b.failed, c[i].failed);
		assert_int_equal(r->x->host.free_bytes, free_before);
		/* Nothing alive is left under the name: creating it again is not EEXIST. */
		for (unsigned id = 0; id < DOMCTL_DOUBLE_DOMS; id++)
			if (r->x->used[id] && !strcmp(r->x->dom[id].name, "g"))
				assert_int_equal(r->x->dom[id].state, KEEL_DOMSTATE_shutdown);
	}
	unlink(elf);
	unlink(text);
	unlink(big);
	unlink(empty);
}

static void test_events(void **state)
{
	struct rig *r = *state;

	/* A guest crashes, another powers off: one event each, with the reason. */
	r->x->dom[1].state = KEEL_DOMSTATE_crashed;
	r->x->dom[1].shutdown_reason = HV_SHUTDOWN_CRASH;
	r->x->dom[3].state = KEEL_DOMSTATE_shutdown;
	r->x->dom[3].shutdown_reason = HV_SHUTDOWN_POWEROFF;
	domctl_double_virq(r->x);
	assert_int_equal(r->nev, 2);
	assert_int_equal(r->ev[0].type, HV_EV_DOMAIN_SHUTDOWN);
	assert_int_equal(r->ev[0].domid, 1);
	assert_int_equal(r->ev[0].reason, HV_SHUTDOWN_CRASH);
	assert_int_equal(r->ev[1].domid, 3);
	assert_int_equal(r->ev[1].reason, HV_SHUTDOWN_POWEROFF);

	/* Seen once: the next virq for something else does not repeat them. */
	domctl_double_remove(r->x, 3);
	domctl_double_virq(r->x);
	assert_int_equal(r->nev, 3);
	assert_int_equal(r->ev[2].type, HV_EV_DOMAIN_GONE);
	assert_int_equal(r->ev[2].domid, 3);

	/* A listing that fails changes nothing; the next one catches up. */
	domctl_double_remove(r->x, 1);
	r->x->fail_cmd = KEEL_DOMCTL_next;
	r->x->fail_rc = -EIO;
	domctl_double_virq(r->x);
	assert_int_equal(r->nev, 3);
	r->x->fail_cmd = 0;
	domctl_double_virq(r->x);
	assert_int_equal(r->nev, 4);
	assert_int_equal(r->ev[3].type, HV_EV_DOMAIN_GONE);
	assert_int_equal(r->ev[3].domid, 1);
}

/* From the store's @releaseDomain: the same listing and diff, and the poll may stop. */
static void test_events_from_store(void **state)
{
	struct rig *r = *state;

	assert_false(r->x->events_from_store);
	hv_keel_events_from_store(r->hv);
	assert_true(r->x->events_from_store);
	hv_keel_domains_changed(r->hv); /* the watch fires once when set: nothing changed */
	assert_int_equal(r->nev, 0);
	r->x->dom[3].state = KEEL_DOMSTATE_shutdown;
	r->x->dom[3].shutdown_reason = HV_SHUTDOWN_REBOOT;
	hv_keel_domains_changed(r->hv);
	assert_int_equal(r->nev, 1);
	assert_int_equal(r->ev[0].type, HV_EV_DOMAIN_SHUTDOWN);
	assert_int_equal(r->ev[0].domid, 3);
	assert_int_equal(r->ev[0].reason, HV_SHUTDOWN_REBOOT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_domain_info_maps_one_to_one),
	    cmocka_unit_test(test_host_info),
	    cmocka_unit_test(test_requests),
	    cmocka_unit_test(test_diff),
	    cmocka_unit_test(test_open_needs_an_answer),
	    cmocka_unit_test_setup_teardown(test_host_and_list, rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(test_operations, rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(test_counters, rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(test_events, rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(test_events_from_store, rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(test_build_hvm, rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(test_build_sequence, rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(test_build_errors, rig_setup, rig_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
