// SPDX-License-Identifier: MIT
/*
 * The store paths Xen tools expect for a running domain:
 *   /local/domain/<domid>/ name, domid, vm, memory/{static-max,target},
 *       cpu/<n>/availability, control/shutdown, device/{vbd,vif}/<devid>/...
 *   /local/domain/0/backend/{vbd,vif}/<domid>/<devid>/...  the backends' halves
 * Permissions as xl sets them: the home is dom0's, readable by the guest; the guest owns
 * its device frontends, control/shutdown, control/feature-* and sysrq (Linux's
 * drivers/xen/manage.c writes feature-poweroff there), data/, drivers/, feature/, attr/,
 * error/; a backend directory is readable by its frontend's domain. A domain built by
 * controld also gets store/ and console/ ring-ref and port (what the hypervisor's build
 * set up), and an HVM domain hvmloader/ and platform/ as libxl writes them. Each group of writes is
 * one transaction: a reader never sees half a domain. The device nodes are what Linux's backends
 * and frontends read (controld/README.md has the list and where each is read); devices.c adds the
 * hotplug scripts' part.
 */
#include "image_name.h"
#include "model_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned device_devid(const struct domain *d, const char *kind, unsigned index)
{
	/* Linux's xvd major is 202; each disk gets 16 minors. NICs are numbered by their id. */
	if (!strcmp(kind, "vbd"))
		return 202u * 256u + (unsigned)(d->spec.disks[index].id[3] - 'a') * 16u;
	return (unsigned)(d->spec.nics[index].id[0] - '0');
}

/* Creates path (empty) with perms: owner, and read for reader unless it is the owner. */
static int mknod_perms(struct store *s, uint32_t t, const char *path, uint32_t owner, int reader)
{
	struct store_perm p[2] = {{owner, STORE_PERM_NONE}, {(uint32_t)reader, STORE_PERM_READ}};
	char *old = NULL;
	int rc = store_read(s, t, path, &old, NULL);

	free(old);
	/* A node that exists keeps its value (a hotplugged device's, a guest's feature-*). */
	rc = rc == -ENOENT ? store_write(s, t, path, "", 0) : rc;
	return rc ?: s->ops->set_perms(s, t, path, p, reader < 0 ? 1u : 2u);
}

int running_device_write(struct controld *cd, uint32_t t, const struct domain *d, const char *kind,
			 unsigned index)
{
	unsigned devid = device_devid(d, kind, index);
	char fe[160], be[160], p[256];
	int rc;

	snprintf(fe, sizeof(fe), "/local/domain/%d/device/%s/%u", d->domid, kind, devid);
	snprintf(be, sizeof(be), "/local/domain/0/backend/%s/%d/%u", kind, d->domid, devid);
	rc = mknod_perms(cd->store, t, fe, (uint32_t)d->domid, 0);
	rc = rc ?: mknod_perms(cd->store, t, be, 0, d->domid);
	if (rc)
		return rc;
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
		const struct dom_disk *disk = &d->spec.disks[index];
		char file[PATH_MAX];
		rc = image_ref_path(cd->cfg.images_dir, disk->path, file, sizeof(file));
		if (rc)
			return rc;
		W(fe, "virtual-device", "%u", devid);
		W(fe, "device-type", "%s", "disk");
		W(be, "params", "%s", file);
		W(be, "type", "%s", "phy");
		W(be, "mode", "%s", disk->readonly ? "r" : "w");
		W(be, "dev", "%s", disk->id);
		W(be, "device-type", "%s", "disk");
	} else {
		const struct dom_nic *nic = &d->spec.nics[index];
		W(fe, "handle", "%u", devid);
		W(fe, "mac", "%s", nic->mac);
		W(be, "handle", "%u", devid);
		W(be, "mac", "%s", nic->mac);
		W(be, "bridge", "%s", nic->bridge);
		/* netback's probe fails without it; controld is the hotplug agent, nothing runs. */
		W(be, "script", "%s", "");
	}
#undef W
	return 0;
}

void running_device_remove(struct controld *cd, const struct domain *d, const char *kind,
			   unsigned index)
{
	unsigned devid = device_devid(d, kind, index);
	char p[160];

	snprintf(p, sizeof(p), "/local/domain/%d/device/%s/%u", d->domid, kind, devid);
	store_rm(cd->store, STORE_NO_TXN, p);
	snprintf(p, sizeof(p), "/local/domain/0/backend/%s/%d/%u", kind, d->domid, devid);
	store_rm(cd->store, STORE_NO_TXN, p);
}

int running_vcpus_write(struct store *s, uint32_t t, const struct domain *d)
{
	char p[96];
	int rc = 0;

	for (unsigned c = 0; c < d->spec.max_vcpus && !rc; c++) {
		snprintf(p, sizeof(p), "/local/domain/%d/cpu/%u/availability", d->domid, c);
		rc = store_write_str(s, t, p, "%s", c < d->spec.vcpus ? "online" : "offline");
	}
	return rc;
}

int running_memory_write(struct store *s, uint32_t t, const struct domain *d)
{
	char p[96];

	snprintf(p, sizeof(p), "/local/domain/%d/memory/target", d->domid);
	return store_write_str(s, t, p, "%llu",
			       (unsigned long long)d->spec.memory_target_mib * 1024);
}

struct running_paths_arg {
	struct controld *cd;
	const struct domain *d;
	const struct hv_build *build; /* NULL for a domain controld did not build */
};

/* The nodes the guest itself writes, created for it (the home is not its own). */
static const char *const guest_writable[] = {
    "control/shutdown",
    "control/feature-poweroff",
    "control/feature-reboot",
    "control/feature-suspend",
    "control/sysrq",
    "data",
    "drivers",
    "feature",
    "attr",
    "error",
};

static int guest_nodes_write(struct store *s, uint32_t t, const char *base, int domid)
{
	char p[160];
	int rc = 0;

	snprintf(p, sizeof(p), "%s/control", base);
	rc = mknod_perms(s, t, p, 0, domid);
	for (unsigned i = 0; i < sizeof(guest_writable) / sizeof(guest_writable[0]) && !rc; i++) {
		snprintf(p, sizeof(p), "%s/%s", base, guest_writable[i]);
		rc = mknod_perms(s, t, p, (uint32_t)domid, -1);
	}
	return rc;
}

static int running_paths_txn(struct store *s, uint32_t t, void *arg)
{
	const struct running_paths_arg *a = arg;
	const struct domain *d = a->d;
	char base[64], p[160];
	int rc;

	snprintf(base, sizeof(base), "/local/domain/%d", d->domid);
	rc = mknod_perms(s, t, base, 0, d->domid);
#define W(leaf, ...)                                                                               \
	do {                                                                                       \
		snprintf(p, sizeof(p), "%s/%s", base, leaf);                                       \
		rc = rc ?: store_write_str(s, t, p, __VA_ARGS__);                                  \
	} while (0)
	W("name", "%s", d->spec.name);
	W("domid", "%d", d->domid);
	W("vm", "/vm/%s", d->id);
	W("memory/static-max", "%llu", (unsigned long long)d->spec.memory_mib * 1024);
	if (a->build) {
		W("store/ring-ref", "%llu", (unsigned long long)a->build->store_gfn);
		W("store/port", "%u", a->build->store_port);
		W("console/ring-ref", "%llu", (unsigned long long)a->build->console_gfn);
		W("console/port", "%u", a->build->console_port);
		W("console/limit", "%u", 1048576u);
		W("console/type", "%s", "xenconsoled");
	}
	/* What hvmloader reads (tools/firmware/hvmloader: its "bios" and memory relocation)
	 * and libxl writes for QEMU's platform: ACPI on, S3/S4 off, qemu-xen. */
	if (d->spec.boot.type == BOOT_HVM) {
		W("hvmloader/bios", "%s", "seabios");
		W("hvmloader/allow-memory-relocate", "%s", "0");
		W("platform/acpi", "%s", "1");
		W("platform/acpi_s3", "%s", "0");
		W("platform/acpi_s4", "%s", "0");
		W("platform/device-model", "%s", "qemu_xen");
		/* hvmloader writes where it put the VM generation ID (libxl makes it the guest's).
		 */
		snprintf(p, sizeof(p), "%s/hvmloader/generation-id-address", base);
		rc = rc ?: mknod_perms(s, t, p, (uint32_t)d->domid, -1);
	}
#undef W
	rc = rc ?: guest_nodes_write(s, t, base, d->domid);
	rc = rc ?: running_memory_write(s, t, d);
	rc = rc ?: running_vcpus_write(s, t, d);
	for (unsigned i = 0; i < d->spec.ndisks; i++)
		rc = rc ?: running_device_write(a->cd, t, d, "vbd", i);
	for (unsigned i = 0; i < d->spec.nnics; i++)
		rc = rc ?: running_device_write(a->cd, t, d, "vif", i);
	return rc;
}

int running_paths_write(struct controld *cd, const struct domain *d, const struct hv_build *build)
{
	struct running_paths_arg a = {cd, d, build};

	return store_txn_run(cd->store, running_paths_txn, &a);
}

void running_paths_remove(struct controld *cd, int domid)
{
	static const char *const fmt[] = {"/local/domain/%d", "/local/domain/0/backend/vbd/%d",
					  "/local/domain/0/backend/vif/%d"};
	char p[96];

	for (unsigned i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++) {
		snprintf(p, sizeof(p), fmt[i], domid);
		store_rm(cd->store, STORE_NO_TXN, p);
	}
}
