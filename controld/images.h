/* SPDX-License-Identifier: MIT */
/*
 * Images: kernels, initrds and disk images kept as files in dom0's images directory
 * (config images_dir, default /var/lib/keel/images), which the API names
 * /var/lib/keel/images/<name>. An upload streams into a hidden temporary file there,
 * hashed (SHA-256) as it goes; only a complete one is fsync'd and renamed to its name
 * (never over an existing one), so a partial or failed upload leaves nothing. Each image's
 * SHA-256 is kept next to it in a hidden file (.<name>.sha256), computed once for an image
 * put there by other means. Errors are negative errno.
 *
 * Disks are images too (controld/README.md, "Disks"): a blank sparse file or a copy of
 * another image, made by the API (image_disk.c, image_copy.c) and marked by a hidden
 * .<name>.disk. A disk's bytes belong to its guest and change under it, so no SHA-256 is
 * kept for one. A name being made lives as the hidden .new-<name> until it is whole.
 */
#ifndef KEEL_CONTROLD_IMAGES_H
#define KEEL_CONTROLD_IMAGES_H

#include "controld.h"
#include "image_name.h"

#include <limits.h>
#include <stdint.h>

/* The hidden name of an image being made (a blank disk, a copy) until it is whole. */
#define IMAGE_NEW_PREFIX ".new-"

struct image_info {
	char name[IMAGE_NAME_MAX + 1];
	uint64_t size;
	char sha256[65]; /* "" for a disk */
	char created_at[32];
	bool disk;
};

/* Creates the directory (0700) and removes uploads a crash left behind. */
int images_init(struct controld *cd);
typedef int (*image_visit_fn)(void *arg, const struct image_info *im);
/* Every image, by name; stops at fn's first error. */
int images_each(struct controld *cd, image_visit_fn fn, void *arg);
/* -EINVAL for a name that is not one, -ENOENT for none of that name. */
int image_get(struct controld *cd, const char *name, struct image_info *out);
/* The image's bytes: an fd to read (the caller closes it) and its size. */
int image_open(struct controld *cd, const char *name, int *fd, uint64_t *size);
/* The domain whose spec uses the image (kernel, initrd or a disk), or NULL. */
const struct domain *image_user(struct controld *cd, const char *name);
/* The domain with a domid (running, paused, shutting down) whose spec uses it, or NULL. */
const struct domain *image_running_user(struct controld *cd, const char *name);
/* The domain with a domid that has it as a writable disk, or NULL. */
const struct domain *image_running_writer(struct controld *cd, const char *name);
/* -EBUSY while a domain uses it. */
int image_delete(struct controld *cd, const char *name);
/* The file of image name in dom0: -EINVAL when name is not one. */
int image_file(const struct controld *cd, const char *name, char path[PATH_MAX]);
/* The hidden file of name with that prefix or suffix, e.g. ".new-" + name, "." + name +
 * ".disk". */
int image_aside(const struct controld *cd, const char *prefix, const char *name, const char *suffix,
		char path[PATH_MAX]);
/* An image of that name exists or is being made (uploads aside: they race to the rename). */
bool image_taken(const struct controld *cd, const char *name);
/* Marks name a disk (no SHA-256 kept); the caller just made or changed it. */
int image_mark_disk(const struct controld *cd, const char *name);

struct image_upload;
/*
 * -EINVAL a bad name, -EEXIST an image of that name, -EFBIG when declared (the
 * Content-Length; UINT64_MAX for unknown) is over the size limit (config image_max_mib).
 */
int image_upload_begin(struct controld *cd, const char *name, uint64_t declared,
		       struct image_upload **out);
/* -EFBIG past the size limit; -ENOSPC and other errors of the disk. */
int image_upload_write(struct image_upload *u, const void *data, size_t len);
/* Completes it (frees u): -EEXIST when another upload of the name finished first. */
int image_upload_finish(struct image_upload *u, struct image_info *out);
/* Drops it (frees u): nothing is left. */
void image_upload_abort(struct image_upload *u);
uint64_t image_max_bytes(const struct controld *cd);

#endif
