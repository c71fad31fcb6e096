// SPDX-License-Identifier: MIT
/* The image store's request bodies: see image_json.h. */
#include "image_json.h"

#include <errno.h>
#include <string.h>

static int size_from_json(const json_t *in, uint64_t *size, struct verr *e)
{
	int rc = jv_uint(in, "size_bytes", "", true, IMAGE_DISK_SECTOR, IMAGE_DISK_MAX, size, e);

	if (!rc && *size % IMAGE_DISK_SECTOR)
		rc = verr_set(e, "", "size_bytes", "must be a multiple of %u (whole sectors)",
			      IMAGE_DISK_SECTOR);
	return rc;
}

int image_create_from_json(const json_t *in, struct image_create_req *out, struct verr *e)
{
	static const char *const allowed[] = {"name", "size_bytes", "from", NULL};
	const char *name = NULL, *from = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = jv_only(in, "", allowed, e);
	rc = rc
		 ?: jv_str(in, "name", "", true, IMAGE_NAME_MAX, image_name_ok, "an image name",
			   &name, e);
	rc = rc
		 ?: jv_str(in, "from", "", false, IMAGE_NAME_MAX, image_name_ok, "an image name",
			   &from, e);
	if (rc)
		return rc;
	if (!from == !json_object_get(in, "size_bytes"))
		return verr_set(e, "", from ? "from" : "size_bytes", "%s",
				from ? "give size_bytes (a blank disk) or from (a copy), not both"
				     : "required: size_bytes (a blank disk) or from (a copy)");
	if (!from && size_from_json(in, &out->size, e))
		return -EINVAL;
	strcpy(out->name, name); /* both checked: at most IMAGE_NAME_MAX bytes */
	if (from)
		strcpy(out->from, from);
	return 0;
}

int image_resize_from_json(const json_t *in, uint64_t *size, struct verr *e)
{
	static const char *const allowed[] = {"size_bytes", NULL};

	return jv_only(in, "", allowed, e) ?: size_from_json(in, size, e);
}
