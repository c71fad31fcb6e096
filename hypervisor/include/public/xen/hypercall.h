/* SPDX-License-Identifier: MIT */
/*
 * Keel's guest ABI, part 1: hypercall numbers and calling convention.
 * Numbers are Xen's (public/xen.h), so stock Xen guests work unchanged.
 *
 * 64-bit convention: RAX = number; arguments in RDI, RSI, RDX, R10, R8;
 * result in RAX, a negative errno (Xen's numbering = Linux's) on failure.
 * A guest enters with VMCALL, directly or through the hypercall page
 * (CPUID 0x40000002: 1 page, installed by writing its GPA to MSR 0x40000000;
 * stub n at byte 32*n is "mov $n, %eax; vmcall; ret").
 */
#ifndef KEEL_PUBLIC_XEN_HYPERCALL_H
#define KEEL_PUBLIC_XEN_HYPERCALL_H

#define __HYPERVISOR_set_timer_op     15
#define __HYPERVISOR_memory_op	      12
#define __HYPERVISOR_multicall	      13
#define __HYPERVISOR_xen_version      17
#define __HYPERVISOR_console_io	      18
#define __HYPERVISOR_grant_table_op   20
#define __HYPERVISOR_vm_assist	      21
#define __HYPERVISOR_vcpu_op	      24
#define __HYPERVISOR_sched_op	      29
#define __HYPERVISOR_event_channel_op 32
#define __HYPERVISOR_physdev_op	      33
#define __HYPERVISOR_hvm_op	      34
#define __HYPERVISOR_NR		      64

/* The MSR a guest writes its hypercall page's GPA to (CPUID 0x40000002 EBX). */
#define XEN_HYPERCALL_PAGE_MSR	0x40000000
#define XEN_HYPERCALL_STUB_SIZE 32

/* console_io (18): (cmd, count, char *buf) */
#define CONSOLEIO_write 0
#define CONSOLEIO_read	1

/* sched_op (29): (cmd, void *arg) */
#define SCHEDOP_yield	      0
#define SCHEDOP_block	      1
#define SCHEDOP_shutdown      2 /* arg: struct sched_shutdown */
#define SCHEDOP_poll	      3
#define SCHEDOP_shutdown_code 5

/* struct sched_shutdown { u32 reason; } at offset 0 */
#define SHUTDOWN_poweroff 0
#define SHUTDOWN_reboot	  1
#define SHUTDOWN_suspend  2
#define SHUTDOWN_crash	  3
#define SHUTDOWN_watchdog 4

/* xen_version (17): (cmd, void *arg) */
#define XENVER_version		   0  /* returns major << 16 | minor */
#define XENVER_extraversion	   1  /* char[16] */
#define XENVER_compile_info	   2  /* struct xen_compile_info, 144 bytes */
#define XENVER_capabilities	   3  /* char[1024] */
#define XENVER_changeset	   4  /* char[64] */
#define XENVER_platform_parameters 5  /* u64 virt_start */
#define XENVER_get_features	   6  /* struct xen_feature_info: submap_idx, submap */
#define XENVER_pagesize		   7  /* returns the page size */
#define XENVER_guest_handle	   8  /* u8[16]: the domain's handle */
#define XENVER_commandline	   9  /* char[1024]: privileged domains only */
#define XENVER_build_id		   10 /* privileged domains only */
#define XENFEAT_NR_SUBMAPS	   1

/* vm_assist(cmd, type): HVM/PVH guests may enable only runstate_update_flag. */
#define VMASST_CMD_enable		 0
#define VMASST_CMD_disable		 1
#define VMASST_TYPE_runstate_update_flag 5
#define XEN_RUNSTATE_UPDATE		 (1ULL << 63) /* in state_entry_time while it changes */

/* struct xen_feature_info { u32 submap_idx @0; u32 submap @4; } */
#define XENFEAT_writable_page_tables	0
#define XENFEAT_auto_translated_physmap 2
#define XENFEAT_supervisor_mode_kernel	3
#define XENFEAT_hvm_callback_vector	8
#define XENFEAT_hvm_safe_pvclock	9

#endif
