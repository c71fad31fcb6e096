/* SPDX-License-Identifier: MIT */
/*
 * TEST DOUBLE of the transport under controld's Keel backend (controld/hv_keel.h): answers
 * Keel's domctls from a table of domains, with the hypervisor's checks (hc_domctl.c) for
 * the commands controld issues (domain building: a kernel must start with an ELF magic,
 * images must fit the domain's memory, the host's free memory is taken), and raises "VIRQ_DOM_EXC"
 * when a test says so.
 */
#ifndef KEEL_TESTS_DOMCTL_DOUBLE_H
#define KEEL_TESTS_DOMCTL_DOUBLE_H

#include "../../../controld/hv_keel.h"

#define DOMCTL_DOUBLE_DOMS 16

/* What domain building received: the image and cmdline bytes the pointers led to. */
struct domctl_double_load {
	bool built; /* by createdomain: its memory returns to the host on destroy */
	bool hvm;   /* created with KEEL_CREATE_hvm */
	uint64_t kernel_len, initrd_len;
	char kernel_head[8], initrd_head[8];
	char cmdline[128];
	char module_name[128]; /* an HVM domain's module: its name */
};

struct domctl_double {
	struct hv_transport base;
	struct keel_host_info host;
	bool used[DOMCTL_DOUBLE_DOMS];
	struct keel_domain_info dom[DOMCTL_DOUBLE_DOMS];
	uint64_t affinity[DOMCTL_DOUBLE_DOMS][8];
	/* KEEL_DOMCTL_getbuild's answer; a domain without one was not loaded (-ENOENT). */
	bool built[DOMCTL_DOUBLE_DOMS];
	struct keel_build build[DOMCTL_DOUBLE_DOMS];
	/* KEEL_DOMCTL_getstats's counters, set by a test (cpu_ns is the domain's). */
	struct keel_domain_stats stats[DOMCTL_DOUBLE_DOMS];
	struct keel_domctl last; /* the last request, as issued */
	unsigned calls;
	uint32_t cmds[64]; /* every command issued, in order (the first 64) */
	struct domctl_double_load load[DOMCTL_DOUBLE_DOMS];
	uint32_t fail_cmd; /* this command fails with fail_rc (0: none) */
	int fail_rc;
	bool *closed;		/* set when the backend closes it */
	bool events_from_store; /* the backend said the store's watches report domains */
};

struct domctl_double *domctl_double_new(unsigned nr_cpus);
/* A live domain (KEEL_DOMSTATE_running or _paused) with one vCPU per pCPU allowed. */
struct keel_domain_info *domctl_double_add(struct domctl_double *x, uint16_t domid,
					   const char *name, uint8_t state, uint32_t vcpus,
					   uint64_t mem_bytes);
/* The domain is reaped: gone from the table. */
void domctl_double_remove(struct domctl_double *x, uint16_t domid);
/* VIRQ_DOM_EXC: the backend lists the domains again. */
void domctl_double_virq(struct domctl_double *x);

#endif
