// SPDX-License-Identifier: MIT
/*
 * The console service's devices in dom0: event channels through libxenevtchn
 * (/dev/xen/evtchn, a handle of its own, non-blocking) and guests' pages through
 * ../guestmem/ (gntdev, privcmd).
 */
#include "console_linux.h"
#include "guest_page.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenevtchn.h>

struct console_linux {
	xenevtchn_handle *xce;
	struct guest_pages *pages;
};

static struct console_linux *cl(void *h)
{
	return h;
}

/* libxenevtchn returns -1 with errno. */
static int ret(int r)
{
	return r < 0 ? -errno : r;
}

static int lx_grant_map(void *h, unsigned domid, uint32_t gref, void **page)
{
	return guest_page_grant_map(cl(h)->pages, domid, gref, page);
}

static int lx_foreign_map(void *h, unsigned domid, uint64_t gfn, void **page)
{
	return guest_page_foreign_map(cl(h)->pages, domid, gfn, page);
}

static void lx_unmap(void *h, void *page)
{
	guest_page_unmap(cl(h)->pages, page);
}

static int lx_evtchn_fd(void *h)
{
	return xenevtchn_fd(cl(h)->xce);
}

static int lx_bind(void *h, unsigned domid, unsigned remote_port)
{
	return ret(xenevtchn_bind_interdomain(cl(h)->xce, domid, remote_port));
}

static int lx_unbind(void *h, unsigned port)
{
	return ret(xenevtchn_unbind(cl(h)->xce, port));
}

static int lx_notify(void *h, unsigned port)
{
	return ret(xenevtchn_notify(cl(h)->xce, port));
}

static int lx_pending(void *h)
{
	return ret(xenevtchn_pending(cl(h)->xce));
}

static int lx_unmask(void *h, unsigned port)
{
	return ret(xenevtchn_unmask(cl(h)->xce, port));
}

const struct console_dev_ops console_linux_ops = {
    .grant_map = lx_grant_map,
    .foreign_map = lx_foreign_map,
    .unmap = lx_unmap,
    .evtchn_fd = lx_evtchn_fd,
    .bind_interdomain = lx_bind,
    .unbind = lx_unbind,
    .notify = lx_notify,
    .pending = lx_pending,
    .unmask = lx_unmask,
};

int console_linux_open(void **h, char *err, size_t errlen)
{
	struct console_linux *x = calloc(1, sizeof(*x));
	int rc = -ENOMEM, fd;

	if (!x) {
		snprintf(err, errlen, "out of memory");
		return rc;
	}
	x->xce = xenevtchn_open(NULL, 0);
	if (!x->xce) {
		rc = -errno;
		snprintf(err, errlen, "cannot open /dev/xen/evtchn: %s", strerror(-rc));
		goto fail;
	}
	/* Ports are read until none is left: never block in read(). */
	fd = xenevtchn_fd(x->xce);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)) {
		rc = -errno;
		snprintf(err, errlen, "cannot make /dev/xen/evtchn non-blocking: %s",
			 strerror(-rc));
		goto fail;
	}
	rc = guest_pages_open(&x->pages, err, errlen);
	if (rc)
		goto fail;
	*h = x;
	return 0;
fail:
	console_linux_close(x);
	return rc;
}

void console_linux_close(void *h)
{
	struct console_linux *x = h;

	if (!x)
		return;
	guest_pages_close(x->pages);
	if (x->xce)
		xenevtchn_close(x->xce);
	free(x);
}
