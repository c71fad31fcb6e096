/* SPDX-License-Identifier: MIT */
/* Bringing up the host's other CPUs, and asking them for things. */
#ifndef KEEL_ARCH_X86_SMP_H
#define KEEL_ARCH_X86_SMP_H

#include <keel/types.h>

/* Starts the CPUs the MADT lists (at most max in all); returns how many run. */
u32 smp_boot_aps(u64 rsdp, u32 max);
/* Makes pCPU cpu look at its run queue now (it may be idle or in a guest). */
void smp_kick(u32 cpu);
/* Has every other pCPU drop cached EPT translations for eptp before this returns. */
void smp_flush_ept(u64 eptp);
/* Answers requests from other pCPUs that need no lock (EPT flushes). */
void smp_service_requests(void);

#endif
