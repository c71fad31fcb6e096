/* SPDX-License-Identifier: MIT */
/* Domains and their virtual CPUs. */
#ifndef KEEL_DOMAIN_H
#define KEEL_DOMAIN_H

#include <keel/types.h>
#include <keel/arch.h>
#include <keel/timer.h>
#include <public/xen/hypercall.h>
#include <public/xen/event_channel.h>
#include <public/xen/hvm.h>
#include <public/xen/shared_info.h>
#include <public/xen/vcpu.h>

#define MAX_DOMAINS	   64
#define MAX_VCPUS	   8
#define DOMAIN_NAME_MAX	   32
#define DOMAIN_CMDLINE_MAX 2048
#define DEFAULT_WEIGHT	   256
#define MAX_POLL_PORTS	   128
#define GFN_NONE	   (~0ULL)
#define DOMAIN_MEMMAP_MAX  32

enum domain_state {
	DOM_FREE,
	DOM_PAUSED, /* built, not yet running, or paused by the toolstack */
	DOM_RUNNING,
	DOM_SHUTDOWN, /* ended by the guest: shutdown_reason says how */
	DOM_CRASHED,  /* ended by the hypervisor after a fatal guest error */
	DOM_ZOMBIE,   /* gone, but others still map its granted memory */
};

/*
 * How far a domain the toolstack builds (KEEL_DOMCTL_createdomain...) has got.
 * Boot-time domains are BUILD_BOOT: Keel loaded them and serves their console.
 */
enum domain_build {
	BUILD_BOOT,
	BUILD_EMPTY,  /* created, no kernel yet */
	BUILD_KERNEL, /* kernel, start info and the pages for dom0 in place */
	BUILD_INITRD, /* and its initrd */
	BUILD_STARTED /* unpaused once: its memory is the guest's now */
};

enum vcpu_state {
	VCPU_OFFLINE, /* not started (APs before INIT/SIPI) or stopped */
	VCPU_RUNNABLE,
	VCPU_BLOCKED, /* HLT or SCHEDOP_block: waits for an event */
};

/* Guest registers the VMCS does not hold. Offsets are used by vmx_entry.S. */
struct guest_regs {
	u64 rax, rbx, rcx, rdx, rsi, rdi, rbp;
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 cr2;
};

struct domain;
struct ioreq_server;
struct vlapic;
struct grant_active;
struct grant_map;

struct vcpu {
	struct guest_regs regs; /* first: vmx_entry.S takes &vcpu->regs */
	struct domain *dom;
	u32 id;
	enum vcpu_state state;
	u32 pcpu;     /* the physical CPU it is queued on */
	u32 affinity; /* bitmap of allowed pCPUs */

	struct arch_vcpu arch; /* VT-x state: arch/x86 only */

	/* Scheduling (weighted fair: virtual runtime in weight-scaled ticks). */
	u64 vruntime;
	u64 run_start;
	u64 runtime; /* TSC ticks spent running, in total */
	struct vcpu *rq_next;
	bool on_rq;

	u64 exits;
	bool compat; /* its hypercall in progress was made outside long mode (compat.h) */

	/* Xen ABI state. */
	struct vcpu_info *vcpu_info; /* in shared_info, or registered elsewhere */
	u32 virq_port[NR_VIRQS];
	struct timer singleshot; /* VCPUOP_set_singleshot_timer, set_timer_op */
	struct timer periodic;
	u64 periodic_ns;
	bool polling; /* blocked in SCHEDOP_poll */
	u32 nr_poll;
	u32 poll_ports[MAX_POLL_PORTS];
	struct timer poll_timeout;
	struct vcpu_runstate_info runstate;
	u64 runstate_gpa; /* 0: not registered */
	struct {
		u8 state;  /* enum ioreq_wait_state (ioreq.h) */
		u8 server; /* the ioreq server asked */
		u64 data;  /* its answer */
	} io;
	u64 time_area_gpa; /* VCPUOP_register_vcpu_time_memory_area; 0: none */
};

struct domain {
	u16 id;
	enum domain_state state;
	char name[DOMAIN_NAME_MAX];
	char cmdline[DOMAIN_CMDLINE_MAX];
	u32 weight;
	u32 cap;	      /* percent of one pCPU, 0 = none */
	u64 cap_period_start; /* TSC */
	u64 cap_used;	      /* ticks run in this period */

	u64 mem_size; /* RAM it was built with, all regions */
	/*
	 * Its RAM: a domU has one region at GPA 0; dom0's RAM is identity-mapped
	 * (GPA = host address, devices DMA to it without an IOMMU): the host's
	 * low memory and one large window.
	 */
	struct domain_ram {
		u64 gpa;
		paddr_t hpa;
		u64 size;
	} ram[2];
	u32 nr_ram;
	u64 tot_pages;	/* RAM pages backed now (less what it ballooned out) */
	u64 max_pages;	/* the toolstack's limit on tot_pages (setmaxmem) */
	u64 *ballooned; /* bitmap of GFNs given back; NULL until the first */
	struct moved_page {
		u64 from, to;
	} * moved; /* add_to_physmap(XENMAPSPACE_gmfn) moves; a page, NULL until the first */
	u32 nr_moved;
	u32 vm_assist;	    /* VMASST types enabled (bit = type) */
	u32 memmap_entries; /* the memory map it was given (XENMEM_memory_map) */
	struct domain_memmap_entry {
		u64 addr, size;
		u32 type;
	} memmap[DOMAIN_MEMMAP_MAX];
	struct arch_domain arch; /* EPT: arch/x86 only */

	u32 nr_vcpus;
	u32 vcpus_target; /* the toolstack's online count (KEEL_DOMCTL_setvcpus), 0 = all */
	struct vcpu *vcpu[MAX_VCPUS];

	struct shared_info *shared_info; /* always there; the guest chooses where it sits */
	u64 shared_info_gfn;		 /* GFN_NONE until mapped */
	u8 callback_vector;		 /* HVM_PARAM_CALLBACK_IRQ, 0 = none */
	u64 hvm_params[HVM_NR_PARAMS];
	struct evtchn *evtchn;

	/* Grant tables (grant_table.h). */
	void *gnt_frames[4];
	u64 gnt_frame_gfn[4];
	u32 gnt_nr_frames;
	struct grant_active *gnt_active;
	struct grant_map *gnt_maps; /* this domain's mappings of others' frames */
	u32 foreign_pins;	    /* others' mappings of this domain's frames */
	bool privileged;	    /* may use Keel's domctl (the toolstack's domain) */
	bool initial;		    /* dom0: SIF_INITDOMAIN; console input */
	bool owns_host;		    /* dom0 proper: identity RAM, devices, interrupts */
	bool hvm;		    /* emulated platform: ioreq servers may claim its I/O */
	u32 pci_cf8; /* HVM: the last 4-byte write to port 0xCF8 (the PCI config address) */
	struct ioreq_server *ioreq[8]; /* KEEL_MAX_IOREQ_SERVERS (public/xen/dm_op.h) */
	u64 ioreqs[3];		       /* requests sent to device models: PIO, COPY, PCI_CONFIG */
	u64 ioreq_elements;	       /* string I/O elements those requests carried by pointer */
	enum domain_build build;       /* BUILD_BOOT unless the toolstack builds it */
	u64 kernel_end;		       /* GPA past the loaded kernel image */
	u64 start_info_gpa;	       /* its hvm_start_info (HVM firmware: after the image) */
	u64 module_next;	       /* HVM firmware: where the next module may go */
	bool hvm_firmware; /* started from HVM firmware (hvm_firmware.h), not a PVH kernel */
	u64 console_gpa;   /* the console ring Keel serves, 0 = none */
	u32 console_port;
	bool killed;		    /* destroyed by the toolstack */
	bool said_unclaimed_mmio;   /* the console has one line about it */
	char peer[DOMAIN_NAME_MAX]; /* "peer=NAME": told the peer's domid at boot */

	u32 shutdown_reason;
	char con_line[160]; /* debug console line buffer (port 0xE9, console_io) */
	u32 con_len;
	u64 hypercalls[__HYPERVISOR_NR];
};

struct domain_config {
	char name[DOMAIN_NAME_MAX];
	u64 mem_size;
	u32 vcpus;
	u32 weight;
	u32 cap;
	char expect[16];
	char peer[DOMAIN_NAME_MAX];
	bool privileged;
	bool initial;	    /* "initial" or "dom0": the initial domain's role (privileged) */
	bool owns_host;	    /* "dom0": the host's RAM window, devices and interrupts */
	bool by_toolstack;  /* built through domctl: console and xenstore served in dom0 */
	bool hvm;	    /* KEEL_CREATE_hvm: its I/O may go to device models */
	bool hpet;	    /* "hpet": HVM_PARAM_HPET_ENABLED (an HVM domain's HPET) */
	s32 pin[MAX_VCPUS]; /* pCPU per vCPU, -1 = scheduler's choice */
	char cmdline[DOMAIN_CMDLINE_MAX];
};

/* Parses a boot module's command line: name= mem= vcpus= weight= cap= [-- guest cmdline]. */
int domain_config_parse(const char *line, struct domain_config *cfg, const char **why);

struct domain *domain_create(const struct domain_config *cfg, const char **why);
int domain_load_pvh(struct domain *d, const u8 *image, size_t len, const char **why);
/* Places an initial ramdisk (start_info module 0) at the top of RAM. */
int domain_add_initrd(struct domain *d, const u8 *data, size_t len, const char **why);
/* Where an initrd of len bytes goes (top of RAM, above the kernel): 0, -EINVAL or -E2BIG. */
int domain_initrd_place(struct domain *d, u64 len, u64 *at, const char **why);
/* Records the initrd copied to [at, at+len) as start_info module 0. */
void domain_initrd_record(struct domain *d, u64 at, u64 len);
void domain_unpause(struct domain *d);
/* Stops a running domain's vCPUs until unpaused: 0 or -EINVAL. */
int domain_pause(struct domain *d);
/* Destroyed on request of `by` (the toolstack): 0 or -EINVAL if already ended. */
int domain_kill(struct domain *d, struct domain *by);
void domain_shutdown(struct domain *d, u32 reason);
void domain_crash(struct domain *d, const char *why);
void domain_destroy(struct domain *d);

/* Sees every complete console line of every domain (the self-test's verdicts). */
typedef void (*console_observer_fn)(struct domain *d, const char *line);
void domain_set_console_observer(console_observer_fn fn);
struct domain *domain_by_id(u16 id);
u32 domains_alive(void);
/* True when domain_create has an id left for a domain other than dom0. */
bool domain_id_free(void);
/* Domains not yet reaped (running, paused or ended), zombies aside. */
u32 domains_remaining(void);
/* Reports and frees domains that have ended (called from the scheduler loop). */
void domains_reap(void);
/* A zombie's last foreign mapping went away: free what remains. */
void domain_zombie_release(struct domain *d);
struct domain *domain_by_name(const char *name);
/* Boot-time peers: appends "peer=<domid>" to each guest command line that asked. */
void domains_resolve_peers(void);

/* Appends guest console output; flushed per line with the domain's name as prefix. */
void domain_console_write(struct domain *d, const char *s, size_t len);

/* Puts the domain's own RAM back at gpa (or nothing, beyond RAM) after a special page. */
void domain_restore_ram_page(struct domain *d, u64 gpa);

/* Host pointer for [gpa, gpa+len) of the domain's RAM, or NULL outside it. */
u8 *domain_gpa_ptr(struct domain *d, u64 gpa, u64 len);
/* The host address of [gpa, gpa+len) inside one region of the domain's RAM: 0 or -EINVAL. */
int domain_ram_hpa(const struct domain *d, u64 gpa, u64 len, paddr_t *hpa);
/* One past the highest GPA of its RAM. */
u64 domain_ram_end(const struct domain *d);

/* The initial domain (dom0), or NULL. */
struct domain *domain_initial(void);

#endif
