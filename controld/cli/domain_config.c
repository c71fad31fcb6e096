// SPDX-License-Identifier: MIT
#include "domain_config.h"
#include "size_text.h"
#include "../util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int int_value(const char *v, json_int_t *out)
{
	char *end;
	long long n;

	if (!isdigit((unsigned char)*v))
		return -EINVAL;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || *end || n > (1ll << 40))
		return -EINVAL;
	*out = n;
	return 0;
}

/*
 * A memory size: N with an optional binary suffix (as the hypervisor's mem= module option
 * takes them), a bare N meaning MiB. In whole MiB, into *mib.
 */
static int size_value(const char *v, json_int_t *mib)
{
	uint64_t bytes;
	int rc = size_text_parse(v, 20, &bytes);

	if (rc)
		return rc;
	if (bytes % (1u << 20))
		return -EDOM;
	*mib = (json_int_t)(bytes >> 20);
	return 0;
}

static json_t *boot_of(json_t *o)
{
	json_t *b = json_object_get(o, "boot");

	if (!b) {
		b = json_object();
		json_object_set_new(o, "boot", b);
	}
	return b;
}

static json_t *list_of(json_t *o, const char *key)
{
	json_t *a = json_object_get(o, key);

	if (!a) {
		a = json_array();
		json_object_set_new(o, key, a);
	}
	return a;
}

/* "xvda:/path[:ro]" */
static json_t *disk_of(char *v)
{
	char *path = strchr(v, ':'), *ro;

	if (!path)
		return NULL;
	*path++ = '\0';
	ro = strrchr(path, ':');
	if (ro && !strcmp(ro, ":ro"))
		*ro = '\0';
	else
		ro = NULL;
	return json_pack("{s:s, s:s, s:b}", "id", v, "path", path, "readonly", ro != NULL);
}

/* "0[:bridge[:mac]]": the MAC has colons of its own, so split twice only. */
static json_t *nic_of(char *v)
{
	char *bridge = strchr(v, ':'), *mac = NULL;
	json_t *n;

	if (bridge) {
		*bridge++ = '\0';
		mac = strchr(bridge, ':');
		if (mac)
			*mac++ = '\0';
	}
	n = json_pack("{s:s}", "id", v);
	if (bridge && *bridge)
		json_object_set_new(n, "bridge", json_string(bridge));
	if (mac && *mac)
		json_object_set_new(n, "mac", json_string(mac));
	return n;
}

/* Applies one line; on a bad value, *why says what a good one looks like. */
static int set_line(json_t *o, const char *key, char *v, const char **why)
{
	json_int_t n;
	json_t *item;
	int rc;

	if (!strcmp(key, "name"))
		return json_object_set_new(o, "name", json_string(v));
	if (!strcmp(key, "vcpus") || !strcmp(key, "max_vcpus")) {
		*why = "a whole number";
		if (int_value(v, &n))
			return -EINVAL;
		return json_object_set_new(o, key, json_integer(n));
	}
	if (!strcmp(key, "memory") || !strcmp(key, "memory_target")) {
		rc = size_value(v, &n);
		*why = rc == -EDOM ? "a whole number of MiB"
		       : rc ? "a size: N[K|M|G|T] (binary units; a bare N is MiB), e.g. 512M or 2G"
			    : NULL;
		if (rc)
			return -EINVAL;
		return json_object_set_new(
		    o, !strcmp(key, "memory") ? "memory_mib" : "memory_target_mib",
		    json_integer(n));
	}
	if (!strcmp(key, "kernel") || !strcmp(key, "cmdline") || !strcmp(key, "initrd")) {
		json_object_set_new(boot_of(o), "type", json_string("pvh"));
		return json_object_set_new(boot_of(o), key, json_string(v));
	}
	if (!strcmp(key, "firmware") || !strcmp(key, "disk_controller")) {
		json_object_set_new(boot_of(o), "type", json_string("hvm"));
		return json_object_set_new(boot_of(o), key, json_string(v));
	}
	if (!strcmp(key, "disk")) {
		*why = "ID:PATH[:ro], e.g. xvda:/var/lib/keel/web1.img";
		item = disk_of(v);
	} else if (!strcmp(key, "nic"))
		item = nic_of(v);
	else if (!strcmp(key, "pci"))
		item = json_string(v);
	else
		return -ENOENT;
	if (!item)
		return -EINVAL;
	return json_array_append_new(list_of(o, !strcmp(key, "disk")  ? "disks"
						: !strcmp(key, "nic") ? "nics"
								      : "pci"),
				     item);
}

static int domain_line(void *arg, unsigned lineno, char *key, char *value, char *err, size_t errlen)
{
	const char *why = NULL;
	int rc = set_line(arg, key, value, &why);

	if (rc == -ENOENT)
		snprintf(err, errlen,
			 "line %u: unknown key '%s' (keys: name, vcpus, max_vcpus, memory, "
			 "memory_target, kernel, cmdline, initrd, firmware, disk_controller, disk, "
			 "nic, pci)",
			 lineno, key);
	else if (rc)
		snprintf(err, errlen, "line %u: %s = %.40s: want %s", lineno, key, value,
			 why ? why : "a value");
	return rc ? -EINVAL : 0;
}

json_t *domain_config_parse(const char *text, size_t len, char *err, size_t errlen)
{
	json_t *o;
	size_t pos = 0;

	while (pos < len && isspace((unsigned char)text[pos]))
		pos++;
	if (pos < len && text[pos] == '{') {
		json_error_t je;
		o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
		if (!o || !json_is_object(o)) {
			snprintf(err, errlen, "line %d: %s", je.line,
				 o ? "not an object" : je.text);
			json_decref(o);
			return NULL;
		}
		return o;
	}
	o = json_object();
	if (parse_kv_lines(text, len, domain_line, o, err, errlen))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}
