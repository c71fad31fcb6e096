/* SPDX-License-Identifier: MIT */
/*
 * Keel's guest ABI for device models: dm_op (hypercall 41) and the ioreq pages
 * an ioreq server shares with its emulator, with Xen's numbers and layouts
 * (Xen's public/hvm/dm_op.h and public/hvm/ioreq.h, interface of Xen 4.17, as
 * Debian's libxendevicemodel 4.17 and qemu-system-xen use them).
 *
 * HYPERVISOR_dm_op(domid_t domid @a1, unsigned nr_bufs @a2, xen_dm_op_buf_t *bufs @a3)
 *   domid: the emulated domain (an HVM domain: -EINVAL for any other; -ESRCH
 *   when there is none; -EPERM for the caller itself). nr_bufs: 1 or 2 (0:
 *   -ENODATA, more: -E2BIG). Only a privileged domain may call it (-EPERM).
 *   Buffer addresses are the caller's virtual addresses, as privcmd passes them
 *   (Linux drivers/xen/privcmd.c, IOCTL_PRIVCMD_DM_OP).
 * struct xen_dm_op_buf (16 bytes): @0 u64 h (address), @8 u64 size.
 * struct xen_dm_op (buffer 0): @0 u32 op, @4 u32 pad (must be 0, else -EINVAL),
 *   @8 the op's struct. A buffer shorter than 8 + the op's size is -EFAULT; an
 *   op number past the last Xen defines is -EOPNOTSUPP; ops Keel does not
 *   implement are -EOPNOTSUPP. Results are written back into buffer 0.
 *
 * Ioreq servers (at most KEEL_MAX_IOREQ_SERVERS per domain, -ENOSPC past it).
 * Only the domain that created a server may use it (-EPERM); an id with no
 * server is -ENOENT.
 *   1 create_ioreq_server (6 bytes): @0 u8 handle_bufioreq (0 off, 1 on,
 *     2 atomic; more: -EINVAL), @1 u8 pad[3] (0), @4 u16 id (out).
 *     Allocates the server's synchronous ioreq page, its buffered page when
 *     asked for, and one event channel per vCPU (unbound in the emulated
 *     domain, bindable by the creator: vp_eport of each vCPU's ioreq_t) plus
 *     one for buffered requests. New servers are disabled.
 *   2 get_ioreq_server_info (24 bytes): @0 u16 id, @2 u16 flags (only
 *     XEN_DMOP_no_gfns = 1; others -EINVAL), @4 u32 bufioreq_port (out),
 *     @8 u64 ioreq_gfn, @16 u64 bufioreq_gfn. Keel has no pages in the guest's
 *     physmap for them: without XEN_DMOP_no_gfns it answers -EOPNOTSUPP; map
 *     the pages with XENMEM_acquire_resource instead.
 *   3 map_io_range_to_ioreq_server, 4 unmap_io_range_from_ioreq_server
 *     (24 bytes): @0 u16 id, @2 u16 pad (0), @4 u32 type (0 port, 1 memory,
 *     2 PCI segment/bus/device/function; more: -EINVAL), @8 u64 start,
 *     @16 u64 end (inclusive; start > end: -EINVAL). Map: -EEXIST when it
 *     overlaps a range of that type, -ENOMEM past KEEL_MAX_IO_RANGES per type
 *     (adjacent ranges merge, as in Xen's rangesets). Unmap: -ENOENT unless the
 *     whole range is mapped (a range may be cut out of a bigger one).
 *   5 set_ioreq_server_state (4 bytes): @0 u16 id, @2 u8 enabled, @3 u8 pad.
 *   6 destroy_ioreq_server (4 bytes): @0 u16 id, @2 u16 pad. Its ranges go,
 *     its event channels close, its pages are taken out of every physmap that
 *     mapped them and freed. A vCPU waiting on it is answered all ones.
 *   16 remote_shutdown (4 bytes): @0 u32 reason (Xen's SHUTDOWN_*, 0-4): the
 *     domain ends as if it had called SCHEDOP_shutdown with it (QEMU's ACPI
 *     power-off and reset). Xen passes any value; Keel refuses others, soft_reset
 *     (5) included (-EINVAL).
 *   20 nr_vcpus (4 bytes): @0 u32 vcpus (out).
 *
 * Interrupts a device model raises in the emulated domain (Keel's PIC, IO-APIC
 * and vLAPICs, wired as Xen: ISA IRQ 0 is GSI 2, other ISA IRQs identity; PCI
 * device d INTx i is GSI 16 + ((4d + d/8 + i) mod 32) and also PCI link
 * (d + i) mod 4, which reaches the ISA IRQ set_pci_link_route gave it). A line
 * stays asserted until deasserted; lines driven by several sources are counted.
 *   8 set_pci_intx_level (6 bytes): @0 u16 domain (0), @2 u8 bus (0), @3 u8
 *     device (0-31), @4 u8 intx (0-3), @5 u8 level (0, 1); else -EINVAL.
 *   9 set_isa_irq_level (2 bytes): @0 u8 isa_irq (0-15), @1 u8 level (0, 1);
 *     else -EINVAL.
 *   10 set_pci_link_route (2 bytes): @0 u8 link (0-3), @1 u8 isa_irq (0-15,
 *     0 disconnects); else -EINVAL.
 *   14 inject_msi (16 bytes): @0 u32 data, @4 u32 pad (0, else -EINVAL), @8
 *     u64 addr. Vector (data bits 7:0), delivery mode (10:8: fixed, lowest
 *     priority, NMI; others -EINVAL), trigger (15), destination (addr bits
 *     19:12), logical (addr bit 2). Vector 0 names a PVHVM pirq: Keel maps
 *     none (-EINVAL, or -ERANGE when the pirq is 0). Lowest priority with no
 *     vCPU to take it: -ESRCH.
 *   19 set_irq_level (8 bytes): @0 u32 irq, @4 u8 level, @5 u8 pad[3]: Arm
 *     only; -EOPNOTSUPP on x86, as Xen, after the size check.
 *
 * Requests. Port I/O and memory accesses of an HVM domain that no device in
 * Keel handles (Keel keeps only the debug port 0xE9 for itself; the ACPI, reset
 * and keyboard-controller ports are the device model's, as on Xen) go to the enabled server whose
 * range holds the whole access; with none, reads return all ones and writes are dropped (as Xen
 * without a device model). The vCPU's ioreq_t in the server's synchronous page (slot = vCPU id) is
 * filled, its state set to READY, and vp_eport is notified; the vCPU waits (nothing else wakes it)
 * until the emulator sets the state to IORESP_READY and notifies the port; Keel then takes `data`
 * for a read, sets the state back to NONE and completes the instruction. INS/OUTS (REP or not)
 * go as Xen sends them: data_is_ptr 1, data = the guest-physical address of the first element,
 * count = the elements that stay in that 4 KiB page (and do not wrap the index register), df =
 * EFLAGS.DF; the device model reads or writes guest memory itself and Keel then advances
 * rSI/rDI/rCX by count, running the instruction again for the rest. An element that itself
 * crosses a page goes alone by value (count 1, data_is_ptr 0), as every other access does. Keel
 * posts nothing to the buffered ring yet. PCI configuration space goes as on Xen: the last 4-byte
 * write to port 0xCF8 is kept (and forwarded as port I/O); an access within 0xCFC-0xCFF while its
 * bit 31 is set goes as PCI_CONFIG (addr = SBDF << 32 | register) to the server that mapped that
 * SBDF, else as port I/O. As Xen, a slot not in NONE when a request is sent, or in anything but
 * READY, INPROCESS or IORESP_READY when the port is notified, crashes the emulated domain ("device
 * model set bad IO state"); READY and INPROCESS keep it waiting.
 *
 * struct ioreq (32 bytes): @0 u64 addr (port or guest-physical address),
 *   @8 u64 data, @16 u32 count, @20 u32 size (bytes: 1, 2, 4 or 8),
 *   @24 u32 vp_eport, @28 u16 pad, @30 u8 bits: state (0-3), data_is_ptr (4),
 *   dir (5: 1 read, 0 write), df (6); @31 u8 type (0 PIO, 1 COPY (memory),
 *   2 PCI_CONFIG, 7 TIMEOFFSET, 8 INVALIDATE).
 * Synchronous page: struct ioreq per vCPU, vCPU n at byte 32 * n.
 * Buffered page: @0 u32 read_pointer, @4 u32 write_pointer, @8 511 slots of
 *   8 bytes (struct buf_ioreq).
 * XENMEM_acquire_resource type XENMEM_resource_ioreq_server (0), id = server
 *   id: frame 0 the buffered page (-ENOENT when the server has none), frame 1
 *   the synchronous page; the size query answers 2.
 */
#ifndef KEEL_PUBLIC_XEN_DM_OP_H
#define KEEL_PUBLIC_XEN_DM_OP_H

#include <stdint.h>

#define __HYPERVISOR_dm_op 41

#define KEEL_MAX_IOREQ_SERVERS 8   /* as Xen's MAX_NR_IOREQ_SERVERS */
#define KEEL_MAX_IO_RANGES     256 /* per server and type, as Xen's MAX_NR_IO_RANGES */

#define XEN_DMOP_create_ioreq_server		  1
#define XEN_DMOP_get_ioreq_server_info		  2
#define XEN_DMOP_map_io_range_to_ioreq_server	  3
#define XEN_DMOP_unmap_io_range_from_ioreq_server 4
#define XEN_DMOP_set_ioreq_server_state		  5
#define XEN_DMOP_destroy_ioreq_server		  6
#define XEN_DMOP_set_pci_intx_level		  8
#define XEN_DMOP_set_isa_irq_level		  9
#define XEN_DMOP_set_pci_link_route		  10
#define XEN_DMOP_inject_msi			  14
#define XEN_DMOP_remote_shutdown		  16
#define XEN_DMOP_set_irq_level			  19
#define XEN_DMOP_nr_vcpus			  20
#define XEN_DMOP_LAST				  20 /* the highest op Xen 4.17 defines */

#define XEN_DMOP_no_gfns 1u

#define XEN_DMOP_IO_RANGE_PORT	 0
#define XEN_DMOP_IO_RANGE_MEMORY 1
#define XEN_DMOP_IO_RANGE_PCI	 2
#define XEN_DMOP_IO_RANGE_TYPES	 3

#define HVM_IOREQSRV_BUFIOREQ_OFF    0
#define HVM_IOREQSRV_BUFIOREQ_LEGACY 1
#define HVM_IOREQSRV_BUFIOREQ_ATOMIC 2

#define XENMEM_resource_ioreq_server		    0
#define XENMEM_resource_ioreq_server_frame_bufioreq 0
#define XENMEM_resource_ioreq_server_frame_ioreq(n) (1 + (n))

#define IOREQ_READ  1
#define IOREQ_WRITE 0

#define STATE_IOREQ_NONE      0
#define STATE_IOREQ_READY     1
#define STATE_IOREQ_INPROCESS 2
#define STATE_IORESP_READY    3

#define IOREQ_TYPE_PIO	      0
#define IOREQ_TYPE_COPY	      1
#define IOREQ_TYPE_PCI_CONFIG 2

struct xen_dm_op_buf {
	uint64_t h;
	uint64_t size;
};

struct xen_dm_op_create_ioreq_server {
	uint8_t handle_bufioreq;
	uint8_t pad[3];
	uint16_t id;
};

struct xen_dm_op_get_ioreq_server_info {
	uint16_t id;
	uint16_t flags;
	uint32_t bufioreq_port;
	uint64_t ioreq_gfn;
	uint64_t bufioreq_gfn;
};

struct xen_dm_op_ioreq_server_range {
	uint16_t id;
	uint16_t pad;
	uint32_t type;
	uint64_t start;
	uint64_t end;
};

struct xen_dm_op_set_ioreq_server_state {
	uint16_t id;
	uint8_t enabled;
	uint8_t pad;
};

struct xen_dm_op_destroy_ioreq_server {
	uint16_t id;
	uint16_t pad;
};

struct xen_dm_op_remote_shutdown {
	uint32_t reason;
};

struct xen_dm_op_nr_vcpus {
	uint32_t vcpus;
};

struct xen_dm_op_set_pci_intx_level {
	uint16_t domain;
	uint8_t bus, device, intx, level;
};

struct xen_dm_op_set_isa_irq_level {
	uint8_t isa_irq, level;
};

struct xen_dm_op_set_pci_link_route {
	uint8_t link, isa_irq;
};

struct xen_dm_op_inject_msi {
	uint32_t data;
	uint32_t pad;
	uint64_t addr;
};

struct xen_dm_op_set_irq_level {
	uint32_t irq;
	uint8_t level;
	uint8_t pad[3];
};

struct xen_dm_op {
	uint32_t op;
	uint32_t pad;
	union {
		struct xen_dm_op_create_ioreq_server create_ioreq_server;
		struct xen_dm_op_get_ioreq_server_info get_ioreq_server_info;
		struct xen_dm_op_ioreq_server_range range;
		struct xen_dm_op_set_ioreq_server_state set_ioreq_server_state;
		struct xen_dm_op_destroy_ioreq_server destroy_ioreq_server;
		struct xen_dm_op_remote_shutdown remote_shutdown;
		struct xen_dm_op_nr_vcpus nr_vcpus;
		struct xen_dm_op_set_pci_intx_level set_pci_intx_level;
		struct xen_dm_op_set_isa_irq_level set_isa_irq_level;
		struct xen_dm_op_set_pci_link_route set_pci_link_route;
		struct xen_dm_op_inject_msi inject_msi;
		struct xen_dm_op_set_irq_level set_irq_level;
		uint8_t raw[256];
	} u;
};

struct ioreq {
	uint64_t addr;
	uint64_t data;
	uint32_t count;
	uint32_t size;
	uint32_t vp_eport;
	uint16_t pad;
	uint8_t bits; /* state 0-3, data_is_ptr 4, dir 5, df 6 */
	uint8_t type;
};

#define IOREQ_STATE(b) ((b)&0xf)
#define IOREQ_DIR_BIT  5
#define IOREQ_PTR_BIT  4
#define IOREQ_DF_BIT   6

struct buffered_iopage_head {
	uint32_t read_pointer;
	uint32_t write_pointer;
};

_Static_assert(sizeof(struct xen_dm_op_buf) == 16, "xen_dm_op_buf is 16 bytes");
_Static_assert(sizeof(struct xen_dm_op_create_ioreq_server) == 6, "create is 6 bytes");
_Static_assert(sizeof(struct xen_dm_op_get_ioreq_server_info) == 24, "get_info is 24 bytes");
_Static_assert(sizeof(struct xen_dm_op_ioreq_server_range) == 24, "range is 24 bytes");
_Static_assert(sizeof(struct ioreq) == 32, "ioreq is 32 bytes");
_Static_assert(sizeof(struct xen_dm_op_set_pci_intx_level) == 6, "set_pci_intx_level is 6 bytes");
_Static_assert(sizeof(struct xen_dm_op_inject_msi) == 16, "inject_msi is 16 bytes");
_Static_assert(sizeof(struct xen_dm_op_set_irq_level) == 8, "set_irq_level is 8 bytes");

#endif
