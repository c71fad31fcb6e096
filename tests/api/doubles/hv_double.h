/* SPDX-License-Identifier: MIT */
/* TEST DOUBLE of the hypervisor (hv_double.c): what tests may do to it beyond hv.h. */
#ifndef KEEL_TESTS_HV_DOUBLE_H
#define KEEL_TESTS_HV_DOUBLE_H

#include "../../../controld/hv_backend.h"

/* A domain the hypervisor built at boot, running: Domain-0 (domid 0) or a GRUB line's. */
void hv_double_add_boot_domain(struct hv *hv, hv_domid_t domid, const char *name, unsigned vcpus,
			       uint64_t mem_mib);
/* A boot domain that ended before controld started (Keel keeps it for the toolstack). */
void hv_double_end_boot_domain(struct hv *hv, hv_domid_t domid, enum hv_dom_state state);

#endif
