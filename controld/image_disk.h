/* SPDX-License-Identifier: MIT */
/*
 * Disks in the image store (controld/README.md, "Disks"): a blank one, a copy of another
 * image (a job on libuv's thread pool), and growing one. Sizes are whole 512-byte sectors
 * (what blkback serves) up to the image size limit (config image_max_mib). Each checks that
 * dom0's filesystem has the room now (-ENOSPC otherwise, nothing left behind); a blank or
 * grown disk is sparse and takes its space as the guest writes. Errors are negative errno.
 */
#ifndef KEEL_CONTROLD_IMAGE_DISK_H
#define KEEL_CONTROLD_IMAGE_DISK_H

#include "images.h"

/* -EINVAL a bad name or size, -EFBIG over the limit, -EEXIST a taken name, -ENOSPC. */
int disk_create_blank(struct controld *cd, const char *name, uint64_t size, struct image_info *out);
/*
 * Grows image name to size (a disk from then on). -ENOENT, -EINVAL a bad size, -EFBIG over
 * the limit, -ERANGE smaller than it is, -ETXTBSY while a running domain uses it (blkback
 * would not see the new size), -ENOSPC.
 */
int disk_resize(struct controld *cd, const char *name, uint64_t size, struct image_info *out);
/*
 * Starts copying image from into the new disk name: a job ("image.copy") with progress, the
 * bytes copied on libuv's thread pool (FICLONE, else copy_file_range of the data extents,
 * else read/write), kept only when whole. -ENOENT no source, -EINVAL a bad name, -EEXIST a
 * taken name, -ETXTBSY while a running domain may write the source (the copy would be torn),
 * -ENOSPC, -ENOMEM.
 */
int disk_copy_start(struct controld *cd, const char *from, const char *name, struct job **job);
/* 0 when dom0's images filesystem has bytes free (for an unprivileged user), else -ENOSPC. */
int disk_room(const struct controld *cd, uint64_t bytes);

#endif
