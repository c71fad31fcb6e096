// SPDX-License-Identifier: MIT
#include "host.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* dddd:bb:ss.f in lower-case hex, as sysfs names devices. */
static bool is_bdf(const char *s)
{
	static const char shape[] = "xxxx:xx:xx.x";

	if (strlen(s) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'x' ? !strchr("0123456789abcdef", s[i]) || !s[i] : s[i] != shape[i])
			return false;
	return true;
}

static bool is_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/* The first line of dir/name/attr, or "" when unreadable or not printable. */
static void read_attr(const char *dir, const char *name, const char *attr, char *out, size_t size)
{
	char path[4400];
	FILE *f;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s/%s", dir, name, attr);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(out, (int)size, f))
		out[strcspn(out, "\n")] = '\0';
	fclose(f);
	if (!is_printable(out))
		out[0] = '\0';
}

static void read_driver(const char *dir, const char *name, char *out, size_t size)
{
	char link[4400], target[256];
	ssize_t l;
	const char *base;

	snprintf(link, sizeof(link), "%s/%s/driver", dir, name);
	l = readlink(link, target, sizeof(target) - 1);
	target[l > 0 ? l : 0] = '\0';
	base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	if (strlen(base) >= size || !is_printable(base))
		base = "";
	memcpy(out, base, strlen(base) + 1);
}

static int bdf_cmp(const void *a, const void *b)
{
	return strcmp(((const struct host_pci_dev *)a)->bdf, ((const struct host_pci_dev *)b)->bdf);
}

int host_pci_list(const char *dir, struct host_pci_dev *out, unsigned max, unsigned *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	*n = 0;
	if (!d)
		return -errno;
	while ((e = readdir(d)) && *n < max) {
		struct host_pci_dev *p = &out[*n];
		if (!is_bdf(e->d_name))
			continue;
		memcpy(p->bdf, e->d_name, sizeof(p->bdf));
		read_attr(dir, e->d_name, "vendor", p->vendor, sizeof(p->vendor));
		read_attr(dir, e->d_name, "device", p->device, sizeof(p->device));
		read_attr(dir, e->d_name, "class", p->cls, sizeof(p->cls));
		read_driver(dir, e->d_name, p->driver, sizeof(p->driver));
		++*n;
	}
	closedir(d);
	qsort(out, *n, sizeof(*out), bdf_cmp);
	return 0;
}
