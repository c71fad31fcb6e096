/* SPDX-License-Identifier: MIT */
/*
 * controld's one interface to the hypervisor: domain create/destroy/pause/unpause/info and
 * counters, vCPU and memory operations, PCI assignment and hypervisor events. Its types are
 * Keel's domain-control ABI (hypervisor/include/public/keel/domctl.h) in controld's words, value
 * for value: states, shutdown reasons, domids. The shipped backend (hv_keel.c over
 * hv_privcmd.c) issues that hypercall through /dev/xen/privcmd; tests link a test double
 * from tests/api/doubles/. Every call is short and runs on the loop thread; events arrive
 * through the callback given to the backend's open function, on the loop thread.
 * Errors are negative errno: -ESRCH for an unknown domain, -ENOSYS for an operation the
 * hypervisor does not offer.
 */
#ifndef KEEL_CONTROLD_HV_H
#define KEEL_CONTROLD_HV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/keel/domctl.h>

typedef uint16_t hv_domid_t; /* struct keel_domctl's domid */

struct hv_host_info {
	unsigned nr_cpus; /* pCPUs online, numbered 0..nr_cpus-1 */
	uint64_t total_mib;
	uint64_t free_mib;
	char version[sizeof(((struct keel_host_info *)0)->version)]; /* e.g. "Keel 0.1.0" */
};

struct hv_domain_config {
	const char *uuid;
	const char *name;
	unsigned max_vcpus;
	uint64_t memory_mib;
	bool hvm;
	const char *kernel; /* PVH; HVM: the firmware loader (Xen's hvmloader) */
	const char *cmdline;
	const char *initrd;
	const char *firmware; /* HVM: the image loaded as module "firmware" (SeaBIOS) */
};

/* What the toolstack connects in dom0 to a domain just built (KEEL_DOMCTL_getbuild): its
 * xenstore and console pages (guest frame numbers) and their event channels to dom0. */
struct hv_build {
	uint64_t store_gfn, console_gfn;
	uint32_t store_port, console_port;
	/* When the build failed: which part ("kernel", "initrd", "firmware", "domain"). */
	const char *failed;
};

enum hv_dom_state {
	HV_DOM_PAUSED = KEEL_DOMSTATE_paused,
	HV_DOM_RUNNING = KEEL_DOMSTATE_running,
	HV_DOM_SHUTDOWN = KEEL_DOMSTATE_shutdown, /* ended: reason says how */
	HV_DOM_CRASHED = KEEL_DOMSTATE_crashed,
};
/* Xen's SHUTDOWN_* (xen/include/public/sched.h), which domctl reports as they are. */
enum hv_shutdown_reason {
	HV_SHUTDOWN_POWEROFF = 0,
	HV_SHUTDOWN_REBOOT = 1,
	HV_SHUTDOWN_SUSPEND = 2,
	HV_SHUTDOWN_CRASH = 3,
	HV_SHUTDOWN_WATCHDOG = 4,
};

struct hv_domain_info {
	hv_domid_t domid;
	enum hv_dom_state state;
	enum hv_shutdown_reason reason; /* when HV_DOM_SHUTDOWN; CRASH when HV_DOM_CRASHED */
	char name[sizeof(((struct keel_domain_info *)0)->name)];
	bool privileged; /* a toolstack's domain (dom0) */
	bool destroyed;	 /* ended by a destroy, not by the guest */
	unsigned nr_vcpus, vcpus_online, vcpus_target;
	uint64_t memory_kib;	 /* RAM it was built with */
	uint64_t max_memory_kib; /* the most it may have backed (the memory target's limit) */
	uint64_t cur_memory_kib; /* backed now */
	uint64_t cpu_time_ns;
	unsigned weight, cap;
};

/* What a domain has cost since it was built (KEEL_DOMCTL_getstats): its vCPUs' VM exits and,
 * of those, the requests its device model answered (0 for a PVH domain, which has none). */
struct hv_domain_counters {
	uint64_t vm_exits;
	uint64_t dm_pio, dm_mmio, dm_pci_config, dm_buffered;
	uint64_t dm_string_elements; /* elements the requests above carried by pointer */
	uint64_t now_ns;	     /* the hypervisor's clock at the sample: rates over it */
};

enum hv_event_type {
	HV_EV_DOMAIN_SHUTDOWN, /* the domain ended (reason says how: power off, reboot, crash) */
	HV_EV_DOMAIN_GONE,     /* the domain no longer exists (reaped, or ended unseen) */
	HV_EV_CONSOLE,	       /* console output from the guest */
};

struct hv_event {
	enum hv_event_type type;
	hv_domid_t domid;
	enum hv_shutdown_reason reason; /* HV_EV_DOMAIN_SHUTDOWN */
	const char *data;		/* HV_EV_CONSOLE */
	size_t len;
};

typedef void (*hv_event_fn)(void *opaque, const struct hv_event *ev);

struct hv;
struct hv_ops {
	int (*host_info)(struct hv *hv, struct hv_host_info *out);
	/* The first domain with an id >= from (KEEL_DOMCTL_next): lists the hypervisor's
	 * domains, boot-time ones included. -ESRCH past the last. */
	int (*domain_next)(struct hv *hv, hv_domid_t from, struct hv_domain_info *out);
	/* Builds the domain (kernel, initrd, start info, xenstore and console pages) and leaves
	 * it paused; *build says what to connect. -ENOEXEC: the kernel is not a PVH ELF;
	 * -E2BIG: an image does not fit; -ENOMEM: the host lacks the memory; -EEXIST: the
	 * hypervisor has a domain of that name; -ENOENT/-EACCES: an image file. */
	int (*domain_create)(struct hv *hv, const struct hv_domain_config *cfg, hv_domid_t *domid,
			     struct hv_build *build);
	/* 0 for a domain that had ended by itself already. */
	int (*domain_destroy)(struct hv *hv, hv_domid_t domid);
	int (*domain_pause)(struct hv *hv, hv_domid_t domid);
	int (*domain_unpause)(struct hv *hv, hv_domid_t domid);
	int (*domain_info)(struct hv *hv, hv_domid_t domid, struct hv_domain_info *out);
	/* -EOPNOTSUPP from a hypervisor that does not count them (a Keel before getstats). */
	int (*domain_counters)(struct hv *hv, hv_domid_t domid, struct hv_domain_counters *out);
	/* The hypervisor's part of vCPU hotplug; the guest follows cpu/<n>/availability. */
	int (*set_vcpus_online)(struct hv *hv, hv_domid_t domid, unsigned count);
	int (*set_sched)(struct hv *hv, hv_domid_t domid, unsigned weight, unsigned cap);
	/* cpumask: bit n = pCPU n; bits of pCPUs the host lacks are dropped. */
	int (*pin_vcpu)(struct hv *hv, hv_domid_t domid, unsigned vcpu, uint64_t cpumask);
	/* The hypervisor's part of the balloon target (the limit); the guest follows
	 * memory/target. */
	int (*set_memory_target)(struct hv *hv, hv_domid_t domid, uint64_t kib);
	int (*pci_assign)(struct hv *hv, hv_domid_t domid, const char *bdf);
	int (*pci_unassign)(struct hv *hv, hv_domid_t domid, const char *bdf);
	/* -ENOENT for a domain the hypervisor did not build through domctl (boot-time). */
	int (*build_info)(struct hv *hv, hv_domid_t domid, struct hv_build *out);
	void (*close)(struct hv *hv);
};

struct hv {
	const struct hv_ops *ops;
	hv_event_fn event;
	void *event_opaque;
};

#endif
