// SPDX-License-Identifier: MIT
/*
 * The shipped daemon's backends: Keel via privcmd, keel-xenstored via libxenstore. Domain
 * events come from the store's @releaseDomain and @introduceDomain, as for Xen's toolstack.
 */
#include "hv_backend.h"
#include "hv_keel.h"
#include "log.h"

#include <string.h>

#define DOMAINS_TOKEN "hvd:domains"

static struct hv *the_hv;

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
