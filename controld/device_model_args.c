// SPDX-License-Identifier: MIT
/*
 * device_model_args.h: a domain's spec and controld's config as qemu-dm-glue's settings
 * (dm_argv.h), and the directories QEMU's sockets and chroot live in.
 */
#include "device_model_args.h"
#include "image_name.h"
#include "model_internal.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int device_model_run_dir(const struct controld *cd)
{
	char parent[PATH_MAX];

	str_copy(parent, cd->cfg.qemu_run_dir, sizeof(parent));
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		if (mkdir(parent, 0700) && errno != EEXIST)
			return -errno;
	}
	if (mkdir(cd->cfg.qemu_run_dir, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/* The empty directory a deprivileged QEMU is chrooted to (libxl's qemu-root-<domid>; one
 * for all: nothing is ever written there), into *out. */
static int chroot_dir(const struct controld *cd, char *out, size_t len)
{
	snprintf(out, len, "%s/root", cd->cfg.qemu_run_dir);
	return mkdir(out, 0755) && errno != EEXIST ? -errno : 0;
}

/* QEMU's settings from d's spec: on the spec's controller, the disks xvda..xvdd (IDE) or
 * xvda..xvdf (AHCI) that are writable (QEMU's IDE and AHCI disks cannot be read-only; the
 * others are the PV vbds' alone), one rtl8139 per NIC. */
int device_model_argv(struct controld *cd, const struct domain *d, const char *sock,
		      struct dm_argv *out)
{
	const struct dom_spec *sp = &d->spec;
	bool ahci = sp->boot.disk_controller == DC_AHCI;
	unsigned ports = ahci ? DM_AHCI_DISKS : DM_IDE_DISKS;
	char paths[DM_AHCI_DISKS][PATH_MAX];
	struct dm_disk disks[DM_AHCI_DISKS];
	struct dm_nic nics[DOM_MAX_NICS];
	struct dm_config c = {.qemu = cd->cfg.qemu,
			      .domid = (unsigned)d->domid,
			      .name = sp->name,
			      /* the RAM the hypervisor built: whole 2 MiB */
			      .memory_mib = (sp->memory_mib + 1) & ~1ull,
			      .vcpus = sp->vcpus,
			      .max_vcpus = sp->max_vcpus,
			      .disk_controller = ahci ? DM_AHCI : DM_IDE,
			      .disks = disks,
			      .nics = nics,
			      .nnics = sp->nnics,
			      .serial_socket = sock,
			      .runas = cd->cfg.qemu_user};
	char root[PATH_MAX];
	int rc = 0;

	/* A QEMU that runs as another user is also chrooted to an empty directory. */
	if (cd->cfg.qemu_user[0]) {
		rc = chroot_dir(cd, root, sizeof(root));
		c.chroot = root;
	}
	if (rc)
		return rc;

	for (unsigned i = 0; i < sp->ndisks; i++) {
		unsigned index = (unsigned)(sp->disks[i].id[3] - 'a');
		if (index >= ports || sp->disks[i].readonly)
			continue;
		rc = image_ref_path(cd->cfg.images_dir, sp->disks[i].path, paths[c.ndisks],
				    PATH_MAX);
		if (rc)
			return rc;
		disks[c.ndisks] = (struct dm_disk){
		    paths[c.ndisks], dom_disk_format_name(sp->disks[i].format), index};
		c.ndisks++;
	}
	for (unsigned i = 0; i < sp->nnics; i++)
		nics[i] = (struct dm_nic){device_devid(d, "vif", i), sp->nics[i].mac, "rtl8139"};
	return dm_argv_build(&c, out);
}
