// SPDX-License-Identifier: MIT
/*
 * Xen's devices as Linux offers them to dom0 (drivers/xen/xenbus/xenbus_dev_backend.c,
 * drivers/xen/xenfs/xenstored.c, drivers/xen/evtchn.c, drivers/xen/privcmd*.c). Event
 * channels go through Debian's libxenevtchn, the domctl through libxencall: its argument
 * buffer comes from /dev/xen/hypercall, memory the hypervisor may access without faulting.
 * Guests' ring pages through guestmem/ (gntdev, privcmd).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xen/sys/xenbus_dev.h>
#include <xencall.h>
#include <xenevtchn.h>

#include "guest_page.h"
#include "public/keel/domctl.h"
#include "xen_linux.h"
#include "xs_ring.h"

#define BACKEND_DEV "/dev/xen/xenbus_backend"
#define XSD_KVA	    "/proc/xen/xsd_kva"
#define XSD_PORT    "/proc/xen/xsd_port"
#define RING_BYTES  4096 /* the kernel maps one page at offset 0 */

struct xen_linux {
	xenevtchn_handle *xce;
	xencall_handle *xcall; /* NULL: no domctl (privcmd missing) */
	struct keel_domctl *op;
	struct guest_pages *pages; /* NULL: neither gntdev nor privcmd */
};

bool xs_xen_linux_has_ring(void)
{
	return !access(BACKEND_DEV, F_OK) || !access(XSD_KVA, F_OK);
}

/* Maps the page behind path; 0 or a negative errno. The fd is not needed afterwards. */
static int map_page(const char *path, int *fd, void **page)
{
	*fd = open(path, O_RDWR | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	*page = mmap(NULL, RING_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
	if (*page == MAP_FAILED) {
		int ret = -errno;

		close(*fd);
		return ret;
	}
	return 0;
}

static int read_port_file(unsigned int *port)
{
	char buf[16];
	FILE *f = fopen(XSD_PORT, "re");
	int ret = -EINVAL;

	if (!f)
		return -errno;
	if (fgets(buf, sizeof(buf), f)) {
		char *end;
		unsigned long v = strtoul(buf, &end, 10);

		if (end != buf && v && v <= 0xffffffffu) {
			*port = (unsigned int)v;
			ret = 0;
		}
	}
	fclose(f);
	return ret;
}

static int lx_ring_map(void *h, struct xs_ring_page **page, unsigned int *port)
{
	void *p = MAP_FAILED;
	int fd, ret;

	(void)h;
	ret = map_page(BACKEND_DEV, &fd, &p);
	if (!ret) {
		/* The port the kernel allocated for its xenstore (xen_store_evtchn). */
		int evtchn = ioctl(fd, IOCTL_XENBUS_BACKEND_EVTCHN);

		ret = evtchn < 0 ? -errno : 0;
		if (evtchn >= 0)
			*port = (unsigned int)evtchn;
		close(fd);
	} else if (ret == -ENOENT) {
		/* Kernels without the device offer the same page and port through xenfs. */
		ret = map_page(XSD_KVA, &fd, &p);
		if (!ret) {
			close(fd);
			ret = read_port_file(port);
		}
	}
	if (ret) {
		if (p != MAP_FAILED)
			munmap(p, RING_BYTES);
		return ret;
	}
	*page = p;
	return 0;
}

static void lx_ring_unmap(void *h, struct xs_ring_page *page)
{
	(void)h;
	munmap(page, RING_BYTES);
}

static int lx_grant_map(void *h, unsigned int domid, uint32_t gref, void **page)
{
	struct xen_linux *x = h;

	return x->pages ? guest_page_grant_map(x->pages, domid, gref, page) : -ENODEV;
}

static int lx_foreign_map(void *h, unsigned int domid, uint64_t gfn, void **page)
{
	struct xen_linux *x = h;

	return x->pages ? guest_page_foreign_map(x->pages, domid, gfn, page) : -ENODEV;
}

static void lx_guest_unmap(void *h, void *page)
{
	struct xen_linux *x = h;

	if (x->pages)
		guest_page_unmap(x->pages, page);
}

static int lx_evtchn_fd(void *h)
{
	return xenevtchn_fd(((struct xen_linux *)h)->xce);
}

/* libxenevtchn returns -1 with errno. */
static int lx_ret(int r)
{
	return r < 0 ? -errno : r;
}

static int lx_bind_interdomain(void *h, unsigned int domid, unsigned int remote_port)
{
	return lx_ret(xenevtchn_bind_interdomain(((struct xen_linux *)h)->xce, domid, remote_port));
}

static int lx_bind_virq(void *h, unsigned int virq)
{
	return lx_ret(xenevtchn_bind_virq(((struct xen_linux *)h)->xce, virq));
}

static int lx_unbind(void *h, unsigned int port)
{
	return lx_ret(xenevtchn_unbind(((struct xen_linux *)h)->xce, port));
}

static int lx_notify(void *h, unsigned int port)
{
	return lx_ret(xenevtchn_notify(((struct xen_linux *)h)->xce, port));
}

static int lx_pending(void *h)
{
	return lx_ret(xenevtchn_pending(((struct xen_linux *)h)->xce));
}

static int lx_unmask(void *h, unsigned int port)
{
	return lx_ret(xenevtchn_unmask(((struct xen_linux *)h)->xce, port));
}

static int lx_domain_next(void *h, unsigned int domid, struct keel_domain_info *info)
{
	struct xen_linux *x = h;

	if (!x->xcall)
		return -ENOSYS;
	memset(x->op, 0, sizeof(*x->op));
	x->op->cmd = KEEL_DOMCTL_next;
	x->op->domid = (uint16_t)domid;
	if (xencall1(x->xcall, __HYPERVISOR_keel_domctl, (uint64_t)(uintptr_t)x->op) < 0)
		return -errno;
	*info = x->op->u.info;
	return 0;
}

const struct xs_xen_ops xs_xen_linux_ops = {
    .ring_map = lx_ring_map,
    .ring_unmap = lx_ring_unmap,
    .grant_map = lx_grant_map,
    .foreign_map = lx_foreign_map,
    .guest_unmap = lx_guest_unmap,
    .evtchn_fd = lx_evtchn_fd,
    .bind_interdomain = lx_bind_interdomain,
    .bind_virq = lx_bind_virq,
    .unbind = lx_unbind,
    .notify = lx_notify,
    .pending = lx_pending,
    .unmask = lx_unmask,
    .domain_next = lx_domain_next,
};

int xs_xen_linux_open(void **h, char *err, size_t errsz)
{
	struct xen_linux *x = calloc(1, sizeof(*x));
	int ret = -ENOMEM, fd;

	if (!x)
		goto fail;
	x->xce = xenevtchn_open(NULL, 0);
	if (!x->xce) {
		ret = -errno;
		snprintf(err, errsz, "cannot open /dev/xen/evtchn: %s", strerror(-ret));
		goto fail;
	}
	/* The loop reads ports until there are none left: never block in read(). */
	fd = xenevtchn_fd(x->xce);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)) {
		ret = -errno;
		snprintf(err, errsz, "cannot make /dev/xen/evtchn non-blocking: %s",
			 strerror(-ret));
		goto fail;
	}
	/* Without privcmd the ring is still served; only domain deaths go unnoticed. */
	x->xcall = xencall_open(NULL, XENCALL_OPENFLAG_NON_REENTRANT);
	if (x->xcall) {
		x->op = xencall_alloc_buffer(x->xcall, sizeof(*x->op));
		if (!x->op) {
			xencall_close(x->xcall);
			x->xcall = NULL;
		}
	}
	/* Without them dom0's kernel is still served; guests' rings are not. */
	if (guest_pages_open(&x->pages, err, errsz))
		fprintf(stderr, "keel-xenstored: guests' rings cannot be mapped: %s\n", err);
	*h = x;
	return 0;
fail:
	if (ret == -ENOMEM)
		snprintf(err, errsz, "out of memory");
	xs_xen_linux_close(x);
	return ret;
}

void xs_xen_linux_close(void *h)
{
	struct xen_linux *x = h;

	if (!x)
		return;
	if (x->xcall) {
		xencall_free_buffer(x->xcall, x->op);
		xencall_close(x->xcall);
	}
	if (x->xce)
		xenevtchn_close(x->xce);
	guest_pages_close(x->pages);
	free(x);
}
