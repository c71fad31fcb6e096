// SPDX-License-Identifier: MIT
/* TEST DOUBLE of controld/hotplug.h: see hotplug_double.h. */
#include "hotplug_double.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MISSING "missing"

static struct hotplug_double the;

static struct hotplug_double *dbl(struct hotplug *hp)
{
	return (struct hotplug_double *)hp;
}

static int d_attach(struct hotplug *hp, const char *file, bool ro, struct hotplug_disk *out)
{
	struct hotplug_double *d = dbl(hp);
	struct hp_double_disk *k;

	if (d->attach_err && d->attaches >= d->attach_ok)
		return d->attach_err;
	if (!strncmp(strrchr(file, '/') ? strrchr(file, '/') + 1 : file, MISSING, strlen(MISSING)))
		return -ENOENT;
	if (d->ndisks == HP_DOUBLE_MAX)
		return -EBUSY;
	k = &d->disks[d->ndisks];
	snprintf(k->file, sizeof(k->file), "%s", file);
	snprintf(k->ld.dev, sizeof(k->ld.dev), "/dev/loop%u", d->ndisks);
	k->ld.major = 7;
	k->ld.minor = d->ndisks++;
	k->readonly = ro;
	k->attached = true;
	d->attaches++;
	*out = k->ld;
	return 0;
}

static int d_find(struct hotplug *hp, const char *file, const char *dev, struct hotplug_disk *out)
{
	struct hotplug_double *d = dbl(hp);

	d->finds++;
	for (unsigned i = 0; i < d->ndisks; i++) {
		struct hp_double_disk *k = &d->disks[i];
		if (k->attached && !strcmp(k->file, file) && (!dev || !strcmp(k->ld.dev, dev))) {
			*out = k->ld;
			return 0;
		}
	}
	return -ENOENT;
}

static int d_detach(struct hotplug *hp, const char *dev, bool *lazy)
{
	struct hotplug_double *d = dbl(hp);

	*lazy = false;
	for (unsigned i = 0; i < d->ndisks; i++)
		if (d->disks[i].attached && !strcmp(d->disks[i].ld.dev, dev)) {
			d->disks[i].attached = false;
			d->detaches++;
			return 0;
		}
	return -ENXIO;
}

static int d_bridge_check(struct hotplug *hp, const char *bridge)
{
	if (!strncmp(bridge, MISSING, strlen(MISSING)))
		return -ENODEV;
	return dbl(hp)->bridge_check_err;
}

static int d_bridge_add(struct hotplug *hp, const char *bridge, const char *ifname)
{
	struct hotplug_double *d = dbl(hp);
	int rc = d_bridge_check(hp, bridge);

	d->bridge_adds++;
	if (rc || d->bridge_add_err)
		return rc ?: d->bridge_add_err;
	if (d->netdev_late) {
		d->netdev_late--;
		return -ENODEV;
	}
	if (d->nports == HP_DOUBLE_MAX)
		return -ENOSPC;
	snprintf(d->ports[d->nports][0], sizeof(d->ports[0][0]), "%s", bridge);
	snprintf(d->ports[d->nports++][1], sizeof(d->ports[0][1]), "%s", ifname);
	return 0;
}

static const struct hotplug_ops double_ops = {
    .disk_attach = d_attach,
    .disk_find = d_find,
    .disk_detach = d_detach,
    .bridge_check = d_bridge_check,
    .bridge_add = d_bridge_add,
};

struct hotplug_double *hotplug_double_new(void)
{
	memset(&the, 0, sizeof(the));
	the.hp.ops = &double_ops;
	return &the;
}

unsigned hotplug_double_attached(const struct hotplug_double *d)
{
	unsigned n = 0;

	for (unsigned i = 0; i < d->ndisks; i++)
		n += d->disks[i].attached;
	return n;
}
