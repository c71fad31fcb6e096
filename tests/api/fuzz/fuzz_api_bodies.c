// SPDX-License-Identifier: MIT
/*
 * Fuzz target: JSON request bodies through the checks of create, patch, disks, NICs and
 * action options. Anything accepted must come out in the normalised shape.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../../api/domain_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dom_patch patch;
	struct verr e;
	unsigned t;
	json_t *in, *out;

	in = jv_parse_object((const char *)data, size, &e);
	if (!in)
		return 0;
	out = domain_spec_from_create(in, &e);
	if (out) {
		uint64_t v = (uint64_t)json_integer_value(json_object_get(out, "vcpus"));
		uint64_t mx = (uint64_t)json_integer_value(json_object_get(out, "max_vcpus"));
		if (v < 1 || v > mx || mx > DOM_MAX_VCPUS ||
		    !json_is_object(json_object_get(out, "boot")))
			abort();
		json_decref(out);
	}
	if (!domain_patch_from_json(in, 4, 512, &patch, &e) &&
	    ((patch.has_vcpus && (patch.vcpus < 1 || patch.vcpus > 4)) ||
	     (patch.has_memory_target && patch.memory_target_mib > 512) || patch.npins > 4))
		abort();
	json_decref(disk_from_json(in, "", &e));
	json_decref(nic_from_json(in, "", &e));
	action_options(in, "shutdown", 60, &t, &e);
	if (t > 3600)
		abort();
	json_decref(in);
	return 0;
}
