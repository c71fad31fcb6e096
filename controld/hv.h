/* SPDX-License-Identifier: MIT */
/*
 * controld's one interface to the hypervisor: domain create/destroy/pause/unpause/info,
 * vCPU and memory operations, PCI assignment and hypervisor events. The shipped backend
 * (hv_privcmd.c) talks to Keel through /dev/xen/privcmd with libxencall; tests link a test
 * double from tests/api/doubles/. Every call is short and runs on the loop thread; events
 * arrive through the callback given to the backend's open function, on the loop thread.
 * Errors are negative errno: -ESRCH for an unknown domain, -ENOSYS for an operation the
 * hypervisor does not offer.
 */
#ifndef KEEL_CONTROLD_HV_H
#define KEEL_CONTROLD_HV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HV_MAX_VCPUS 64

struct hv_host_info {
	unsigned nr_cpus;
	uint64_t total_mib;
	uint64_t free_mib;
	char version[64]; /* e.g. "keel 0.1 (xen 4.17 ABI)" */
};

struct hv_domain_config {
	const char *uuid;
	const char *name;
	unsigned max_vcpus;
	uint64_t memory_mib;
	bool hvm;
	const char *kernel; /* PVH */
	const char *cmdline;
	const char *initrd;
	const char *firmware; /* HVM */
};

enum hv_dom_state { HV_DOM_RUNNING, HV_DOM_PAUSED, HV_DOM_SHUTDOWN, HV_DOM_DYING };
enum hv_shutdown_reason { HV_SHUTDOWN_POWEROFF, HV_SHUTDOWN_REBOOT, HV_SHUTDOWN_CRASH };

struct hv_domain_info {
	uint32_t domid;
	enum hv_dom_state state;
	enum hv_shutdown_reason reason; /* when HV_DOM_SHUTDOWN */
	unsigned online_vcpus;
	uint64_t memory_kib;
	uint64_t cpu_time_ns;
};

enum hv_event_type {
	HV_EV_DOMAIN_SHUTDOWN, /* the guest shut itself down (reason says how) */
	HV_EV_CONSOLE,	       /* console output from the guest */
};

struct hv_event {
	enum hv_event_type type;
	uint32_t domid;
	enum hv_shutdown_reason reason;
	const char *data; /* HV_EV_CONSOLE */
	size_t len;
};

typedef void (*hv_event_fn)(void *opaque, const struct hv_event *ev);

struct hv;
struct hv_ops {
	int (*host_info)(struct hv *hv, struct hv_host_info *out);
	/* Builds the domain and leaves it paused. */
	int (*domain_create)(struct hv *hv, const struct hv_domain_config *cfg, uint32_t *domid);
	int (*domain_destroy)(struct hv *hv, uint32_t domid);
	int (*domain_pause)(struct hv *hv, uint32_t domid);
	int (*domain_unpause)(struct hv *hv, uint32_t domid);
	int (*domain_info)(struct hv *hv, uint32_t domid, struct hv_domain_info *out);
	int (*set_vcpus_online)(struct hv *hv, uint32_t domid, unsigned count);
	int (*set_sched)(struct hv *hv, uint32_t domid, unsigned weight, unsigned cap);
	int (*pin_vcpu)(struct hv *hv, uint32_t domid, unsigned vcpu, uint64_t cpumask);
	int (*set_memory_target)(struct hv *hv, uint32_t domid, uint64_t kib);
	int (*pci_assign)(struct hv *hv, uint32_t domid, const char *bdf);
	int (*pci_unassign)(struct hv *hv, uint32_t domid, const char *bdf);
	void (*close)(struct hv *hv);
};

struct hv {
	const struct hv_ops *ops;
	hv_event_fn event;
	void *event_opaque;
};

#endif
