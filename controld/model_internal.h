/* SPDX-License-Identifier: MIT */
/*
 * What the model's own files share (domains.c, lifecycle.c, running_paths.c, jobs.c); not
 * for api/, which sees model.h only.
 */
#ifndef KEEL_CONTROLD_MODEL_INTERNAL_H
#define KEEL_CONTROLD_MODEL_INTERNAL_H

#include "model.h"

/* Records a state change (emits domain.state); the caller commits. */
void domain_set_state(struct controld *cd, struct domain *d, enum dom_state st);
/* Pushes the spec's scheduler weight/cap and vCPU pinning to the hypervisor. */
int domain_push_vcpu_settings(struct controld *cd, struct domain *d);

/* running_paths.c: the Xen-tool store paths of a running domain. */
int running_paths_write(struct controld *cd, const struct domain *d);
void running_paths_remove(struct controld *cd, int domid);
/* Within transaction t: cpu/<n>/availability from the spec's vcpus; memory/target. */
int running_vcpus_write(struct store *s, uint32_t t, const struct domain *d);
int running_memory_write(struct store *s, uint32_t t, const struct domain *d);
/* Device index of kind ("vbd": disks, "vif": NICs) of d's spec, within transaction t. */
int running_device_write(struct controld *cd, uint32_t t, const struct domain *d, const char *kind,
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

/* jobs.c */
void job_persist(struct controld *cd, const struct job *j);

#endif
