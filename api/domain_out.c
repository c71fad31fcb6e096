// SPDX-License-Identifier: MIT
/* A domain as the API shows it (openapi.yaml: Domain), from the model's typed domain. */
#include "out.h"
#include "../controld/spec.h"

static json_t *boot_out(const struct dom_boot *b)
{
	if (b->type == BOOT_TIME)
		return json_pack("{s:s}", "type", dom_boot_type_name(b->type));
	if (b->type == BOOT_HVM)
		return json_pack("{s:s, s:s, s:s}", "type", "hvm", "firmware",
				 dom_firmware_name(b->firmware), "disk_controller",
				 dom_disk_controller_name(b->disk_controller));
	return json_pack("{s:s, s:s, s:s, s:s}", "type", "pvh", "kernel", b->kernel, "cmdline",
			 b->cmdline, "initrd", b->initrd);
}

/* pinning: one row of host CPUs per vCPU. */
static json_t *pinning_out(const struct dom_spec *s)
{
	json_t *pins = json_array();

	for (unsigned v = 0; pins && v < s->npins; v++) {
		json_t *row = json_array();

		for (unsigned k = 0; row && k < s->pins[v].n; k++)
			json_array_append_new(row, json_integer(s->pins[v].cpu[k]));
		json_array_append_new(pins, row);
	}
	return pins;
}

static json_t *disks_out(const struct dom_spec *s)
{
	json_t *a = json_array();

	for (unsigned i = 0; a && i < s->ndisks; i++) {
		const struct dom_disk *k = &s->disks[i];

		json_array_append_new(
		    a, json_pack("{s:s, s:s, s:s, s:b}", "id", k->id, "path", k->path, "format",
				 dom_disk_format_name(k->format), "readonly", k->readonly));
	}
	return a;
}

static json_t *nics_out(const struct dom_spec *s)
{
	json_t *a = json_array();

	for (unsigned i = 0; a && i < s->nnics; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "id", s->nics[i].id, "mac",
						   s->nics[i].mac, "bridge", s->nics[i].bridge));
	return a;
}

static json_t *pci_out(const struct dom_spec *s)
{
	json_t *a = json_array();

	for (unsigned i = 0; a && i < s->npci; i++)
		json_array_append_new(a, json_string(s->pci[i]));
	return a;
}

/* The state part: null for a domid while stopped and for job_id while no job works on it. */
static void status_out(json_t *o, const struct domain *d)
{
	json_object_set_new(o, "id", json_string(d->id));
	json_object_set_new(o, "state", json_string(dom_state_name(d->state)));
	json_object_set_new(o, "domid", d->domid >= 0 ? json_integer(d->domid) : json_null());
	json_object_set_new(o, "generation", json_integer((json_int_t)d->generation));
	json_object_set_new(o, "created_at", json_string(d->created_at));
	json_object_set_new(o, "updated_at", json_string(d->updated_at));
	json_object_set_new(o, "job_id", d->job_id[0] ? json_string(d->job_id) : json_null());
}

json_t *domain_out(const struct domain *d)
{
	const struct dom_spec *s = &d->spec;
	/* "o" members are consumed even when packing fails: nothing leaks. */
	json_t *o =
	    json_pack("{s:s, s:I, s:I, s:I, s:I, s:{s:i, s:i}, s:o, s:o, s:o, s:o, s:o}", "name",
		      s->name, "vcpus", (json_int_t)s->vcpus, "max_vcpus", (json_int_t)s->max_vcpus,
		      "memory_mib", (json_int_t)s->memory_mib, "memory_target_mib",
		      (json_int_t)s->memory_target_mib, "sched", "weight", (int)s->weight, "cap",
		      (int)s->cap, "pinning", pinning_out(s), "boot", boot_out(&s->boot), "disks",
		      disks_out(s), "nics", nics_out(s), "pci", pci_out(s));

	if (o)
		status_out(o, d);
	return o;
}
