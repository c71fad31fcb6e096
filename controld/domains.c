// SPDX-License-Identifier: MIT
/*
 * Domains: the in-memory registry (sorted by name), its write-through to the store, the
 * queries the API asks, and the changes of configuration (PATCH, devices, PCI) with their
 * rules. Lifecycle transitions are in lifecycle.c, the Xen-tool paths in running_paths.c.
 *
 * Store layout:
 *   /keel/controld/domains/<uuid>  the domain as JSON (spec, state, domid, generation)
 *   /vm/<uuid>/{uuid,name,image/ostype}
 */
#include "domain_record.h"
#include "log.h"
#include "model_internal.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOMAINS_DIR CONTROLD_ROOT "/domains"

const char *domain_name(const struct domain *d)
{
	return d->spec.name;
}

static int name_index(struct controld *cd, const char *name, bool *found)
{
	unsigned lo = 0, hi = cd->doms.items.n;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		int c = strcmp(domain_name(dom_at(cd, mid)), name);
		if (c == 0) {
			*found = true;
			return (int)mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return (int)lo;
}

struct domain *domain_find(struct controld *cd, const char *key)
{
	bool found;
	int i;

	if (uuid_valid(key)) {
		for (unsigned k = 0; k < cd->doms.items.n; k++)
			if (!strcmp(dom_at(cd, k)->id, key))
				return dom_at(cd, k);
		return NULL;
	}
	i = name_index(cd, key, &found);
	return found ? dom_at(cd, i) : NULL;
}

struct domain *domain_by_domid(struct controld *cd, int domid)
{
	for (unsigned k = 0; k < cd->doms.items.n; k++)
		if (dom_at(cd, k)->domid == domid)
			return dom_at(cd, k);
	return NULL;
}

static int registry_insert(struct controld *cd, struct domain *d)
{
	bool found;
	int i = name_index(cd, domain_name(d), &found);

	if (found)
		return -EEXIST;
	d->revision = ++cd->doms.version;
	return collection_insert(&cd->doms.items, (unsigned)i, d);
}

static void registry_remove(struct controld *cd, struct domain *d)
{
	int i = collection_index(&cd->doms.items, d);

	if (i >= 0) {
		cd->doms.version++;
		collection_remove(&cd->doms.items, (unsigned)i);
	}
}

static void changed(struct controld *cd, struct domain *d)
{
	d->revision = ++cd->doms.version;
}

static int persist(struct controld *cd, struct domain *d)
{
	char *text = domain_record_text(d);
	int rc;

	if (!text)
		return -ENOMEM;
	rc = record_save(cd->store, DOMAINS_DIR, d->id, text, true);
	free(text);
	return rc;
}

int domain_commit(struct controld *cd, struct domain *d)
{
	char ts[32];
	int rc;

	changed(cd, d);
	format_time(now_wall_ms(), ts);
	memcpy(d->updated_at, ts, sizeof(ts));
	d->generation++;
	rc = persist(cd, d);
	domain_emit(cd, MEV_DOMAIN_UPDATED, d);
	return rc;
}

void domain_set_state(struct controld *cd, struct domain *d, enum dom_state st)
{
	enum dom_state old = d->state;

	changed(cd, d);
	d->state = st;
	if (old != st)
		domain_emit_state(cd, d, old, st);
}

static int vm_paths_txn(struct store *s, uint32_t t, void *arg)
{
	const struct domain *d = arg;
	char path[128];
	int rc;

	snprintf(path, sizeof(path), "/vm/%s/uuid", d->id);
	rc = store_write_str(s, t, path, "%s", d->id);
	snprintf(path, sizeof(path), "/vm/%s/name", d->id);
	rc = rc ?: store_write_str(s, t, path, "%s", domain_name(d));
	snprintf(path, sizeof(path), "/vm/%s/image/ostype", d->id);
	return rc ?: store_write_str(s, t, path, "%s", dom_boot_type_name(d->spec.boot.type));
}

int domain_create(struct controld *cd, const struct dom_spec *spec, struct domain **out)
{
	struct domain *d = calloc(1, sizeof(*d));
	int rc;

	if (!d)
		return -ENOMEM;
	d->spec = *spec;
	d->domid = -1;
	d->state = DOM_STOPPED;
	rc = uuid_new(d->id);
	if (rc)
		goto fail;
	format_time(now_wall_ms(), d->created_at);
	memcpy(d->updated_at, d->created_at, sizeof(d->created_at));
	d->generation = 1;
	rc = registry_insert(cd, d);
	if (rc)
		goto fail;
	/* /vm/<uuid> is what Xen tools look for; our record says everything else. */
	rc = store_txn_run(cd->store, vm_paths_txn, d);
	rc = rc ?: persist(cd, d);
	if (rc) {
		registry_remove(cd, d);
		goto fail;
	}
	domain_emit(cd, MEV_DOMAIN_CREATED, d);
	*out = d;
	return 0;
fail:
	free(d);
	return rc;
}

int domain_delete(struct controld *cd, struct domain *d)
{
	char path[128];
	int rc;

	if (d->state != DOM_STOPPED && d->state != DOM_CRASHED)
		return -EBUSY;
	rc = record_forget(cd->store, DOMAINS_DIR, d->id);
	if (rc)
		return rc;
	snprintf(path, sizeof(path), "/vm/%s", d->id);
	store_rm(cd->store, STORE_NO_TXN, path);
	registry_remove(cd, d);
	domain_emit_deleted(cd, d);
	free(d);
	return 0;
}

int domain_push_vcpu_settings(struct controld *cd, struct domain *d)
{
	const struct dom_spec *sp = &d->spec;
	hv_domid_t domid = (hv_domid_t)d->domid;
	int rc = cd->hv->ops->set_sched(cd->hv, domid, sp->weight, sp->cap);

	for (unsigned v = 0; !rc && v < sp->npins; v++) {
		uint64_t mask = 0;
		for (unsigned k = 0; k < sp->pins[v].n; k++)
			mask |= 1ull << sp->pins[v].cpu[k];
		rc = cd->hv->ops->pin_vcpu(cd->hv, domid, v, mask ? mask : ~0ull);
	}
	return rc;
}

/* The patch's fields into the spec. */
static void patch_spec(struct dom_spec *sp, const struct dom_patch *p)
{
	if (p->has_vcpus)
		sp->vcpus = p->vcpus;
	if (p->has_memory_target)
		sp->memory_target_mib = p->memory_target_mib;
	if (p->has_weight)
		sp->weight = p->weight;
	if (p->has_cap)
		sp->cap = p->cap;
	if (p->has_pinning) {
		sp->npins = p->npins;
		memcpy(sp->pins, p->pins, sizeof(sp->pins));
	}
}

struct patch_paths {
	const struct domain *d;
	const struct dom_patch *p;
};

static int patch_paths_txn(struct store *s, uint32_t t, void *arg)
{
	const struct patch_paths *a = arg;
	int rc = 0;

	if (a->p->has_vcpus)
		rc = running_vcpus_write(s, t, a->d);
	if (a->p->has_memory_target)
		rc = rc ?: running_memory_write(s, t, a->d);
	return rc;
}

/* The spec's values of the fields p names, to the hypervisor and the running paths. */
static int push_running(struct controld *cd, struct domain *d, const struct dom_patch *p)
{
	struct patch_paths a = {d, p};
	hv_domid_t domid = (hv_domid_t)d->domid;
	int rc = 0;

	if (p->has_vcpus)
		rc = cd->hv->ops->set_vcpus_online(cd->hv, domid, d->spec.vcpus);
	if (p->has_memory_target)
		rc = rc
			 ?: cd->hv->ops->set_memory_target(cd->hv, domid,
							   d->spec.memory_target_mib * 1024);
	if (p->has_weight || p->has_cap || p->has_pinning)
		rc = rc ?: domain_push_vcpu_settings(cd, d);
	return rc ?: store_txn_run(cd->store, patch_paths_txn, &a);
}

int domain_apply_patch(struct controld *cd, struct domain *d, const struct dom_patch *p)
{
	struct dom_spec *old;
	int rc;

	if (d->state == DOM_SHUTTING_DOWN)
		return -EBUSY;
	if ((p->has_vcpus && p->vcpus > d->spec.max_vcpus) ||
	    (p->has_memory_target && p->memory_target_mib > d->spec.memory_mib) ||
	    (p->has_pinning && p->npins > d->spec.max_vcpus))
		return -EINVAL;
	old = malloc(sizeof(*old));
	if (!old)
		return -ENOMEM;
	*old = d->spec;
	patch_spec(&d->spec, p);
	rc = d->domid >= 0 ? push_running(cd, d, p) : 0;
	rc = rc ?: domain_commit(cd, d);
	if (rc) {
		/* All or nothing: what reached the hypervisor and the store goes back. */
		d->spec = *old;
		if (d->domid >= 0 && push_running(cd, d, p))
			log_error("domain %s: rolling back a failed change failed too",
				  domain_name(d));
		domain_commit(cd, d);
	}
	free(old);
	return rc;
}

static int disk_index(const struct dom_spec *sp, const char *id)
{
	for (unsigned i = 0; i < sp->ndisks; i++)
		if (!strcmp(sp->disks[i].id, id))
			return (int)i;
	return -1;
}

static int nic_index(const struct dom_spec *sp, const char *id)
{
	for (unsigned i = 0; i < sp->nnics; i++)
		if (!strcmp(sp->nics[i].id, id))
			return (int)i;
	return -1;
}

static int pci_index(const struct dom_spec *sp, const char *bdf)
{
	for (unsigned i = 0; i < sp->npci; i++)
		if (!strcmp(sp->pci[i], bdf))
			return (int)i;
	return -1;
}

struct device_txn {
	struct controld *cd;
	const struct domain *d;
	const char *kind;
	unsigned index;
};

static int device_txn(struct store *s, uint32_t t, void *arg)
{
	const struct device_txn *a = arg;

	(void)s;
	return running_device_write(a->cd, t, a->d, a->kind, a->index);
}

/* The device just appended as index of its kind: its paths when running, then the record. */
static int device_added(struct controld *cd, struct domain *d, const char *kind, unsigned index,
			unsigned *count)
{
	struct device_txn a = {cd, d, kind, index};
	int rc = d->domid >= 0 ? store_txn_run(cd->store, device_txn, &a) : 0;

	/* dom0's side (a loop device, the NIC's bridge); its nodes go again if it fails. */
	if (!rc && d->domid >= 0 && (rc = devices_attach_one(cd, d, kind, index)))
		running_device_remove(cd, d, kind, index);
	if (rc) {
		--*count;
		return rc;
	}
	return domain_commit(cd, d);
}

static int device_guard(const struct domain *d, unsigned count, unsigned max)
{
	if (count >= max)
		return -ENOSPC;
	return d->state == DOM_SHUTTING_DOWN ? -EBUSY : 0;
}

int domain_disk_add(struct controld *cd, struct domain *d, const struct dom_disk *disk)
{
	struct dom_spec *sp = &d->spec;
	int rc = device_guard(d, sp->ndisks, DOM_MAX_DISKS);

	if (rc)
		return rc;
	if (disk_index(sp, disk->id) >= 0)
		return -EEXIST;
	sp->disks[sp->ndisks++] = *disk;
	/* As at start: a writable disk is never shared by two running domains. */
	if (d->domid >= 0 && domain_disk_user(cd, d, &(unsigned){0})) {
		sp->ndisks--;
		return -ETXTBSY;
	}
	return device_added(cd, d, "vbd", sp->ndisks - 1, &sp->ndisks);
}

int domain_nic_add(struct controld *cd, struct domain *d, const struct dom_nic *nic)
{
	struct dom_spec *sp = &d->spec;
	int rc = device_guard(d, sp->nnics, DOM_MAX_NICS);

	if (rc)
		return rc;
	if (nic_index(sp, nic->id) >= 0)
		return -EEXIST;
	sp->nics[sp->nnics++] = *nic;
	return device_added(cd, d, "vif", sp->nnics - 1, &sp->nnics);
}

int domain_device_remove(struct controld *cd, struct domain *d, const char *kind, const char *id)
{
	struct dom_spec *sp = &d->spec;
	bool vbd = !strcmp(kind, "vbd");
	int i = vbd ? disk_index(sp, id) : nic_index(sp, id);

	if (d->state == DOM_SHUTTING_DOWN)
		return -EBUSY;
	if (i < 0)
		return -ENOENT;
	if (d->domid >= 0) {
		/* Ask the frontend to close; its nodes and loop device go once it has. */
		int rc = devices_unplug(cd, d, kind, (unsigned)i);
		if (rc)
			return rc;
	}
	if (vbd)
		memmove(&sp->disks[i], &sp->disks[i + 1],
			(sp->ndisks-- - (unsigned)i - 1) * sizeof(sp->disks[0]));
	else
		memmove(&sp->nics[i], &sp->nics[i + 1],
			(sp->nnics-- - (unsigned)i - 1) * sizeof(sp->nics[0]));
	return domain_commit(cd, d);
}

int domain_pci_assign(struct controld *cd, struct domain *d, const char *bdf)
{
	struct dom_spec *sp = &d->spec;
	int rc = device_guard(d, sp->npci, DOM_MAX_PCI);

	if (rc)
		return rc;
	/* One owner per device. */
	if (domain_pci_owner(cd, bdf))
		return -EEXIST;
	if (strlen(bdf) != DOM_BDF_LEN)
		return -EINVAL;
	if (d->domid >= 0) {
		rc = cd->hv->ops->pci_assign(cd->hv, (hv_domid_t)d->domid, bdf);
		if (rc)
			return rc;
	}
	memcpy(sp->pci[sp->npci++], bdf, DOM_BDF_LEN + 1);
	return domain_commit(cd, d);
}

int domain_pci_unassign(struct controld *cd, struct domain *d, const char *bdf)
{
	struct dom_spec *sp = &d->spec;
	int i = pci_index(sp, bdf);
	int rc;

	if (d->state == DOM_SHUTTING_DOWN)
		return -EBUSY;
	if (i < 0)
		return -ENOENT;
	if (d->domid >= 0) {
		rc = cd->hv->ops->pci_unassign(cd->hv, (hv_domid_t)d->domid, bdf);
		if (rc)
			return rc;
	}
	memmove(sp->pci[i], sp->pci[i + 1], (sp->npci-- - (unsigned)i - 1) * sizeof(sp->pci[0]));
	return domain_commit(cd, d);
}

void domain_console_append(struct controld *cd, struct domain *d, const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		size_t tail = (d->console_head + d->console_len) % CONSOLE_RING_BYTES;
		unsigned char c = (unsigned char)data[i];
		d->console[tail] =
		    (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t' ? (char)c : '?';
		if (d->console_len < CONSOLE_RING_BYTES)
			d->console_len++;
		else
			d->console_head = (d->console_head + 1) % CONSOLE_RING_BYTES;
	}
	/* Events carry JSON strings: show bytes that are not printable ASCII as '?'. */
	char *clean = malloc(len + 1);
	if (!clean)
		return;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];
		clean[i] =
		    (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t' ? (char)c : '?';
	}
	clean[len] = '\0';
	domain_emit_console(cd, d, clean);
	free(clean);
}

char *domain_console_text(const struct domain *d, size_t *len)
{
	char *out = malloc(d->console_len + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < d->console_len; i++)
		out[i] = d->console[(d->console_head + i) % CONSOLE_RING_BYTES];
	out[d->console_len] = '\0';
	*len = d->console_len;
	return out;
}

/* --- queries --- */

uint64_t domains_version(const struct controld *cd)
{
	return cd->doms.version;
}

int domains_page(struct controld *cd, const struct domain_query *q, domain_visit_fn fn, void *arg,
		 unsigned *total, bool *more)
{
	size_t plen = q->name_prefix ? strlen(q->name_prefix) : 0;
	unsigned shown = 0;
	int rc;

	*total = 0;
	*more = false;
	for (unsigned i = 0; i < cd->doms.items.n; i++) {
		struct domain *d = dom_at(cd, i);
		const char *name = domain_name(d);
		if (plen && strncmp(name, q->name_prefix, plen))
			continue;
		if (q->state_mask && !(q->state_mask & (1u << d->state)))
			continue;
		++*total;
		if (q->after_name && strcmp(name, q->after_name) <= 0)
			continue;
		if (shown == q->limit) {
			*more = true;
			continue;
		}
		rc = fn(arg, d);
		if (rc)
			return rc;
		shown++;
	}
	return 0;
}

void domains_count_by_state(const struct controld *cd, unsigned out[DOM_NR_STATES])
{
	memset(out, 0, DOM_NR_STATES * sizeof(*out));
	for (unsigned i = 0; i < cd->doms.items.n; i++)
		out[dom_at(cd, i)->state]++;
}

const struct domain *domain_pci_owner(const struct controld *cd, const char *bdf)
{
	for (unsigned i = 0; i < cd->doms.items.n; i++)
		if (pci_index(&dom_at(cd, i)->spec, bdf) >= 0)
			return dom_at(cd, i);
	return NULL;
}

static int load_one(void *arg, const char *id, const char *text, size_t len)
{
	struct controld *cd = arg;
	struct domain *d = calloc(1, sizeof(*d));
	int rc;

	if (!d)
		return -ENOMEM;
	rc = uuid_valid(id) ? domain_from_text(text, len, d) : -EINVAL;
	if (rc || strcmp(d->id, id)) {
		free(d);
		log_error("store: " DOMAINS_DIR "/%s is not a domain record; left alone", id);
		return 0;
	}
	rc = registry_insert(cd, d);
	if (rc)
		free(d);
	return rc;
}

int domains_load(struct controld *cd)
{
	return records_load(cd->store, DOMAINS_DIR, true, load_one, cd);
}

void domains_free(struct controld *cd)
{
	collection_clear(&cd->doms.items, free);
}
