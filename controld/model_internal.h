/* SPDX-License-Identifier: MIT */
/*
 * What the model's own files share (domains.c, lifecycle.c, running_paths.c, jobs.c, ...)
 * and its unit test; not for api/, which sees model.h only.
 */
#ifndef KEEL_CONTROLD_MODEL_INTERNAL_H
#define KEEL_CONTROLD_MODEL_INTERNAL_H

#include "model.h"

struct domain *domain_by_domid(struct controld *cd, int domid);
/* Writes d to the store after a change of spec or state, bumps the generation, emits. */
int domain_commit(struct controld *cd, struct domain *d);
void domain_console_append(struct controld *cd, struct domain *d, const char *data, size_t len);
/* console_model.c: serve a built domain's console in dom0 (at start, on adoption), stop. */
void domain_console_connect(struct controld *cd, const struct domain *d);
void domain_console_disconnect(struct controld *cd, const struct domain *d);

/* model_events.c: the events the model emits (domains, consoles, jobs). */
void model_emit(struct controld *cd, const struct model_event *e);
void domain_emit(struct controld *cd, enum model_event_kind kind, const struct domain *d);
void domain_emit_state(struct controld *cd, const struct domain *d, enum dom_state from,
		       enum dom_state to);
void domain_emit_deleted(struct controld *cd, const struct domain *d);
void domain_emit_console(struct controld *cd, const struct domain *d, const char *text);

/* lifecycle.c: the transitions domain_act and guest events are made of. */
int domain_start(struct controld *cd, struct domain *d);
int domain_pause(struct controld *cd, struct domain *d);
int domain_unpause(struct controld *cd, struct domain *d);
int domain_destroy(struct controld *cd, struct domain *d, enum dom_state after);
/* An HVM guest's device model (device_model.c) runs: its taps bridged, the guest unpaused. */
void domain_dm_ready(struct controld *cd, struct domain *d);
/* It failed or ended: a start fails (stopped), a running guest crashed; why goes with the
 * state event. */
void domain_dm_failed(struct controld *cd, struct domain *d, const char *why, bool was_running);
/* The hypervisor's domain of the domain with uuid id was destroyed after its QEMU went:
 * a reboot waiting for that starts it. */
void domain_dm_gone(struct controld *cd, const char *id);
/* Graceful: writes control/shutdown and starts a job that destroys after the timeout. */
int domain_shutdown(struct controld *cd, struct domain *d, bool reboot, unsigned timeout_s,
		    struct job **job);

/*
 * devices.c: the dom0 side of guests' disks and NICs (hotplug.h), once their nodes are
 * written. start: every NIC's bridge checked and watched, every disk attached (on failure
 * d->start_failed is "disk" or "nic"); attach_one: one device added to a running domain;
 * release: the backend nodes removed (running_paths_remove), then the loop devices
 * detached; adopt: a running domain's loop devices and NIC watches found again.
 */
int devices_start(struct controld *cd, struct domain *d);
int devices_attach_one(struct controld *cd, struct domain *d, const char *kind, unsigned index);
void devices_release(struct controld *cd, int domid);
/* Asks device index of kind of running d to close (online 0, state Closing); once its
 * backend is Closed, its nodes are removed and its loop device detached. */
int devices_unplug(struct controld *cd, struct domain *d, const char *kind, unsigned index);
void devices_adopt(struct controld *cd, struct domain *d);
/* An HVM guest's NICs as QEMU made them (taps vif<domid>.<devid>-emu) onto their bridges. */
int devices_bridge_taps(struct controld *cd, struct domain *d);
/* Store watches whose token starts with "dev:". */
void devices_on_store_watch(struct controld *cd, const char *path, const char *token);
void devices_free(struct controld *cd);

/* jobs.c */
struct job *job_new(struct controld *cd, const char *kind, const struct domain *d);
void job_progress(struct controld *cd, struct job *j, unsigned pct, const char *msg);
/* error: why it failed (NULL when it did not, or when there is no more to say). */
void job_finish(struct controld *cd, struct job *j, bool ok, const char *msg,
		const struct job_problem *error);
void job_persist(struct controld *cd, const struct job *j);

/* Records a state change (emits domain.state); the caller commits. */
void domain_set_state(struct controld *cd, struct domain *d, enum dom_state st);
/* Pushes the spec's scheduler weight/cap and vCPU pinning to the hypervisor. */
int domain_push_vcpu_settings(struct controld *cd, struct domain *d);

/* running_paths.c: the Xen-tool store paths of a running domain. */
/* build: the rings of a domain controld built (store/, console/), or NULL. */
int running_paths_write(struct controld *cd, const struct domain *d, const struct hv_build *build);
void running_paths_remove(struct controld *cd, int domid);
/* Within transaction t: cpu/<n>/availability from the spec's vcpus; memory/target. */
int running_vcpus_write(struct store *s, uint32_t t, const struct domain *d);
int running_memory_write(struct store *s, uint32_t t, const struct domain *d);
/* Device index of kind ("vbd": disks, "vif": NICs) of d's spec, within transaction t. */
int running_device_write(struct controld *cd, uint32_t t, const struct domain *d, const char *kind,
			 unsigned index);
/* Removes what running_device_write wrote. */
void running_device_remove(struct controld *cd, const struct domain *d, const char *kind,
			   unsigned index);
unsigned device_devid(const struct domain *d, const char *kind, unsigned index);

/* The collections' items, typed. */
static inline struct domain *dom_at(const struct controld *cd, unsigned i)
{
	return cd->doms.items.v[i];
}

static inline struct job *job_at(const struct controld *cd, unsigned i)
{
	return cd->jobs.items.v[i];
}

static inline struct token *token_at(const struct controld *cd, unsigned i)
{
	return cd->tokens.items.v[i];
}

static inline struct idem_entry *idem_at(const struct controld *cd, unsigned i)
{
	return cd->idem.items.v[i];
}

/* A string member of a record read back from the store, "" when missing. */
static inline const char *rec_str(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

#endif
