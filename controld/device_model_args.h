/* SPDX-License-Identifier: MIT */
/*
 * What QEMU is started with for an HVM domain (device_model.c): its command line from the
 * domain's spec and controld's config, through qemu-dm-glue's pure builder (dm_argv.h).
 */
#ifndef KEEL_CONTROLD_DEVICE_MODEL_ARGS_H
#define KEEL_CONTROLD_DEVICE_MODEL_ARGS_H

#include "dm_argv.h"

#include <stddef.h>

struct controld;
struct domain;

/* qemu_run_dir (and its parent), mode 0700: COM1's sockets. 0 or a negative errno. */
int device_model_run_dir(const struct controld *cd);
/* qemu_run_dir/<domid>-<what>.sock: "serial" (COM1) or "qmp" (its monitor). */
void device_model_socket(const struct controld *cd, int domid, const char *what, char *out,
			 size_t len);
/*
 * QEMU's argv for d with COM1 on sock and QMP on qmp_sock; deprivileged (qemu_user_base or
 * qemu_user) it also gets -xen-domid-restrict, -runas and -chroot qemu_run_dir/root-<domid>
 * (made here, empty). -EINVAL/-ENOMEM as dm_argv_build, a disk's path error, -EEXIST/-ERANGE
 * for a per-domain uid that is a user's or past 2^32 - 1, or the chroot's mkdir error.
 */
int device_model_argv(struct controld *cd, const struct domain *d, const char *sock,
		      const char *qmp_sock, struct dm_argv *out);
/* A deprivileged QEMU's resource limits, set on pid (just spawned): no core dumps, message
 * queues, file locks or locked memory. 0 or a negative errno. */
int device_model_limits(const struct controld *cd, int pid);
/* Removes domid's chroot once its QEMU has gone (libxl leaves it; Keel cleans up). */
void device_model_root_remove(const struct controld *cd, int domid);

#endif
