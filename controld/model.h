/* SPDX-License-Identifier: MIT */
/*
 * Domain, job and token operations on the daemon's state. They check and change state,
 * write it through to the store and the hypervisor, and emit events; the HTTP layer in
 * api/ maps their results to responses. Errors are negative errno:
 * -ENOENT not found, -EEXIST name taken, -EBUSY illegal in the current state,
 * -ENOSYS not offered by the hypervisor, anything else: the store or hypervisor failed.
 */
#ifndef KEEL_CONTROLD_MODEL_H
#define KEEL_CONTROLD_MODEL_H

#include "controld.h"

/* Spec accessors (the spec is validated, so fields exist with the right type). */
const char *spec_str(const json_t *spec, const char *key);
uint64_t spec_uint(const json_t *spec, const char *key);

/* Domains */
struct domain *domain_find(struct controld *cd, const char *id_or_name);
struct domain *domain_by_domid(struct controld *cd, int domid);
/* Takes a reference to spec. */
int domain_create(struct controld *cd, json_t *spec, struct domain **out);
int domain_delete(struct controld *cd, struct domain *d);
/* Writes d to the store after a change of spec or state, bumps the generation, emits. */
int domain_commit(struct controld *cd, struct domain *d);
json_t *domain_to_json(const struct domain *d);
/* The same as compact JSON text, cached until the domain changes; NULL when out of memory. */
const char *domain_json_text(struct domain *d, size_t *len);
int domain_start(struct controld *cd, struct domain *d);
int domain_pause(struct controld *cd, struct domain *d);
int domain_unpause(struct controld *cd, struct domain *d);
int domain_destroy(struct controld *cd, struct domain *d, enum dom_state after);
/* Graceful: writes control/shutdown and starts a job that destroys after the timeout. */
int domain_shutdown(struct controld *cd, struct domain *d, bool reboot, unsigned timeout_s,
		    struct job **job);
/* Applies a validated PATCH (vcpus, sched, pinning, memory_target_mib) to d. */
int domain_apply_patch(struct controld *cd, struct domain *d, json_t *patch);
int domain_device_add(struct controld *cd, struct domain *d, const char *kind, json_t *dev);
int domain_device_remove(struct controld *cd, struct domain *d, const char *kind, const char *id);
int domain_pci_assign(struct controld *cd, struct domain *d, const char *bdf);
int domain_pci_unassign(struct controld *cd, struct domain *d, const char *bdf);
void domain_console_append(struct controld *cd, struct domain *d, const char *data, size_t len);
/* The console ring's contents, oldest first (malloc'd). */
char *domain_console_text(const struct domain *d, size_t *len);
int domains_load(struct controld *cd);
/* After jobs_load: adopts running domains as the hypervisor reports them. */
void domains_reconcile(struct controld *cd);
void domains_free(struct controld *cd);
void model_on_hv_event(void *opaque, const struct hv_event *ev);

/* Jobs */
struct job *job_new(struct controld *cd, const char *kind, const struct domain *d);
void job_progress(struct controld *cd, struct job *j, unsigned pct, const char *msg);
/* Takes a reference to error (a problem object) when failing. */
void job_finish(struct controld *cd, struct job *j, bool ok, const char *msg, json_t *error);
struct job *job_find(struct controld *cd, const char *id);
json_t *job_to_json(const struct job *j);
int jobs_load(struct controld *cd);
void jobs_free(struct controld *cd);
/* Shutdown jobs: called by the job's timer and on hypervisor events. */
void shutdown_job_check(struct controld *cd, struct job *j);

/* Tokens: the secret is shown once, only its SHA-256 is kept. */
int token_create(struct controld *cd, const char *name, enum scope scope, struct token **out,
		 char secret_out[128]);
int token_delete(struct controld *cd, const char *id);
/* Checks "keel_<id>_<secret>"; returns the token's scope or SCOPE_NONE. */
enum scope token_check(struct controld *cd, const char *presented, const struct token **who);
json_t *token_to_json(const struct token *t);
int tokens_load(struct controld *cd);
void sha256_hex(const void *data, size_t len, char out[65]);

/* Idempotency-Key records */
struct idem_entry *idem_find(struct controld *cd, const char *key_hash);
void idem_put(struct controld *cd, const char *key_hash, const char *fingerprint, int status,
	      const char *body, size_t body_len, const char *location, const char *etag);
int idem_load(struct controld *cd);
void idem_free(struct controld *cd);

#endif
