// SPDX-License-Identifier: MIT
/*
 * The TEST daemon's backends: the real store (libxenstore to the keel-xenstored that the
 * test starts, found through $XENSTORED_PATH), the hypervisor test double (hv_double.c) and
 * the real console service over the console devices' test double (console_double.c), and
 * dom0's device plumbing as a double (hotplug_double.c: every disk and bridge is there).
 */
#include "../../../controld/hv_backend.h"
#include "console_double.h"
#include "hotplug_double.h"

static void *console_devices;

int backends_open_store(uv_loop_t *loop, store_watch_fn fn, void *opaque, struct store **out,
			char *err, size_t errlen)
{
	return store_xs_open(loop, fn, opaque, out, err, errlen);
}

int backends_open_consoles(uv_loop_t *loop, console_output_fn fn, void *opaque,
			   struct consoles **out, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	console_double_open(&console_devices);
	return consoles_open(loop, &console_double_ops, console_devices, fn, opaque, out);
}

void backends_close_consoles(struct consoles *cs)
{
	consoles_close(cs);
	console_double_close(console_devices);
}

struct hotplug *backends_hotplug(void)
{
	return &hotplug_double_new()->hp;
}
