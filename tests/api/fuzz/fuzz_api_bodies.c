// SPDX-License-Identifier: MIT
/*
 * Fuzz target: JSON request bodies through the checks of create, patch, disks, NICs and
 * action options, and the image store's (a new disk, a resize). Anything accepted must come
 * out within the typed spec's limits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../../api/domain_json.h"
#include "../../../api/image_json.h"

/* A disk size accepted: whole sectors, 1 sector to IMAGE_DISK_MAX. */
static void check_size(uint64_t n)
{
	if (n < IMAGE_DISK_SECTOR || n > IMAGE_DISK_MAX || n % IMAGE_DISK_SECTOR)
		abort();
}

static void check_image_bodies(const json_t *in)
{
	struct image_create_req req;
	struct verr e;
	uint64_t n;

	if (!image_create_from_json(in, &req, &e)) {
		if (!image_name_ok(req.name) || (req.from[0] && !image_name_ok(req.from)) ||
		    (req.from[0] && req.size))
			abort();
		if (!req.from[0])
			check_size(req.size);
	}
	if (!image_resize_from_json(in, &n, &e))
		check_size(n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dom_spec spec;
	struct dom_patch patch;
	struct dom_disk disk;
	struct dom_nic nic;
	struct verr e;
	unsigned t;
	json_t *in;

	in = jv_parse_object((const char *)data, size, &e);
	if (!in)
		return 0;
	if (!domain_spec_from_json(in, &spec, &e) &&
	    (spec.vcpus < 1 || spec.vcpus > spec.max_vcpus || spec.max_vcpus > DOM_MAX_VCPUS ||
	     spec.memory_target_mib > spec.memory_mib || spec.npins > spec.max_vcpus ||
	     spec.ndisks > DOM_MAX_DISKS || spec.nnics > DOM_MAX_NICS || spec.npci > DOM_MAX_PCI ||
	     strlen(spec.name) > DOM_NAME_MAX))
		abort();
	if (!domain_patch_from_json(in, 4, 512, &patch, &e) &&
	    ((patch.has_vcpus && (patch.vcpus < 1 || patch.vcpus > 4)) ||
	     (patch.has_memory_target && patch.memory_target_mib > 512) || patch.npins > 4))
		abort();
	disk_from_json(in, "", &disk, &e);
	nic_from_json(in, "", &nic, &e);
	action_options(in, "shutdown", 60, &t, &e);
	if (t > 3600)
		abort();
	check_image_bodies(in);
	json_decref(in);
	return 0;
}
