// SPDX-License-Identifier: MIT
/* GET /v1/host and GET /v1/host/pci: the host as the hypervisor and sysfs see it. */
#include "api.h"
#include "problem.h"
#include "../controld/host.h"
#include "../controld/model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void h_host_get(struct api_call *c)
{
	struct hv_host_info hi;
	int rc = c->cd->hv->ops->host_info(c->cd->hv, &hi);

	if (rc) {
		problem_errno(c->resp, rc, "reading host information");
		return;
	}
	resp_json(c->resp, 200,
		  json_pack("{s:i, s:I, s:I, s:{s:s}}", "cpus", (int)hi.nr_cpus, "memory_mib",
			    (json_int_t)hi.total_mib, "free_memory_mib", (json_int_t)hi.free_mib,
			    "hypervisor", "version", hi.version));
}

void h_host_pci(struct api_call *c)
{
	struct host_pci_dev *devs = calloc(HOST_PCI_MAX, sizeof(*devs));
	json_t *items;
	unsigned n = 0;
	int rc = devs ? host_pci_list(c->cd->cfg.pci_sysfs, devs, HOST_PCI_MAX, &n) : -ENOMEM;

	if (rc) {
		free(devs);
		problem_errno(c->resp, rc, "listing host PCI devices");
		return;
	}
	items = json_array();
	for (unsigned i = 0; i < n; i++) {
		const struct host_pci_dev *p = &devs[i];
		const struct domain *owner = domain_pci_owner(c->cd, p->bdf);
		json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "bdf", p->bdf, "vendor", p->vendor,
				      "device", p->device, "class", p->cls);
		json_object_set_new(o, "driver",
				    p->driver[0] ? json_string(p->driver) : json_null());
		json_object_set_new(o, "assigned_to", owner ? json_string(owner->id) : json_null());
		json_array_append_new(items, o);
	}
	free(devs);
	resp_json(c->resp, 200, json_pack("{s:o}", "items", items));
}
