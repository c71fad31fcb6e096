// SPDX-License-Identifier: MIT
/*
 * The dom0 half of a guest's PV devices, what Xen's hotplug scripts do after libxl wrote
 * the nodes (running_paths.c), through hotplug.h:
 *   disk: its file attached to a loop device, then the backend's physical-device
 *     ("major:minor" in hex, what xen-blkback's watch waits for: drivers/block/xen-blkback/
 *     xenbus.c, backend_changed), physical-device-path and hotplug-status "connected";
 *   NIC: its bridge checked at start; a watch on the backend's state, and once xen-netback
 *     is in InitWait (its probe then creates netdev vif<domid>.<handle>: drivers/net/
 *     xen-netback/xenbus.c, netback_probe) the netdev joins the bridge, up, and
 *     hotplug-status becomes "connected", without which netback stays out of Connected.
 *     The netdev appears just after InitWait is written: ENODEV is retried for a while.
 * Release, on destroy and every end of a domain: the loop devices named in the backends
 * are noted, the backend nodes removed (the backends let go of the loop device; netback
 * unregisters its netdev, which leaves the bridge with it), then the loop devices detached
 * (lazily by the kernel while blkback still closes its end). The store is the record: a
 * restarted controld finds the loop devices and watches again from it.
 */
#include "dm_argv.h"
#include "hotplug.h"
#include "image_name.h"
#include "log.h"
#include "model_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VIF_RETRY_MS	  100
#define VIF_RETRY_TRIES	  50 /* 5 s for netback to create its netdev */
#define XENBUS_INITWAIT	  2
#define XENBUS_CONNECTED  4
#define XENBUS_CLOSING	  5
#define XENBUS_CLOSED	  6
#define MAX_BACKENDS	  64
#define UNPLUG_TIMEOUT_MS 10000 /* as libxl's LIBXL_DESTROY_TIMEOUT */

/* A backend watched: a NIC's until its netdev is bridged, or one being unplugged. */
struct dev_watch {
	struct dev_watch *next;
	struct controld *cd;
	bool unplug;
	char kind[4]; /* "vif", "vbd" */
	int domid;
	unsigned devid;
	char path[96], token[48];
	uv_timer_t retry;
	unsigned tries;
	bool retrying;
};

static void backend_dir(char *out, size_t len, const char *kind, int domid, unsigned devid)
{
	snprintf(out, len, "/local/domain/0/backend/%s/%d/%u", kind, domid, devid);
}

/* A backend node's value, malloc'd; NULL if it has none. */
static char *backend_read(struct controld *cd, const char *kind, int domid, unsigned devid,
			  const char *leaf)
{
	char p[160], *v = NULL;

	backend_dir(p, sizeof(p), kind, domid, devid);
	snprintf(p + strlen(p), sizeof(p) - strlen(p), "/%s", leaf);
	return store_read(cd->store, STORE_NO_TXN, p, &v, NULL) ? NULL : v;
}

static void loop_detach(struct controld *cd, int domid, unsigned devid, const char *loop)
{
	bool lazy = false;
	int rc;

	if (!loop || !cd->hotplug)
		return;
	rc = cd->hotplug->ops->disk_detach(cd->hotplug, loop, &lazy);
	if (rc)
		log_error("domid %d: disk %u: detaching %s failed: %s", domid, devid, loop,
			  strerror(-rc));
	else
		log_info("domid %d: disk %u: %s detached%s", domid, devid, loop,
			 lazy ? " lazily: still open (xen-blkback closing it), the kernel frees it "
				"at the last close"
			      : "");
}

struct disk_nodes {
	const char *be;
	const struct hotplug_disk *disk;
};

static int disk_nodes_txn(struct store *s, uint32_t t, void *arg)
{
	const struct disk_nodes *a = arg;
	char p[192];
	int rc;

	snprintf(p, sizeof(p), "%s/physical-device-path", a->be);
	rc = store_write_str(s, t, p, "%s", a->disk->dev);
	snprintf(p, sizeof(p), "%s/hotplug-status", a->be);
	rc = rc ?: store_write_str(s, t, p, "connected");
	/* Last: blkback acts on it, and reads the nodes above from the same transaction. */
	snprintf(p, sizeof(p), "%s/physical-device", a->be);
	return rc ?: store_write_str(s, t, p, "%x:%x", a->disk->major, a->disk->minor);
}

static int disk_attach(struct controld *cd, struct domain *d, unsigned i)
{
	const struct dom_disk *disk = &d->spec.disks[i];
	struct hotplug *hp = cd->hotplug;
	struct hotplug_disk ld;
	char file[PATH_MAX], be[160];
	int rc;

	backend_dir(be, sizeof(be), "vbd", d->domid, device_devid(d, "vbd", i));
	rc = image_ref_path(cd->cfg.images_dir, disk->path, file, sizeof(file));
	/* xen-blkback serves a block device's bytes; qcow2 needs QEMU's qdisk backend. */
	rc = rc ?: (disk->format == DISK_RAW ? 0 : -EMEDIUMTYPE);
	rc = rc ?: hp->ops->disk_attach(hp, file, disk->readonly, &ld);
	if (rc) {
		log_error("domain %s: disk %s: attaching %s failed: %s", domain_name(d), disk->id,
			  file, strerror(-rc));
		return rc;
	}
	rc = store_txn_run(cd->store, disk_nodes_txn, &(struct disk_nodes){be, &ld});
	if (rc) {
		bool lazy;
		log_error("domain %s: disk %s: writing physical-device failed: %s", domain_name(d),
			  disk->id, strerror(-rc));
		hp->ops->disk_detach(hp, ld.dev, &lazy);
		return rc;
	}
	log_info("domain %s (domid %d): disk %s: %s attached to %s (%x:%x)%s for xen-blkback",
		 domain_name(d), d->domid, disk->id, file, ld.dev, ld.major, ld.minor,
		 disk->readonly ? " read-only" : "");
	return 0;
}

struct unplug_arg {
	const char *kind;
	int domid;
	unsigned devid;
};

/* As libxl: the backend goes away once the frontend closes (online 0), and is asked to. */
static int unplug_txn(struct store *s, uint32_t t, void *arg)
{
	const struct unplug_arg *a = arg;
	char be[160], p[192];
	int rc;

	backend_dir(be, sizeof(be), a->kind, a->domid, a->devid);
	snprintf(p, sizeof(p), "%s/online", be);
	rc = store_write_str(s, t, p, "0");
	snprintf(p, sizeof(p), "%s/state", be);
	return rc ?: store_write_str(s, t, p, "%d", XENBUS_CLOSING);
}

static struct dev_watch **watch_find(struct controld *cd, const char *token)
{
	struct dev_watch **v = &cd->dev_watches;

	while (*v && strcmp((*v)->token, token))
		v = &(*v)->next;
	return v;
}

static void watch_freed(uv_handle_t *h)
{
	free(h->data);
}

static void watch_forget(struct controld *cd, struct dev_watch **at)
{
	struct dev_watch *v = *at;

	*at = v->next;
	cd->store->ops->unwatch(cd->store, v->path, v->token);
	uv_close((uv_handle_t *)&v->retry, watch_freed);
}

static void unplug_check(struct controld *cd, struct dev_watch **at, bool force);

static void unplug_timeout(uv_timer_t *t)
{
	struct dev_watch *v = t->data;

	unplug_check(v->cd, watch_find(v->cd, v->token), true);
}

static int watch_add(struct controld *cd, const char *kind, int domid, unsigned devid, bool unplug)
{
	struct dev_watch *v = calloc(1, sizeof(*v));
	int rc;

	if (!v)
		return -ENOMEM;
	v->cd = cd;
	v->unplug = unplug;
	snprintf(v->kind, sizeof(v->kind), "%s", kind);
	v->domid = domid;
	v->devid = devid;
	backend_dir(v->path, sizeof(v->path), kind, domid, devid);
	strcat(v->path, "/state");
	snprintf(v->token, sizeof(v->token), "dev:%s%s:%d:%u", unplug ? "rm-" : "", kind, domid,
		 devid);
	if (*watch_find(cd, v->token)) {
		free(v);
		return 0; /* watched already */
	}
	uv_timer_init(cd->loop, &v->retry);
	v->retry.data = v;
	v->next = cd->dev_watches;
	cd->dev_watches = v;
	rc = cd->store->ops->watch(cd->store, v->path, v->token);
	/* A frontend that never closes (no driver, a hung guest): removed anyway, as libxl. */
	if (!rc && unplug)
		uv_timer_start(&v->retry, unplug_timeout, UNPLUG_TIMEOUT_MS, 0);
	if (rc) {
		log_error("watching %s failed: %s", v->path, strerror(-rc));
		watch_forget(cd, &cd->dev_watches);
	}
	return rc;
}

static void vif_status(struct controld *cd, const struct dev_watch *v, const char *status,
		       const char *error)
{
	char p[160];

	backend_dir(p, sizeof(p), "vif", v->domid, v->devid);
	if (error) {
		snprintf(p + strlen(p), sizeof(p) - strlen(p), "/hotplug-error");
		store_write_str(cd->store, STORE_NO_TXN, p, "%s", error);
		backend_dir(p, sizeof(p), "vif", v->domid, v->devid);
	}
	snprintf(p + strlen(p), sizeof(p) - strlen(p), "/hotplug-status");
	store_write_str(cd->store, STORE_NO_TXN, p, "%s", status);
}

static void vif_retry_tick(uv_timer_t *t);

/* Bridges the NIC once netback is in InitWait or later and it is not done yet. */
static void vif_check(struct controld *cd, struct dev_watch *v)
{
	char *state = backend_read(cd, "vif", v->domid, v->devid, "state");
	char *status = backend_read(cd, "vif", v->domid, v->devid, "hotplug-status");
	char *bridge = backend_read(cd, "vif", v->domid, v->devid, "bridge");
	int st = state ? atoi(state) : 0, rc;
	char ifname[24], msg[128];

	if (st < XENBUS_INITWAIT || st > XENBUS_CONNECTED ||
	    (status && !strcmp(status, "connected")))
		goto out;
	snprintf(ifname, sizeof(ifname), "vif%d.%u", v->domid, v->devid);
	rc = bridge ? cd->hotplug->ops->bridge_add(cd->hotplug, bridge, ifname) : -ENOENT;
	if (rc == -ENODEV && bridge && !cd->hotplug->ops->bridge_check(cd->hotplug, bridge) &&
	    ++v->tries < VIF_RETRY_TRIES) {
		/* netback writes InitWait, then creates the netdev. */
		if (!v->retrying)
			uv_timer_start(&v->retry, vif_retry_tick, VIF_RETRY_MS, VIF_RETRY_MS);
		v->retrying = true;
		goto out;
	}
	uv_timer_stop(&v->retry);
	v->retrying = false;
	if (rc) {
		snprintf(msg, sizeof(msg), "adding %s to bridge %s: %s", ifname,
			 bridge ? bridge : "(none)", strerror(-rc));
		log_error("domid %d: NIC %u: %s", v->domid, v->devid, msg);
		vif_status(cd, v, "error", msg);
		goto out;
	}
	vif_status(cd, v, "connected", NULL);
	log_info("domid %d: NIC %u: %s added to bridge %s, up; hotplug-status connected", v->domid,
		 v->devid, ifname, bridge);
out:
	free(state);
	free(status);
	free(bridge);
}

static void vif_retry_tick(uv_timer_t *t)
{
	struct dev_watch *v = t->data;

	vif_check(v->cd, v);
}

/*
 * An unplugged device whose backend is Closed (its frontend let go), or gone: its nodes are
 * removed, which ends the backend device, and its loop device detached.
 */
static void unplug_check(struct controld *cd, struct dev_watch **at, bool force)
{
	struct dev_watch *v = *at;
	char *state = backend_read(cd, v->kind, v->domid, v->devid, "state");
	char *loop = NULL;
	char p[160];

	if (state && atoi(state) != XENBUS_CLOSED && !force)
		goto out;
	if (!strcmp(v->kind, "vbd"))
		loop = backend_read(cd, v->kind, v->domid, v->devid, "physical-device-path");
	snprintf(p, sizeof(p), "/local/domain/%d/device/%s/%u", v->domid, v->kind, v->devid);
	store_rm(cd->store, STORE_NO_TXN, p);
	backend_dir(p, sizeof(p), v->kind, v->domid, v->devid);
	store_rm(cd->store, STORE_NO_TXN, p);
	log_info("domid %d: %s %u unplugged: %s; nodes removed", v->domid, v->kind, v->devid,
		 force ? "its frontend did not close in time (as libxl, removed anyway)"
		       : "its frontend closed");
	loop_detach(cd, v->domid, v->devid, loop);
	free(loop);
	watch_forget(cd, at);
out:
	free(state);
}

int devices_unplug(struct controld *cd, struct domain *d, const char *kind, unsigned index)
{
	unsigned devid = device_devid(d, kind, index);
	char token[48];
	struct dev_watch **at;
	int rc;

	snprintf(token, sizeof(token), "dev:%s:%d:%u", kind, d->domid, devid);
	if (*(at = watch_find(cd, token)))
		watch_forget(cd, at); /* a NIC not bridged yet: no longer */
	rc = store_txn_run(cd->store, unplug_txn, &(struct unplug_arg){kind, d->domid, devid});
	if (rc)
		return rc;
	log_info("domain %s (domid %d): %s %u: asked to close (online 0, state Closing)",
		 domain_name(d), d->domid, kind, devid);
	return cd->hotplug ? watch_add(cd, kind, d->domid, devid, true) : 0;
}

void devices_on_store_watch(struct controld *cd, const char *path, const char *token)
{
	struct dev_watch **at = watch_find(cd, token);

	(void)path;
	if (*at && (*at)->unplug)
		unplug_check(cd, at, false);
	else if (*at)
		vif_check(cd, *at);
}

static int nic_prepare(struct controld *cd, struct domain *d, unsigned i)
{
	const struct dom_nic *nic = &d->spec.nics[i];
	int rc = cd->hotplug->ops->bridge_check(cd->hotplug, nic->bridge);

	if (rc) {
		log_error("domain %s: NIC %s: bridge %s: %s", domain_name(d), nic->id, nic->bridge,
			  rc == -ENODEV ? "no such bridge in dom0" : "not a bridge");
		return rc;
	}
	log_info("domain %s (domid %d): NIC %s: vif%d.%u will join bridge %s", domain_name(d),
		 d->domid, nic->id, d->domid, device_devid(d, "vif", i), nic->bridge);
	return watch_add(cd, "vif", d->domid, device_devid(d, "vif", i), false);
}

int devices_attach_one(struct controld *cd, struct domain *d, const char *kind, unsigned index)
{
	if (!cd->hotplug)
		return 0;
	return strcmp(kind, "vbd") ? nic_prepare(cd, d, index) : disk_attach(cd, d, index);
}

int devices_start(struct controld *cd, struct domain *d)
{
	int rc = 0;

	for (unsigned i = 0; i < d->spec.nnics && !rc; i++)
		if ((rc = devices_attach_one(cd, d, "vif", i))) {
			d->start_failed = "nic";
			d->start_failed_index = i;
		}
	for (unsigned i = 0; i < d->spec.ndisks && !rc; i++)
		if ((rc = devices_attach_one(cd, d, "vbd", i))) {
			d->start_failed = "disk";
			d->start_failed_index = i;
		}
	return rc;
}

/* The devids of domid's backends of kind, from the store. */
static unsigned backend_devids(struct controld *cd, const char *kind, int domid,
			       unsigned out[MAX_BACKENDS])
{
	char p[96], **names = NULL;
	unsigned n = 0, k = 0;

	snprintf(p, sizeof(p), "/local/domain/0/backend/%s/%d", kind, domid);
	if (!cd->store->ops->list || cd->store->ops->list(cd->store, STORE_NO_TXN, p, &names, &n))
		return 0;
	for (unsigned i = 0; i < n && k < MAX_BACKENDS; i++) {
		char *end;
		unsigned long v = strtoul(names[i], &end, 10);
		if (!*end && v <= UINT16_MAX)
			out[k++] = (unsigned)v;
	}
	free(names);
	return k;
}

void devices_release(struct controld *cd, int domid)
{
	unsigned ids[MAX_BACKENDS], n = 0;
	char *loops[MAX_BACKENDS];
	struct dev_watch **v = &cd->dev_watches;

	while (*v)
		if ((*v)->domid == domid)
			watch_forget(cd, v);
		else
			v = &(*v)->next;
	if (cd->hotplug)
		n = backend_devids(cd, "vbd", domid, ids);
	for (unsigned i = 0; i < n; i++)
		loops[i] = backend_read(cd, "vbd", domid, ids[i], "physical-device-path");
	/* The backends let go of the loop devices and netdevs when their nodes go. */
	running_paths_remove(cd, domid);
	for (unsigned i = 0; i < n; i++) {
		loop_detach(cd, domid, ids[i], loops[i]);
		free(loops[i]);
	}
}

/* The watches a restart lost: devices being unplugged (online 0), NICs to bridge. */
static void watch_again(struct controld *cd, const struct domain *d, const char *kind)
{
	unsigned ids[MAX_BACKENDS], n = backend_devids(cd, kind, d->domid, ids);

	for (unsigned i = 0; i < n; i++) {
		char *online = backend_read(cd, kind, d->domid, ids[i], "online");
		bool unplug = online && !strcmp(online, "0");
		free(online);
		if ((unplug || !strcmp(kind, "vif")) &&
		    !watch_add(cd, kind, d->domid, ids[i], unplug))
			log_info("domain %s (domid %d): %s %u: its backend is watched again%s",
				 domain_name(d), d->domid, kind, ids[i],
				 unplug ? " until it closes" : "");
	}
}

void devices_adopt(struct controld *cd, struct domain *d)
{
	unsigned ids[MAX_BACKENDS], n;

	if (!cd->hotplug)
		return;
	n = backend_devids(cd, "vbd", d->domid, ids);
	for (unsigned i = 0; i < n; i++) {
		char *file = backend_read(cd, "vbd", d->domid, ids[i], "params");
		char *dev = backend_read(cd, "vbd", d->domid, ids[i], "physical-device-path");
		struct hotplug_disk ld;
		int rc = file && dev ? cd->hotplug->ops->disk_find(cd->hotplug, file, dev, &ld)
				     : -ENOENT;
		if (rc)
			log_warn(
			    "domain %s (domid %d): disk %u: %s is no longer attached to %s: %s",
			    domain_name(d), d->domid, ids[i], file ? file : "(no file)",
			    dev ? dev : "(no device)", strerror(-rc));
		else
			log_info("domain %s (domid %d): disk %u: %s found on %s (%x:%x)",
				 domain_name(d), d->domid, ids[i], file, ld.dev, ld.major,
				 ld.minor);
		free(file);
		free(dev);
	}
	watch_again(cd, d, "vbd");
	watch_again(cd, d, "vif");
}

void devices_free(struct controld *cd)
{
	while (cd->dev_watches)
		watch_forget(cd, &cd->dev_watches);
}

int devices_bridge_taps(struct controld *cd, struct domain *d)
{
	char tap[16];
	int rc = 0;

	for (unsigned i = 0; i < d->spec.nnics && !rc; i++) {
		rc = dm_tap_name((unsigned)d->domid, device_devid(d, "vif", i), tap, sizeof(tap));
		rc = rc
			 ?: cd->hotplug
			    ? cd->hotplug->ops->bridge_add(cd->hotplug, d->spec.nics[i].bridge, tap)
			    : 0;
		if (rc)
			log_error("domain %s: NIC %s: tap %s onto bridge %s: %s", domain_name(d),
				  d->spec.nics[i].id, tap, d->spec.nics[i].bridge, strerror(-rc));
		else if (cd->hotplug)
			log_info("domain %s: NIC %s: tap %s on bridge %s", domain_name(d),
				 d->spec.nics[i].id, tap, d->spec.nics[i].bridge);
	}
	return rc;
}
