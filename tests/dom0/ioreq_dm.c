// SPDX-License-Identifier: MIT
/*
 * A test device model in dom0, written against Debian's unmodified
 * libxendevicemodel, libxenforeignmemory and libxenevtchn as QEMU uses them:
 * it builds an HVM domain with Keel's domctl, creates an ioreq server, maps
 * its page with acquire_resource, binds the per-vCPU event channels, claims
 * the test devices of ioreq_testdev.h and serves the ioreq test guest. On the
 * way it checks dm_op's refusals, answers one request with garbage first and
 * one late, and then checks that a guest left waiting (its device model gone
 * or silent) costs only that guest: it is destroyed and its memory comes back.
 *
 * keel-ioreq-dm GUEST.ELF   prints "ioreq-dm: PASS ..." or "ioreq-dm: FAIL ..."
 * keel-ioreq-dm build|unpause|destroy|wait-end ...   see tool() below
 */
#define __XEN_TOOLS__ 1 /* the toolstack part of Xen's public headers, as QEMU builds them */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xencall.h>
#include <xendevicemodel.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xenstore.h>
#include <xen/hvm/ioreq.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/hvm_op.h>
#include <xen/memory.h>

#include <public/keel/domctl.h>
#include "../hypervisor/guests/lib/ioreq_testdev.h"

static int failures;
static xencall_handle *xc;
static struct keel_domctl *dbuf;
static xendevicemodel_handle *dm;
static xenforeignmemory_handle *fm;
static xenevtchn_handle *xe;

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("ioreq-dm: check failed: ");
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	va_end(ap);
	failures++;
}

/* rc of a libxen* call that must fail with errno want. */
static void expect_errno(const char *what, int rc, int want)
{
	if (rc >= 0)
		fail("%s: succeeded, wanted %s", what, strerror(want));
	else if (errno != want)
		fail("%s: %s, wanted %s", what, strerror(errno), strerror(want));
}

static int domctl(struct keel_domctl *op)
{
	memcpy(dbuf, op, sizeof(*op));
	int rc = xencall1(xc, __HYPERVISOR_keel_domctl, (uint64_t)(uintptr_t)dbuf);
	memcpy(op, dbuf, sizeof(*op));
	return rc < 0 ? -errno : 0;
}

static struct keel_domctl op_for(uint32_t cmd, uint16_t domid)
{
	struct keel_domctl op;

	memset(&op, 0, sizeof(op));
	op.cmd = cmd;
	op.domid = domid;
	return op;
}

static uint64_t host_free(void)
{
	struct keel_domctl op = op_for(KEEL_DOMCTL_hostinfo, 0);

	return domctl(&op) ? 0 : op.u.host.free_bytes;
}

static int dom_state(uint16_t domid)
{
	struct keel_domctl op = op_for(KEEL_DOMCTL_getinfo, domid);

	return domctl(&op) ? -1 : op.u.info.state;
}

/* A paused domain of mib MiB with the image loaded as its kernel; its id, or -1. */
static int build_mib(const char *name, uint32_t flags, uint64_t mib, const void *elf, size_t len,
		     const char *cmd)
{
	struct keel_domctl op = op_for(KEEL_DOMCTL_createdomain, 0);

	snprintf(op.u.create.name, sizeof(op.u.create.name), "%s", name);
	op.u.create.mem_bytes = mib << 20;
	op.u.create.vcpus = 1;
	op.u.create.flags = flags;
	int rc = domctl(&op);
	if (rc) {
		fail("createdomain %s: %s", name, strerror(-rc));
		return -1;
	}
	uint16_t domid = op.domid;
	op = op_for(KEEL_DOMCTL_loadkernel, domid);
	op.u.load.image = (uint64_t)(uintptr_t)elf;
	op.u.load.image_len = len;
	op.u.load.cmdline = (uint64_t)(uintptr_t)cmd;
	op.u.load.cmdline_len = (uint32_t)strlen(cmd);
	if ((rc = domctl(&op))) {
		fail("loadkernel %s: %s", name, strerror(-rc));
		return -1;
	}
	return domid;
}

/* The test guests' size. */
static int build(const char *name, uint32_t flags, const void *elf, size_t len, const char *cmd)
{
	return build_mib(name, flags, 32, elf, len, cmd);
}

static void run_domctl(uint32_t cmd, uint16_t domid)
{
	struct keel_domctl op = op_for(cmd, domid);
	int rc = domctl(&op);

	if (rc)
		fail("domctl %u on %u: %s", cmd, domid, strerror(-rc));
}

static void *read_file(const char *path, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st))
		return NULL;
	void *p = malloc((size_t)st.st_size);
	if (p && read(fd, p, (size_t)st.st_size) != st.st_size) {
		free(p);
		p = NULL;
	}
	close(fd);
	if (p)
		mlock(p, (size_t)st.st_size); /* Keel reads it without faulting anything in */
	*len = (size_t)st.st_size;
	return p;
}

/* The test devices. */
static uint8_t regs[TESTDEV_REGS_LEN], mmio[TESTDEV_MMIO_LEN], fifo[256];
static unsigned fifo_len, served, verdict;
static int buf_local = -1; /* dom0's end of the buffered ring's port */
static unsigned buf_events;

static uint64_t device(uint64_t addr, unsigned size, int read, uint64_t data, int is_mmio)
{
	uint64_t v = 0;

	if (is_mmio) {
		uint64_t off = addr - TESTDEV_MMIO;
		if (read)
			memcpy(&v, mmio + off, size);
		else
			memcpy(mmio + off, &data, size);
	} else if (addr >= TESTDEV_REGS && addr < TESTDEV_REGS + TESTDEV_REGS_LEN) {
		if (read)
			memcpy(&v, regs + (addr - TESTDEV_REGS), size);
		else
			memcpy(regs + (addr - TESTDEV_REGS), &data, size);
	} else if (addr == TESTDEV_FIFO) {
		if (read && fifo_len >= size) {
			memcpy(&v, fifo, size);
			memmove(fifo, fifo + size, fifo_len -= size);
		} else if (!read && fifo_len + size <= sizeof(fifo)) {
			memcpy(fifo + fifo_len, &data, size);
			fifo_len += size;
		}
	} else if (addr == TESTDEV_COUNT) {
		v = served;
	} else if (addr == TESTDEV_DONE && !read) {
		verdict = (unsigned)data;
	}
	return v;
}

struct server {
	uint16_t domid;
	ioservid_t id;
	xenforeignmemory_resource_handle *res;
	buffered_iopage_t *buf;
	shared_iopage_t *page;
	evtchn_port_t local[1];
};

/*
 * A request by pointer (REP INS/OUTS): count elements in the guest's memory from the
 * guest-physical address in data, downwards when df, as QEMU serves them. Keel keeps them
 * within one page; an element elsewhere is a failure. Returns 0 when served.
 */
static unsigned ptr_requests, ptr_most, ptr_elements;
static int serve_ptr(uint16_t domid, const ioreq_t *req)
{
	xen_pfn_t gfn = req->data >> 12;
	uint8_t *page = xenforeignmemory_map(fm, domid, PROT_READ | PROT_WRITE, 1, &gfn, NULL);

	if (!page) {
		fail("map gfn %#lx of a pointer request: %s", (unsigned long)gfn, strerror(errno));
		return -1;
	}
	for (uint32_t i = 0; i < req->count; i++) {
		uint64_t gpa = req->df ? req->data - (uint64_t)i * req->size
				       : req->data + (uint64_t)i * req->size;
		if (gpa >> 12 != gfn || ((gpa + req->size - 1) >> 12) != gfn) {
			fail("pointer request leaves its page: %#lx count %u size %u df %u",
			     (unsigned long)req->data, req->count, req->size, req->df);
			break;
		}
		uint64_t v = 0;
		if (req->dir == IOREQ_WRITE)
			memcpy(&v, page + (gpa & 4095), req->size);
		v = device(req->addr, req->size, req->dir == IOREQ_READ, v, 0);
		if (req->dir == IOREQ_READ)
			memcpy(page + (gpa & 4095), &v, req->size);
	}
	xenforeignmemory_unmap(fm, page, 1);
	ptr_requests++;
	ptr_elements += req->count;
	ptr_most = req->count > ptr_most ? req->count : ptr_most;
	return 0;
}

static int setup(struct server *s, uint16_t domid)
{
	void *addr = NULL;
	unsigned vcpus = 0;

	s->domid = domid;
	/* As QEMU: a buffered ring (atomic), both frames mapped, the ring's port bound. */
	if (xendevicemodel_create_ioreq_server(dm, domid, HVM_IOREQSRV_BUFIOREQ_ATOMIC, &s->id)) {
		fail("create_ioreq_server: %s", strerror(errno));
		return -1;
	}
	s->res = xenforeignmemory_map_resource(fm, domid, XENMEM_resource_ioreq_server, s->id,
					       XENMEM_resource_ioreq_server_frame_bufioreq, 2,
					       &addr, PROT_READ | PROT_WRITE, 0);
	if (!s->res) {
		fail("map_resource ioreq pages: %s", strerror(errno));
		return -1;
	}
	s->buf = addr;
	s->page = (shared_iopage_t *)((char *)addr + 4096);
	evtchn_port_t bufport = 0;
	int bp = -1;
	if (xendevicemodel_get_ioreq_server_info(dm, domid, s->id, NULL, NULL, &bufport) ||
	    (bp = xenevtchn_bind_interdomain(xe, domid, bufport)) < 0)
		fail("bufioreq port %u: %s", bufport, strerror(errno));
	buf_local = bp;
	if (xendevicemodel_nr_vcpus(dm, domid, &vcpus) || vcpus != 1)
		fail("nr_vcpus: %u (%s)", vcpus, strerror(errno));
	int p = xenevtchn_bind_interdomain(xe, domid, s->page->vcpu_ioreq[0].vp_eport);
	if (p < 0) {
		fail("bind vp_eport %u: %s", s->page->vcpu_ioreq[0].vp_eport, strerror(errno));
		return -1;
	}
	s->local[0] = (evtchn_port_t)p;
	static const struct {
		int mmio;
		uint64_t start, end;
	} ranges[] = {
	    {0, TESTDEV_REGS, TESTDEV_REGS + TESTDEV_REGS_LEN - 1},
	    {0, TESTDEV_FIFO, TESTDEV_FIFO + TESTDEV_FIFO_LEN - 1},
	    {0, TESTDEV_COUNT, TESTDEV_COUNT + 3},
	    {0, TESTDEV_DONE, TESTDEV_DONE},
	    {1, TESTDEV_MMIO, TESTDEV_MMIO + TESTDEV_MMIO_LEN - 1},
	};
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (xendevicemodel_map_io_range_to_ioreq_server(dm, domid, s->id, ranges[i].mmio,
								ranges[i].start, ranges[i].end))
			fail("map range %lx: %s", (unsigned long)ranges[i].start, strerror(errno));
	if (xendevicemodel_set_ioreq_server_state(dm, domid, s->id, 1))
		fail("enable: %s", strerror(errno));
	return 0;
}

static void answer(struct server *s, ioreq_t *r, uint64_t data)
{
	r->data = data;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	r->state = STATE_IORESP_READY;
	xenevtchn_notify(xe, s->local[0]);
}

/* Waits up to ms for an event; 1 when one came. */
static int wait_event(int ms)
{
	struct pollfd p = {xenevtchn_fd(xe), POLLIN, 0};

	if (poll(&p, 1, ms) <= 0)
		return 0;
	int port = xenevtchn_pending(xe);
	if (port >= 0)
		xenevtchn_unmask(xe, (evtchn_port_t)port);
	buf_events += port >= 0 && port == buf_local;
	return 1;
}

/*
 * The buffered ring after the guest set its RTC an hour ahead (ioreq.c): one TIMEOFFSET of
 * +3600 s (or -82,800 s when it was 23:xx), two slots with the halves, its port notified.
 */
static void check_buffered(struct server *s)
{
	buffered_iopage_t *b = s->buf;
	unsigned offsets = 0, drained = 0;
	int64_t delta = 0;

	while (drained < 64 && wait_event(200)) /* events not yet read while serving */
		drained++;

	for (uint32_t rp = b->read_pointer; rp != b->write_pointer; rp++) {
		buf_ioreq_t *r = &b->buf_ioreq[rp % IOREQ_BUFFER_SLOT_NUM];
		if (r->type != IOREQ_TYPE_TIMEOFFSET || r->size != 3 || r->dir != IOREQ_WRITE) {
			fail("buffered ring: type %u size %u dir %u", r->type, r->size, r->dir);
			break;
		}
		uint64_t lo = r->data;
		rp++;
		delta =
		    (int64_t)(lo | (uint64_t)b->buf_ioreq[rp % IOREQ_BUFFER_SLOT_NUM].data << 32);
		offsets++;
	}
	printf("ioreq-dm: buffered ring: %u TIMEOFFSET (%+lld s), %u notifications\n", offsets,
	       (long long)delta, buf_events);
	/* Two events: binding marks the port pending (as Xen), then the post's notify. */
	if (offsets != 1 || buf_events < 2 ||
	    !((delta >= 3595 && delta <= 3605) || (delta >= -82805 && delta <= -82795)))
		fail("buffered ring: wanted one TIMEOFFSET of an hour, notified");
}

/*
 * KEEL_DOMCTL_getstats of the test domain once it ended: Keel counted what this device model
 * served, request for request, the one posted TIMEOFFSET and the elements carried by
 * pointer; each request was a VM exit; a bad pad is refused.
 */
static void check_stats(uint16_t domid)
{
	struct keel_domctl op = op_for(KEEL_DOMCTL_getstats, domid), again;
	int rc = domctl(&op);
	const struct keel_domain_stats *st = &op.u.stats;

	if (rc) {
		fail("getstats: %s", strerror(-rc));
		return;
	}
	printf("ioreq-dm: getstats: %llu exits, device model pio %llu mmio %llu pci_config %llu "
	       "buffered %llu string elements %llu, cpu %llu ms\n",
	       (unsigned long long)st->exits, (unsigned long long)st->dm_pio,
	       (unsigned long long)st->dm_mmio, (unsigned long long)st->dm_pci_config,
	       (unsigned long long)st->dm_buffered, (unsigned long long)st->dm_string_elements,
	       (unsigned long long)(st->cpu_ns / 1000000));
	if (st->dm_pio + st->dm_mmio + st->dm_pci_config != served)
		fail("getstats: %llu requests counted, %u served",
		     (unsigned long long)(st->dm_pio + st->dm_mmio + st->dm_pci_config), served);
	if (st->dm_buffered != 1 || st->dm_string_elements != ptr_elements)
		fail("getstats: buffered %llu (wanted the one TIMEOFFSET), elements %llu "
		     "(wanted %u)",
		     (unsigned long long)st->dm_buffered,
		     (unsigned long long)st->dm_string_elements, ptr_elements);
	if (st->exits < served || !st->now_ns || st->pad[0] || st->pad[1] || st->pad[2])
		fail("getstats: %llu exits for %u requests, now %llu",
		     (unsigned long long)st->exits, served, (unsigned long long)st->now_ns);
	again = op_for(KEEL_DOMCTL_getstats, domid);
	if (domctl(&again) || again.u.stats.now_ns <= st->now_ns ||
	    again.u.stats.exits != st->exits)
		fail("getstats again: the clock must move, an ended domain's exits not");
	again = op_for(KEEL_DOMCTL_getstats, domid);
	again.pad = 1;
	if (domctl(&again) != -EINVAL)
		fail("getstats with pad 1: wanted EINVAL");
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/*
 * Serves requests until the domain ends (or max requests, if not 0). Request
 * 9 gets a late answer: the vCPU waits for it.
 */
static void serve(struct server *s, unsigned max)
{
	ioreq_t *r = &s->page->vcpu_ioreq[0];
	double t0 = now();
	unsigned timeouts = 0;

	while (timeouts < 60 && (!max || served < max)) {
		int st = dom_state(s->domid);
		if (st != KEEL_DOMSTATE_running && st != KEEL_DOMSTATE_paused)
			break;
		if (r->state != STATE_IOREQ_READY) {
			timeouts += !wait_event(1000);
			continue;
		}
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		ioreq_t req = *r;
		if (!req.count || req.count > 4096 || (req.count != 1 && !req.data_is_ptr) ||
		    (req.data_is_ptr && req.type != IOREQ_TYPE_PIO) || req.size > 8 || !req.size)
			fail("request: count %u size %u ptr %u type %u", req.count, req.size,
			     req.data_is_ptr, req.type);
		if (served == 9)
			sleep(2);
		uint64_t v = 0;
		if (req.data_is_ptr)
			serve_ptr(s->domid, &req);
		else
			v = device(req.addr, req.size, req.dir == IOREQ_READ, req.data,
				   req.type == IOREQ_TYPE_COPY);
		served++;
		answer(s, r, req.dir == IOREQ_READ && !req.data_is_ptr ? v : req.data);
	}
	double dt = now() - t0;
	printf("ioreq-dm: served %u requests in %.1f s (%.0f requests per second), %u by "
	       "pointer (at most %u elements)\n",
	       served, dt, dt > 0 ? served / dt : 0.0, ptr_requests, ptr_most);
}

/* dm_op's refusals, on the running test domain hvm and the PVH domain pvh. */
static void refusals(uint16_t hvm, uint16_t pvh, ioservid_t id)
{
	ioservid_t extra[8];
	xen_pfn_t gfn, bufgfn;
	evtchn_port_t port;
	unsigned n = 0;

	expect_errno("create on a PVH domain",
		     xendevicemodel_create_ioreq_server(dm, pvh, 0, &extra[0]), EINVAL);
	expect_errno("create on dom0 itself",
		     xendevicemodel_create_ioreq_server(dm, 0, 0, &extra[0]), EPERM);
	expect_errno("create on no domain",
		     xendevicemodel_create_ioreq_server(dm, 999, 0, &extra[0]), ESRCH);
	expect_errno("create with bufioreq 3",
		     xendevicemodel_create_ioreq_server(dm, hvm, 3, &extra[0]), EINVAL);
	expect_errno("info with gfns",
		     xendevicemodel_get_ioreq_server_info(dm, hvm, id, &gfn, &bufgfn, &port),
		     EOPNOTSUPP);
	expect_errno("info of no server",
		     xendevicemodel_get_ioreq_server_info(dm, hvm, 7, NULL, NULL, &port), ENOENT);
	expect_errno("overlapping range",
		     xendevicemodel_map_io_range_to_ioreq_server(dm, hvm, id, 0, TESTDEV_REGS + 4,
								 TESTDEV_REGS + 9),
		     EEXIST);
	expect_errno("start after end",
		     xendevicemodel_map_io_range_to_ioreq_server(dm, hvm, id, 0, 9, 8), EINVAL);
	expect_errno(
	    "unmap what is not mapped",
	    xendevicemodel_unmap_io_range_from_ioreq_server(dm, hvm, id, 1, 0x1000, 0x1fff),
	    ENOENT);
	expect_errno("state of no server", xendevicemodel_set_ioreq_server_state(dm, hvm, 5, 1),
		     ENOENT);
	expect_errno("destroy no server", xendevicemodel_destroy_ioreq_server(dm, hvm, 6), ENOENT);
	/* Seven more fit (eight in all), the ninth does not. */
	while (n < 8 && !xendevicemodel_create_ioreq_server(
			    dm, hvm, n == 0 ? HVM_IOREQSRV_BUFIOREQ_ATOMIC : 0, &extra[n]))
		n++;
	if (n != 7)
		fail("extra servers: %u created, wanted 7 (%s)", n, strerror(errno));
	else
		expect_errno("a ninth server (the failed create above)", -1, ENOSPC);
	if (n) {
		/* The buffered server: both frames map; the ring starts empty; its port is given.
		 */
		void *addr = NULL;
		xenforeignmemory_resource_handle *res =
		    xenforeignmemory_map_resource(fm, hvm, XENMEM_resource_ioreq_server, extra[0],
						  0, 2, &addr, PROT_READ | PROT_WRITE, 0);
		if (!res)
			fail("map both frames of a buffered server: %s", strerror(errno));
		else if (((uint32_t *)addr)[0] || ((uint32_t *)addr)[1])
			fail("buffered ring not empty");
		if (xendevicemodel_get_ioreq_server_info(dm, hvm, extra[0], NULL, NULL, &port) ||
		    !port)
			fail("bufioreq port: %u (%s)", port, strerror(errno));
		if (res)
			xenforeignmemory_unmap_resource(fm, res);
	}
	if (n > 1) {
		void *addr = NULL;
		errno = 0;
		if (xenforeignmemory_map_resource(fm, hvm, XENMEM_resource_ioreq_server, extra[1],
						  0, 1, &addr, PROT_READ, 0))
			fail("bufioreq frame of a server without one was mapped");
		else if (errno != ENOENT)
			fail("bufioreq frame of a server without one: %s, wanted ENOENT",
			     strerror(errno));
	}
	for (unsigned i = 0; i < n; i++)
		if (xendevicemodel_destroy_ioreq_server(dm, hvm, extra[i]))
			fail("destroy extra server %u: %s", extra[i], strerror(errno));
}

enum abandon { NO_ANSWER, DM_KILLED, GARBAGE };
static const char *const abandon_name[] = {"no answer", "device model killed", "garbage answer"};
static const char *const abandon_dom[] = {"ioreq-hang", "ioreq-orphan", "ioreq-garbage"};

/* Sets up a server for domid and starts it: 0 when its one request is waiting in the slot. */
static int start_hanging(struct server *s, uint16_t domid)
{
	if (!dm || !fm || !xe || setup(s, domid))
		return -1;
	run_domctl(KEEL_DOMCTL_unpause, domid);
	for (int i = 0; i < 100 && s->page->vcpu_ioreq[0].state != STATE_IOREQ_READY; i++)
		usleep(100000);
	if (s->page->vcpu_ioreq[0].state == STATE_IOREQ_READY)
		return 0;
	fail("no request from the hanging guest");
	return -1;
}

/*
 * A guest whose one request is never answered (its device model silent, or
 * killed mid-request), or answered with a state the protocol does not have
 * (Keel crashes it, as Xen does): destroyed, its memory back.
 */
static void abandoned(const void *elf, size_t len, enum abandon how)
{
	uint64_t before = host_free();
	int domid = build(abandon_dom[how], KEEL_CREATE_hvm, elf, len, "hang=1");
	struct server s = {0};

	if (domid < 0)
		return;
	if (how == DM_KILLED) {
		pid_t pid = fork();
		if (pid == 0) {
			/* Its own handles, so that its death takes its bindings and mappings along.
			 */
			dm = xendevicemodel_open(NULL, 0);
			fm = xenforeignmemory_open(NULL, 0);
			xe = xenevtchn_open(NULL, 0);
			start_hanging(&s, (uint16_t)domid);
			raise(SIGKILL); /* dies mid-request: no unmap, no destroy, no unbind */
		}
		waitpid(pid, NULL, 0);
	} else if (start_hanging(&s, (uint16_t)domid) == 0 && how == GARBAGE) {
		s.page->vcpu_ioreq[0].state = 7;
		xenevtchn_notify(xe, s.local[0]);
	}
	sleep(1);
	int want = how == GARBAGE ? KEEL_DOMSTATE_crashed : KEEL_DOMSTATE_running;
	if (dom_state((uint16_t)domid) != want)
		fail("guest %d (%s): state %d, wanted %d", domid, abandon_name[how],
		     dom_state((uint16_t)domid), want);
	if (s.res)
		xenforeignmemory_unmap_resource(fm, s.res);
	if (s.local[0])
		xenevtchn_unbind(xe, s.local[0]);
	run_domctl(KEEL_DOMCTL_destroy, (uint16_t)domid);
	for (int i = 0; i < 50 && dom_state((uint16_t)domid) >= 0; i++)
		usleep(100000);
	if (dom_state((uint16_t)domid) >= 0)
		fail("destroyed guest %d still listed", domid);
	uint64_t after = host_free();
	if (after < before)
		fail("%s: %lu KiB of host memory not back", abandon_name[how],
		     (unsigned long)((before - after) >> 10));
	printf("ioreq-dm: guest left waiting (%s) destroyed, memory back\n", abandon_name[how]);
}

/*
 * build-firmware NAME MIB LOADER [MODNAME=PATH ...]: an HVM domain started from
 * HVM firmware (Xen's hvmloader) with named modules (SeaBIOS as "firmware");
 * prints its id.
 */
static int build_firmware(int argc, char **argv)
{
	size_t len;
	void *img = read_file(argv[4], &len);
	int domid =
	    img ? build_mib(argv[2], KEEL_CREATE_hvm, (uint64_t)atoi(argv[3]), img, len, "") : -1;
	struct keel_domctl op;
	int rc;

	if (domid < 0)
		return 1;
	for (int i = 5; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		void *mod = eq ? read_file(eq + 1, &len) : NULL;
		if (!mod) {
			fprintf(stderr, "%s: not NAME=PATH of a readable file\n", argv[i]);
			return 1;
		}
		op = op_for(KEEL_DOMCTL_loadinitrd, domid);
		op.u.load.image = (uint64_t)(uintptr_t)mod;
		op.u.load.image_len = len;
		op.u.load.cmdline = (uint64_t)(uintptr_t)argv[i];
		op.u.load.cmdline_len = (uint32_t)(eq - argv[i]);
		if ((rc = domctl(&op))) {
			fprintf(stderr, "module %s: %s\n", argv[i], strerror(-rc));
			return 1;
		}
	}
	printf("%u\n", domid);
	return 0;
}

/* introduce D: tells the xenstore about D's ring (XS_INTRODUCE), as a toolstack does. */
static int introduce(uint16_t domid)
{
	struct keel_domctl op = op_for(KEEL_DOMCTL_getbuild, domid);
	struct xs_handle *xs = xs_open(0);
	int rc = domctl(&op);

	if (rc || !xs) {
		fprintf(stderr, "introduce %u: %s\n", domid, rc ? strerror(-rc) : "no xenstore");
		return 1;
	}
	if (!xs_introduce_domain(xs, domid, op.u.build.store_gfn, op.u.build.store_port)) {
		fprintf(stderr, "XS_INTRODUCE %u: %s\n", domid, strerror(errno));
		return 1;
	}
	xs_close(xs);
	return 0;
}

/*
 * The domain tool the QEMU test's hook uses (the toolstack's part, until
 * controld builds HVM guests): build NAME ELF [CMDLINE] prints the new HVM
 * domain's id; unpause, destroy D; wait-end D SECONDS waits until D has ended
 * and prints its state.
 */
static int tool(int argc, char **argv)
{
	const char *cmd = argv[1];

	if (!strcmp(cmd, "build") && (argc == 4 || argc == 5)) {
		size_t len;
		void *elf = read_file(argv[3], &len);
		int domid =
		    elf ? build(argv[2], KEEL_CREATE_hvm, elf, len, argc == 5 ? argv[4] : "") : -1;
		if (domid < 0)
			return 1;
		printf("%d\n", domid);
		return 0;
	}
	if (!strcmp(cmd, "build-firmware") && argc >= 5)
		return build_firmware(argc, argv);
	if (argc < 3)
		return 2;
	uint16_t domid = (uint16_t)atoi(argv[2]);
	if (!strcmp(cmd, "introduce"))
		return introduce(domid);
	if (!strcmp(cmd, "unpause") || !strcmp(cmd, "destroy")) {
		run_domctl(!strcmp(cmd, "unpause") ? KEEL_DOMCTL_unpause : KEEL_DOMCTL_destroy,
			   domid);
		return failures ? 1 : 0;
	}
	if (!strcmp(cmd, "wait-end") && argc == 4) {
		int st = dom_state(domid);
		for (int i = 0; i < atoi(argv[3]) * 10 &&
				(st == KEEL_DOMSTATE_running || st == KEEL_DOMSTATE_paused);
		     i++) {
			usleep(100000);
			st = dom_state(domid);
		}
		struct keel_domctl op = op_for(KEEL_DOMCTL_getinfo, domid);
		int rc = domctl(&op);
		printf("state %d reason %d\n", rc ? -1 : op.u.info.state,
		       rc ? -1 : op.u.info.shutdown_reason);
		return 0;
	}
	return 2;
}

static int open_all(void)
{
	xc = xencall_open(NULL, 0);
	dm = xendevicemodel_open(NULL, 0);
	fm = xenforeignmemory_open(NULL, 0);
	xe = xenevtchn_open(NULL, 0);
	if (!xc || !dm || !fm || !xe || !(dbuf = xencall_alloc_buffer(xc, sizeof(*dbuf)))) {
		printf("ioreq-dm: FAIL cannot open Xen's devices: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t len;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3) {
		if (open_all())
			return 1;
		int rc = tool(argc, argv);
		if (rc == 2)
			fprintf(stderr,
				"usage: keel-ioreq-dm GUEST.ELF | build NAME ELF [CMDLINE] | "
				"build-firmware NAME MIB LOADER [MOD=PATH...] | introduce D | "
				"unpause D | destroy D | wait-end D SECONDS\n");
		return rc;
	}
	void *elf = argc == 2 ? read_file(argv[1], &len) : NULL;
	if (!elf) {
		fprintf(stderr, "usage: keel-ioreq-dm GUEST.ELF\n");
		return 2;
	}
	if (open_all())
		return 1;
	uint64_t before = host_free();
	int pvh = build("ioreq-pvh", 0, elf, len, "");
	int hvm = build("ioreq", KEEL_CREATE_hvm, elf, len, "");
	struct server s;
	if (pvh < 0 || hvm < 0 || setup(&s, (uint16_t)hvm)) {
		printf("ioreq-dm: FAIL setting up\n");
		return 1;
	}
	refusals((uint16_t)hvm, (uint16_t)pvh, s.id);
	run_domctl(KEEL_DOMCTL_destroy, (uint16_t)pvh);
	run_domctl(KEEL_DOMCTL_unpause, (uint16_t)hvm);
	serve(&s, 0);
	check_buffered(&s);
	check_stats((uint16_t)hvm);
	if (verdict != 1)
		fail("the guest did not report reaching its end (verdict %u)", verdict);
	if (dom_state((uint16_t)hvm) != KEEL_DOMSTATE_shutdown)
		fail("test guest state %d, wanted shutdown", dom_state((uint16_t)hvm));
	xenforeignmemory_unmap_resource(fm, s.res);
	xenevtchn_unbind(xe, s.local[0]);
	run_domctl(KEEL_DOMCTL_destroy, (uint16_t)hvm);
	abandoned(elf, len, NO_ANSWER);
	abandoned(elf, len, DM_KILLED);
	abandoned(elf, len, GARBAGE);
	sleep(1);
	uint64_t after = host_free();
	if (after < before)
		fail("%lu KiB of host memory not back in the end",
		     (unsigned long)((before - after) >> 10));
	printf("ioreq-dm: %s (%d failed checks, %u requests served)\n", failures ? "FAIL" : "PASS",
	       failures, served);
	return failures ? 1 : 0;
}
