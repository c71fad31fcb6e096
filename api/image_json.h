/* SPDX-License-Identifier: MIT */
/*
 * The image store's JSON request bodies (POST /v1/images, PATCH /v1/images/{name}), checked
 * into typed requests. Sizes are whole sectors (IMAGE_DISK_SECTOR) up to IMAGE_DISK_MAX (the
 * largest image size limit the configuration takes; the configured one is the store's to
 * check); openapi.yaml states the same.
 */
#ifndef KEEL_API_IMAGE_JSON_H
#define KEEL_API_IMAGE_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "validate.h"
#include "../controld/image_name.h"

/* A new disk: blank of size bytes, or (from[0]) a copy of image from (size 0). */
struct image_create_req {
	char name[IMAGE_NAME_MAX + 1];
	uint64_t size;
	char from[IMAGE_NAME_MAX + 1];
};

#define IMAGE_DISK_MAX (1ull << 40)

/* {"name", "size_bytes"} or {"name", "from"}: 0 or -EINVAL with e set. */
int image_create_from_json(const json_t *in, struct image_create_req *out, struct verr *e);
/* {"size_bytes"}: 0 or -EINVAL with e set. */
int image_resize_from_json(const json_t *in, uint64_t *size, struct verr *e);

#endif
