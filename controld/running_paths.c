// SPDX-License-Identifier: MIT
/*
 * The store paths Xen tools expect for a running domain:
 *   /local/domain/<domid>/ name, domid, vm, memory/{static-max,target},
 *       cpu/<n>/availability, control/shutdown, device/{vbd,vif}/<devid>/...
 *   /local/domain/0/backend/{vbd,vif}/<domid>/<devid>/...  the backends' halves
 * Each group of writes is one transaction: a reader never sees half a domain.
 */
#include "model_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct running_paths_arg {
	struct controld *cd;
	const struct domain *d;
};

/* Linux's xvd major is 202; each disk gets 16 minors. */
static unsigned vbd_devid(const char *vdev)
{
	return 202u * 256u + (unsigned)(vdev[3] - 'a') * 16u;
}

int running_device_write(struct controld *cd, uint32_t t, const struct domain *d, const char *kind,
			 const json_t *dev, unsigned devid)
{
	char fe[160], be[160], p[256];
	int rc;

	snprintf(fe, sizeof(fe), "/local/domain/%d/device/%s/%u", d->domid, kind, devid);
	snprintf(be, sizeof(be), "/local/domain/0/backend/%s/%d/%u", kind, d->domid, devid);
#define W(base, leaf, ...)                                                                         \
	do {                                                                                       \
		snprintf(p, sizeof(p), "%s/%s", base, leaf);                                       \
		rc = store_write_str(cd->store, t, p, __VA_ARGS__);                                \
		if (rc)                                                                            \
			return rc;                                                                 \
	} while (0)
	W(fe, "backend", "%s", be);
	W(fe, "backend-id", "0");
	W(fe, "state", "1");
	W(be, "frontend", "%s", fe);
	W(be, "frontend-id", "%d", d->domid);
	W(be, "online", "1");
	W(be, "state", "1");
	if (!strcmp(kind, "vbd")) {
		W(fe, "virtual-device", "%u", devid);
		W(be, "params", "%s", spec_str(dev, "path"));
		W(be, "type", "%s", "phy");
		W(be, "mode", "%s", json_is_true(json_object_get(dev, "readonly")) ? "r" : "w");
		W(be, "dev", "%s", spec_str(dev, "id"));
	} else {
		W(fe, "mac", "%s", spec_str(dev, "mac"));
		W(be, "mac", "%s", spec_str(dev, "mac"));
		W(be, "bridge", "%s", spec_str(dev, "bridge"));
	}
#undef W
	return 0;
}

int device_devid(const char *kind, const json_t *dev)
{
	const char *id = spec_str(dev, "id");

	return !strcmp(kind, "vbd") ? (int)vbd_devid(id) : atoi(id);
}

static int running_paths_txn(struct store *s, uint32_t t, void *arg)
{
	const struct running_paths_arg *a = arg;
	const struct domain *d = a->d;
	const json_t *spec = d->spec;
	char base[64], p[160];
	size_t i;
	json_t *dev;
	int rc;

	snprintf(base, sizeof(base), "/local/domain/%d", d->domid);
	rc = store_write(s, t, base, "", 0);
	rc = rc ?: s->ops->set_owner(s, t, base, (uint32_t)d->domid);
#define W(leaf, ...)                                                                               \
	do {                                                                                       \
		snprintf(p, sizeof(p), "%s/%s", base, leaf);                                       \
		rc = rc ?: store_write_str(s, t, p, __VA_ARGS__);                                  \
	} while (0)
	W("name", "%s", domain_name(d));
	W("domid", "%d", d->domid);
	W("vm", "/vm/%s", d->id);
	W("memory/static-max", "%llu", (unsigned long long)spec_uint(spec, "memory_mib") * 1024);
#undef W
	rc = rc ?: running_memory_write(s, t, d);
	rc = rc ?: running_vcpus_write(s, t, d);
	snprintf(p, sizeof(p), "%s/control/shutdown", base);
	rc = rc ?: store_write_str(s, t, p, "%s", "");
	json_array_foreach(json_object_get(spec, "disks"), i, dev)
		rc = rc
			 ?: running_device_write(a->cd, t, d, "vbd", dev,
						 (unsigned)device_devid("vbd", dev));
	json_array_foreach(json_object_get(spec, "nics"), i, dev)
		rc = rc
			 ?: running_device_write(a->cd, t, d, "vif", dev,
						 (unsigned)device_devid("vif", dev));
	return rc;
}

int running_paths_write(struct controld *cd, const struct domain *d)
{
	struct running_paths_arg a = {cd, d};

	return store_txn_run(cd->store, running_paths_txn, &a);
}

int running_vcpus_write(struct store *s, uint32_t t, const struct domain *d)
{
	unsigned maxv = (unsigned)spec_uint(d->spec, "max_vcpus");
	unsigned online = (unsigned)spec_uint(d->spec, "vcpus");
	char p[96];
	int rc = 0;

	for (unsigned c = 0; c < maxv && !rc; c++) {
		snprintf(p, sizeof(p), "/local/domain/%d/cpu/%u/availability", d->domid, c);
		rc = store_write_str(s, t, p, "%s", c < online ? "online" : "offline");
	}
	return rc;
}

int running_memory_write(struct store *s, uint32_t t, const struct domain *d)
{
	char p[96];

	snprintf(p, sizeof(p), "/local/domain/%d/memory/target", d->domid);
	return store_write_str(s, t, p, "%llu",
			       (unsigned long long)spec_uint(d->spec, "memory_target_mib") * 1024);
}

void running_paths_remove(struct controld *cd, int domid)
{
	char p[96];

	snprintf(p, sizeof(p), "/local/domain/%d", domid);
	store_rm(cd->store, STORE_NO_TXN, p);
	snprintf(p, sizeof(p), "/local/domain/0/backend/vbd/%d", domid);
	store_rm(cd->store, STORE_NO_TXN, p);
	snprintf(p, sizeof(p), "/local/domain/0/backend/vif/%d", domid);
	store_rm(cd->store, STORE_NO_TXN, p);
}
