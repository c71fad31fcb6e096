/* SPDX-License-Identifier: MIT */
/*
 * Guests' PV consoles served in dom0, inside controld (Xen's xenconsoled, in-process): the
 * console history and its stream already live in controld's model, so output goes
 * straight there on the loop thread, and API input straight into the ring; no daemon and
 * no IPC between the two. A console is attached once the domain is built (its console
 * page's gfn and port from KEEL_DOMCTL_getbuild): the page is mapped through the guest's
 * reserved console grant (ref 0, gntdev), else its frame (privcmd); its port is bound and
 * polled. Each event drains a bounded amount of output: a guest that floods costs a fixed
 * slice of the loop per event. A guest that writes impossible indexes loses its console.
 * The devices are behind struct console_dev_ops (console_linux.c; a double in tests).
 */
#ifndef KEEL_CONTROLD_CONSOLES_H
#define KEEL_CONTROLD_CONSOLES_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "hv.h"

/* Xen's GNTTAB_RESERVED_CONSOLE (public/grant_table.h). */
#define CONSOLE_GRANT_REF 0u

/* Each returns 0 (or the port asked for) or a negative errno; h is the implementation's. */
struct console_dev_ops {
	int (*grant_map)(void *h, unsigned domid, uint32_t gref, void **page);
	int (*foreign_map)(void *h, unsigned domid, uint64_t gfn, void **page);
	void (*unmap)(void *h, void *page);
	int (*evtchn_fd)(void *h);
	int (*bind_interdomain)(void *h, unsigned domid, unsigned remote_port);
	int (*unbind)(void *h, unsigned port);
	int (*notify)(void *h, unsigned port);
	/* The next port that fired (-EAGAIN: none now); unmask re-arms it. */
	int (*pending)(void *h);
	int (*unmask)(void *h, unsigned port);
};

typedef void (*console_output_fn)(void *opaque, hv_domid_t domid, const char *data, size_t len);

struct consoles;

/* Polls the event channel fd on loop; output goes to out. 0 or a negative errno. */
int consoles_open(uv_loop_t *loop, const struct console_dev_ops *ops, void *h,
		  console_output_fn out, void *opaque, struct consoles **cs);
/* Detaches every console; freed once the loop has closed the poll handle. */
void consoles_close(struct consoles *cs);
/*
 * Serves domid's console page (gfn) and port: anything already written is passed on. 0,
 * -EEXIST if it is served already, or the mapping's or binding's negative errno (then
 * nothing is left mapped or bound).
 */
int consoles_attach(struct consoles *cs, hv_domid_t domid, uint64_t gfn, unsigned port);
/* Stops serving domid's console (no-op if it is not served). */
void consoles_detach(struct consoles *cs, hv_domid_t domid);
/*
 * Input for the guest: the number of bytes that fit in its ring (fewer than len when it
 * is full), -ENOENT when its console is not served, -EIO when the guest broke its ring.
 */
long consoles_write(struct consoles *cs, hv_domid_t domid, const char *data, size_t len);

#endif
