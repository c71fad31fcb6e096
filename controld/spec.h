/* SPDX-License-Identifier: MIT */
/*
 * The typed parts of a domain's configuration that cross the api/ → model boundary, and the
 * limits the model enforces. api/ builds these from request bodies (api/domain_json.c); the
 * model keeps and applies them. No JSON here. The limits are in openapi.yaml too.
 */
#ifndef KEEL_CONTROLD_SPEC_H
#define KEEL_CONTROLD_SPEC_H

#include <stdbool.h>
#include <stdint.h>

#define DOM_MAX_VCPUS	     64
#define DOM_MIN_MEMORY_MIB   16
#define DOM_MAX_MEMORY_MIB   (1024u * 1024u)
#define DOM_MAX_DISKS	     16
#define DOM_MAX_NICS	     8
#define DOM_MAX_PCI	     8
#define HOST_MAX_CPUS	     64
#define DOM_SCHED_MAX_WEIGHT 65535u

#define DOM_NAME_MAX	63
#define DOM_PATH_MAX	255
#define DOM_CMDLINE_MAX 1024
#define DOM_BRIDGE_MAX	15
#define DOM_BDF_LEN	12 /* dddd:bb:ss.f */

/* The CPUs one vCPU may run on, in the order given (empty: any). */
struct vcpu_pin {
	uint8_t cpu[HOST_MAX_CPUS];
	unsigned n;
};

/* BOOT_TIME: built by the hypervisor at boot (Domain-0, GRUB module lines) and adopted by
 * controld (adopt.c); it cannot build it again. Never in requests. */
enum dom_boot_type { BOOT_PVH, BOOT_HVM, BOOT_TIME };
enum dom_firmware { FW_SEABIOS, FW_OVMF };
enum dom_disk_format { DISK_RAW, DISK_QCOW2 };
/* The HVM disks' controller in QEMU (libxl's hdtype): PIIX IDE or AHCI. */
enum dom_disk_controller { DC_IDE, DC_AHCI };

struct dom_boot {
	enum dom_boot_type type;
	char kernel[DOM_PATH_MAX + 1]; /* PVH */
	char cmdline[DOM_CMDLINE_MAX + 1];
	char initrd[DOM_PATH_MAX + 1];
	enum dom_firmware firmware;		  /* HVM */
	enum dom_disk_controller disk_controller; /* HVM */
};

struct dom_disk {
	char id[5]; /* xvda..xvdz */
	char path[DOM_PATH_MAX + 1];
	enum dom_disk_format format;
	bool readonly;
};

struct dom_nic {
	char id[2];   /* "0".."7" */
	char mac[18]; /* aa:bb:cc:dd:ee:ff */
	char bridge[DOM_BRIDGE_MAX + 1];
};

/* A domain's configuration, validated (api/domain_json.c) and normalised (defaults in). */
struct dom_spec {
	char name[DOM_NAME_MAX + 1];
	unsigned vcpus, max_vcpus;
	uint64_t memory_mib, memory_target_mib;
	unsigned weight, cap; /* credit scheduler */
	unsigned npins;
	struct vcpu_pin pins[DOM_MAX_VCPUS];
	struct dom_boot boot;
	unsigned ndisks, nnics, npci;
	struct dom_disk disks[DOM_MAX_DISKS];
	struct dom_nic nics[DOM_MAX_NICS];
	char pci[DOM_MAX_PCI][DOM_BDF_LEN + 1];
};

const char *dom_boot_type_name(enum dom_boot_type t);
const char *dom_firmware_name(enum dom_firmware f);
const char *dom_disk_format_name(enum dom_disk_format f);
const char *dom_disk_controller_name(enum dom_disk_controller c);

/* PATCH /v1/domains/{id}: the fields it may change; has_* says which it does. */
struct dom_patch {
	bool has_vcpus, has_memory_target, has_weight, has_cap, has_pinning;
	unsigned vcpus;
	uint64_t memory_target_mib;
	unsigned weight, cap;
	unsigned npins; /* entries of pins used (at most max_vcpus) */
	struct vcpu_pin pins[DOM_MAX_VCPUS];
};

#endif
