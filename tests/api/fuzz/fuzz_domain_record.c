// SPDX-License-Identifier: MIT
/*
 * Fuzz target: domain records as read back from the store (controld/domain_record.c). A
 * record that is accepted must fit the typed domain and survive a round trip unchanged.
 */
#include <stdlib.h>
#include <string.h>

#include "../../../controld/domain_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct domain a, b;
	json_t *in = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL), *out;

	if (!in)
		return 0;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (!domain_from_json(in, &a)) {
		if (a.spec.vcpus > a.spec.max_vcpus || a.spec.npins > a.spec.max_vcpus ||
		    a.spec.ndisks > DOM_MAX_DISKS || a.spec.nnics > DOM_MAX_NICS ||
		    a.spec.npci > DOM_MAX_PCI)
			abort();
		out = domain_record_json(&a);
		if (!out || domain_from_json(out, &b) || memcmp(&a.spec, &b.spec, sizeof(a.spec)) ||
		    a.state != b.state || a.domid != b.domid || a.generation != b.generation ||
		    strcmp(a.id, b.id) || strcmp(a.job_id, b.job_id))
			abort();
		json_decref(out);
	}
	json_decref(in);
	return 0;
}
