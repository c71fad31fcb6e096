// SPDX-License-Identifier: MIT
/*
 * Lifecycle transitions, all in one place: start, pause, unpause, destroy, graceful
 * shutdown and reboot (a job whose timer destroys the domain at its deadline), what a guest
 * does by itself (power off, reboot, crash), and resuming after a restart of controld.
 *
 *   stopped/crashed --start--> paused --unpause--> running --pause--> paused
 *   running/paused --shutdown--> shutting_down --(guest gone or deadline)--> stopped
 *   any but stopped --destroy--> stopped; a guest crash --> crashed
 *   the hypervisor's domain gone (destroyed by others, or ended unseen) --> stopped
 */
#include "device_model.h"
#include "hv_domctl.h"
#include "image_name.h"
#include "log.h"
#include "model_internal.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHUTDOWN_POLL_MS 100

static void shutdown_job_arm(struct controld *cd, struct job *j);
/* Shutdown jobs: called by the job's timer and on hypervisor events. */
static void shutdown_job_check(struct controld *cd, struct job *j);

/* What the store keeps of a domain that is gone: its connection (XS_RELEASE, which fires
 * @releaseDomain), its paths and, in dom0, its devices' loop devices. Releasing one never
 * introduced is harmless (ENOENT). */
static void domain_release(struct controld *cd, int domid)
{
	int rc = cd->store->ops->release(cd->store, (uint32_t)domid);

	if (rc && rc != -ENOENT && rc != -EINVAL)
		log_warn("store: releasing domid %d failed: %s", domid, strerror(-rc));
	devices_release(cd, domid);
}

/* Whether disks a and b (of two domains) are the same file in dom0. */
static bool same_file(const struct controld *cd, const char *a, const char *b)
{
	char pa[PATH_MAX], pb[PATH_MAX];

	return !image_ref_path(cd->cfg.images_dir, a, pa, sizeof(pa)) &&
	       !image_ref_path(cd->cfg.images_dir, b, pb, sizeof(pb)) && !strcmp(pa, pb);
}

const struct domain *domain_disk_user(struct controld *cd, const struct domain *d, unsigned *disk)
{
	for (unsigned i = 0; i < cd->doms.items.n; i++) {
		const struct domain *o = dom_at(cd, i);
		if (o == d || o->domid < 0)
			continue;
		for (unsigned k = 0; k < d->spec.ndisks; k++)
			for (unsigned m = 0; m < o->spec.ndisks; m++)
				if ((!d->spec.disks[k].readonly || !o->spec.disks[m].readonly) &&
				    same_file(cd, d->spec.disks[k].path, o->spec.disks[m].path)) {
					*disk = k;
					return o;
				}
	}
	return NULL;
}

int domain_start(struct controld *cd, struct domain *d)
{
	const struct dom_spec *sp = &d->spec;
	bool hvm = sp->boot.type == BOOT_HVM;
	char kernel[PATH_MAX], initrd[PATH_MAX];
	struct hv_domain_config cfg = {
	    .uuid = d->id,
	    .name = sp->name,
	    .max_vcpus = sp->max_vcpus,
	    .memory_mib = sp->memory_mib,
	    .hvm = hvm,
	    .kernel = kernel,
	    .cmdline = sp->boot.cmdline,
	    .initrd = initrd,
	    .firmware = hvm ? cd->cfg.seabios : "",
	};
	struct hv_build build;
	hv_domid_t domid;
	int rc;

	/* Its last run's hypervisor domain (same name) goes once its QEMU has. */
	if ((d->state != DOM_STOPPED && d->state != DOM_CRASHED) || d->hv_destroy_pending)
		return -EBUSY;
	if (sp->boot.type == BOOT_TIME)
		return -ENOSYS; /* the hypervisor built it at boot; nothing says how again */
	d->start_failed = NULL;
	if (domain_disk_user(cd, d, &(unsigned){0}))
		return -ETXTBSY;
	/* An image name (or the API's /var/lib/keel/images/NAME) is a file in images_dir. */
	if (hvm && sp->boot.firmware != FW_SEABIOS) {
		d->start_failed = "firmware";
		return -ENOSYS; /* OVMF: not yet */
	}
	/* HVM: Xen's hvmloader is the kernel, from controld's config (see device_model.h). */
	rc = image_ref_path(cd->cfg.images_dir, hvm ? cd->cfg.hvmloader : sp->boot.kernel, kernel,
			    sizeof(kernel));
	rc = rc ?: image_ref_path(cd->cfg.images_dir, sp->boot.initrd, initrd, sizeof(initrd));
	if (rc)
		return rc;
	rc = cd->hv->ops->domain_create(cd->hv, &cfg, &domid, &build);
	if (rc) {
		d->start_failed = build.failed;
		return rc;
	}
	d->domid = (int)domid;
	rc = cd->hv->ops->set_vcpus_online(cd->hv, domid, sp->vcpus);
	rc = rc ?: cd->hv->ops->set_memory_target(cd->hv, domid, sp->memory_target_mib * 1024);
	rc = rc ?: domain_push_vcpu_settings(cd, d);
	for (unsigned i = 0; i < sp->npci; i++)
		rc = rc ?: cd->hv->ops->pci_assign(cd->hv, domid, sp->pci[i]);
	rc = rc ?: running_paths_write(cd, d, &build);
	rc = rc ?: devices_start(cd, d);
	/* As xl: the nodes first, then the store serves the guest's ring. */
	rc = rc ?: cd->store->ops->introduce(cd->store, domid, build.store_gfn, build.store_port);
	/* Recorded before it runs: a restart after this point finds and adopts it. */
	d->console_len = d->console_head = 0;
	if (!rc)
		domain_console_connect(cd, d); /* before it runs: its first line is kept */
	domain_set_state(cd, d, DOM_PAUSED);
	d->end_reason[0] = '\0';
	rc = rc ?: domain_commit(cd, d);
	/* HVM: unpaused once its device model runs (domain_dm_ready). */
	if (hvm && !rc) {
		rc = device_model_start(cd, d);
		d->start_failed = rc ? "device-model" : NULL;
		if (!rc)
			return 0;
	}
	rc = rc ?: cd->hv->ops->domain_unpause(cd->hv, domid);
	if (rc) {
		domain_console_disconnect(cd, d);
		cd->hv->ops->domain_destroy(cd->hv, domid);
		domain_release(cd, d->domid);
		d->domid = -1;
		domain_set_state(cd, d, DOM_STOPPED);
		domain_commit(cd, d);
		return rc;
	}
	domain_set_state(cd, d, DOM_RUNNING);
	return domain_commit(cd, d);
}

int domain_pause(struct controld *cd, struct domain *d)
{
	int rc;

	if (d->state != DOM_RUNNING)
		return -EBUSY;
	rc = cd->hv->ops->domain_pause(cd->hv, (hv_domid_t)d->domid);
	if (rc)
		return rc;
	domain_set_state(cd, d, DOM_PAUSED);
	return domain_commit(cd, d);
}

int domain_unpause(struct controld *cd, struct domain *d)
{
	int rc;

	/* An HVM guest waits for its device model. */
	if (d->state != DOM_PAUSED || device_model_starting(cd, d->domid))
		return -EBUSY;
	rc = cd->hv->ops->domain_unpause(cd->hv, (hv_domid_t)d->domid);
	if (rc)
		return rc;
	domain_set_state(cd, d, DOM_RUNNING);
	return domain_commit(cd, d);
}

/* The start job of an HVM guest (domain_act), once its device model runs or failed. */
static void start_job_end(struct controld *cd, struct domain *d, bool ok, const char *msg)
{
	struct job *j = d->job_id[0] ? job_find(cd, d->job_id) : NULL;
	struct job_problem p = {"urn:keel:problem:device-model", "The device model failed", 502,
				""};

	if (!j || j->state != JOB_RUNNING || strcmp(j->kind, "domain.start"))
		return;
	d->job_id[0] = '\0';
	if (!ok)
		str_copy(p.detail, msg, sizeof(p.detail));
	job_finish(cd, j, ok, ok ? msg : "the guest did not start", ok ? NULL : &p);
}

void domain_dm_ready(struct controld *cd, struct domain *d)
{
	int rc = devices_bridge_taps(cd, d);

	rc = rc ?: cd->hv->ops->domain_unpause(cd->hv, (hv_domid_t)d->domid);
	if (rc) {
		log_warn("domain %s (domid %d): starting it after its device model: %s",
			 domain_name(d), d->domid, strerror(-rc));
		domain_dm_failed(cd, d, "the guest could not be started after its device model",
				 false);
		return;
	}
	log_info("domain %s (domid %d): device model running, guest unpaused", domain_name(d),
		 d->domid);
	domain_set_state(cd, d, DOM_RUNNING);
	start_job_end(cd, d, true, "started");
	domain_commit(cd, d);
}

void domain_dm_failed(struct controld *cd, struct domain *d, const char *why, bool was_running)
{
	str_copy(d->end_reason, why, sizeof(d->end_reason));
	start_job_end(cd, d, false, why);
	domain_destroy(cd, d, was_running ? DOM_CRASHED : DOM_STOPPED);
	d->end_reason[0] = '\0';
}

int domain_destroy(struct controld *cd, struct domain *d, enum dom_state after)
{
	int rc;

	if (d->state == DOM_STOPPED || d->domid < 0)
		return d->state == DOM_CRASHED ? 0 : -EBUSY;
	/* Its pages are unmapped while they are still its own. */
	domain_console_disconnect(cd, d);
	start_job_end(cd, d, false, "destroyed before its device model ran");
	/* An HVM guest's QEMU goes first, the domain once it has (device_model_stop). */
	d->hv_destroy_pending = device_model_stop(cd, d->domid);
	rc = d->hv_destroy_pending ? 0 : cd->hv->ops->domain_destroy(cd->hv, (hv_domid_t)d->domid);
	if (rc && rc != -ESRCH) {
		domain_console_connect(cd, d);
		return rc;
	}
	domain_release(cd, d->domid);
	d->domid = -1;
	domain_set_state(cd, d, after);
	return domain_commit(cd, d);
}

/* Starts d again after a reboot: now, or once its QEMU has gone (domain_dm_gone). */
static int restart(struct controld *cd, struct domain *d)
{
	if (d->hv_destroy_pending) {
		d->restart_pending = true;
		return 0;
	}
	return domain_start(cd, d);
}

void domain_dm_gone(struct controld *cd, const char *id)
{
	struct domain *d = domain_find(cd, id);
	int rc;

	if (!d || !d->hv_destroy_pending)
		return;
	d->hv_destroy_pending = false;
	if (!d->restart_pending)
		return;
	d->restart_pending = false;
	rc = domain_start(cd, d);
	if (rc)
		log_warn("domain %s: restarting after its reboot failed: %s", domain_name(d),
			 strerror(-rc));
}

/* A guest that shut itself down (or crashed) without being asked. */
static void on_guest_shutdown(struct controld *cd, struct domain *d, enum hv_shutdown_reason r)
{
	struct job *j = d->job_id[0] ? job_find(cd, d->job_id) : NULL;

	if (j && j->state == JOB_RUNNING && d->state == DOM_SHUTTING_DOWN) {
		shutdown_job_check(cd, j);
		return;
	}
	log_info("domain %s (domid %d) ended by itself: %s", domain_name(d), d->domid,
		 hv_shutdown_reason_name(r));
	domain_destroy(cd, d, r == HV_SHUTDOWN_CRASH ? DOM_CRASHED : DOM_STOPPED);
	if (r == HV_SHUTDOWN_REBOOT) {
		int rc = restart(cd, d);
		if (rc)
			log_warn("domain %s: restarting after its reboot failed: %s",
				 domain_name(d), strerror(-rc));
	}
}

/* The hypervisor no longer has the domain, and no shutdown of it was seen. */
static void on_domain_gone(struct controld *cd, struct domain *d)
{
	struct job *j = d->job_id[0] ? job_find(cd, d->job_id) : NULL;

	if (j && j->state == JOB_RUNNING) {
		shutdown_job_check(cd, j);
		return;
	}
	log_info("domain %s (domid %d) is gone from the hypervisor", domain_name(d), d->domid);
	domain_destroy(cd, d, DOM_STOPPED);
}

void model_on_hv_event(void *opaque, const struct hv_event *ev)
{
	struct controld *cd = opaque;
	struct domain *d = domain_by_domid(cd, (int)ev->domid);

	if (!d)
		return;
	if (ev->type == HV_EV_CONSOLE)
		domain_console_append(cd, d, ev->data, ev->len);
	else if (ev->type == HV_EV_DOMAIN_SHUTDOWN)
		on_guest_shutdown(cd, d, ev->reason);
	else if (ev->type == HV_EV_DOMAIN_GONE)
		on_domain_gone(cd, d);
}

/* A running domain recorded in the store keeps running: adopt it as the hypervisor has it. */
static void reconcile(struct controld *cd, struct domain *d)
{
	struct hv_domain_info info;
	int rc;

	if (d->domid < 0) {
		if (d->state != DOM_CRASHED)
			d->state = DOM_STOPPED;
		return;
	}
	rc = cd->hv->ops->domain_info(cd->hv, (hv_domid_t)d->domid, &info);
	if (rc == -ESRCH) {
		log_warn("domain %s: domid %d is gone; marking it stopped", domain_name(d),
			 d->domid);
		domain_release(cd, d->domid);
		d->domid = -1;
		d->state = DOM_STOPPED;
		domain_commit(cd, d);
		return;
	}
	if (rc)
		return;
	if (!hv_domain_alive(&info)) {
		on_guest_shutdown(cd, d, info.reason);
		return;
	}
	domain_console_connect(cd, d); /* served again after a restart of controld */
	devices_adopt(cd, d);
	/* An HVM guest without its device model cannot run on: crashed, as if QEMU died. */
	if (d->spec.boot.type == BOOT_HVM && (rc = device_model_adopt(cd, d))) {
		log_warn("domain %s (domid %d): its device model is gone (%s)", domain_name(d),
			 d->domid, strerror(-rc));
		domain_dm_failed(cd, d, "the device model (qemu) was gone when controld started",
				 true);
		return;
	}
	/* Its QEMU never took "cont": the start was cut short by the restart (its job failed). */
	if (d->spec.boot.type == BOOT_HVM && device_model_starting(cd, d->domid)) {
		log_warn("domain %s (domid %d): its device model had not taken \"cont\": stopped",
			 domain_name(d), d->domid);
		domain_dm_failed(cd, d, "controld restarted before the device model was ready",
				 false);
		return;
	}
	if (d->state != DOM_SHUTTING_DOWN) {
		enum dom_state st = info.state == HV_DOM_PAUSED ? DOM_PAUSED : DOM_RUNNING;
		if (st != d->state) {
			d->state = st;
			domain_commit(cd, d);
		}
	}
}

void lifecycle_resume(struct controld *cd)
{
	/* Resume the shutdowns that were waiting; anything else cannot be resumed. */
	for (unsigned i = 0; i < cd->jobs.items.n; i++) {
		struct job *j = job_at(cd, i);
		struct domain *d = domain_find(cd, j->domain_id);
		if (j->state != JOB_RUNNING)
			continue;
		if (d && d->state == DOM_SHUTTING_DOWN && !strcmp(d->job_id, j->id)) {
			/* The deadline counts from now: the guest had no watchdog meanwhile. */
			j->started_wall_ms = now_wall_ms();
			j->deadline_wall_ms =
			    j->started_wall_ms + cd->cfg.shutdown_timeout_s * 1000ull;
			shutdown_job_arm(cd, j);
			log_info("resumed job %s (%s)", j->id, j->kind);
		} else {
			job_finish(cd, j, false, "controld restarted while the job ran",
				   &(struct job_problem){"urn:keel:problem:interrupted",
							 "Interrupted by a controld restart", 500,
							 ""});
		}
	}
	for (unsigned i = 0; i < cd->doms.items.n; i++)
		reconcile(cd, dom_at(cd, i));
}

static void job_fail_hv(struct controld *cd, struct job *j, const char *msg, int rc)
{
	struct job_problem p = {"urn:keel:problem:hypervisor", "Hypervisor operation failed", 502,
				""};

	str_copy(p.detail, strerror(-rc), sizeof(p.detail));
	job_finish(cd, j, false, msg, &p);
}

static void shutdown_tick(uv_timer_t *t)
{
	struct job *j = t->data;

	shutdown_job_check(j->cd, j);
}

static void shutdown_job_check(struct controld *cd, struct job *j)
{
	struct domain *d = domain_find(cd, j->domain_id);
	struct hv_domain_info info;
	uint64_t now = now_wall_ms();
	bool gone, forced = false;
	int rc;

	if (j->state != JOB_RUNNING)
		return;
	if (!d || d->state != DOM_SHUTTING_DOWN) {
		/* Destroyed or deleted under us: nothing left to wait for. */
		job_finish(cd, j, true, "the domain stopped by other means", NULL);
		return;
	}
	rc = cd->hv->ops->domain_info(cd->hv, (hv_domid_t)d->domid, &info);
	gone = rc == -ESRCH || (!rc && !hv_domain_alive(&info));
	if (!gone && now < j->deadline_wall_ms) {
		uint64_t total = j->deadline_wall_ms - j->started_wall_ms + 1;
		unsigned pct = (unsigned)(90 * (now - j->started_wall_ms) / total);
		job_progress(cd, j, pct > 90 ? 90 : pct, "waiting for the guest to shut down");
		return;
	}
	if (!gone)
		forced = true;
	rc = domain_destroy(cd, d, DOM_STOPPED);
	if (rc) {
		job_fail_hv(cd, j, "destroying the domain failed", rc);
		return;
	}
	if (j->reboot) {
		rc = restart(cd, d);
		if (rc) {
			job_fail_hv(cd, j, "restarting the domain failed", rc);
			return;
		}
	}
	job_finish(cd, j, true,
		   forced ? (j->reboot ? "guest did not shut down in time: destroyed and restarted"
				       : "guest did not shut down in time: destroyed")
			  : (j->reboot ? "rebooted" : "shut down"),
		   NULL);
}

static void shutdown_job_arm(struct controld *cd, struct job *j)
{
	uv_timer_init(cd->loop, &j->timer);
	j->timer.data = j;
	j->timer_live = true;
	uv_timer_start(&j->timer, shutdown_tick, SHUTDOWN_POLL_MS, SHUTDOWN_POLL_MS);
}

int domain_shutdown(struct controld *cd, struct domain *d, bool reboot, unsigned timeout_s,
		    struct job **out)
{
	char path[96];
	struct job *j;
	int rc;

	/* A paused domain may be shut down (it is unpaused to see the request), not rebooted;
	 * not one waiting for its device model. */
	if ((d->state != DOM_RUNNING && (reboot || d->state != DOM_PAUSED)) ||
	    device_model_starting(cd, d->domid))
		return -EBUSY;
	snprintf(path, sizeof(path), "/local/domain/%d/control/shutdown", d->domid);
	rc = store_write_str(cd->store, STORE_NO_TXN, path, "%s", reboot ? "reboot" : "poweroff");
	if (rc)
		return rc;
	/* A paused guest cannot see the request. */
	if (d->state == DOM_PAUSED) {
		rc = cd->hv->ops->domain_unpause(cd->hv, (hv_domid_t)d->domid);
		if (rc)
			return rc;
	}
	j = job_new(cd, reboot ? "domain.reboot" : "domain.shutdown", d);
	if (!j)
		return -ENOMEM;
	j->reboot = reboot;
	j->started_wall_ms = now_wall_ms();
	j->deadline_wall_ms = j->started_wall_ms + (uint64_t)timeout_s * 1000;
	job_persist(cd, j);
	str_copy(d->job_id, j->id, sizeof(d->job_id));
	domain_emit_state(cd, d, d->state, DOM_SHUTTING_DOWN);
	d->state = DOM_SHUTTING_DOWN;
	rc = domain_commit(cd, d);
	shutdown_job_arm(cd, j);
	*out = j;
	return rc;
}

static const char *const action_names[] = {"start",    "pause",	 "unpause",
					   "shutdown", "reboot", "destroy"};

const char *dom_action_name(enum dom_action a)
{
	return action_names[a];
}

int dom_action_parse(const char *s, enum dom_action *out)
{
	for (unsigned i = 0; i < DOM_NR_ACTIONS; i++)
		if (!strcmp(s, action_names[i])) {
			*out = (enum dom_action)i;
			return 0;
		}
	return -EINVAL;
}

int domain_act(struct controld *cd, struct domain *d, enum dom_action a, unsigned timeout_s,
	       struct job **job)
{
	char kind[32];
	int rc;

	/* Domain-0 runs controld itself: stopping it would take the API down (Keel refuses
	 * too), and control/shutdown would power off the host's own domain. */
	if (d->domid == 0)
		return -EBUSY;
	switch (a) {
	case ACT_SHUTDOWN:
	case ACT_REBOOT:
		return domain_shutdown(cd, d, a == ACT_REBOOT, timeout_s, job);
	case ACT_START:
		rc = domain_start(cd, d);
		if (rc || !device_model_starting(cd, d->domid))
			break;
		/* HVM: the job ends once its device model runs (domain_dm_ready). */
		if (!(*job = job_new(cd, "domain.start", d)))
			return -ENOMEM;
		job_persist(cd, *job);
		str_copy(d->job_id, (*job)->id, sizeof(d->job_id));
		return domain_commit(cd, d);
	case ACT_PAUSE:
		rc = domain_pause(cd, d);
		break;
	case ACT_UNPAUSE:
		rc = domain_unpause(cd, d);
		break;
	default:
		rc = domain_destroy(cd, d, DOM_STOPPED);
		break;
	}
	if (rc)
		return rc;
	/* Quick actions are done already; they still get a (finished) job to answer alike. */
	snprintf(kind, sizeof(kind), "domain.%s", dom_action_name(a));
	*job = job_new(cd, kind, d);
	if (!*job)
		return -ENOMEM;
	job_finish(cd, *job, true, "done", NULL);
	return 0;
}
