/* SPDX-License-Identifier: MIT */
/*
 * The console ring of a boot-time domain (Xen's io/console.h: in[1024] @0,
 * out[2048] @1024, in_cons @3072, in_prod @3076, out_cons @3080, out_prod
 * @3084), served by the hypervisor: Linux's hvc0 writes there and notifies;
 * Keel copies the output to its console with the domain's name as prefix.
 */
#ifndef KEEL_CONSOLE_RING_H
#define KEEL_CONSOLE_RING_H

#include <keel/domain.h>

/* Sets up the ring page at gpa and its event channel; returns the port or -errno. */
int console_ring_setup(struct domain *d, u64 gpa);
/* The guest notified: drain what it wrote. */
void console_ring_drain(struct domain *d);

#endif
