/* SPDX-License-Identifier: MIT */
/* Hypercall dispatch: Xen's numbers, one handler per hypercall, in a table. */
#ifndef KEEL_HYPERCALL_H
#define KEEL_HYPERCALL_H

#include <keel/domain.h>

struct hypercall_args {
	u64 a1, a2, a3, a4, a5;
};

/*
 * A handler returns the guest's RAX (0 or a negative errno). Handlers that
 * block or end the vCPU call sched_request_resched().
 */
typedef long (*hypercall_fn)(struct vcpu *v, const struct hypercall_args *a);

/* Runs hypercall nr for v (counted per domain); -ENOSYS for one Keel does not have. */
long hypercall_dispatch(struct vcpu *v, u64 nr, const struct hypercall_args *a);

long do_console_io(struct vcpu *v, const struct hypercall_args *a);
/* The initial domain d wants console input: start polling the UART (once). */
void console_input_start(struct domain *d);
long do_xen_version(struct vcpu *v, const struct hypercall_args *a);
long do_sched_op(struct vcpu *v, const struct hypercall_args *a);
long do_vcpu_op(struct vcpu *v, const struct hypercall_args *a);
long do_set_timer_op(struct vcpu *v, const struct hypercall_args *a);
long do_hvm_op(struct vcpu *v, const struct hypercall_args *a);
long do_memory_op(struct vcpu *v, const struct hypercall_args *a);
/* memory_op's reservation sub-ops and memory map (hc_reservation.c); start = continuation. */
long memory_reservation_op(struct vcpu *v, u32 cmd, u64 start, u64 arg);
/*
 * add_to_physmap(XENMAPSPACE_gmfn): d's own RAM frame at GFN from now backs GFN to
 * (a hole) instead, as hvmloader moves RAM to where it builds its tables. -EINVAL
 * unless from is plain backed RAM; -ENOMEM past 256 moves.
 */
int reservation_move_page(struct domain *d, u64 from, u64 to);
/* Frees the domain's ballooned-page bitmap. */
void balloon_domain_free(struct domain *d);
long do_event_channel_op(struct vcpu *v, const struct hypercall_args *a);
long do_keel_domctl(struct vcpu *v, const struct hypercall_args *a);
long do_dm_op(struct vcpu *v, const struct hypercall_args *a);

/* Fills the guest page at gpa with hypercall stubs (the hypercall-page MSR). */
int hypercall_page_install(struct vcpu *v, u64 gpa);
/* Prints the domain's per-hypercall counters. */
void hypercall_report(struct domain *d);

#endif
