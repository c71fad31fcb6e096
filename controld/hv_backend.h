/* SPDX-License-Identifier: MIT */
/*
 * How controld obtains its hypervisor and store backends. The shipped daemon gets them
 * from backends.c (privcmd + libxenstore); the test daemon links tests/api/doubles/
 * (hv_double.c, backends_test.c) instead, which hand out the test double of the hypervisor.
 */
#ifndef KEEL_CONTROLD_HV_BACKEND_H
#define KEEL_CONTROLD_HV_BACKEND_H

#include "consoles.h"
#include "hv.h"
#include "store.h"

#include <uv.h>

int hv_privcmd_open(uv_loop_t *loop, hv_event_fn fn, void *opaque, struct hv **out, char *err,
		    size_t errlen);

/* Implemented once per daemon flavour. */
/* Opened first: without a hypervisor controld has nothing to manage. */
int backends_open_hv(uv_loop_t *loop, hv_event_fn fn, void *opaque, struct hv **out, char *err,
		     size_t errlen);
/* Called once the store is open too. */
void backends_store_opened(struct hv *hv, struct store *store);
/* Store watches whose token starts with "hvd:" belong to the backend itself. */
void backends_store_watch(const char *path, const char *token);
int backends_open_store(uv_loop_t *loop, store_watch_fn fn, void *opaque, struct store **out,
			char *err, size_t errlen);
/* Guests' consoles served in dom0 (consoles.h), over the devices the flavour has. */
int backends_open_consoles(uv_loop_t *loop, console_output_fn fn, void *opaque,
			   struct consoles **out, char *err, size_t errlen);
void backends_close_consoles(struct consoles *cs);
/* Guests' disks and NICs in dom0 (hotplug.h): loop devices and bridges, or a double. */
struct hotplug *backends_hotplug(void);

#endif
