// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xen_double.h"

static void log_call(struct xen_double *xd, const char *fmt, ...)
{
	va_list ap;

	if (xd->ncalls == XD_MAX_CALLS)
		abort();
	va_start(ap, fmt);
	vsnprintf(xd->calls[xd->ncalls++], sizeof(xd->calls[0]), fmt, ap);
	va_end(ap);
}

static int ring_map(void *h, struct xs_ring_page **page, unsigned int *port)
{
	struct xen_double *xd = h;

	log_call(xd, "ring_map");
	if (xd->ring_map_err)
		return xd->ring_map_err;
	*page = xd->page;
	*port = XD_KERNEL_PORT;
	return 0;
}

static void ring_unmap(void *h, struct xs_ring_page *page)
{
	struct xen_double *xd = h;

	log_call(xd, page == xd->page ? "ring_unmap" : "ring_unmap of a wrong page");
}

static int guest_page(struct xen_double *xd, unsigned int domid, int err, void **page)
{
	if (err)
		return err;
	if (domid >= XD_MAX_DOMS)
		return -ESRCH;
	*page = xd->guest_page[domid];
	return 0;
}

static int grant_map(void *h, unsigned int domid, uint32_t gref, void **page)
{
	struct xen_double *xd = h;

	log_call(xd, "grant_map %u %u", domid, gref);
	return guest_page(xd, domid, xd->grant_err, page);
}

static int foreign_map(void *h, unsigned int domid, uint64_t gfn, void **page)
{
	struct xen_double *xd = h;

	log_call(xd, "foreign_map %u %#llx", domid, (unsigned long long)gfn);
	return guest_page(xd, domid, xd->foreign_err, page);
}

static void guest_unmap(void *h, void *page)
{
	struct xen_double *xd = h;

	for (unsigned int i = 0; i < XD_MAX_DOMS; i++)
		if (xd->guest_page[i] == page) {
			log_call(xd, "guest_unmap %u", i);
			return;
		}
	log_call(xd, "guest_unmap of a wrong page");
}

static int evtchn_fd(void *h)
{
	return ((struct xen_double *)h)->fd[0];
}

static int bind_interdomain(void *h, unsigned int domid, unsigned int remote_port)
{
	struct xen_double *xd = h;

	log_call(xd, "bind_interdomain %u %u", domid, remote_port);
	if (xd->bind_err)
		return xd->bind_err;
	return domid ? (int)(XD_GUEST_PORT + domid) : (int)XD_RING_PORT;
}

static int bind_virq(void *h, unsigned int virq)
{
	struct xen_double *xd = h;

	log_call(xd, "bind_virq %u", virq);
	return xd->virq_err ? xd->virq_err : (int)XD_VIRQ_PORT;
}

static int unbind(void *h, unsigned int port)
{
	log_call(h, "unbind %u", port);
	return 0;
}

static int notify(void *h, unsigned int port)
{
	log_call(h, "notify %u", port);
	return 0;
}

static int pending(void *h)
{
	struct xen_double *xd = h;
	unsigned int port;
	ssize_t n;

	if (xd->pending_err)
		return xd->pending_err;
	n = read(xd->fd[0], &port, sizeof(port));
	if (n < 0)
		return -errno;
	if (n != sizeof(port))
		return -EPIPE; /* the kernel's end closed */
	return (int)port;
}

static int unmask(void *h, unsigned int port)
{
	log_call(h, "unmask %u", port);
	return 0;
}

static int domain_next(void *h, unsigned int domid, struct keel_domain_info *info)
{
	struct xen_double *xd = h;
	const struct keel_domain_info *best = NULL;

	log_call(xd, "domain_next %u", domid);
	if (xd->domctl_err)
		return xd->domctl_err;
	for (size_t i = 0; i < xd->ndoms; i++)
		if (xd->doms[i].domid >= domid && (!best || xd->doms[i].domid < best->domid))
			best = &xd->doms[i];
	if (xd->domctl_backwards && xd->ndoms) {
		*info = xd->doms[0];
		info->domid = 0;
		return 0;
	}
	if (!best)
		return -ESRCH;
	*info = *best;
	return 0;
}

const struct xs_xen_ops xd_ops = {
    .ring_map = ring_map,
    .ring_unmap = ring_unmap,
    .grant_map = grant_map,
    .foreign_map = foreign_map,
    .guest_unmap = guest_unmap,
    .evtchn_fd = evtchn_fd,
    .bind_interdomain = bind_interdomain,
    .bind_virq = bind_virq,
    .unbind = unbind,
    .notify = notify,
    .pending = pending,
    .unmask = unmask,
    .domain_next = domain_next,
};

void xd_init(struct xen_double *xd)
{
	memset(xd, 0, sizeof(*xd));
	xd->page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (xd->page == MAP_FAILED || socketpair(AF_UNIX, SOCK_STREAM, 0, xd->fd) ||
	    fcntl(xd->fd[0], F_SETFL, O_NONBLOCK))
		abort();
	for (unsigned int i = 0; i < XD_MAX_DOMS; i++) {
		xd->guest_page[i] =
		    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (xd->guest_page[i] == MAP_FAILED)
			abort();
	}
	xd_set_domain(xd, 0, KEEL_DOMSTATE_running);
}

void xd_fini(struct xen_double *xd)
{
	munmap(xd->page, 4096);
	for (unsigned int i = 0; i < XD_MAX_DOMS; i++)
		munmap(xd->guest_page[i], 4096);
	close(xd->fd[0]);
	if (xd->fd[1] >= 0)
		close(xd->fd[1]);
}

void xd_signal(struct xen_double *xd, unsigned int port)
{
	if (write(xd->fd[1], &port, sizeof(port)) != sizeof(port))
		abort();
}

size_t xd_count(const struct xen_double *xd, const char *call)
{
	size_t n = 0;

	for (size_t i = 0; i < xd->ncalls; i++)
		n += !strcmp(xd->calls[i], call);
	return n;
}

int xd_find(const struct xen_double *xd, const char *call)
{
	for (size_t i = 0; i < xd->ncalls; i++)
		if (!strcmp(xd->calls[i], call))
			return (int)i;
	return -1;
}

void xd_set_domain(struct xen_double *xd, unsigned int domid, unsigned int state)
{
	size_t i;

	for (i = 0; i < xd->ndoms && xd->doms[i].domid != domid; i++)
		;
	if (i == xd->ndoms) {
		if (xd->ndoms == XD_MAX_DOMS)
			abort();
		xd->ndoms++;
	}
	memset(&xd->doms[i], 0, sizeof(xd->doms[i]));
	xd->doms[i].domid = (uint16_t)domid;
	xd->doms[i].state = (uint8_t)state;
}

void xd_remove_domain(struct xen_double *xd, unsigned int domid)
{
	for (size_t i = 0; i < xd->ndoms; i++)
		if (xd->doms[i].domid == domid)
			xd->doms[i] = xd->doms[--xd->ndoms];
}
