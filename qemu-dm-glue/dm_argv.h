/* SPDX-License-Identifier: MIT */
/*
 * QEMU's command line for one HVM guest's device model, in the shape libxl 4.17 gives
 * Debian's qemu-system-xen (libxl__build_device_model_args_new; hypervisor/HVM.md section 5):
 * the xenfv machine against the domain, no display, IDE or AHCI disks, NICs on taps controld
 * bridges (vif<domid>.<devid>-emu), COM1 on a Unix socket controld reads as the guest's console.
 * Pure: no I/O, unit-tested on its own (tests/api/unit/test_dm_argv.c). Every input comes
 * from controld's validated domain spec and its own config, not from the network.
 */
#ifndef KEEL_QEMU_DM_GLUE_DM_ARGV_H
#define KEEL_QEMU_DM_GLUE_DM_ARGV_H

#include <stdbool.h>
#include <stdint.h>

/* QEMU's xenfv machine has one PIIX IDE controller: 2 buses x 2 units. */
#define DM_IDE_DISKS 4
/* An AHCI controller added to it (ICH9's: 6 ports, one disk each), as libxl's hdtype=ahci. */
#define DM_AHCI_DISKS 6

/* The controller the disks are on (libxl's hdtype). IDE is driven by port I/O, a device-model
 * request per register access; AHCI by DMA from command lists in guest memory. */
enum dm_disk_controller { DM_IDE, DM_AHCI };

struct dm_disk {
	const char *path;
	const char *format; /* "raw" or "qcow2" */
	unsigned index;	    /* IDE index 0..3 or AHCI port 0..5 (xvda..) */
};

struct dm_nic {
	unsigned devid; /* the vif's handle: the tap is vif<domid>.<devid>-emu */
	const char *mac;
	const char *model; /* "rtl8139" or "e1000" */
};

struct dm_config {
	const char *qemu; /* the binary: argv[0] */
	unsigned domid;
	const char *name;
	uint64_t memory_mib; /* the domain's RAM, as built */
	unsigned vcpus, max_vcpus;
	enum dm_disk_controller disk_controller;
	const struct dm_disk *disks;
	unsigned ndisks;
	const struct dm_nic *nics;
	unsigned nnics;
	const char *serial_socket; /* COM1's Unix socket (QEMU listens) */
	const char *runas;	   /* "UID:GID" to drop to once set up, or NULL/"" */
	const char *chroot;	   /* an empty directory to chroot to then, or NULL/"" */
	/* QMP's Unix socket (QEMU listens; started with -S, it waits for "cont"), or NULL/"" */
	const char *qmp_socket;
	bool restrict_domid; /* -xen-domid-restrict: needs qmp_socket (no xenstore "running") */
};

/* argv for execve: argc strings and a NULL, all malloc'd. */
struct dm_argv {
	char **argv;
	unsigned argc;
};

/*
 * The command line for c. -EINVAL for a missing or empty string, a domid beyond Xen's
 * DOMID_FIRST_RESERVED, a disk controller not in the enum, a disk index past its controller's
 * (DM_IDE_DISKS, DM_AHCI_DISKS) or used twice, a format or model
 * QEMU is not given here, a name or MAC with a character QEMU's option parser would split
 * on (','); a path's commas are doubled as QEMU's escaping wants. -ENOMEM.
 */
int dm_argv_build(const struct dm_config *c, struct dm_argv *out);
void dm_argv_free(struct dm_argv *a);

/* The tap QEMU creates for NIC devid of domid ("vif3.0-emu"), as controld bridges it. */
int dm_tap_name(unsigned domid, unsigned devid, char *out, unsigned size);

#endif
