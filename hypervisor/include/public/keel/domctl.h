/* SPDX-License-Identifier: MIT */
/*
 * Keel's own hypercall: domain control for the toolstack (controld in dom0).
 * Only a privileged domain may call it (boot module option "privileged";
 * dom0 later); others get -EPERM.
 *
 * Hypercall __HYPERVISOR_keel_domctl (56): (struct keel_domctl *op). Numbers
 * 48-55 are Xen's architecture-specific range; 56 is outside what Xen assigns.
 * Returns 0 or a negative errno; results are written back into *op.
 *
 * struct keel_domctl (96 bytes):
 *   @0  u32 cmd          KEEL_DOMCTL_*
 *   @4  u16 domid        the target (not DOMID_SELF); ignored by hostinfo
 *   @6  u16 pad          must be 0 (-EINVAL otherwise: room for a version)
 *   @8  union (88 bytes):
 *       getinfo / next (out): struct keel_domain_info
 *       setsched (in): struct keel_sched
 *       setmaxmem (in): u64 max_bytes
 *       hostinfo (out): struct keel_host_info
 *       getvcpu (in vcpu, out the rest), setvcpuaffinity (in vcpu, affinity):
 *           struct keel_vcpu_info
 *       setvcpus (in): u32 vcpus
 *       createdomain (in): struct keel_create (op.domid: out)
 *       loadkernel, loadinitrd (in): struct keel_load
 *       getbuild (out): struct keel_build
 *       getstats (out): struct keel_domain_stats
 *
 * Errors common to every op: -EPERM for an unprivileged caller, -EFAULT when op
 * cannot be read or written back, -EINVAL for pad != 0, -ESRCH for a domid
 * with no domain, -EOPNOTSUPP for an unknown cmd.
 *
 * KEEL_DOMCTL_pause, KEEL_DOMCTL_destroy: -EINVAL on the caller itself (a
 *   domain pauses or ends itself with sched_op, as on Xen); -EPERM on any other
 *   privileged domain (dom0, a toolstack's domain: only it may end itself);
 *   -EINVAL when the domain is not running (pause) or has ended (destroy).
 *   Unlike Xen's, pause returns once the domain is marked paused: a vCPU on
 *   another pCPU leaves the guest when its kick arrives, so its cpu_ns may grow
 *   a little after the call (seen with 2 pCPUs).
 * KEEL_DOMCTL_unpause: -EINVAL unless paused; -ENOENT for a domain built by
 *   createdomain that has no kernel yet.
 * KEEL_DOMCTL_setsched: weight 1-65535, cap 0-100 per vCPU (0 = none); -EINVAL
 *   outside those or for a domain that has ended.
 * KEEL_DOMCTL_setmaxmem: the most RAM the domain may have backed (bytes, a
 *   multiple of 4 KiB, at most the RAM it was built with): populate_physmap
 *   past it is refused, so a balloon driver can give memory back and take back
 *   only up to the target. -EINVAL outside those bounds. The balloon's target
 *   itself is not the hypervisor's: the toolstack writes it, in KiB, to the
 *   guest's xenstore node /local/domain/<domid>/memory/target (Linux's
 *   drivers/xen/xen-balloon.c watches it) and sets the max here.
 * KEEL_DOMCTL_hostinfo: the hypervisor's version string (Keel's own, e.g.
 *   "Keel 0.1.0"), the pCPUs online, the host's RAM (the boot memory map's RAM
 *   entries) and what Keel's frame pool has free now.
 * KEEL_DOMCTL_getvcpu: state, pCPU, affinity and run time of vCPU u.vcpu.vcpu;
 *   -EINVAL when vcpu >= nr_vcpus.
 * KEEL_DOMCTL_setvcpuaffinity: the pCPUs vCPU u.vcpu.vcpu may run on (bit n =
 *   pCPU n). -EINVAL when vcpu >= nr_vcpus, the mask is empty, names a pCPU
 *   that is not online, or the domain has ended. Keel does not move a vCPU
 *   between pCPUs yet (its VMCS stays on the pCPU it was placed on at build):
 *   a mask without the vCPU's current pCPU is -EXDEV.
 * KEEL_DOMCTL_setvcpus: how many vCPUs the toolstack wants online, 1..nr_vcpus
 *   (-EINVAL otherwise or for a domain that has ended); getinfo reports it with
 *   the count online now. As on Xen, a PVH guest brings its own vCPUs up and
 *   down: the toolstack writes "online" or "offline" to the guest's xenstore
 *   node /local/domain/<domid>/cpu/<n>/availability for every n < nr_vcpus
 *   (Linux's drivers/xen/cpu_hotplug.c watches them); Keel records the target
 *   and does not force a vCPU down.
 *
 * Building a domain from dom0 (issue 11), in this order:
 * KEEL_DOMCTL_createdomain: a paused domain of u.create's size with no kernel
 *   yet; op.domid is written back with its id. Checks: name 1-31 characters of
 *   [A-Za-z0-9._-], unique among domains not yet reaped (-EEXIST); mem_bytes a
 *   multiple of 2 MiB, at least 16 MiB (-EINVAL); vcpus 1..KEEL_MAX_VCPUS;
 *   weight 0 (= 256) or 1-65535; cap 0..100 * vcpus; flags 0 or KEEL_CREATE_hvm. -ENOMEM when the
 *   host has not that much free memory, -ENOSPC when no domain id is free.
 * KEEL_DOMCTL_loadkernel: Keel copies the ELF image at u.load.image (an
 *   address in the caller's virtual memory, as every privcmd argument) of
 *   image_len bytes (1..KEEL_MAX_IMAGE) into a staging buffer, checks it
 *   (ELF64 or ELF32 with the XEN_ELFNOTE_PHYS32_ENTRY note: else -ENOEXEC),
 *   loads it into the domain's RAM (-E2BIG if it does not fit), and writes the
 *   start info with the command line at u.load.cmdline (cmdline_len bytes,
 *   0..2047, no NUL needed). It also sets up what the toolstack connects in
 *   dom0, as Xen's domain builder does: a xenstore page and a console page in
 *   the guest's reserved low memory (HVM_PARAM_STORE_PFN, _CONSOLE_PFN), an
 *   unbound event channel for each with remote domain 0 (HVM_PARAM_STORE_EVTCHN,
 *   _CONSOLE_EVTCHN), and the guest's grant entries GNTTAB_RESERVED_CONSOLE (0)
 *   and GNTTAB_RESERVED_XENSTORE (1) granting those pages to dom0. Only a
 *   paused domain built by createdomain and not yet loaded (-EBUSY otherwise).
 *   -EFAULT when a buffer is not readable (Keel walks the caller's page
 *   tables and faults nothing in: the toolstack passes resident memory, e.g.
 *   read into a buffer it has touched or mlock()ed), -ENOMEM when Keel has no
 *   room to stage the image. A load that fails leaves the domain empty: it may be
 *   tried again (or the domain destroyed).
 * KEEL_DOMCTL_loadinitrd: after loadkernel, the initrd at u.load.image of
 *   image_len bytes (1..KEEL_MAX_IMAGE) is placed at the top of the domain's
 *   RAM (start info module 0); -E2BIG if it does not fit above the kernel.
 *   cmdline and cmdline_len must be 0. -ENOENT before loadkernel, -EBUSY for
 *   a second initrd or once the domain was unpaused; -EFAULT when the image
 *   is not readable (copied straight into the domain's RAM: not parsed).
 * HVM firmware (KEEL_CREATE_hvm domains): loadkernel also takes an ELF32 image
 *   without the PVH note (Xen's hvmloader), entered at e_entry in 32-bit
 *   protected mode with EBX = the start info, as Xen's toolstack starts it; the
 *   domain then gets Xen's HVM firmware layout (hypervisor/HVM.md section 2): the
 *   start info right after the image, no command line and no ACPI tables of
 *   Keel's, a memory map of RAM from 1 MiB up to the special pages, the HVM info
 *   table at 0x9F800, the console and xenstore pages as the top two pages of RAM.
 *   loadinitrd then loads up to two named modules after the start info: cmdline
 *   is the module's name (1-31 bytes: "firmware" for SeaBIOS), -EBUSY past two.
 * KEEL_DOMCTL_getbuild: after loadkernel, u.build: the guest frame numbers of
 *   its xenstore and console pages and its ports for them (remote domain 0):
 *   what keel-xenstored's XS_INTRODUCE and the console service in dom0 need.
 *   -ENOENT before loadkernel (and for a domain Keel built at boot, whose
 *   console Keel serves). Then KEEL_DOMCTL_unpause starts it.
 *   Guest-physical layout (as for boot-time domains): start info with the
 *   memory map, module list and command line at 0x1000, ACPI tables at
 *   0x2000-0x3fff, the console page at 0x4000, the xenstore page at 0x5000;
 *   0x1000-0x5fff is reserved in the memory map, the kernel goes above.
 * KEEL_DOMCTL_getstats: u.stats, counters of what the domain has cost since it
 *   was built, for a toolstack's rates (two samples: the difference of a
 *   counter over the difference of now_ns). Any domain not yet reaped, running
 *   or not. The counters only grow while the domain exists; they are read
 *   without stopping its vCPUs, so two counters of one sample may be a few
 *   exits apart.
 *
 * struct keel_create (56 bytes):
 *   @0  char name[32]    NUL-terminated
 *   @32 u64 mem_bytes
 *   @40 u32 vcpus
 *   @44 u32 weight
 *   @48 u32 cap
 *   @52 u32 flags        KEEL_CREATE_hvm (bit 0): an HVM domain, whose port I/O
 *                        and unclaimed memory accesses go to the ioreq servers a
 *                        device model creates with dm_op (public/xen/dm_op.h);
 *                        other bits must be 0
 *
 * struct keel_load (32 bytes):
 *   @0  u64 image        caller's virtual address
 *   @8  u64 image_len
 *   @16 u64 cmdline      caller's virtual address (loadkernel), else 0
 *   @24 u32 cmdline_len
 *   @28 u32 pad          0
 *
 * struct keel_build (32 bytes):
 *   @0  u64 store_gfn
 *   @8  u64 console_gfn
 *   @16 u32 store_port
 *   @20 u32 console_port
 *   @24 u64 pad
 *
 * struct keel_domain_stats (88 bytes):
 *   @0  u64 exits        VM exits of all its vCPUs (each one is work of Keel's)
 *   @8  u64 dm_pio       of those, port I/O sent to a device model (an ioreq of
 *                        IOREQ_TYPE_PIO it had to answer; public/xen/dm_op.h)
 *   @16 u64 dm_mmio      memory accesses sent to a device model (IOREQ_TYPE_COPY)
 *   @24 u64 dm_pci_config PCI configuration accesses (IOREQ_TYPE_PCI_CONFIG)
 *   @32 u64 dm_buffered  writes posted to buffered ioreq rings (not waited for)
 *   @40 u64 dm_string_elements  string I/O elements the requests above carried
 *                        by pointer (data_is_ptr: one request, many elements)
 *   @48 u64 cpu_ns       time its vCPUs have run, in total (as getinfo)
 *   @56 u64 now_ns       Keel's system time at the sample (ns since Keel
 *                        started; the clock guests read as Xen's system time)
 *   @64 u64 pad[3]       0
 *   A PVH domain has no device model: its dm_* counters stay 0.
 *
 * struct keel_sched (8 bytes): @0 u32 weight, @4 u32 cap
 *
 * struct keel_domain_info (88 bytes):
 *   @0  u16 domid        (KEEL_DOMCTL_next: the first domain with id >= domid)
 *   @2  u8  state        KEEL_DOMSTATE_*
 *   @3  u8  shutdown_reason (Xen's SHUTDOWN_*, public/xen/hypercall.h, when state
 *                        is shutdown; SHUTDOWN_crash when crashed)
 *   @4  u32 nr_vcpus
 *   @8  u64 mem_bytes
 *   @16 u64 cpu_ns       time its vCPUs have run, in total
 *   @24 u32 weight
 *   @28 u32 cap          percent of one pCPU, 0 = none
 *   @32 char name[32]    NUL-terminated
 *   @64 u32 flags        KEEL_DOMINFO_*
 *   @68 u16 vcpus_online vCPUs not offline now
 *   @70 u16 vcpus_target the setvcpus count (nr_vcpus until set)
 *   @72 u64 max_mem_bytes   the setmaxmem limit (mem_bytes until set)
 *   @80 u64 cur_mem_bytes   RAM backed now (less what it ballooned out)
 *
 * struct keel_host_info (56 bytes):
 *   @0  char version[32] NUL-terminated
 *   @32 u32 nr_cpus      pCPUs online (numbered 0..nr_cpus-1)
 *   @36 u32 pad
 *   @40 u64 total_bytes
 *   @48 u64 free_bytes
 *
 * struct keel_vcpu_info (32 bytes):
 *   @0  u32 vcpu
 *   @4  u8  state        KEEL_VCPU_*
 *   @5  u8  pad[3]
 *   @8  u32 pcpu         the pCPU it runs on
 *   @12 u32 pad1
 *   @16 u64 affinity     bit n = pCPU n
 *   @24 u64 cpu_ns       time it has run
 */
#ifndef KEEL_PUBLIC_KEEL_DOMCTL_H
#define KEEL_PUBLIC_KEEL_DOMCTL_H

#include <stdint.h>

#define __HYPERVISOR_keel_domctl 56

#define KEEL_DOMCTL_getinfo	    1
#define KEEL_DOMCTL_next	    2 /* iterate: info of the first domain with id >= domid */
#define KEEL_DOMCTL_pause	    3
#define KEEL_DOMCTL_unpause	    4
#define KEEL_DOMCTL_destroy	    5
#define KEEL_DOMCTL_setsched	    6
#define KEEL_DOMCTL_setmaxmem	    7
#define KEEL_DOMCTL_hostinfo	    8
#define KEEL_DOMCTL_getvcpu	    9
#define KEEL_DOMCTL_setvcpuaffinity 10
#define KEEL_DOMCTL_setvcpus	    11
#define KEEL_DOMCTL_createdomain    12
#define KEEL_DOMCTL_loadkernel	    13
#define KEEL_DOMCTL_loadinitrd	    14
#define KEEL_DOMCTL_getbuild	    15
#define KEEL_DOMCTL_getstats	    16

#define KEEL_MAX_VCPUS 8

#define KEEL_CREATE_hvm (1u << 0)
#define KEEL_MAX_IMAGE	(256ULL << 20) /* a kernel or initrd image */

#define KEEL_DOMSTATE_paused   1
#define KEEL_DOMSTATE_running  2
#define KEEL_DOMSTATE_shutdown 3
#define KEEL_DOMSTATE_crashed  4

#define KEEL_DOMINFO_privileged (1 << 0)
#define KEEL_DOMINFO_destroyed	(1 << 1) /* ended by KEEL_DOMCTL_destroy */

#define KEEL_VCPU_offline  0
#define KEEL_VCPU_runnable 1
#define KEEL_VCPU_blocked  2

struct keel_domain_info {
	uint16_t domid;
	uint8_t state;
	uint8_t shutdown_reason;
	uint32_t nr_vcpus;
	uint64_t mem_bytes;
	uint64_t cpu_ns;
	uint32_t weight;
	uint32_t cap;
	char name[32];
	uint32_t flags;
	uint16_t vcpus_online;
	uint16_t vcpus_target;
	uint64_t max_mem_bytes;
	uint64_t cur_mem_bytes;
};

struct keel_domain_stats {
	uint64_t exits;
	uint64_t dm_pio;
	uint64_t dm_mmio;
	uint64_t dm_pci_config;
	uint64_t dm_buffered;
	uint64_t dm_string_elements;
	uint64_t cpu_ns;
	uint64_t now_ns;
	uint64_t pad[3];
};

struct keel_sched {
	uint32_t weight;
	uint32_t cap;
};

struct keel_host_info {
	char version[32];
	uint32_t nr_cpus;
	uint32_t pad;
	uint64_t total_bytes;
	uint64_t free_bytes;
};

struct keel_vcpu_info {
	uint32_t vcpu;
	uint8_t state;
	uint8_t pad[3];
	uint32_t pcpu;
	uint32_t pad1;
	uint64_t affinity;
	uint64_t cpu_ns;
};

struct keel_create {
	char name[32];
	uint64_t mem_bytes;
	uint32_t vcpus;
	uint32_t weight;
	uint32_t cap;
	uint32_t flags;
};

struct keel_load {
	uint64_t image;
	uint64_t image_len;
	uint64_t cmdline;
	uint32_t cmdline_len;
	uint32_t pad;
};

struct keel_build {
	uint64_t store_gfn;
	uint64_t console_gfn;
	uint32_t store_port;
	uint32_t console_port;
	uint64_t pad;
};

struct keel_domctl {
	uint32_t cmd;
	uint16_t domid;
	uint16_t pad;
	union {
		struct keel_domain_info info;
		struct keel_sched sched;
		uint64_t max_bytes;
		struct keel_host_info host;
		struct keel_vcpu_info vcpu;
		uint32_t vcpus;
		struct keel_create create;
		struct keel_load load;
		struct keel_build build;
		struct keel_domain_stats stats;
		uint8_t raw[88];
	} u;
};

_Static_assert(sizeof(struct keel_domain_info) == 88, "keel_domain_info is 88 bytes");
_Static_assert(sizeof(struct keel_domain_stats) == 88, "keel_domain_stats is 88 bytes");
_Static_assert(sizeof(struct keel_host_info) == 56, "keel_host_info is 56 bytes");
_Static_assert(sizeof(struct keel_vcpu_info) == 32, "keel_vcpu_info is 32 bytes");
_Static_assert(sizeof(struct keel_create) == 56, "keel_create is 56 bytes");
_Static_assert(sizeof(struct keel_load) == 32, "keel_load is 32 bytes");
_Static_assert(sizeof(struct keel_build) == 32, "keel_build is 32 bytes");
_Static_assert(sizeof(struct keel_domctl) == 96, "keel_domctl is 96 bytes");

#endif
