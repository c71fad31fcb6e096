// SPDX-License-Identifier: MIT
#include "domain_json.h"
#include "../controld/image_name.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
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

bool check_path_or_image(const char *s)
{
	return image_name_ok(s) || check_abs_path(s);
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

static bool check_disk_controller(const char *s)
{
	return !strcmp(s, "ide") || !strcmp(s, "ahci");
}

static bool check_boot_type(const char *s)
{
	return !strcmp(s, "pvh") || !strcmp(s, "hvm");
}

/* s has been checked to fit (jv_str's max) */
static void copy(char *dst, size_t size, const char *s)
{
	snprintf(dst, size, "%s", s);
}

int disk_from_json(const json_t *in, const char *ptr, struct dom_disk *out, struct verr *e)
{
	static const char *const allowed[] = {"id", "path", "format", "readonly", NULL};
	const char *id = NULL, *path = NULL, *format = "raw";
	bool ro = false;

	if (!json_is_object(in))
		return verr_set(e, ptr, NULL, "must be an object");
	if (jv_only(in, ptr, allowed, e) ||
	    jv_str(in, "id", ptr, true, 4, check_vdev, "xvda to xvdz", &id, e) ||
	    jv_str(in, "path", ptr, true, DOM_PATH_MAX, check_path_or_image,
		   "an absolute path or an image name", &path, e) ||
	    jv_str(in, "format", ptr, false, 8, check_format, "raw or qcow2", &format, e) ||
	    jv_bool(in, "readonly", ptr, &ro, e))
		return -EINVAL;
	copy(out->id, sizeof(out->id), id);
	copy(out->path, sizeof(out->path), path);
	out->format = !strcmp(format, "qcow2") ? DISK_QCOW2 : DISK_RAW;
	out->readonly = ro;
	return 0;
}

int nic_from_json(const json_t *in, const char *ptr, struct dom_nic *out, struct verr *e)
{
	static const char *const allowed[] = {"id", "mac", "bridge", NULL};
	const char *id = NULL, *mac = NULL, *bridge = "xenbr0";

	if (!json_is_object(in))
		return verr_set(e, ptr, NULL, "must be an object");
	if (jv_only(in, ptr, allowed, e) ||
	    jv_str(in, "id", ptr, true, 1, check_nic_id, "\"0\" to \"7\"", &id, e) ||
	    jv_str(in, "mac", ptr, false, 17, check_mac,
		   "a unicast MAC address in lower-case hex, aa:bb:cc:dd:ee:ff", &mac, e) ||
	    jv_str(in, "bridge", ptr, false, DOM_BRIDGE_MAX, check_bridge,
		   "a bridge name (letters, digits, '-', '_', '.')", &bridge, e))
		return -EINVAL;
	copy(out->id, sizeof(out->id), id);
	copy(out->bridge, sizeof(out->bridge), bridge);
	if (mac) {
		copy(out->mac, sizeof(out->mac), mac);
	} else {
		/* Xen's OUI, as Xen tools do. */
		unsigned char r[3] = {0};
		if (getrandom(r, sizeof(r), 0) != sizeof(r))
			return verr_set(e, ptr, "mac", "could not generate a MAC address");
		snprintf(out->mac, sizeof(out->mac), "00:16:3e:%02x:%02x:%02x", r[0] & 0x7f, r[1],
			 r[2]);
	}
	return 0;
}

static int boot_from_json(const json_t *in, struct dom_boot *out, struct verr *e)
{
	static const char *const pvh[] = {"type", "kernel", "cmdline", "initrd", NULL};
	static const char *const hvm[] = {"type", "firmware", "disk_controller", NULL};
	const char *type = NULL, *kernel = NULL, *cmdline = "", *initrd = "", *fw = "seabios",
		   *dc = "ide";

	if (!in)
		return verr_set(e, "", "boot", "required");
	if (!json_is_object(in))
		return verr_set(e, "", "boot", "must be an object");
	if (jv_str(in, "type", "/boot", true, 3, check_boot_type, "pvh or hvm", &type, e))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!strcmp(type, "pvh")) {
		if (jv_only(in, "/boot", pvh, e) ||
		    jv_str(in, "kernel", "/boot", true, DOM_PATH_MAX, check_path_or_image,
			   "an absolute path or an image name", &kernel, e) ||
		    jv_str(in, "cmdline", "/boot", false, DOM_CMDLINE_MAX, NULL, "printable text",
			   &cmdline, e) ||
		    jv_str(in, "initrd", "/boot", false, DOM_PATH_MAX, check_path_or_image,
			   "an absolute path or an image name", &initrd, e))
			return -EINVAL;
		out->type = BOOT_PVH;
		copy(out->kernel, sizeof(out->kernel), kernel);
		copy(out->cmdline, sizeof(out->cmdline), cmdline);
		copy(out->initrd, sizeof(out->initrd), initrd);
		return 0;
	}
	if (jv_only(in, "/boot", hvm, e) ||
	    jv_str(in, "firmware", "/boot", false, 8, check_firmware, "seabios or ovmf", &fw, e) ||
	    jv_str(in, "disk_controller", "/boot", false, 4, check_disk_controller, "ide or ahci",
		   &dc, e))
		return -EINVAL;
	out->type = BOOT_HVM;
	out->firmware = !strcmp(fw, "ovmf") ? FW_OVMF : FW_SEABIOS;
	out->disk_controller = !strcmp(dc, "ahci") ? DC_AHCI : DC_IDE;
	return 0;
}

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

/* An optional array of at most max items at /key: its length, or -EINVAL with e set. */
static int array_member(const json_t *in, const char *key, size_t max, struct verr *e)
{
	const json_t *a = json_object_get(in, key);

	if (!a)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > max)
		return verr_set(e, "", key, "must be an array of at most %zu items", max);
	return (int)json_array_size(a);
}

/* devices_from_json compares ids at the start of each item. */
_Static_assert(offsetof(struct dom_disk, id) == 0 && offsetof(struct dom_nic, id) == 0,
	       "devices start with their id");

static int disk_item(const json_t *in, const char *ptr, void *out, struct verr *e)
{
	return disk_from_json(in, ptr, out, e);
}

static int nic_item(const json_t *in, const char *ptr, void *out, struct verr *e)
{
	return nic_from_json(in, ptr, out, e);
}

/*
 * The optional array of devices at /key (at most max) into items, each of size bytes, by
 * one(). Disks and NICs both start with their id, which must be unique.
 */
static int devices_from_json(const json_t *in, const char *key, unsigned max, void *items,
			     size_t size,
			     int (*one)(const json_t *, const char *, void *, struct verr *),
			     unsigned *n, struct verr *e)
{
	int count = array_member(in, key, max, e);
	char ptr[64], *base = items;

	*n = 0;
	for (int i = 0; i < count; i++) {
		snprintf(ptr, sizeof(ptr), "/%s/%d", key, i);
		if (one(json_array_get(json_object_get(in, key), (size_t)i), ptr,
			base + (size_t)i * size, e))
			return -EINVAL;
		for (int k = 0; k < i; k++)
			if (!strcmp(base + (size_t)k * size, base + (size_t)i * size))
				return verr_set(e, ptr, "id", "duplicate id");
		*n = (unsigned)i + 1;
	}
	return count < 0 ? count : 0;
}

static int pci_from_json(const json_t *in, struct dom_spec *out, struct verr *e)
{
	const json_t *a = json_object_get(in, "pci");
	char ptr[32];
	size_t i;
	json_t *item;

	out->npci = 0;
	if (!a)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > DOM_MAX_PCI)
		return verr_set(e, "", "pci", "must be an array of at most %d addresses",
				DOM_MAX_PCI);
	json_array_foreach(a, i, item) {
		snprintf(ptr, sizeof(ptr), "/pci/%zu", i);
		if (!json_is_string(item) || !check_bdf(json_string_value(item)))
			return verr_set(e, ptr, NULL, "must be a PCI address like 0000:03:00.0");
		copy(out->pci[out->npci++], sizeof(out->pci[0]), json_string_value(item));
	}
	return 0;
}

int domain_spec_from_json(const json_t *in, struct dom_spec *out, struct verr *e)
{
	static const char *const allowed[] = {
	    "name",  "vcpus",	"max_vcpus", "memory_mib", "memory_target_mib",
	    "sched", "pinning", "boot",	     "disks",	   "nics",
	    "pci",   NULL};
	const char *name = NULL;
	uint64_t vcpus = 0, maxv = 0, mem = 0, target = 0;
	bool has[2];

	memset(out, 0, sizeof(*out));
	if (jv_only(in, "", allowed, e) ||
	    jv_str(
		in, "name", "", true, DOM_NAME_MAX, check_domain_name,
		"letters, digits, '-', '_', '.', starting with a letter or digit, and not a UUID",
		&name, e) ||
	    jv_uint(in, "vcpus", "", true, 1, DOM_MAX_VCPUS, &vcpus, e))
		return -EINVAL;
	maxv = vcpus;
	if (jv_uint(in, "max_vcpus", "", false, vcpus, DOM_MAX_VCPUS, &maxv, e) ||
	    jv_uint(in, "memory_mib", "", true, DOM_MIN_MEMORY_MIB, DOM_MAX_MEMORY_MIB, &mem, e))
		return -EINVAL;
	target = mem;
	if (jv_uint(in, "memory_target_mib", "", false, DOM_MIN_MEMORY_MIB, mem, &target, e))
		return -EINVAL;
	copy(out->name, sizeof(out->name), name);
	out->vcpus = (unsigned)vcpus;
	out->max_vcpus = (unsigned)maxv;
	out->memory_mib = mem;
	out->memory_target_mib = target;
	out->weight = 256;
	if ((json_object_get(in, "sched") &&
	     sched_parse(json_object_get(in, "sched"), &out->weight, &out->cap, has, e)) ||
	    (json_object_get(in, "pinning") &&
	     pinning_parse(json_object_get(in, "pinning"), maxv, out->pins, &out->npins, e)) ||
	    boot_from_json(json_object_get(in, "boot"), &out->boot, e) ||
	    devices_from_json(in, "disks", DOM_MAX_DISKS, out->disks, sizeof(out->disks[0]),
			      disk_item, &out->ndisks, e) ||
	    devices_from_json(in, "nics", DOM_MAX_NICS, out->nics, sizeof(out->nics[0]), nic_item,
			      &out->nnics, e) ||
	    pci_from_json(in, out, e))
		return -EINVAL;
	return 0;
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
	/* One body for every action (the contract cannot tell them apart): timeout_s is
	 * accepted by all, and only shutdown and reboot have a grace period to bound. */
	static const char *const with_timeout[] = {"timeout_s", NULL};
	uint64_t t = default_timeout;

	(void)action;
	*timeout_s = default_timeout;
	if (!in)
		return 0;
	if (jv_only(in, "", with_timeout, e) || jv_uint(in, "timeout_s", "", false, 0, 3600, &t, e))
		return -EINVAL;
	*timeout_s = (unsigned)t;
	return 0;
}
