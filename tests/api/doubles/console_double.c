// SPDX-License-Identifier: MIT
/* TEST DOUBLE of the console devices; see console_double.h. */
#include "console_double.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_GUESTS 64
#define PORT_BASE  1000

struct cguest {
	bool used;
	unsigned domid;
	struct cons_page *page;
	int port; /* dom0's, or -1 */
};

static struct {
	struct console_double pub;
	int fd[2];
	struct cguest g[MAX_GUESTS];
} dbl;

static struct cguest *by_domid(unsigned domid)
{
	for (unsigned i = 0; i < MAX_GUESTS; i++)
		if (dbl.g[i].used && dbl.g[i].domid == domid)
			return &dbl.g[i];
	return NULL;
}

static int map(unsigned domid, void **page)
{
	struct cguest *g = by_domid(domid);

	for (unsigned i = 0; !g && i < MAX_GUESTS; i++)
		if (!dbl.g[i].used)
			g = &dbl.g[i];
	if (!g)
		return -ENOSPC;
	if (!g->used) {
		g->page = aligned_alloc(4096, 4096);
		if (!g->page)
			return -ENOMEM;
		memset(g->page, 0, 4096);
		g->used = true;
		g->domid = domid;
		g->port = -1;
	}
	dbl.pub.maps++;
	*page = g->page;
	return 0;
}

static int d_grant_map(void *h, unsigned domid, uint32_t gref, void **page)
{
	(void)h;
	dbl.pub.grant_maps++;
	if (dbl.pub.grant_err)
		return dbl.pub.grant_err;
	return gref == CONSOLE_GRANT_REF ? map(domid, page) : -EINVAL;
}

static int d_foreign_map(void *h, unsigned domid, uint64_t gfn, void **page)
{
	(void)h, (void)gfn;
	dbl.pub.foreign_maps++;
	return dbl.pub.foreign_err ? dbl.pub.foreign_err : map(domid, page);
}

static void d_unmap(void *h, void *page)
{
	(void)h;
	for (unsigned i = 0; i < MAX_GUESTS; i++)
		if (dbl.g[i].used && dbl.g[i].page == page) {
			free(page);
			memset(&dbl.g[i], 0, sizeof(dbl.g[i]));
			dbl.pub.unmaps++;
		}
}

static int d_fd(void *h)
{
	(void)h;
	return dbl.fd[0];
}

static int d_bind(void *h, unsigned domid, unsigned remote_port)
{
	struct cguest *g = by_domid(domid);

	(void)h, (void)remote_port;
	dbl.pub.binds++;
	if (dbl.pub.bind_err)
		return dbl.pub.bind_err;
	if (!g)
		return -EINVAL; /* the double binds mapped guests only */
	g->port = PORT_BASE + (int)(g - dbl.g);
	return g->port;
}

static struct cguest *by_port(unsigned port)
{
	unsigned i = port - PORT_BASE;

	return i < MAX_GUESTS && dbl.g[i].used && dbl.g[i].port == (int)port ? &dbl.g[i] : NULL;
}

static int d_unbind(void *h, unsigned port)
{
	struct cguest *g = by_port(port);

	(void)h;
	dbl.pub.unbinds++;
	if (g)
		g->port = -1;
	return g ? 0 : -EINVAL;
}

static void signal_port(int port)
{
	uint32_t p = (uint32_t)port;

	if (write(dbl.fd[1], &p, sizeof(p)) != sizeof(p))
		abort();
}

/* The guest's side of its rings, as Linux's hvc_xen does it. */
static void guest_put(struct cons_page *pg, const char *data, size_t len)
{
	for (size_t i = 0; i < len && pg->out_prod - pg->out_cons < CONS_OUT_SIZE; i++)
		pg->out[pg->out_prod++ & (CONS_OUT_SIZE - 1)] = data[i];
}

static int d_notify(void *h, unsigned port)
{
	struct cguest *g = by_port(port);

	(void)h;
	dbl.pub.notifies++;
	if (!g)
		return -EINVAL;
	if (dbl.pub.echo && g->page->in_prod != g->page->in_cons) {
		struct cons_page *pg = g->page;

		while (pg->in_cons != pg->in_prod && pg->in_prod - pg->in_cons <= CONS_IN_SIZE) {
			char c = pg->in[pg->in_cons++ & (CONS_IN_SIZE - 1)];

			guest_put(pg, &c, 1);
		}
		signal_port(g->port);
	}
	return 0;
}

static int d_pending(void *h)
{
	uint32_t port;
	ssize_t n;

	(void)h;
	n = read(dbl.fd[0], &port, sizeof(port));
	if (n < 0)
		return -errno;
	return n == sizeof(port) ? (int)port : -EPIPE;
}

static int d_unmask(void *h, unsigned port)
{
	(void)h, (void)port;
	return 0;
}

const struct console_dev_ops console_double_ops = {
    .grant_map = d_grant_map,
    .foreign_map = d_foreign_map,
    .unmap = d_unmap,
    .evtchn_fd = d_fd,
    .bind_interdomain = d_bind,
    .unbind = d_unbind,
    .notify = d_notify,
    .pending = d_pending,
    .unmask = d_unmask,
};

struct console_double *console_double_open(void **h)
{
	memset(&dbl, 0, sizeof(dbl));
	dbl.pub.echo = true;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, dbl.fd) ||
	    fcntl(dbl.fd[0], F_SETFL, O_NONBLOCK))
		abort();
	*h = &dbl;
	return &dbl.pub;
}

void console_double_close(void *h)
{
	(void)h;
	for (unsigned i = 0; i < MAX_GUESTS; i++)
		if (dbl.g[i].used)
			free(dbl.g[i].page);
	close(dbl.fd[0]);
	close(dbl.fd[1]);
	memset(&dbl, 0, sizeof(dbl));
}

struct cons_page *console_double_page(unsigned domid)
{
	struct cguest *g = by_domid(domid);

	return g ? g->page : NULL;
}

void console_double_signal(unsigned domid)
{
	struct cguest *g = by_domid(domid);

	if (!g || g->port < 0)
		abort();
	signal_port(g->port);
}

void console_double_guest_write(unsigned domid, const char *text)
{
	struct cguest *g = by_domid(domid);

	if (!g)
		abort();
	guest_put(g->page, text, strlen(text));
	if (g->port >= 0)
		signal_port(g->port);
}
