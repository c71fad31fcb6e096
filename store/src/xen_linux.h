/* SPDX-License-Identifier: MIT */
/* The Xen device operations over dom0's Linux devices (/dev/xen/…). */
#ifndef KEEL_XS_XEN_LINUX_H
#define KEEL_XS_XEN_LINUX_H

#include <stdbool.h>
#include <stddef.h>

#include "xen_ops.h"

extern const struct xs_xen_ops xs_xen_linux_ops;

/* True when this kernel offers the ring of a local xenstored (dom0 on Xen or Keel). */
bool xs_xen_linux_has_ring(void);
/* Opens /dev/xen/evtchn (and, if it can, /dev/xen/privcmd): 0 or a negative errno. */
int xs_xen_linux_open(void **h, char *err, size_t errsz);
void xs_xen_linux_close(void *h);

#endif
