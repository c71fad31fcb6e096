/* SPDX-License-Identifier: MIT */
/*
 * Image names (PUT /v1/images/{name}) and the references to images in a domain's spec,
 * pure: what a name may be (it becomes a file name in the images directory, so no way out
 * of it), and how a kernel, initrd or disk field names an image. Unit-tested and fuzzed.
 */
#ifndef KEEL_CONTROLD_IMAGE_NAME_H
#define KEEL_CONTROLD_IMAGE_NAME_H

#include <stdbool.h>
#include <stddef.h>

#define IMAGE_NAME_MAX 64
/* A disk's size is whole sectors of this many bytes (what blkback serves the guest). */
#define IMAGE_DISK_SECTOR 512u
/* Where the API says images are, whatever directory dom0 keeps them in. */
#define IMAGE_API_DIR "/var/lib/keel/images"

/* 1..IMAGE_NAME_MAX of [A-Za-z0-9._-], starting with a letter or digit (so never "." or
 * "..", nor a hidden file, where uploads in progress live). */
bool image_name_ok(const char *s);
/*
 * The image a spec field names: a bare image name, or IMAGE_API_DIR/<name> or dir/<name>
 * (dir: the configured images directory). NULL for any other path.
 */
const char *image_ref_name(const char *dir, const char *ref);
/* The file a spec field means: dir/<name> for an image, else ref itself. -ENAMETOOLONG. */
int image_ref_path(const char *dir, const char *ref, char *out, size_t size);

#endif
