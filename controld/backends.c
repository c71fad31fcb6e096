// SPDX-License-Identifier: MIT
/*
 * The shipped daemon's backends: Keel via privcmd, keel-xenstored via libxenstore, guests'
 * consoles over /dev/xen/{evtchn,gntdev,privcmd}. Domain events come from the store's
 * @releaseDomain and @introduceDomain, as for Xen's toolstack.
 */
#include "console_linux.h"
#include "hotplug.h"
#include "hv_backend.h"
#include "hv_keel.h"
#include "log.h"

#include <string.h>
#include <unistd.h>

#define DOMAINS_TOKEN "hvd:domains"

static struct hv *the_hv;

#include <stdio.h>
#include <string.h>

static void *console_devices;

int backends_open_hv(uv_loop_t *loop, hv_event_fn fn, void *opaque, struct hv **out, char *err,
		     size_t errlen)
{
	return hv_privcmd_open(loop, fn, opaque, out, err, errlen);
}

int backends_open_store(uv_loop_t *loop, store_watch_fn fn, void *opaque, struct store **out,
			char *err, size_t errlen)
{
	return store_xs_open(loop, fn, opaque, out, err, errlen);
}

void backends_store_watch(const char *path, const char *token)
{
	(void)path;
	if (the_hv && !strcmp(token, DOMAINS_TOKEN))
		hv_keel_domains_changed(the_hv);
}

void backends_store_opened(struct hv *hv, struct store *store)
{
	int rc = store->ops->watch(store, "@releaseDomain", DOMAINS_TOKEN);

	rc = rc ?: store->ops->watch(store, "@introduceDomain", DOMAINS_TOKEN);
	the_hv = hv;
	if (rc) {
		log_info("hypervisor: no @releaseDomain watch (%s): listing domains every second",
			 strerror(-rc));
		return;
	}
	log_info("hypervisor: domain events from the store's @releaseDomain and @introduceDomain");
	hv_keel_events_from_store(hv);
}

int backends_open_consoles(uv_loop_t *loop, console_output_fn fn, void *opaque,
			   struct consoles **out, char *err, size_t errlen)
{
	int rc = console_linux_open(&console_devices, err, errlen);

	if (rc)
		return rc;
	rc = consoles_open(loop, &console_linux_ops, console_devices, fn, opaque, out);
	if (rc) {
		snprintf(err, errlen, "cannot poll the event channel: %s", strerror(-rc));
		console_linux_close(console_devices);
		console_devices = NULL;
	}
	return rc;
}

/* What dom0 has for guests' disks and NICs, said once at start: the lead reads it first. */
static const char *present(const char *path)
{
	return access(path, F_OK) ? "missing" : "present";
}

struct hotplug *backends_hotplug(void)
{
	log_info("guests' devices: /dev/loop-control %s; xen-blkback %s, xen-netback %s "
		 "(/sys/bus/xen-backend/drivers/{vbd,vif})",
		 present("/dev/loop-control"), present("/sys/bus/xen-backend/drivers/vbd"),
		 present("/sys/bus/xen-backend/drivers/vif"));
	return hotplug_linux();
}

void backends_close_consoles(struct consoles *cs)
{
	consoles_close(cs);
	console_linux_close(console_devices);
	console_devices = NULL;
}
