// SPDX-License-Identifier: MIT
#include "domain_record.h"

#include "util.h"

#include <errno.h>
#include <string.h>

static const char *const state_names[] = {"stopped", "running", "paused", "shutting_down",
					  "crashed"};

const char *dom_state_name(enum dom_state s)
{
	return state_names[s];
}

int dom_state_parse(const char *s, enum dom_state *out)
{
	for (unsigned i = 0; i < ARRAY_SIZE(state_names); i++)
		if (!strcmp(s, state_names[i])) {
			*out = (enum dom_state)i;
			return 0;
		}
	return -EINVAL;
}

static const char *const boot_types[] = {"pvh", "hvm", "boot_time"};
static const char *const firmwares[] = {"seabios", "ovmf"};
static const char *const disk_formats[] = {"raw", "qcow2"};
static const char *const disk_controllers[] = {"ide", "ahci"};

const char *dom_boot_type_name(enum dom_boot_type t)
{
	return boot_types[t];
}

const char *dom_firmware_name(enum dom_firmware f)
{
	return firmwares[f];
}

const char *dom_disk_format_name(enum dom_disk_format f)
{
	return disk_formats[f];
}

const char *dom_disk_controller_name(enum dom_disk_controller c)
{
	return disk_controllers[c];
}

static json_t *boot_to_json(const struct dom_boot *b)
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

static json_t *spec_arrays(const struct dom_spec *s, json_t **disks, json_t **nics)
{
	json_t *pins = json_array(), *pci = json_array();

	*disks = json_array();
	*nics = json_array();
	for (unsigned v = 0; v < s->npins; v++) {
		json_t *row = json_array();
		for (unsigned k = 0; k < s->pins[v].n; k++)
			json_array_append_new(row, json_integer(s->pins[v].cpu[k]));
		json_array_append_new(pins, row);
	}
	for (unsigned i = 0; i < s->ndisks; i++)
		json_array_append_new(*disks,
				      json_pack("{s:s, s:s, s:s, s:b}", "id", s->disks[i].id,
						"path", s->disks[i].path, "format",
						dom_disk_format_name(s->disks[i].format),
						"readonly", s->disks[i].readonly));
	for (unsigned i = 0; i < s->nnics; i++)
		json_array_append_new(*nics,
				      json_pack("{s:s, s:s, s:s}", "id", s->nics[i].id, "mac",
						s->nics[i].mac, "bridge", s->nics[i].bridge));
	for (unsigned i = 0; i < s->npci; i++)
		json_array_append_new(pci, json_string(s->pci[i]));
	return json_pack("{s:o, s:o}", "pinning", pins, "pci", pci);
}

json_t *domain_record_json(const struct domain *d)
{
	const struct dom_spec *s = &d->spec;
	json_t *disks, *nics, *arrays = spec_arrays(s, &disks, &nics);
	json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:I, s:{s:i, s:i}, s:O, s:o, s:o, s:o, s:O}",
			      "name", s->name, "vcpus", (json_int_t)s->vcpus, "max_vcpus",
			      (json_int_t)s->max_vcpus, "memory_mib", (json_int_t)s->memory_mib,
			      "memory_target_mib", (json_int_t)s->memory_target_mib, "sched",
			      "weight", (int)s->weight, "cap", (int)s->cap, "pinning",
			      json_object_get(arrays, "pinning"), "boot", boot_to_json(&s->boot),
			      "disks", disks, "nics", nics, "pci", json_object_get(arrays, "pci"));

	json_decref(arrays);
	if (!o)
		return NULL;
	json_object_set_new(o, "id", json_string(d->id));
	json_object_set_new(o, "state", json_string(dom_state_name(d->state)));
	json_object_set_new(o, "domid", d->domid >= 0 ? json_integer(d->domid) : json_null());
	json_object_set_new(o, "generation", json_integer((json_int_t)d->generation));
	json_object_set_new(o, "created_at", json_string(d->created_at));
	json_object_set_new(o, "updated_at", json_string(d->updated_at));
	json_object_set_new(o, "job_id", d->job_id[0] ? json_string(d->job_id) : json_null());
	return o;
}

/* --- reading a record back: every string and array checked against its room --- */

static int get_str(const json_t *o, const char *key, char *out, size_t size, bool required)
{
	const json_t *v = json_object_get(o, key);

	if (!v && !required) {
		out[0] = '\0';
		return 0;
	}
	if (!json_is_string(v) || json_string_length(v) >= size ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return -EINVAL;
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static int get_uint(const json_t *o, const char *key, uint64_t max, uint64_t *out)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max)
		return -EINVAL;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int get_unsigned(const json_t *o, const char *key, unsigned max, unsigned *out)
{
	uint64_t v = 0;
	int rc = get_uint(o, key, max, &v);

	*out = (unsigned)v;
	return rc;
}

static int get_name(const json_t *o, const char *key, const char *const names[], unsigned n,
		    unsigned *out)
{
	const char *s = json_string_value(json_object_get(o, key));

	for (unsigned i = 0; s && i < n; i++)
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	return -EINVAL;
}

/* An array of at most max items (absent: none): its length, or -EINVAL. */
static int get_array(const json_t *o, const char *key, unsigned max, unsigned *n)
{
	const json_t *a = json_object_get(o, key);

	*n = a ? (unsigned)json_array_size(a) : 0;
	return (a && !json_is_array(a)) || *n > max ? -EINVAL : 0;
}

static int boot_from_record(const json_t *b, struct dom_boot *out)
{
	unsigned t, fw = 0, dc = DC_IDE;
	int rc = get_name(b, "type", boot_types, ARRAY_SIZE(boot_types), &t);

	if (rc)
		return rc;
	out->type = (enum dom_boot_type)t;
	if (out->type == BOOT_TIME)
		return 0;
	if (out->type == BOOT_HVM) {
		rc = get_name(b, "firmware", firmwares, ARRAY_SIZE(firmwares), &fw);
		/* A record from before the choice has none: IDE, as it ran then. */
		if (!rc && json_object_get(b, "disk_controller"))
			rc = get_name(b, "disk_controller", disk_controllers,
				      ARRAY_SIZE(disk_controllers), &dc);
		out->firmware = (enum dom_firmware)fw;
		out->disk_controller = (enum dom_disk_controller)dc;
		return rc;
	}
	return get_str(b, "kernel", out->kernel, sizeof(out->kernel), true)
		   ?: get_str(b, "cmdline", out->cmdline, sizeof(out->cmdline), false)
		   ?: get_str(b, "initrd", out->initrd, sizeof(out->initrd), false);
}

static int devices_from_record(const json_t *o, struct dom_spec *s)
{
	int rc = get_array(o, "disks", DOM_MAX_DISKS, &s->ndisks)
		     ?: get_array(o, "nics", DOM_MAX_NICS, &s->nnics)
		     ?: get_array(o, "pci", DOM_MAX_PCI, &s->npci);

	for (unsigned i = 0; !rc && i < s->ndisks; i++) {
		const json_t *v = json_array_get(json_object_get(o, "disks"), i);
		unsigned fmt = 0;
		struct dom_disk *dk = &s->disks[i];
		rc = get_str(v, "id", dk->id, sizeof(dk->id), true)
			 ?: get_str(v, "path", dk->path, sizeof(dk->path), true)
			 ?: get_name(v, "format", disk_formats, ARRAY_SIZE(disk_formats), &fmt);
		dk->format = (enum dom_disk_format)fmt;
		dk->readonly = json_is_true(json_object_get(v, "readonly"));
	}
	for (unsigned i = 0; !rc && i < s->nnics; i++) {
		const json_t *v = json_array_get(json_object_get(o, "nics"), i);
		struct dom_nic *nic = &s->nics[i];
		rc = get_str(v, "id", nic->id, sizeof(nic->id), true)
			 ?: get_str(v, "mac", nic->mac, sizeof(nic->mac), true)
			 ?: get_str(v, "bridge", nic->bridge, sizeof(nic->bridge), true);
	}
	for (unsigned i = 0; !rc && i < s->npci; i++) {
		const json_t *v = json_array_get(json_object_get(o, "pci"), i);
		if (!json_is_string(v) || json_string_length(v) != DOM_BDF_LEN)
			return -EINVAL;
		memcpy(s->pci[i], json_string_value(v), DOM_BDF_LEN + 1);
	}
	return rc;
}

static int pins_from_record(const json_t *o, struct dom_spec *s)
{
	int rc = get_array(o, "pinning", s->max_vcpus, &s->npins);

	for (unsigned v = 0; !rc && v < s->npins; v++) {
		const json_t *row = json_array_get(json_object_get(o, "pinning"), v);
		size_t k;
		json_t *cpu;
		if (!json_is_array(row) || json_array_size(row) > HOST_MAX_CPUS)
			return -EINVAL;
		json_array_foreach(row, k, cpu) {
			if (!json_is_integer(cpu) || json_integer_value(cpu) < 0 ||
			    json_integer_value(cpu) >= HOST_MAX_CPUS)
				return -EINVAL;
			s->pins[v].cpu[k] = (uint8_t)json_integer_value(cpu);
		}
		s->pins[v].n = (unsigned)json_array_size(row);
	}
	return rc;
}

int domain_from_json(const json_t *o, struct domain *d)
{
	struct dom_spec *s = &d->spec;
	const json_t *sched = json_object_get(o, "sched");
	const char *state = json_string_value(json_object_get(o, "state"));
	uint64_t v;
	int rc;

	if (!state || dom_state_parse(state, &d->state))
		return -EINVAL;
	rc = get_str(o, "id", d->id, sizeof(d->id), true)
		 ?: get_uint(o, "generation", INT64_MAX, &d->generation)
		 ?: get_str(o, "created_at", d->created_at, sizeof(d->created_at), false)
		 ?: get_str(o, "updated_at", d->updated_at, sizeof(d->updated_at), false);
	if (rc)
		return rc;
	d->domid = json_is_integer(json_object_get(o, "domid")) && !get_uint(o, "domid", 0x7fef, &v)
		       ? (int)v
		       : -1;
	if (json_is_string(json_object_get(o, "job_id")))
		rc = get_str(o, "job_id", d->job_id, sizeof(d->job_id), true);
	else
		d->job_id[0] = '\0';
	rc = rc ?: get_str(o, "name", s->name, sizeof(s->name), true)
		 ?: get_unsigned(o, "max_vcpus", DOM_MAX_VCPUS, &s->max_vcpus)
		 ?: get_unsigned(o, "vcpus", s->max_vcpus, &s->vcpus)
		 ?: get_uint(o, "memory_mib", DOM_MAX_MEMORY_MIB, &s->memory_mib)
		 ?: get_uint(o, "memory_target_mib", s->memory_mib, &s->memory_target_mib)
		 ?: get_unsigned(sched, "weight", DOM_SCHED_MAX_WEIGHT, &s->weight)
		 ?: get_unsigned(sched, "cap", 100 * DOM_MAX_VCPUS, &s->cap)
		 ?: boot_from_record(json_object_get(o, "boot"), &s->boot)
		 ?: pins_from_record(o, s) ?: devices_from_record(o, s);
	return rc;
}

char *domain_record_text(const struct domain *d)
{
	json_t *o = domain_record_json(d);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	return text;
}

int domain_from_text(const char *text, size_t len, struct domain *d)
{
	json_t *o = json_loadb(text, len, 0, NULL);
	int rc = o ? domain_from_json(o, d) : -EINVAL;

	json_decref(o);
	return rc;
}
