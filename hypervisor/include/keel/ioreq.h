/* SPDX-License-Identifier: MIT */
/*
 * Ioreq servers: device models in another domain (QEMU in dom0) that emulate
 * an HVM domain's port I/O and memory ranges, with Xen's protocol
 * (public/xen/dm_op.h): a page of per-vCPU requests shared with the emulator,
 * an event channel per vCPU, and the vCPU waiting until its request is
 * answered. The instruction side (what to do with the answer) is the arch's.
 */
#ifndef KEEL_IOREQ_H
#define KEEL_IOREQ_H

#include <keel/domain.h>
#include <public/xen/dm_op.h>

/* Where a vCPU's request stands (struct vcpu's io.state). */
enum ioreq_wait_state {
	IOW_IDLE,
	IOW_WAITING,  /* sent: only the emulator's answer wakes it */
	IOW_ANSWERED, /* the answer is in io.data: the arch completes the instruction */
};

/*
 * One access to forward: IOREQ_TYPE_PIO (addr = port) or _COPY (addr = guest-physical).
 * ptr: count elements of size bytes in guest memory from the guest-physical address in
 * data (downwards when df), which the device model reads or writes itself (Xen's
 * data_is_ptr: a REP INS/OUTS within one page in one round trip). Otherwise count is 1
 * and data the value written.
 */
struct ioreq_access {
	u8 type;
	u8 dir; /* IOREQ_READ or IOREQ_WRITE */
	u8 size;
	u64 addr;
	u64 data;
	u32 count; /* 0 is taken as 1 */
	bool ptr, df;
};

/* The dm_op calls (emu = the caller); negative errno as public/xen/dm_op.h says. */
int ioreq_server_create(struct domain *d, struct domain *emu, u8 bufioreq, u16 *id);
int ioreq_server_info(struct domain *d, struct domain *emu, u16 id, u32 *bufioreq_port);
int ioreq_server_map(struct domain *d, struct domain *emu, u16 id, u32 type, u64 start, u64 end,
		     bool map);
int ioreq_server_set_state(struct domain *d, struct domain *emu, u16 id, bool enabled);
int ioreq_server_destroy(struct domain *d, struct domain *emu, u16 id);
/* XENMEM_acquire_resource: the host address of a server's frame. */
int ioreq_server_frame(struct domain *d, struct domain *emu, u32 id, u64 frame, paddr_t *hpa);
#define IOREQ_SERVER_FRAMES 2

/* One console line with the requests d's device models were sent, by type (none: nothing). */
void ioreq_report(struct domain *d);
/* d is being freed: its servers go (after physmap_release_foreign took their pages back). */
void ioreq_domain_free(struct domain *d);

/* True when an enabled server claims a: v now waits for the answer (the exit reschedules). */
bool ioreq_send(struct vcpu *v, const struct ioreq_access *a);
/* The emulator notified port of d, one of d's ioreq ports: a waiting vCPU gets its answer. */
void ioreq_port_notify(struct domain *d, u32 port);

#endif
