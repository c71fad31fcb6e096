/* SPDX-License-Identifier: MIT */
/*
 * controld's model as api/ sees it: domain, job and token operations and queries on the
 * daemon's state, in C types (spec.h). They check the rules and change state, write it
 * through to the store and the hypervisor, and emit events; api/ maps their results to
 * responses. Errors are negative errno:
 * -ENOENT not found, -EEXIST name taken, -EBUSY illegal in the current state,
 * -ENOSYS not offered by the hypervisor, anything else: the store or hypervisor failed.
 */
#ifndef KEEL_CONTROLD_MODEL_H
#define KEEL_CONTROLD_MODEL_H

#include "controld.h"
#include "spec.h"

/*
 * The model's events (GET /v1/events), typed. api/ names and renders them (cd->render), so
 * the model never builds the API's JSON.
 */
enum model_event_kind {
	MEV_DOMAIN_CREATED,
	MEV_DOMAIN_UPDATED,
	MEV_DOMAIN_STATE,
	MEV_DOMAIN_DELETED,
	MEV_CONSOLE_OUTPUT,
	MEV_JOB_CREATED,
	MEV_JOB_PROGRESS,
	MEV_JOB_FINISHED,
};
struct model_event {
	enum model_event_kind kind;
	const struct domain *domain; /* domain and console events */
	const struct job *job;	     /* job events */
	enum dom_state from, to;     /* MEV_DOMAIN_STATE */
	const char *reason;	     /* MEV_DOMAIN_STATE: why, when controld knows; or NULL */
	const char *text;	     /* MEV_CONSOLE_OUTPUT */
};
struct model_render {
	/* The event's data (a new object; NULL when out of memory) and its type name. */
	json_t *(*event)(const struct model_event *e, const char **type);
};

/* Domains */
struct domain *domain_find(struct controld *cd, const char *id_or_name);
int domain_create(struct controld *cd, const struct dom_spec *spec, struct domain **out);
int domain_delete(struct controld *cd, struct domain *d);
enum dom_action { ACT_START, ACT_PAUSE, ACT_UNPAUSE, ACT_SHUTDOWN, ACT_REBOOT, ACT_DESTROY };
#define DOM_NR_ACTIONS (ACT_DESTROY + 1)
const char *dom_action_name(enum dom_action a);
int dom_action_parse(const char *s, enum dom_action *out);
/*
 * Runs an action of the API. Every action answers with a job: finished for the quick ones,
 * running for shutdown and reboot (destroyed after timeout_s). -EBUSY when illegal in the
 * domain's state, and for Domain-0 (domid 0) always.
 */
int domain_act(struct controld *cd, struct domain *d, enum dom_action a, unsigned timeout_s,
	       struct job **job);
/*
 * Applies a PATCH to d, all or nothing: when the hypervisor or the store fails part way,
 * what was changed is changed back. -EBUSY while shutting down, -EINVAL beyond d's limits.
 */
int domain_apply_patch(struct controld *cd, struct domain *d, const struct dom_patch *p);
/* Devices and PCI: -ENOSPC at the limit of their kind, -EBUSY while shutting down, -EEXIST
 * for an id (or a PCI device, on any domain) already there; -ETXTBSY for a disk a running d
 * would share with another running domain, one of the two writable. */
int domain_disk_add(struct controld *cd, struct domain *d, const struct dom_disk *disk);
int domain_nic_add(struct controld *cd, struct domain *d, const struct dom_nic *nic);
int domain_device_remove(struct controld *cd, struct domain *d, const char *kind, const char *id);
int domain_pci_assign(struct controld *cd, struct domain *d, const char *bdf);
int domain_pci_unassign(struct controld *cd, struct domain *d, const char *bdf);
/*
 * A domain with a domid (running, paused, shutting down) that has a file of d's disks too,
 * one of the two writable: a writable disk is never shared, so d's start is refused
 * (-ETXTBSY). *disk: which of d's disks.
 */
const struct domain *domain_disk_user(struct controld *cd, const struct domain *d, unsigned *disk);
/* The console ring's contents, oldest first (malloc'd). */
char *domain_console_text(const struct domain *d, size_t *len);
/*
 * Console input for the guest: how many bytes its input ring took (fewer than len when it
 * is full). -EBUSY when the domain is not running or paused, -ENOENT when its console is
 * not served in dom0 (boot-time domains), -EIO when the guest broke its console ring.
 */
long domain_console_input(struct controld *cd, struct domain *d, const char *data, size_t len);
int domains_load(struct controld *cd);
/*
 * After loading domains and jobs: resumes the graceful shutdowns that were waiting, fails
 * other jobs that were running, and adopts running domains as the hypervisor reports them.
 */
void lifecycle_resume(struct controld *cd);
/* Then: the hypervisor's domains controld does not know (Domain-0, boot-time guests) become
 * domains of the model, with boot type boot_time, as the hypervisor has them (adopt.c). */
void domains_adopt(struct controld *cd);
void domains_free(struct controld *cd);
void model_on_hv_event(void *opaque, const struct hv_event *ev);

/* Domain queries */
#define DOM_NR_STATES (DOM_CRASHED + 1)
struct domain_query {
	const char *name_prefix; /* NULL: any */
	unsigned state_mask;	 /* bit (1 << state); 0: any */
	const char *after_name;	 /* the cursor: names after this one; NULL from the start */
	unsigned limit;
};
typedef int (*domain_visit_fn)(void *arg, struct domain *d);
/* Visits up to q->limit matching domains in name order; *total counts every match (cursor
 * aside), *more says whether matches follow the page. Stops at fn's first error. */
int domains_page(struct controld *cd, const struct domain_query *q, domain_visit_fn fn, void *arg,
		 unsigned *total, bool *more);
/* Bumped on any change to any domain: the ETag of list responses. */
uint64_t domains_version(const struct controld *cd);
void domains_count_by_state(const struct controld *cd, unsigned out[DOM_NR_STATES]);
/* The domain a PCI device is assigned to, or NULL. */
const struct domain *domain_pci_owner(const struct controld *cd, const char *bdf);
const char *domain_name(const struct domain *d);

/* A domain's use of the host as the hypervisor counts it at the call (domain_stats.c). */
struct domain_stats {
	uint64_t cpu_time_ns; /* on all its vCPUs since it was built (restarts at each start) */
	unsigned vcpus_online;
	uint64_t memory_kib; /* backed now */
	uint64_t sampled_wall_ms;
	/* VM exits and device-model requests since it was built: false when the hypervisor
	 * does not count them (a Keel before getstats). */
	bool has_counters;
	bool device_model; /* an HVM domain: the counters' dm_* are its device model's */
	struct hv_domain_counters counters;
};
/* -EBUSY for a domain the hypervisor has none of (stopped): no CPU time to report. */
int domain_stats(struct controld *cd, const struct domain *d, struct domain_stats *out);
typedef int (*domain_stats_fn)(void *arg, const struct domain *d, const struct domain_stats *s);
/* Calls fn for each domain the hypervisor has, in name order; stops at the first error. */
int domains_stats_each(struct controld *cd, domain_stats_fn fn, void *arg);

/* Jobs */
struct job *job_find(struct controld *cd, const char *id);
int jobs_load(struct controld *cd);
#define JOB_NR_STATES (JOB_FAILED + 1)
const char *job_state_name(enum job_state s);
struct job_query {
	const char *domain_id; /* NULL: any */
	unsigned state_mask;   /* bit (1 << state); 0: any */
	const char *after_id;  /* the cursor: jobs older than this one; NULL from the newest */
	unsigned limit;
};
typedef int (*job_visit_fn)(void *arg, const struct job *j);
/* Visits up to q->limit matching jobs, newest first; *more: matches follow the page. */
int jobs_page(struct controld *cd, const struct job_query *q, job_visit_fn fn, void *arg,
	      bool *more);
void jobs_count_by_state(const struct controld *cd, unsigned out[JOB_NR_STATES]);
void jobs_free(struct controld *cd);

/* Tokens: the secret is shown once, only its SHA-256 is kept. */
int token_create(struct controld *cd, const char *name, enum scope scope, struct token **out,
		 char secret_out[128]);
int token_delete(struct controld *cd, const char *id);
/* Checks "keel_<id>_<secret>"; returns the token's scope or SCOPE_NONE. */
enum scope token_check(struct controld *cd, const char *presented, const struct token **who);
int tokens_load(struct controld *cd);
void tokens_free(struct controld *cd);
typedef int (*token_visit_fn)(void *arg, const struct token *t);
int tokens_each(struct controld *cd, token_visit_fn fn, void *arg);
/* "read", "operate", "admin" → the scope; SCOPE_NONE for anything else. */
enum scope scope_parse(const char *s);
void sha256_hex(const void *data, size_t len, char out[65]);

/* Idempotency-Key records */
struct idem_entry *idem_find(struct controld *cd, const char *key_hash);
void idem_put(struct controld *cd, const char *key_hash, const char *fingerprint, int status,
	      const char *body, size_t body_len, const char *location, const char *etag);
int idem_load(struct controld *cd);
void idem_free(struct controld *cd);

#endif
