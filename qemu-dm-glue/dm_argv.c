// SPDX-License-Identifier: MIT
/*
 * dm_argv.h: QEMU's argv, built from typed settings. Options QEMU parses as key=value lists
 * take a value with a comma only doubled (",,"): paths are escaped so, and names and MACs
 * (validated upstream, but checked again here) must have none.
 */
#include "dm_argv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOMID_FIRST_RESERVED 0x7FF0u /* xen/include/public/xen.h */
/* The most options dm_argv_build emits: fixed ones, 4 per disk, 4 per NIC. */
#define MAX_ARGS (40 + 4 * DM_AHCI_DISKS + 4 * 64)

static bool nonempty(const char *s)
{
	return s && *s;
}

static bool plain(const char *s)
{
	return nonempty(s) && !strchr(s, ',');
}

static bool one_of(const char *s, const char *a, const char *b)
{
	return s && (!strcmp(s, a) || !strcmp(s, b));
}

/* s with every ',' doubled, malloc'd. */
static char *escaped(const char *s)
{
	size_t n = strlen(s), commas = 0;
	char *out, *p;

	for (size_t i = 0; i < n; i++)
		commas += s[i] == ',';
	out = malloc(n + commas + 1);
	if (!out)
		return NULL;
	p = out;
	for (size_t i = 0; i < n; i++) {
		*p++ = s[i];
		if (s[i] == ',')
			*p++ = ',';
	}
	*p = '\0';
	return out;
}

static int push(struct dm_argv *a, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (a->argc + 1 >= MAX_ARGS)
		return -E2BIG;
	va_start(ap, fmt);
	n = vasprintf(&a->argv[a->argc], fmt, ap);
	va_end(ap);
	if (n < 0) {
		a->argv[a->argc] = NULL;
		return -ENOMEM;
	}
	a->argc++;
	return 0;
}

static int check(const struct dm_config *c)
{
	bool used[DM_AHCI_DISKS] = {false};
	unsigned ports = c->disk_controller == DM_AHCI ? DM_AHCI_DISKS : DM_IDE_DISKS;

	if (!nonempty(c->qemu) || !plain(c->name) || !nonempty(c->serial_socket) || c->domid == 0 ||
	    c->domid >= DOMID_FIRST_RESERVED || !c->memory_mib || !c->vcpus ||
	    c->max_vcpus < c->vcpus || c->nnics > 64 ||
	    (c->disk_controller != DM_IDE && c->disk_controller != DM_AHCI) ||
	    (c->restrict_domid && !nonempty(c->qmp_socket)))
		return -EINVAL;
	for (unsigned i = 0; i < c->ndisks; i++) {
		const struct dm_disk *d = &c->disks[i];
		if (!nonempty(d->path) || !one_of(d->format, "raw", "qcow2") || d->index >= ports ||
		    used[d->index])
			return -EINVAL;
		used[d->index] = true;
	}
	for (unsigned i = 0; i < c->nnics; i++)
		if (!plain(c->nics[i].mac) || !one_of(c->nics[i].model, "rtl8139", "e1000"))
			return -EINVAL;
	return 0;
}

/* A disk as libxl 4.17 gives it (tools/libs/light/libxl_dm.c,
 * libxl__build_device_model_args_new): IDE by index; AHCI as a drive without an interface
 * and an ide-hd on port N of the controller ahci0. */
static int disk_args(struct dm_argv *a, enum dm_disk_controller ctl, const struct dm_disk *d)
{
	char *path = escaped(d->path);
	int rc;

	if (!path)
		return -ENOMEM;
	rc = push(a, "-drive");
	if (ctl == DM_AHCI) {
		rc = rc
			 ?: push(a, "file=%s,if=none,id=ahcidisk-%u,format=%s,cache=writeback",
				 path, d->index, d->format);
		rc = rc ?: push(a, "-device");
		rc = rc
			 ?: push(a, "ide-hd,bus=ahci0.%u,unit=0,drive=ahcidisk-%u", d->index,
				 d->index);
	} else {
		rc = rc
			 ?: push(a, "file=%s,if=ide,index=%u,media=disk,format=%s,cache=writeback",
				 path, d->index, d->format);
	}
	free(path);
	return rc;
}

/* A NIC on a tap QEMU creates and controld bridges; no option ROM (SeaBIOS would need
 * QEMU to populate pages of the guest for it, and boots from disk). */
static int nic_args(struct dm_argv *a, unsigned domid, const struct dm_nic *n)
{
	char tap[16];
	int rc = dm_tap_name(domid, n->devid, tap, sizeof(tap));

	rc = rc ?: push(a, "-netdev");
	rc = rc ?: push(a, "tap,id=net%u,ifname=%s,script=no,downscript=no", n->devid, tap);
	rc = rc ?: push(a, "-device");
	rc = rc
		 ?: push(a, "%s,id=nic%u,netdev=net%u,mac=%s,romfile=", n->model, n->devid,
			 n->devid, n->mac);
	return rc;
}

/* libxl's control monitor (id libxl-cmd) with -S: QEMU stays in "prelaunch" until the
 * supervisor's QMP "cont"; restricted, QEMU keeps only handles limited to its domid. */
static int qmp_args(struct dm_argv *a, const struct dm_config *c)
{
	char *sock;
	int rc;

	if (!nonempty(c->qmp_socket))
		return 0;
	sock = escaped(c->qmp_socket);
	if (!sock)
		return -ENOMEM;
	rc = push(a, "-chardev");
	rc = rc ?: push(a, "socket,id=libxl-cmd,path=%s,server=on,wait=off", sock);
	rc = rc ?: push(a, "-mon");
	rc = rc ?: push(a, "chardev=libxl-cmd,mode=control");
	rc = rc ?: push(a, "-S");
	if (c->restrict_domid)
		rc = rc ?: push(a, "-xen-domid-restrict");
	free(sock);
	return rc;
}

int dm_argv_build(const struct dm_config *c, struct dm_argv *out)
{
	struct dm_argv a = {calloc(MAX_ARGS, sizeof(char *)), 0};
	char *sock;
	int rc = check(c);

	if (rc || !a.argv) {
		free(a.argv);
		return rc ?: -ENOMEM;
	}
	sock = escaped(c->serial_socket);
	rc = sock ? 0 : -ENOMEM;
	rc = rc ?: push(&a, "%s", c->qemu);
	rc = rc ?: push(&a, "-xen-domid");
	rc = rc ?: push(&a, "%u", c->domid);
	/* Whatever the guest does, QEMU stays: the toolstack ends it (as libxl). */
	rc = rc ?: push(&a, "-no-shutdown");
	rc = rc ?: qmp_args(&a, c);
	rc = rc ?: push(&a, "-nodefaults");
	rc = rc ?: push(&a, "-no-user-config");
	rc = rc ?: push(&a, "-name");
	rc = rc ?: push(&a, "%s", c->name);
	rc = rc ?: push(&a, "-display");
	rc = rc ?: push(&a, "none");
	rc = rc ?: push(&a, "-chardev");
	rc = rc ?: push(&a, "socket,id=serial0,path=%s,server=on,wait=off", sock ? sock : "");
	rc = rc ?: push(&a, "-serial");
	rc = rc ?: push(&a, "chardev:serial0");
	rc = rc ?: push(&a, "-machine");
	rc = rc ?: push(&a, "xenfv,suppress-vmdesc=on");
	rc = rc ?: push(&a, "-m");
	rc = rc ?: push(&a, "%llu", (unsigned long long)c->memory_mib);
	/* QEMU binds an ioreq port per possible vCPU: only when there is more than one. */
	if (c->max_vcpus > 1) {
		rc = rc ?: push(&a, "-smp");
		rc = rc ?: push(&a, "%u,maxcpus=%u", c->vcpus, c->max_vcpus);
	}
	if (c->disk_controller == DM_AHCI) {
		rc = rc ?: push(&a, "-device");
		rc = rc ?: push(&a, "ahci,id=ahci0");
	}
	for (unsigned i = 0; i < c->ndisks; i++)
		rc = rc ?: disk_args(&a, c->disk_controller, &c->disks[i]);
	if (c->ndisks) {
		rc = rc ?: push(&a, "-boot");
		rc = rc ?: push(&a, "order=c");
	}
	for (unsigned i = 0; i < c->nnics; i++)
		rc = rc ?: nic_args(&a, c->domid, &c->nics[i]);
	if (nonempty(c->runas)) {
		rc = rc ?: push(&a, "-runas");
		rc = rc ?: push(&a, "%s", c->runas);
	}
	if (nonempty(c->chroot)) {
		rc = rc ?: push(&a, "-chroot");
		rc = rc ?: push(&a, "%s", c->chroot);
	}
	free(sock);
	if (rc) {
		dm_argv_free(&a);
		return rc;
	}
	*out = a;
	return 0;
}

void dm_argv_free(struct dm_argv *a)
{
	if (!a->argv)
		return;
	for (unsigned i = 0; i < a->argc; i++)
		free(a->argv[i]);
	free(a->argv);
	a->argv = NULL;
	a->argc = 0;
}

int dm_tap_name(unsigned domid, unsigned devid, char *out, unsigned size)
{
	int n = snprintf(out, size, "vif%u.%u-emu", domid, devid);

	/* Linux's IFNAMSIZ is 16: the longest, vif32751.63-emu, has 15 characters. */
	return n < 0 || (unsigned)n >= size || n > 15 ? -ENAMETOOLONG : 0;
}
