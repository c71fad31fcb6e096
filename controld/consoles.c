// SPDX-License-Identifier: MIT
#include "consoles.h"
#include "console_ring.h"
#include "log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Per event: at most this many ports, and this much output per console. */
#define PORTS_PER_WAKE	 64
#define OUTPUT_PER_EVENT (4 * CONS_OUT_SIZE)

struct console {
	struct console *next;
	hv_domid_t domid;
	void *page;
	int port; /* ours, bound to the guest's */
	struct cons_ring ring;
};

struct consoles {
	uv_poll_t poll;
	const struct console_dev_ops *ops;
	void *h;
	console_output_fn out;
	void *opaque;
	struct console *list;
};

static struct console *by_domid(struct consoles *cs, hv_domid_t domid)
{
	for (struct console *c = cs->list; c; c = c->next)
		if (c->domid == domid)
			return c;
	return NULL;
}

static void kick(struct consoles *cs, struct console *c)
{
	int rc = cs->ops->notify(cs->h, (unsigned)c->port);

	if (rc)
		log_warn("console of domid %u: cannot notify: %s", c->domid, strerror(-rc));
}

/* Unbinds and unmaps; the record stays so that input is told the ring is broken. */
static void drop(struct consoles *cs, struct console *c)
{
	if (c->port >= 0)
		cs->ops->unbind(cs->h, (unsigned)c->port);
	if (c->page)
		cs->ops->unmap(cs->h, c->page);
	c->port = -1;
	c->page = NULL;
	c->ring.broken = true;
}

static void broken(struct consoles *cs, struct console *c)
{
	log_warn("console of domid %u: the guest broke its ring (impossible indexes): no "
		 "longer served",
		 c->domid);
	drop(cs, c);
}

/* Passes on what the guest wrote (bounded), then lets it write more. */
static void drain(struct consoles *cs, struct console *c)
{
	char buf[CONS_OUT_SIZE];
	size_t total = 0;
	long n = 0;

	while (total < OUTPUT_PER_EVENT && (n = cons_ring_read(&c->ring, buf, sizeof(buf))) > 0) {
		cs->out(cs->opaque, c->domid, buf, (size_t)n);
		total += (size_t)n;
	}
	if (n < 0) {
		broken(cs, c);
		return;
	}
	if (total)
		kick(cs, c);
}

static struct console *by_port(struct consoles *cs, int port)
{
	for (struct console *c = cs->list; c; c = c->next)
		if (c->port == port)
			return c;
	return NULL;
}

static void on_event(uv_poll_t *p, int status, int events)
{
	struct consoles *cs = p->data;

	(void)events;
	if (status < 0) {
		log_error("console event channel failed: %s; consoles no longer served",
			  uv_strerror(status));
		uv_poll_stop(p);
		return;
	}
	for (int i = 0; i < PORTS_PER_WAKE; i++) {
		int port = cs->ops->pending(cs->h), rc;
		struct console *c;

		if (port == -EAGAIN)
			break;
		if (port < 0) {
			log_error("console event channel failed: %s; consoles no longer served",
				  strerror(-port));
			uv_poll_stop(p);
			break;
		}
		/* Re-armed before serving: an event arriving meanwhile is not lost. */
		rc = cs->ops->unmask(cs->h, (unsigned)port);
		if (rc)
			log_warn("console event channel: cannot unmask port %d: %s", port,
				 strerror(-rc));
		c = by_port(cs, port);
		if (c)
			drain(cs, c);
	}
}

int consoles_open(uv_loop_t *loop, const struct console_dev_ops *ops, void *h,
		  console_output_fn out, void *opaque, struct consoles **csp)
{
	struct consoles *cs = calloc(1, sizeof(*cs));
	int fd = ops->evtchn_fd(h), rc;

	if (!cs)
		return -ENOMEM;
	if (fd < 0) {
		free(cs);
		return fd;
	}
	rc = uv_poll_init(loop, &cs->poll, fd);
	if (rc) {
		free(cs);
		return rc;
	}
	cs->ops = ops;
	cs->h = h;
	cs->out = out;
	cs->opaque = opaque;
	cs->poll.data = cs;
	rc = uv_poll_start(&cs->poll, UV_READABLE, on_event);
	if (rc) {
		consoles_close(cs);
		return rc;
	}
	*csp = cs;
	return 0;
}

static void on_closed(uv_handle_t *hd)
{
	free(hd->data);
}

void consoles_close(struct consoles *cs)
{
	if (!cs)
		return;
	while (cs->list) {
		struct console *c = cs->list;

		cs->list = c->next;
		drop(cs, c);
		free(c);
	}
	uv_close((uv_handle_t *)&cs->poll, on_closed);
}

/* The reserved grant first, as Xen's xenconsoled; the frame itself if that fails. */
static int map_page(struct consoles *cs, hv_domid_t domid, uint64_t gfn, void **page)
{
	int rc = cs->ops->grant_map(cs->h, domid, CONSOLE_GRANT_REF, page);

	if (!rc)
		return 0;
	log_info("console of domid %u: cannot map its grant (%s): mapping gfn %#llx", domid,
		 strerror(-rc), (unsigned long long)gfn);
	return cs->ops->foreign_map(cs->h, domid, gfn, page);
}

int consoles_attach(struct consoles *cs, hv_domid_t domid, uint64_t gfn, unsigned port)
{
	struct console *c;
	int rc;

	if (by_domid(cs, domid))
		return -EEXIST;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->domid = domid;
	c->port = -1;
	rc = map_page(cs, domid, gfn, &c->page);
	if (rc) {
		c->page = NULL;
		goto fail;
	}
	rc = cs->ops->bind_interdomain(cs->h, domid, port);
	if (rc < 0)
		goto fail;
	c->port = rc;
	cons_ring_init(&c->ring, c->page);
	c->next = cs->list;
	cs->list = c;
	drain(cs, c);
	return 0;
fail:
	log_warn("console of domid %u: cannot serve it: %s", domid, strerror(-rc));
	drop(cs, c);
	free(c);
	return rc;
}

void consoles_detach(struct consoles *cs, hv_domid_t domid)
{
	for (struct console **pp = &cs->list; *pp; pp = &(*pp)->next) {
		struct console *c = *pp;

		if (c->domid == domid) {
			*pp = c->next;
			drop(cs, c);
			free(c);
			return;
		}
	}
}

long consoles_write(struct consoles *cs, hv_domid_t domid, const char *data, size_t len)
{
	struct console *c = by_domid(cs, domid);
	long n;

	if (!c)
		return -ENOENT;
	if (!c->page)
		return -EIO;
	n = cons_ring_write(&c->ring, data, len);
	if (n < 0) {
		broken(cs, c);
		return n;
	}
	if (n)
		kick(cs, c);
	return n;
}
