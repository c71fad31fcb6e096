/* SPDX-License-Identifier: MIT */
/*
 * A kernel or initrd file in dom0 mapped read-only for the hypervisor to copy
 * (KEEL_DOMCTL_loadkernel/_loadinitrd take an address in controld's memory). Mapped with
 * MAP_POPULATE so the pages are there when the hypervisor reads them.
 */
#ifndef KEEL_CONTROLD_HV_IMAGE_H
#define KEEL_CONTROLD_HV_IMAGE_H

#include <stddef.h>
#include <stdint.h>

struct hv_image {
	void *data;
	size_t len;
};

/* -ENOENT, -EACCES (open), -EINVAL not a regular file, -ENODATA empty, -E2BIG over max. */
int hv_image_map(const char *path, uint64_t max, struct hv_image *out);
void hv_image_unmap(struct hv_image *img);

#endif
