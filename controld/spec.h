/* SPDX-License-Identifier: MIT */
/*
 * The typed parts of a domain's configuration that cross the api/ → model boundary, and the
 * limits the model enforces. api/ builds these from request bodies (api/domain_json.c); the
 * model applies them. No JSON here. The limits are in openapi.yaml too.
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

/* The CPUs one vCPU may run on, in the order given (empty: any). */
struct vcpu_pin {
	uint8_t cpu[HOST_MAX_CPUS];
	unsigned n;
};

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
