/* SPDX-License-Identifier: MIT */
/* What controld finds out about the host itself: its PCI devices (from sysfs). */
#ifndef KEEL_CONTROLD_HOST_H
#define KEEL_CONTROLD_HOST_H

#include <stdbool.h>

#define HOST_PCI_MAX 1024

struct host_pci_dev {
	char bdf[13]; /* dddd:bb:ss.f */
	char vendor[16], device[16], cls[16];
	char driver[64]; /* "" when no driver is bound */
};

/*
 * The PCI devices in dir (sysfs' /sys/bus/pci/devices), sorted by address, at most max.
 * Attributes that are missing or not printable read as "". 0 or negative errno.
 */
int host_pci_list(const char *dir, struct host_pci_dev *out, unsigned max, unsigned *n);

#endif
