/* SPDX-License-Identifier: MIT */
/*
 * What QEMU is started with for an HVM domain (device_model.c): its command line from the
 * domain's spec and controld's config, through qemu-dm-glue's pure builder (dm_argv.h).
 */
#ifndef KEEL_CONTROLD_DEVICE_MODEL_ARGS_H
#define KEEL_CONTROLD_DEVICE_MODEL_ARGS_H

#include "dm_argv.h"

struct controld;
struct domain;

/* qemu_run_dir (and its parent), mode 0700: COM1's sockets. 0 or a negative errno. */
int device_model_run_dir(const struct controld *cd);
/* QEMU's argv for d with COM1 on sock; -EINVAL/-ENOMEM as dm_argv_build, or a disk's path
 * error. */
int device_model_argv(struct controld *cd, const struct domain *d, const char *sock,
		      struct dm_argv *out);

#endif
