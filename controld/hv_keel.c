// SPDX-License-Identifier: MIT
/*
 * hv.h over Keel's domctl (see hv_keel.h). Hypervisor events: on each @releaseDomain or
 * @introduceDomain from the store (or the fallback poll) the domains are listed again and the
 * difference to the last listing becomes events (hv_domains_diff): a domain that ended, with its
 * reason, or one that is gone.
 */
#include "hv_keel.h"
#include "hv_domctl.h"
#include "hv_image.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keel has 64 domains at most; a listing stops here whatever the hypervisor says. */
#define MAX_LISTED 1024
#define MAX_EVENTS 64

struct hv_keel {
	struct hv base;
	struct hv_transport *t;
	unsigned nr_cpus;
	struct hv_domain_info *listed; /* the last listing, by domid */
	unsigned nlisted;
};

static struct hv_keel *keel_of(struct hv *hv)
{
	return (struct hv_keel *)hv;
}

/* Every domctl goes through here: the log names the one that failed. */
static int issue(struct hv_keel *k, struct keel_domctl *op)
{
	uint32_t cmd = op->cmd;
	uint16_t domid = op->domid;
	int rc = k->t->ops->domctl(k->t, op);

	if (rc) {
		/* An unknown domain is a normal answer to these: the model asks to find out. */
		bool expected =
		    (rc == -ESRCH && (cmd == KEEL_DOMCTL_getinfo || cmd == KEEL_DOMCTL_next ||
				      cmd == KEEL_DOMCTL_getstats)) ||
		    (rc == -ENOENT && cmd == KEEL_DOMCTL_getbuild) ||	/* a boot-time domain */
		    (rc == -EOPNOTSUPP && cmd == KEEL_DOMCTL_getstats); /* an older Keel */
		log_msg(expected ? LOG_LVL_DEBUG : LOG_LVL_WARN,
			"hypervisor: domctl %s (domid %u) failed: %s (errno %d)",
			hv_domctl_name(cmd), domid, strerror(-rc), -rc);
	}
	return rc;
}

static int simple(struct hv *hv, uint32_t cmd, hv_domid_t domid)
{
	struct keel_domctl op = hv_domctl_op(cmd, domid);

	return issue(keel_of(hv), &op);
}

static int k_host_info(struct hv *hv, struct hv_host_info *out)
{
	struct keel_domctl op = hv_domctl_op(KEEL_DOMCTL_hostinfo, 0);
	int rc = issue(keel_of(hv), &op);

	if (!rc)
		hv_host_from_keel(&op.u.host, out);
	return rc;
}

static int get_info(struct hv *hv, uint32_t cmd, hv_domid_t domid, struct hv_domain_info *out)
{
	struct keel_domctl op = hv_domctl_op(cmd, domid);
	int rc = issue(keel_of(hv), &op);

	if (!rc)
		hv_domain_from_keel(&op.u.info, out);
	return rc;
}

static int k_next(struct hv *hv, hv_domid_t from, struct hv_domain_info *out)
{
	return get_info(hv, KEEL_DOMCTL_next, from, out);
}

static int k_info(struct hv *hv, hv_domid_t domid, struct hv_domain_info *out)
{
	return get_info(hv, KEEL_DOMCTL_getinfo, domid, out);
}

static int k_counters(struct hv *hv, hv_domid_t domid, struct hv_domain_counters *out)
{
	struct keel_domctl op = hv_domctl_op(KEEL_DOMCTL_getstats, domid);
	int rc = issue(keel_of(hv), &op);

	if (!rc)
		hv_counters_from_keel(&op.u.stats, out);
	return rc;
}

/* Loads one image file into the domain: loadkernel (with cmdline) or loadinitrd (cmdline:
 * an HVM module's name, else NULL). */
static int load_image(struct hv_keel *k, uint32_t cmd, hv_domid_t domid, const char *path,
		      const char *cmdline)
{
	struct hv_image img;
	struct keel_domctl op;
	int rc = hv_image_map(path, KEEL_MAX_IMAGE, &img);

	if (rc) {
		log_warn("hypervisor: domid %u: image %s: %s", domid, path, strerror(-rc));
		return rc;
	}
	/* The hypervisor copies the image while the domctl runs: unmapped right after. */
	op = hv_domctl_load(cmd, domid, img.data, img.len, cmdline);
	rc = issue(k, &op);
	hv_image_unmap(&img);
	return rc;
}

/*
 * createdomain → loadkernel → loadinitrd → getbuild; a failure part way destroys it. An HVM
 * domain is built as Xen's toolstack builds one for hvmloader (hypervisor/HVM.md section 2):
 * KEEL_CREATE_hvm, the loader as its kernel without a command line, the firmware (SeaBIOS)
 * as the module named "firmware", which hvmloader looks up by that name.
 */
static int k_create(struct hv *hv, const struct hv_domain_config *cfg, hv_domid_t *domid,
		    struct hv_build *build)
{
	struct hv_keel *k = keel_of(hv);
	struct keel_domctl op;
	int rc;

	memset(build, 0, sizeof(*build));
	build->failed = "domain";
	if (!cfg->kernel || !cfg->kernel[0] || (cfg->hvm && (!cfg->firmware || !cfg->firmware[0])))
		return -EINVAL;
	rc = hv_domctl_create(cfg, &op);
	rc = rc ?: issue(k, &op);
	if (rc)
		return rc;
	*domid = op.domid;
	build->failed = "kernel";
	rc = load_image(k, KEEL_DOMCTL_loadkernel, op.domid, cfg->kernel,
			cfg->hvm || !cfg->cmdline ? "" : cfg->cmdline);
	if (!rc && cfg->hvm) {
		build->failed = "firmware";
		rc = load_image(k, KEEL_DOMCTL_loadinitrd, op.domid, cfg->firmware, "firmware");
	} else if (!rc && cfg->initrd && cfg->initrd[0]) {
		build->failed = "initrd";
		rc = load_image(k, KEEL_DOMCTL_loadinitrd, op.domid, cfg->initrd, NULL);
	}
	if (!rc) {
		struct keel_domctl b = hv_domctl_op(KEEL_DOMCTL_getbuild, op.domid);
		build->failed = "domain";
		rc = issue(k, &b);
		if (!rc)
			hv_build_from_keel(&b.u.build, build);
	}
	if (rc) {
		simple(hv, KEEL_DOMCTL_destroy, op.domid);
		return rc;
	}
	build->failed = NULL;
	log_info("hypervisor: built %s domid %u (%s): xenstore gfn %#llx port %u, console gfn "
		 "%#llx port %u",
		 cfg->hvm ? "HVM" : "PVH", op.domid, cfg->name,
		 (unsigned long long)build->store_gfn, build->store_port,
		 (unsigned long long)build->console_gfn, build->console_port);
	return 0;
}

static int k_destroy(struct hv *hv, hv_domid_t domid)
{
	struct hv_domain_info info;
	int rc = simple(hv, KEEL_DOMCTL_destroy, domid);

	/* Keel reaps a domain that ended by itself: destroying it is then already done. */
	if (rc == -EINVAL && !k_info(hv, domid, &info) && !hv_domain_alive(&info))
		return 0;
	return rc;
}

static int k_pause(struct hv *hv, hv_domid_t domid)
{
	return simple(hv, KEEL_DOMCTL_pause, domid);
}

static int k_unpause(struct hv *hv, hv_domid_t domid)
{
	return simple(hv, KEEL_DOMCTL_unpause, domid);
}

static int k_vcpus(struct hv *hv, hv_domid_t domid, unsigned count)
{
	struct keel_domctl op = hv_domctl_op(KEEL_DOMCTL_setvcpus, domid);

	op.u.vcpus = count;
	return issue(keel_of(hv), &op);
}

static int k_sched(struct hv *hv, hv_domid_t domid, unsigned weight, unsigned cap)
{
	struct keel_domctl op = hv_domctl_op(KEEL_DOMCTL_setsched, domid);

	op.u.sched.weight = weight;
	op.u.sched.cap = cap;
	return issue(keel_of(hv), &op);
}

static int k_pin(struct hv *hv, hv_domid_t domid, unsigned vcpu, uint64_t cpumask)
{
	struct hv_keel *k = keel_of(hv);
	struct keel_domctl op;
	int rc = hv_domctl_affinity(domid, vcpu, cpumask, k->nr_cpus, &op);

	if (rc) {
		log_warn("hypervisor: vCPU %u of domid %u: no pCPU of mask %#llx is on this host "
			 "(%u pCPUs)",
			 vcpu, domid, (unsigned long long)cpumask, k->nr_cpus);
		return rc;
	}
	return issue(k, &op);
}

static int k_memory_target(struct hv *hv, hv_domid_t domid, uint64_t kib)
{
	struct keel_domctl op;
	int rc = hv_domctl_maxmem(domid, kib, &op);

	return rc ?: issue(keel_of(hv), &op);
}

static int k_pci(struct hv *hv, hv_domid_t domid, const char *bdf)
{
	(void)hv;
	log_warn("hypervisor: PCI %s for domid %u: Keel's domctl has no PCI assignment", bdf,
		 domid);
	return -ENOSYS;
}

static int k_build_info(struct hv *hv, hv_domid_t domid, struct hv_build *out)
{
	struct keel_domctl op = hv_domctl_op(KEEL_DOMCTL_getbuild, domid);
	int rc = issue(keel_of(hv), &op);

	if (!rc)
		hv_build_from_keel(&op.u.build, out);
	return rc;
}

/* The hypervisor's domains, by domid, into a new array (*n of them). */
static int list_domains(struct hv *hv, struct hv_domain_info **out, unsigned *n)
{
	struct hv_domain_info *v = calloc(MAX_LISTED, sizeof(*v));
	unsigned from = 0;
	int rc = 0;

	if (!v)
		return -ENOMEM;
	*n = 0;
	while (*n < MAX_LISTED && from <= UINT16_MAX) {
		rc = k_next(hv, (hv_domid_t)from, &v[*n]);
		if (rc || v[*n].domid < from)
			break;
		from = v[(*n)++].domid + 1u;
	}
	if (rc && rc != -ESRCH) {
		free(v);
		return rc;
	}
	*out = v;
	return 0;
}

static void domains_changed(struct hv *hv)
{
	struct hv_keel *k = keel_of(hv);
	struct hv_event ev[MAX_EVENTS];
	struct hv_domain_info *now;
	unsigned n, nev;

	if (list_domains(hv, &now, &n))
		return; /* logged; the next event lists again */
	nev = hv_domains_diff(k->listed, k->nlisted, now, n, ev, MAX_EVENTS);
	if (nev > MAX_EVENTS)
		log_warn("hypervisor: %u domain events at once; %u of them dropped", nev,
			 nev - MAX_EVENTS);
	free(k->listed);
	k->listed = now;
	k->nlisted = n;
	for (unsigned i = 0; i < nev && i < MAX_EVENTS; i++) {
		if (ev[i].type == HV_EV_DOMAIN_SHUTDOWN)
			log_info("hypervisor: domid %u ended (%s)", ev[i].domid,
				 hv_shutdown_reason_name(ev[i].reason));
		else
			log_info("hypervisor: domid %u is gone", ev[i].domid);
		hv->event(hv->event_opaque, &ev[i]);
	}
}

void hv_keel_domains_changed(struct hv *hv)
{
	domains_changed(hv);
}

void hv_keel_events_from_store(struct hv *hv)
{
	struct hv_keel *k = keel_of(hv);

	if (k->t->ops->events_from_store)
		k->t->ops->events_from_store(k->t);
}

static void k_close(struct hv *hv)
{
	struct hv_keel *k = keel_of(hv);

	k->t->ops->close(k->t);
	free(k->listed);
	free(k);
}

static const struct hv_ops keel_ops = {
    .host_info = k_host_info,
    .domain_next = k_next,
    .domain_create = k_create,
    .domain_destroy = k_destroy,
    .domain_pause = k_pause,
    .domain_unpause = k_unpause,
    .domain_info = k_info,
    .domain_counters = k_counters,
    .set_vcpus_online = k_vcpus,
    .set_sched = k_sched,
    .pin_vcpu = k_pin,
    .set_memory_target = k_memory_target,
    .pci_assign = k_pci,
    .pci_unassign = k_pci,
    .build_info = k_build_info,
    .close = k_close,
};

int hv_keel_open(struct hv_transport *t, hv_event_fn fn, void *opaque, struct hv **out, char *err,
		 size_t errlen)
{
	struct hv_keel *k = calloc(1, sizeof(*k));
	struct hv_host_info host;
	int rc;

	if (!k) {
		t->ops->close(t);
		return -ENOMEM;
	}
	k->base.ops = &keel_ops;
	k->base.event = fn;
	k->base.event_opaque = opaque;
	k->t = t;
	rc = k_host_info(&k->base, &host);
	if (rc) {
		snprintf(err, errlen,
			 "no hypervisor reachable: Keel's domctl hostinfo failed: %s (errno %d; "
			 "controld runs in Keel's dom0)",
			 strerror(-rc), -rc);
		k_close(&k->base);
		return -ENODEV;
	}
	k->nr_cpus = host.nr_cpus;
	/* The first listing: later ones are compared with it. */
	rc = list_domains(&k->base, &k->listed, &k->nlisted);
	if (rc) {
		snprintf(err, errlen, "listing the hypervisor's domains failed: %s", strerror(-rc));
		k_close(&k->base);
		return rc;
	}
	log_info("hypervisor: %s, %u pCPUs, %llu MiB (%llu MiB free), %u domains", host.version,
		 host.nr_cpus, (unsigned long long)host.total_mib,
		 (unsigned long long)host.free_mib, k->nlisted);
	t->hv = &k->base;
	t->domains_changed = domains_changed;
	*out = &k->base;
	return 0;
}
