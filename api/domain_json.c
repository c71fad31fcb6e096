// SPDX-License-Identifier: MIT
#include "domain_json.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

static bool looks_like_uuid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

bool check_domain_name(const char *s)
{
	/* Names and ids share /v1/domains/{id}: a name must not look like an id. */
	if (!isalnum((unsigned char)s[0]) || looks_like_uuid(s))
		return false;
	for (; *s; s++)
		if (!is_name_char(*s))
			return false;
	return true;
}

bool check_abs_path(const char *s)
{
	size_t n = strlen(s);

	/* No way out of the directory it names: no ".." components. */
	if (s[0] != '/' || strstr(s, "/../") || (n >= 3 && !strcmp(s + n - 3, "/..")))
		return false;
	return check_printable(s);
}

bool check_bdf(const char *s)
{
	/* dddd:bb:ss.f, lower-case hex */
	static const char shape[] = "xxxx:xx:xx.x";

	if (strlen(s) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i]; i++) {
		if (shape[i] == 'x' ? !isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i])
				    : s[i] != shape[i])
			return false;
	}
	return s[11] >= '0' && s[11] <= '7' && (s[8] >= '0' && s[8] <= '1');
}

bool check_mac(const char *s)
{
	if (strlen(s) != 17)
		return false;
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2 ? s[i] != ':'
			       : !isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	}
	/* A unicast address. */
	return !(strtol((char[3]){s[0], s[1], 0}, NULL, 16) & 1);
}

static bool check_vdev(const char *s)
{
	return strlen(s) == 4 && !strncmp(s, "xvd", 3) && s[3] >= 'a' && s[3] <= 'z';
}

static bool check_nic_id(const char *s)
{
	return strlen(s) == 1 && s[0] >= '0' && s[0] < '0' + DOM_MAX_NICS;
}

static bool check_bridge(const char *s)
{
	if (strlen(s) > 15)
		return false;
	for (; *s; s++)
		if (!is_name_char(*s))
			return false;
	return true;
}

static bool check_format(const char *s)
{
	return !strcmp(s, "raw") || !strcmp(s, "qcow2");
}

static bool check_firmware(const char *s)
{
	return !strcmp(s, "seabios") || !strcmp(s, "ovmf");
}

static bool check_boot_type(const char *s)
{
	return !strcmp(s, "pvh") || !strcmp(s, "hvm");
}

json_t *disk_from_json(const json_t *in, const char *ptr, struct verr *e)
{
	static const char *const allowed[] = {"id", "path", "format", "readonly", NULL};
	const char *id = NULL, *path = NULL, *format = "raw";
	bool ro = false;

	if (!json_is_object(in))
		return verr_set(e, ptr, NULL, "must be an object"), NULL;
	if (jv_only(in, ptr, allowed, e) ||
	    jv_str(in, "id", ptr, true, 4, check_vdev, "xvda to xvdz", &id, e) ||
	    jv_str(in, "path", ptr, true, 255, check_abs_path, "an absolute path", &path, e) ||
	    jv_str(in, "format", ptr, false, 8, check_format, "raw or qcow2", &format, e) ||
	    jv_bool(in, "readonly", ptr, &ro, e))
		return NULL;
	return json_pack("{s:s, s:s, s:s, s:b}", "id", id, "path", path, "format", format,
			 "readonly", ro);
}

json_t *nic_from_json(const json_t *in, const char *ptr, struct verr *e)
{
	static const char *const allowed[] = {"id", "mac", "bridge", NULL};
	const char *id = NULL, *mac = NULL, *bridge = "xenbr0";
	char gen[18];

	if (!json_is_object(in))
		return verr_set(e, ptr, NULL, "must be an object"), NULL;
	if (jv_only(in, ptr, allowed, e) ||
	    jv_str(in, "id", ptr, true, 1, check_nic_id, "\"0\" to \"7\"", &id, e) ||
	    jv_str(in, "mac", ptr, false, 17, check_mac,
		   "a unicast MAC address in lower-case hex, aa:bb:cc:dd:ee:ff", &mac, e) ||
	    jv_str(in, "bridge", ptr, false, 15, check_bridge,
		   "a bridge name (letters, digits, '-', '_', '.')", &bridge, e))
		return NULL;
	if (!mac) {
		/* Xen's OUI, as Xen tools do. */
		unsigned char r[3] = {0};
		if (getrandom(r, sizeof(r), 0) != sizeof(r))
			return verr_set(e, ptr, "mac", "could not generate a MAC address"), NULL;
		snprintf(gen, sizeof(gen), "00:16:3e:%02x:%02x:%02x", r[0] & 0x7f, r[1], r[2]);
		mac = gen;
	}
	return json_pack("{s:s, s:s, s:s}", "id", id, "mac", mac, "bridge", bridge);
}

static json_t *boot_from_json(const json_t *in, struct verr *e)
{
	static const char *const pvh[] = {"type", "kernel", "cmdline", "initrd", NULL};
	static const char *const hvm[] = {"type", "firmware", NULL};
	const char *type = NULL, *kernel = NULL, *cmdline = "", *initrd = "", *fw = "seabios";

	if (!in)
		return verr_set(e, "", "boot", "required"), NULL;
	if (!json_is_object(in))
		return verr_set(e, "", "boot", "must be an object"), NULL;
	if (jv_str(in, "type", "/boot", true, 3, check_boot_type, "pvh or hvm", &type, e))
		return NULL;
	if (!strcmp(type, "pvh")) {
		if (jv_only(in, "/boot", pvh, e) ||
		    jv_str(in, "kernel", "/boot", true, 255, check_abs_path, "an absolute path",
			   &kernel, e) ||
		    jv_str(in, "cmdline", "/boot", false, 1024, NULL, "printable text", &cmdline,
			   e) ||
		    jv_str(in, "initrd", "/boot", false, 255, check_abs_path, "an absolute path",
			   &initrd, e))
			return NULL;
		return json_pack("{s:s, s:s, s:s, s:s}", "type", type, "kernel", kernel, "cmdline",
				 cmdline, "initrd", initrd);
	}
	if (jv_only(in, "/boot", hvm, e) ||
	    jv_str(in, "firmware", "/boot", false, 8, check_firmware, "seabios or ovmf", &fw, e))
		return NULL;
	return json_pack("{s:s, s:s}", "type", type, "firmware", fw);
}

/* {"weight", "cap"}: each one present is checked into *weight / *cap and flagged in has. */
static int sched_parse(const json_t *in, unsigned *weight, unsigned *cap, bool has[2],
		       struct verr *e)
{
	static const char *const allowed[] = {"weight", "cap", NULL};
	uint64_t w = *weight, c = *cap;

	if (!json_is_object(in))
		return verr_set(e, "/sched", NULL, "must be an object");
	if (jv_only(in, "/sched", allowed, e) ||
	    jv_uint(in, "weight", "/sched", false, 1, DOM_SCHED_MAX_WEIGHT, &w, e) ||
	    jv_uint(in, "cap", "/sched", false, 0, 100 * DOM_MAX_VCPUS, &c, e))
		return -EINVAL;
	has[0] = json_object_get(in, "weight") != NULL;
	has[1] = json_object_get(in, "cap") != NULL;
	*weight = (unsigned)w;
	*cap = (unsigned)c;
	return 0;
}

/* One list of CPU numbers per vCPU; into pins (when given) in the order written. */
static int pinning_parse(const json_t *in, uint64_t max_vcpus, struct vcpu_pin *pins,
			 unsigned *npins, struct verr *e)
{
	size_t i, k;
	json_t *row, *cpu;
	char ptr[64];

	if (!json_is_array(in))
		return verr_set(e, "", "pinning", "must be an array (one list of CPUs per vCPU)");
	if (json_array_size(in) > max_vcpus)
		return verr_set(e, "", "pinning", "has more entries than max_vcpus (%llu)",
				(unsigned long long)max_vcpus);
	json_array_foreach(in, i, row) {
		snprintf(ptr, sizeof(ptr), "/pinning/%zu", i);
		if (!json_is_array(row) || json_array_size(row) > HOST_MAX_CPUS)
			return verr_set(e, ptr, NULL, "must be an array of at most %d CPU numbers",
					HOST_MAX_CPUS);
		json_array_foreach(row, k, cpu) {
			if (!json_is_integer(cpu) || json_integer_value(cpu) < 0 ||
			    json_integer_value(cpu) >= HOST_MAX_CPUS) {
				snprintf(ptr, sizeof(ptr), "/pinning/%zu/%zu", i, k);
				return verr_set(e, ptr, NULL, "must be a CPU number from 0 to %d",
						HOST_MAX_CPUS - 1);
			}
			if (pins)
				pins[i].cpu[k] = (uint8_t)json_integer_value(cpu);
		}
		if (pins)
			pins[i].n = (unsigned)json_array_size(row);
	}
	if (npins)
		*npins = (unsigned)json_array_size(in);
	return 0;
}

static json_t *device_list(const json_t *in, const char *key, size_t max,
			   json_t *(*one)(const json_t *, const char *, struct verr *),
			   struct verr *e)
{
	json_t *out = json_array(), *item;
	size_t i;
	char ptr[64];

	if (!in)
		return out;
	if (!json_is_array(in) || json_array_size(in) > max) {
		json_decref(out);
		return verr_set(e, "", key, "must be an array of at most %zu items", max), NULL;
	}
	json_array_foreach(in, i, item) {
		json_t *d;
		snprintf(ptr, sizeof(ptr), "/%s/%zu", key, i);
		d = one(item, ptr, e);
		if (!d)
			goto fail;
		for (size_t k = 0; k < json_array_size(out); k++)
			if (!strcmp(
				json_string_value(json_object_get(json_array_get(out, k), "id")),
				json_string_value(json_object_get(d, "id")))) {
				json_decref(d);
				verr_set(e, ptr, "id", "duplicate id");
				goto fail;
			}
		json_array_append_new(out, d);
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}

static json_t *pci_list(const json_t *in, struct verr *e)
{
	json_t *out = json_array(), *item;
	size_t i;
	char ptr[32];

	if (!in)
		return out;
	if (!json_is_array(in) || json_array_size(in) > DOM_MAX_PCI) {
		json_decref(out);
		return verr_set(e, "", "pci", "must be an array of at most %d addresses",
				DOM_MAX_PCI),
		       NULL;
	}
	json_array_foreach(in, i, item) {
		snprintf(ptr, sizeof(ptr), "/pci/%zu", i);
		if (!json_is_string(item) || !check_bdf(json_string_value(item))) {
			json_decref(out);
			return verr_set(e, ptr, NULL, "must be a PCI address like 0000:03:00.0"),
			       NULL;
		}
		json_array_append(out, item);
	}
	return out;
}

json_t *domain_spec_from_create(const json_t *in, struct verr *e)
{
	static const char *const allowed[] = {
	    "name",  "vcpus",	"max_vcpus", "memory_mib", "memory_target_mib",
	    "sched", "pinning", "boot",	     "disks",	   "nics",
	    "pci",   NULL};
	const char *name = NULL;
	uint64_t vcpus = 0, maxv = 0, mem = 0, target = 0;
	json_t *spec = NULL, *boot = NULL, *disks = NULL, *nics = NULL, *pci = NULL, *pin;
	unsigned weight = 256, cap = 0;
	bool has[2];

	if (jv_only(in, "", allowed, e) ||
	    jv_str(
		in, "name", "", true, 63, check_domain_name,
		"letters, digits, '-', '_', '.', starting with a letter or digit, and not a UUID",
		&name, e) ||
	    jv_uint(in, "vcpus", "", true, 1, DOM_MAX_VCPUS, &vcpus, e))
		goto fail;
	maxv = vcpus;
	if (jv_uint(in, "max_vcpus", "", false, vcpus, DOM_MAX_VCPUS, &maxv, e) ||
	    jv_uint(in, "memory_mib", "", true, DOM_MIN_MEMORY_MIB, DOM_MAX_MEMORY_MIB, &mem, e))
		goto fail;
	target = mem;
	if (jv_uint(in, "memory_target_mib", "", false, DOM_MIN_MEMORY_MIB, mem, &target, e))
		goto fail;
	if (json_object_get(in, "sched") &&
	    sched_parse(json_object_get(in, "sched"), &weight, &cap, has, e))
		goto fail;
	if (json_object_get(in, "pinning") &&
	    pinning_parse(json_object_get(in, "pinning"), maxv, NULL, NULL, e))
		goto fail;
	boot = boot_from_json(json_object_get(in, "boot"), e);
	if (!boot)
		goto fail;
	disks =
	    device_list(json_object_get(in, "disks"), "disks", DOM_MAX_DISKS, disk_from_json, e);
	if (!disks)
		goto fail;
	nics = device_list(json_object_get(in, "nics"), "nics", DOM_MAX_NICS, nic_from_json, e);
	if (!nics)
		goto fail;
	pci = pci_list(json_object_get(in, "pci"), e);
	if (!pci)
		goto fail;
	pin = json_object_get(in, "pinning") ? json_deep_copy(json_object_get(in, "pinning"))
					     : json_array();
	spec = json_pack("{s:s, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o}", "name", name,
			 "vcpus", (json_int_t)vcpus, "max_vcpus", (json_int_t)maxv, "memory_mib",
			 (json_int_t)mem, "memory_target_mib", (json_int_t)target, "sched",
			 json_pack("{s:i, s:i}", "weight", (int)weight, "cap", (int)cap), "pinning",
			 pin, "boot", boot, "disks", disks, "nics", nics, "pci", pci);
	return spec;
fail:
	json_decref(boot);
	json_decref(disks);
	json_decref(nics);
	json_decref(pci);
	return NULL;
}

int domain_patch_from_json(const json_t *in, unsigned max_vcpus, uint64_t memory_mib,
			   struct dom_patch *out, struct verr *e)
{
	static const char *const allowed[] = {"vcpus", "memory_target_mib", "sched", "pinning",
					      NULL};
	const json_t *sched = json_object_get(in, "sched");
	const json_t *pinning = json_object_get(in, "pinning");
	uint64_t v;

	memset(out, 0, sizeof(*out));
	if (jv_only(in, "", allowed, e))
		return -EINVAL;
	if (!json_object_size(in))
		return verr_set(e, "", NULL, "nothing to change");
	out->has_vcpus = json_object_get(in, "vcpus") != NULL;
	if (jv_uint(in, "vcpus", "", false, 1, max_vcpus, &v, e))
		return -EINVAL;
	out->vcpus = (unsigned)v;
	out->has_memory_target = json_object_get(in, "memory_target_mib") != NULL;
	if (jv_uint(in, "memory_target_mib", "", false, DOM_MIN_MEMORY_MIB, memory_mib,
		    &out->memory_target_mib, e))
		return -EINVAL;
	if (sched) {
		bool has[2];
		if (sched_parse(sched, &out->weight, &out->cap, has, e))
			return -EINVAL;
		out->has_weight = has[0];
		out->has_cap = has[1];
	}
	out->has_pinning = pinning != NULL;
	if (pinning && pinning_parse(pinning, max_vcpus, out->pins, &out->npins, e))
		return -EINVAL;
	return 0;
}

int action_options(const json_t *in, const char *action, unsigned default_timeout,
		   unsigned *timeout_s, struct verr *e)
{
	static const char *const with_timeout[] = {"timeout_s", NULL};
	static const char *const none[] = {NULL};
	bool graceful = !strcmp(action, "shutdown") || !strcmp(action, "reboot");
	uint64_t t = default_timeout;

	*timeout_s = default_timeout;
	if (!in)
		return 0;
	if (jv_only(in, "", graceful ? with_timeout : none, e) ||
	    jv_uint(in, "timeout_s", "", false, 0, 3600, &t, e))
		return -EINVAL;
	*timeout_s = (unsigned)t;
	return 0;
}
