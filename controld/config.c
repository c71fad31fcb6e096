// SPDX-License-Identifier: MIT
#include "config.h"
#include "log.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef KEEL_UI_DIR
#define KEEL_UI_DIR "/usr/share/keel/ui"
#endif

void config_defaults(struct controld_config *c)
{
	memset(c, 0, sizeof(*c));
	str_copy(c->unix_socket, "/run/keel/controld.sock", sizeof(c->unix_socket));
	c->shutdown_timeout_s = 60;
	c->drain_timeout_s = 10;
	str_copy(c->pci_sysfs, "/sys/bus/pci/devices", sizeof(c->pci_sysfs));
	c->request_log = 1;
	c->log_level = LOG_LVL_INFO;
	c->max_connections = 1024;
	c->max_connections_per_client = 64;
	c->request_timeout_s = 10;
	str_copy(c->ui_dir, KEEL_UI_DIR, sizeof(c->ui_dir));
	str_copy(c->images_dir, "/var/lib/keel/images", sizeof(c->images_dir));
	c->image_max_mib = 4096;
	/* Debian's packages: xen-utils-4.17, seabios, qemu-system-xen. */
	str_copy(c->hvmloader, "/usr/lib/xen-4.17/boot/hvmloader", sizeof(c->hvmloader));
	str_copy(c->seabios, "/usr/share/seabios/bios-256k.bin", sizeof(c->seabios));
	str_copy(c->qemu, "/usr/libexec/xen-qemu-system-i386", sizeof(c->qemu));
	str_copy(c->qemu_run_dir, "/run/keel/qemu", sizeof(c->qemu_run_dir));
	c->qemu_start_timeout_s = 60;
}

static int parse_uint(const char *v, unsigned min, unsigned max, unsigned *out)
{
	char *end;
	unsigned long n;

	if (!isdigit((unsigned char)*v))
		return -EINVAL;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || *end || n < min || n > max)
		return -EINVAL;
	*out = (unsigned)n;
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0"))
		*out = 0;
	else
		return -EINVAL;
	return 0;
}

/* "host:port" or "[v6]:port"; an empty value turns TCP off. */
static int parse_listen(struct controld_config *c, const char *v)
{
	const char *colon = strrchr(v, ':');
	const char *host = v;
	size_t hlen;

	if (!*v) {
		c->tcp_host[0] = '\0';
		c->tcp_port = 0;
		return 0;
	}
	if (!colon || parse_uint(colon + 1, 0, 65535, &c->tcp_port))
		return -EINVAL;
	hlen = (size_t)(colon - v);
	if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
		host++;
		hlen -= 2;
	}
	if (!hlen || hlen >= sizeof(c->tcp_host))
		return -EINVAL;
	memcpy(c->tcp_host, host, hlen);
	c->tcp_host[hlen] = '\0';
	return 0;
}

static int set_path(char *dst, size_t size, const char *v)
{
	if (strlen(v) >= size)
		return -ENAMETOOLONG;
	str_copy(dst, v, size);
	return 0;
}

/* "" or "UID:GID", both decimal: QEMU's -runas takes that form without a passwd entry. */
static int parse_runas(const char *v, char *out, size_t size)
{
	unsigned uid, gid;
	char tail;

	if (*v && (sscanf(v, "%u:%u%c", &uid, &gid, &tail) != 2 || !isdigit((unsigned char)*v) ||
		   !uid || !gid))
		return -EINVAL;
	return set_path(out, size, v);
}

int config_set(struct controld_config *c, const char *key, const char *v, char *err, size_t errlen)
{
	unsigned u;
	int rc = -EINVAL;

	if (!strcmp(key, "unix_socket"))
		rc = set_path(c->unix_socket, sizeof(c->unix_socket), v);
	else if (!strcmp(key, "listen"))
		rc = parse_listen(c, v);
	else if (!strcmp(key, "tls_cert"))
		rc = set_path(c->tls_cert, sizeof(c->tls_cert), v);
	else if (!strcmp(key, "tls_key"))
		rc = set_path(c->tls_key, sizeof(c->tls_key), v);
	else if (!strcmp(key, "tls_generate"))
		rc = parse_bool(v, &c->tls_generate);
	else if (!strcmp(key, "shutdown_timeout"))
		rc = parse_uint(v, 0, 86400, &c->shutdown_timeout_s);
	else if (!strcmp(key, "drain_timeout"))
		rc = parse_uint(v, 0, 3600, &c->drain_timeout_s);
	else if (!strcmp(key, "pci_sysfs"))
		rc = set_path(c->pci_sysfs, sizeof(c->pci_sysfs), v);
	else if (!strcmp(key, "ui_dir"))
		rc = set_path(c->ui_dir, sizeof(c->ui_dir), v);
	else if (!strcmp(key, "images_dir"))
		rc = set_path(c->images_dir, sizeof(c->images_dir), v);
	else if (!strcmp(key, "image_max_mib"))
		rc = parse_uint(v, 1, 1024 * 1024, &c->image_max_mib);
	else if (!strcmp(key, "hvmloader"))
		rc = set_path(c->hvmloader, sizeof(c->hvmloader), v);
	else if (!strcmp(key, "seabios"))
		rc = set_path(c->seabios, sizeof(c->seabios), v);
	else if (!strcmp(key, "qemu"))
		rc = set_path(c->qemu, sizeof(c->qemu), v);
	else if (!strcmp(key, "qemu_user"))
		rc = parse_runas(v, c->qemu_user, sizeof(c->qemu_user));
	else if (!strcmp(key, "qemu_user_base"))
		rc = parse_runas(v, c->qemu_user_base, sizeof(c->qemu_user_base));
	else if (!strcmp(key, "qemu_run_dir"))
		rc = set_path(c->qemu_run_dir, sizeof(c->qemu_run_dir), v);
	else if (!strcmp(key, "qemu_start_timeout"))
		rc = parse_uint(v, 1, 3600, &c->qemu_start_timeout_s);
	else if (!strcmp(key, "request_log"))
		rc = parse_bool(v, &c->request_log);
	else if (!strcmp(key, "max_connections"))
		rc = parse_uint(v, 1, 100000, &c->max_connections);
	else if (!strcmp(key, "max_connections_per_client"))
		rc = parse_uint(v, 1, 100000, &c->max_connections_per_client);
	else if (!strcmp(key, "request_timeout"))
		rc = parse_uint(v, 1, 3600, &c->request_timeout_s);
	else if (!strcmp(key, "log_level")) {
		static const char *const lv[] = {"error", "warn", "info", "debug"};
		for (u = 0; u < ARRAY_SIZE(lv); u++)
			if (!strcmp(v, lv[u])) {
				c->log_level = (int)u;
				rc = 0;
			}
	} else {
		snprintf(err, errlen, "unknown setting '%s'", key);
		return -EINVAL;
	}
	if (rc)
		snprintf(err, errlen, "bad value '%s' for %s", v, key);
	return rc ? -EINVAL : 0;
}

static int config_line(void *arg, unsigned lineno, char *key, char *value, char *err, size_t errlen)
{
	char msg[256];

	if (config_set(arg, key, value, msg, sizeof(msg))) {
		snprintf(err, errlen, "line %u: %s", lineno, msg);
		return -EINVAL;
	}
	return 0;
}

int config_parse(struct controld_config *c, const char *text, size_t len, char *err, size_t errlen)
{
	return parse_kv_lines(text, len, config_line, c, err, errlen);
}

int config_load_file(struct controld_config *c, const char *path, char *err, size_t errlen)
{
	char buf[65536];
	size_t len;
	FILE *f = fopen(path, "r");
	int rc;

	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	len = fread(buf, 1, sizeof(buf), f);
	rc = ferror(f) || !feof(f) ? -EFBIG : 0;
	fclose(f);
	if (rc) {
		snprintf(err, errlen, "%s: unreadable or larger than %zu bytes", path, sizeof(buf));
		return rc;
	}
	rc = config_parse(c, buf, len, err, errlen);
	if (rc) {
		char tmp[512];
		snprintf(tmp, sizeof(tmp), "%s: %s", path, err);
		str_copy(err, tmp, errlen);
	}
	return rc;
}
