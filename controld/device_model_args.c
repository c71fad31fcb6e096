// SPDX-License-Identifier: MIT
/*
 * device_model_args.h: a domain's spec and controld's config as qemu-dm-glue's settings
 * (dm_argv.h): the user it runs as, its chroot, and the directories its sockets live in.
 */
#include "device_model_args.h"
#include "image_name.h"
#include "log.h"
#include "model_internal.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
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

void device_model_socket(const struct controld *cd, int domid, const char *what, char *out,
			 size_t len)
{
	snprintf(out, len, "%s/%d-%s.sock", cd->cfg.qemu_run_dir, domid, what);
}

static void root_path(const struct controld *cd, int domid, char *out, size_t len)
{
	snprintf(out, len, "%s/root-%d", cd->cfg.qemu_run_dir, domid);
}

/* The empty directory domid's deprivileged QEMU is chrooted to, as libxl's
 * qemu-root-<domid>: a leftover is removed first (it can only be empty: QEMU cannot write in
 * a root-owned mode 0000 directory), any other error fails the start. */
static int chroot_dir(const struct controld *cd, int domid, char *out, size_t len)
{
	root_path(cd, domid, out, len);
	if (rmdir(out) && errno != ENOENT)
		return -errno;
	return mkdir(out, 0000) ? -errno : 0;
}

void device_model_root_remove(const struct controld *cd, int domid)
{
	char path[PATH_MAX];

	root_path(cd, domid, path, sizeof(path));
	rmdir(path);
}

/* The user domid's QEMU runs as: with qemu_user_base "UID:GID", UID + domid and the shared
 * GID (libxl's xen-qemuuser-range-base; a uid that is already a user's is refused, as
 * libxl refuses it), else qemu_user (shared, libxl's xen-qemuuser-shared), else "" (root). */
static int runas_for(const struct controld *cd, int domid, char *out, size_t len)
{
	unsigned long long uid;
	unsigned gid;

	if (!cd->cfg.qemu_user_base[0]) {
		str_copy(out, cd->cfg.qemu_user, len);
		return 0;
	}
	if (sscanf(cd->cfg.qemu_user_base, "%llu:%u", &uid, &gid) != 2)
		return -EINVAL;
	uid += (unsigned)domid;
	if (uid >= UINT32_MAX)
		return -ERANGE;
	if (getpwuid((uid_t)uid)) {
		log_error("domid %d: QEMU's uid %llu (qemu_user_base + domid) is a user's already",
			  domid, uid);
		return -EEXIST;
	}
	snprintf(out, len, "%llu:%u", uid, gid);
	return 0;
}

/* QEMU's settings from d's spec: on the spec's controller, the disks xvda..xvdd (IDE) or
 * xvda..xvdf (AHCI) that are writable (QEMU's IDE and AHCI disks cannot be read-only; the
 * others are the PV vbds' alone), one rtl8139 per NIC. */
int device_model_argv(struct controld *cd, const struct domain *d, const char *sock,
		      const char *qmp_sock, struct dm_argv *out)
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
			      .qmp_socket = qmp_sock};
	char root[PATH_MAX], runas[32];
	int rc = runas_for(cd, d->domid, runas, sizeof(runas));

	/* Deprivileged (libxl's dm_restrict): a user, a chroot of its own, handles restricted
	 * to its domid. */
	if (!rc && runas[0]) {
		rc = chroot_dir(cd, d->domid, root, sizeof(root));
		c.runas = runas;
		c.chroot = root;
		c.restrict_domid = true;
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

int device_model_limits(const struct controld *cd, int pid)
{
	/* libxl's (tools/libs/light/libxl_linux.c, libxl__local_dm_preexec_restrict) but
	 * RLIMIT_FSIZE: its 256 KiB would fail QEMU's writes to an IDE disk's file past 256 KiB
	 * (the limit applies to regular files, not to block devices). */
	static const int zero[] = {RLIMIT_CORE, RLIMIT_MSGQUEUE, RLIMIT_LOCKS, RLIMIT_MEMLOCK};
	const struct rlimit none = {0, 0};

	if (!cd->cfg.qemu_user_base[0] && !cd->cfg.qemu_user[0])
		return 0;
	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		if (prlimit(pid, zero[i], &none, NULL))
			return -errno;
	return 0;
}
