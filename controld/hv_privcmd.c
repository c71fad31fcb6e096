// SPDX-License-Identifier: MIT
/*
 * The shipped hypervisor backend: Keel through /dev/xen/privcmd with Debian's libxencall.
 * Until it issues Keel's domain-control hypercall (hypervisor/include/public/keel/domctl.h),
 * it only proves that a hypervisor answers (the xen_version hypercall, which Keel's Xen
 * guest ABI subset provides) and returns -ENOSYS for domain operations.
 */
#include "hv_backend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xencall.h>

#define HYPERCALL_XEN_VERSION 17
#define XENVER_VERSION	      0

struct hv_privcmd {
	struct hv base;
	xencall_handle *xc;
	unsigned version;
};

static int pc_host_info(struct hv *hv, struct hv_host_info *out)
{
	struct hv_privcmd *p = (struct hv_privcmd *)hv;
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);

	/* Until the domctl calls are issued here, dom0's own view of the machine. */
	memset(out, 0, sizeof(*out));
	out->nr_cpus = (unsigned)sysconf(_SC_NPROCESSORS_CONF);
	out->total_mib = (uint64_t)pages * (uint64_t)psz >> 20;
	out->free_mib = (uint64_t)sysconf(_SC_AVPHYS_PAGES) * (uint64_t)psz >> 20;
	snprintf(out->version, sizeof(out->version), "xen-abi %u.%u", p->version >> 16,
		 p->version & 0xffff);
	return 0;
}

static int pc_create(struct hv *hv, const struct hv_domain_config *cfg, uint32_t *domid)
{
	(void)hv, (void)cfg, (void)domid;
	return -ENOSYS;
}

static int pc_domid_op(struct hv *hv, uint32_t domid)
{
	(void)hv, (void)domid;
	return -ENOSYS;
}

static int pc_info(struct hv *hv, uint32_t domid, struct hv_domain_info *out)
{
	(void)hv, (void)domid, (void)out;
	return -ENOSYS;
}

static int pc_uint(struct hv *hv, uint32_t domid, unsigned v)
{
	(void)hv, (void)domid, (void)v;
	return -ENOSYS;
}

static int pc_sched(struct hv *hv, uint32_t domid, unsigned w, unsigned c)
{
	(void)hv, (void)domid, (void)w, (void)c;
	return -ENOSYS;
}

static int pc_pin(struct hv *hv, uint32_t domid, unsigned vcpu, uint64_t mask)
{
	(void)hv, (void)domid, (void)vcpu, (void)mask;
	return -ENOSYS;
}

static int pc_mem(struct hv *hv, uint32_t domid, uint64_t kib)
{
	(void)hv, (void)domid, (void)kib;
	return -ENOSYS;
}

static int pc_pci(struct hv *hv, uint32_t domid, const char *bdf)
{
	(void)hv, (void)domid, (void)bdf;
	return -ENOSYS;
}

static void pc_close(struct hv *hv)
{
	struct hv_privcmd *p = (struct hv_privcmd *)hv;

	xencall_close(p->xc);
	free(p);
}

static const struct hv_ops privcmd_ops = {
    .host_info = pc_host_info,
    .domain_create = pc_create,
    .domain_destroy = pc_domid_op,
    .domain_pause = pc_domid_op,
    .domain_unpause = pc_domid_op,
    .domain_info = pc_info,
    .set_vcpus_online = pc_uint,
    .set_sched = pc_sched,
    .pin_vcpu = pc_pin,
    .set_memory_target = pc_mem,
    .pci_assign = pc_pci,
    .pci_unassign = pc_pci,
    .close = pc_close,
};

int hv_privcmd_open(uv_loop_t *loop, hv_event_fn fn, void *opaque, struct hv **out, char *err,
		    size_t errlen)
{
	struct hv_privcmd *p;
	long ver;

	(void)loop;
	if (access("/dev/xen/privcmd", R_OK | W_OK)) {
		snprintf(err, errlen,
			 "no hypervisor reachable: /dev/xen/privcmd: %s (controld runs in dom0 "
			 "on Keel, with Linux's xen_privcmd driver loaded)",
			 strerror(errno));
		return -ENODEV;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->xc = xencall_open(NULL, 0);
	if (!p->xc) {
		int rc = errno ? -errno : -ENODEV;
		snprintf(err, errlen, "no hypervisor reachable: xencall_open: %s", strerror(-rc));
		free(p);
		return rc;
	}
	ver = xencall2(p->xc, HYPERCALL_XEN_VERSION, XENVER_VERSION, 0);
	if (ver < 0) {
		snprintf(err, errlen,
			 "no hypervisor reachable: the xen_version hypercall failed (%s)",
			 strerror(errno));
		pc_close(&p->base);
		return -ENODEV;
	}
	p->version = (unsigned)ver;
	p->base.ops = &privcmd_ops;
	p->base.event = fn;
	p->base.event_opaque = opaque;
	*out = &p->base;
	return 0;
}
