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
#include "events.h"
#include "log.h"
#include "model_internal.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {"stopped", "running", "paused", "shutting_down",
					  "crashed"};

const char *dom_state_name(enum dom_state s)
{
	return state_names[s];
}

int dom_state_parse(const char *s, enum dom_state *out)
{
	for (unsigned i = 0; i < ARRAY_SIZE(state_names); i++)
		if (!strcmp(s, state_names[i])) {
			*out = (enum dom_state)i;
			return 0;
		}
	return -EINVAL;
}

const char *spec_str(const json_t *spec, const char *key)
{
	const char *v = json_string_value(json_object_get(spec, key));

	return v ? v : "";
}

uint64_t spec_uint(const json_t *spec, const char *key)
{
	return (uint64_t)json_integer_value(json_object_get(spec, key));
}

const char *domain_name(const struct domain *d)
{
	return spec_str(d->spec, "name");
}

static int name_index(struct controld *cd, const char *name, bool *found)
{
	unsigned lo = 0, hi = cd->doms.n;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		int c = strcmp(domain_name(cd->doms.v[mid]), name);
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
		for (unsigned k = 0; k < cd->doms.n; k++)
			if (!strcmp(cd->doms.v[k]->id, key))
				return cd->doms.v[k];
		return NULL;
	}
	i = name_index(cd, key, &found);
	return found ? cd->doms.v[i] : NULL;
}

struct domain *domain_by_domid(struct controld *cd, int domid)
{
	for (unsigned k = 0; k < cd->doms.n; k++)
		if (cd->doms.v[k]->domid == domid)
			return cd->doms.v[k];
	return NULL;
}

static int registry_insert(struct controld *cd, struct domain *d)
{
	bool found;
	int i = name_index(cd, domain_name(d), &found);

	if (found)
		return -EEXIST;
	if (cd->doms.n == cd->doms.cap) {
		unsigned cap = cd->doms.cap ? cd->doms.cap * 2 : 64;
		struct domain **v = realloc(cd->doms.v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		cd->doms.v = v;
		cd->doms.cap = cap;
	}
	cd->doms.version++;
	memmove(&cd->doms.v[i + 1], &cd->doms.v[i],
		(cd->doms.n - (unsigned)i) * sizeof(*cd->doms.v));
	cd->doms.v[i] = d;
	cd->doms.n++;
	return 0;
}

static void registry_remove(struct controld *cd, struct domain *d)
{
	for (unsigned k = 0; k < cd->doms.n; k++)
		if (cd->doms.v[k] == d) {
			cd->doms.version++;
			memmove(&cd->doms.v[k], &cd->doms.v[k + 1],
				(cd->doms.n - k - 1) * sizeof(*cd->doms.v));
			cd->doms.n--;
			return;
		}
}

static void invalidate(struct domain *d)
{
	free(d->json);
	d->json = NULL;
}

static void changed(struct controld *cd, struct domain *d)
{
	invalidate(d);
	cd->doms.version++;
}

const char *domain_json_text(struct domain *d, size_t *len)
{
	if (!d->json) {
		json_t *o = domain_to_json(d);
		d->json = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		if (!d->json)
			return NULL;
		d->json_len = strlen(d->json);
	}
	*len = d->json_len;
	return d->json;
}

static void domain_free(struct domain *d)
{
	invalidate(d);
	json_decref(d->spec);
	free(d);
}

json_t *domain_to_json(const struct domain *d)
{
	json_t *o = json_deep_copy(d->spec);

	json_object_set_new(o, "id", json_string(d->id));
	json_object_set_new(o, "state", json_string(dom_state_name(d->state)));
	json_object_set_new(o, "domid", d->domid >= 0 ? json_integer(d->domid) : json_null());
	json_object_set_new(o, "generation", json_integer((json_int_t)d->generation));
	json_object_set_new(o, "created_at", json_string(d->created_at));
	json_object_set_new(o, "updated_at", json_string(d->updated_at));
	json_object_set_new(o, "job_id", d->job_id[0] ? json_string(d->job_id) : json_null());
	return o;
}

static int persist(struct controld *cd, struct domain *d)
{
	char path[128];
	size_t len;
	const char *s = domain_json_text(d, &len);
	int rc;

	if (!s)
		return -ENOMEM;
	snprintf(path, sizeof(path), CONTROLD_ROOT "/domains/%s", d->id);
	rc = store_write_blob(cd->store, path, s, len);
	if (rc)
		log_error("store: writing %s: %s", path, strerror(-rc));
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
	events_emit(cd->events, EV_DOMAIN, "domain.updated", d->id, domain_to_json(d));
	return rc;
}

void domain_set_state(struct controld *cd, struct domain *d, enum dom_state st)
{
	enum dom_state old = d->state;

	changed(cd, d);
	d->state = st;
	if (old != st)
		events_emit(cd->events, EV_DOMAIN, "domain.state", d->id,
			    json_pack("{s:s, s:s, s:s, s:s}", "id", d->id, "name", domain_name(d),
				      "from", dom_state_name(old), "to", dom_state_name(st)));
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
	return rc
		   ?: store_write_str(s, t, path, "%s",
				      spec_str(json_object_get(d->spec, "boot"), "type"));
}

int domain_create(struct controld *cd, json_t *spec, struct domain **out)
{
	struct domain *d = calloc(1, sizeof(*d));
	int rc;

	if (!d)
		return -ENOMEM;
	d->spec = json_incref(spec);
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
	events_emit(cd->events, EV_DOMAIN, "domain.created", d->id, domain_to_json(d));
	*out = d;
	return 0;
fail:
	domain_free(d);
	return rc;
}

int domain_delete(struct controld *cd, struct domain *d)
{
	char path[128];
	int rc;

	if (d->state != DOM_STOPPED && d->state != DOM_CRASHED)
		return -EBUSY;
	snprintf(path, sizeof(path), CONTROLD_ROOT "/domains/%s", d->id);
	rc = store_rm(cd->store, STORE_NO_TXN, path);
	if (rc)
		return rc;
	snprintf(path, sizeof(path), "/vm/%s", d->id);
	store_rm(cd->store, STORE_NO_TXN, path);
	registry_remove(cd, d);
	events_emit(cd->events, EV_DOMAIN, "domain.deleted", d->id,
		    json_pack("{s:s, s:s}", "id", d->id, "name", domain_name(d)));
	domain_free(d);
	return 0;
}

int domain_push_vcpu_settings(struct controld *cd, struct domain *d)
{
	const json_t *sched = json_object_get(d->spec, "sched");
	json_t *pins = json_object_get(d->spec, "pinning");
	size_t i;
	json_t *pin;
	int rc;

	rc =
	    cd->hv->ops->set_sched(cd->hv, (uint32_t)d->domid, (unsigned)spec_uint(sched, "weight"),
				   (unsigned)spec_uint(sched, "cap"));
	json_array_foreach(pins, i, pin) {
		uint64_t mask = 0;
		size_t k;
		json_t *cpu;
		json_array_foreach(pin, k, cpu)
			mask |= 1ull << json_integer_value(cpu);
		rc = rc
			 ?: cd->hv->ops->pin_vcpu(cd->hv, (uint32_t)d->domid, (unsigned)i,
						  mask ? mask : ~0ull);
	}
	return rc;
}

/* The patch's fields into the spec. */
static void patch_spec(json_t *spec, const struct dom_patch *p)
{
	json_t *sched = json_object_get(spec, "sched");

	if (p->has_vcpus)
		json_object_set_new(spec, "vcpus", json_integer(p->vcpus));
	if (p->has_memory_target)
		json_object_set_new(spec, "memory_target_mib",
				    json_integer((json_int_t)p->memory_target_mib));
	if (p->has_weight)
		json_object_set_new(sched, "weight", json_integer(p->weight));
	if (p->has_cap)
		json_object_set_new(sched, "cap", json_integer(p->cap));
	if (p->has_pinning) {
		json_t *pins = json_array();
		for (unsigned v = 0; v < p->npins; v++) {
			json_t *row = json_array();
			for (unsigned k = 0; k < p->pins[v].n; k++)
				json_array_append_new(row, json_integer(p->pins[v].cpu[k]));
			json_array_append_new(pins, row);
		}
		json_object_set_new(spec, "pinning", pins);
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
	uint32_t domid = (uint32_t)d->domid;
	int rc = 0;

	if (p->has_vcpus)
		rc = cd->hv->ops->set_vcpus_online(cd->hv, domid,
						   (unsigned)spec_uint(d->spec, "vcpus"));
	if (p->has_memory_target)
		rc = rc
			 ?: cd->hv->ops->set_memory_target(
				cd->hv, domid, spec_uint(d->spec, "memory_target_mib") * 1024);
	if (p->has_weight || p->has_cap || p->has_pinning)
		rc = rc ?: domain_push_vcpu_settings(cd, d);
	return rc ?: store_txn_run(cd->store, patch_paths_txn, &a);
}

int domain_apply_patch(struct controld *cd, struct domain *d, const struct dom_patch *p)
{
	json_t *old;
	int rc;

	if (d->state == DOM_SHUTTING_DOWN)
		return -EBUSY;
	if ((p->has_vcpus && p->vcpus > spec_uint(d->spec, "max_vcpus")) ||
	    (p->has_memory_target && p->memory_target_mib > spec_uint(d->spec, "memory_mib")) ||
	    (p->has_pinning && p->npins > spec_uint(d->spec, "max_vcpus")))
		return -EINVAL;
	old = json_deep_copy(d->spec);
	if (!old)
		return -ENOMEM;
	patch_spec(d->spec, p);
	rc = d->domid >= 0 ? push_running(cd, d, p) : 0;
	rc = rc ?: domain_commit(cd, d);
	if (rc) {
		/* All or nothing: what reached the hypervisor and the store goes back. */
		json_decref(d->spec);
		d->spec = old;
		if (d->domid >= 0 && push_running(cd, d, p))
			log_error("domain %s: rolling back a failed change failed too",
				  domain_name(d));
		domain_commit(cd, d);
		return rc;
	}
	json_decref(old);
	return 0;
}

static json_t *find_device(json_t *arr, const char *id, size_t *index)
{
	size_t i;
	json_t *dev;

	json_array_foreach(arr, i, dev)
		if (!strcmp(json_is_string(dev) ? json_string_value(dev) : spec_str(dev, "id"),
			    id)) {
			*index = i;
			return dev;
		}
	return NULL;
}

struct device_txn {
	struct controld *cd;
	const struct domain *d;
	const char *kind;
	const json_t *dev;
};

static int device_txn(struct store *s, uint32_t t, void *arg)
{
	const struct device_txn *a = arg;

	(void)s;
	return running_device_write(a->cd, t, a->d, a->kind, a->dev,
				    (unsigned)device_devid(a->kind, a->dev));
}

int domain_device_add(struct controld *cd, struct domain *d, const char *kind, json_t *dev)
{
	json_t *arr = json_object_get(d->spec, !strcmp(kind, "vbd") ? "disks" : "nics");
	struct device_txn a = {cd, d, kind, dev};
	size_t idx;
	int rc;

	if (json_array_size(arr) >= (!strcmp(kind, "vbd") ? DOM_MAX_DISKS : DOM_MAX_NICS))
		return -ENOSPC;
	if (d->state == DOM_SHUTTING_DOWN)
		return -EBUSY;
	if (find_device(arr, spec_str(dev, "id"), &idx))
		return -EEXIST;
	if (d->domid >= 0) {
		rc = store_txn_run(cd->store, device_txn, &a);
		if (rc)
			return rc;
	}
	json_array_append(arr, dev);
	return domain_commit(cd, d);
}

int domain_device_remove(struct controld *cd, struct domain *d, const char *kind, const char *id)
{
	json_t *arr = json_object_get(d->spec, !strcmp(kind, "vbd") ? "disks" : "nics");
	size_t idx;
	json_t *dev = find_device(arr, id, &idx);

	if (d->state == DOM_SHUTTING_DOWN)
		return -EBUSY;
	if (!dev)
		return -ENOENT;
	if (d->domid >= 0) {
		/* Ask the frontend to close (XenbusStateClosing); the backend tears down. */
		char p[160];
		int rc;
		snprintf(p, sizeof(p), "/local/domain/0/backend/%s/%d/%d/state", kind, d->domid,
			 device_devid(kind, dev));
		rc = store_write_str(cd->store, STORE_NO_TXN, p, "5");
		if (rc)
			return rc;
	}
	json_array_remove(arr, idx);
	return domain_commit(cd, d);
}

int domain_pci_assign(struct controld *cd, struct domain *d, const char *bdf)
{
	json_t *arr = json_object_get(d->spec, "pci");
	int rc;

	if (json_array_size(arr) >= DOM_MAX_PCI)
		return -ENOSPC;
	if (d->state == DOM_SHUTTING_DOWN)
		return -EBUSY;
	/* One owner per device. */
	if (domain_pci_owner(cd, bdf))
		return -EEXIST;
	if (d->domid >= 0) {
		rc = cd->hv->ops->pci_assign(cd->hv, (uint32_t)d->domid, bdf);
		if (rc)
			return rc;
	}
	json_array_append_new(arr, json_string(bdf));
	return domain_commit(cd, d);
}

int domain_pci_unassign(struct controld *cd, struct domain *d, const char *bdf)
{
	json_t *arr = json_object_get(d->spec, "pci");
	size_t idx;
	int rc;

	if (d->state == DOM_SHUTTING_DOWN)
		return -EBUSY;
	if (!find_device(arr, bdf, &idx))
		return -ENOENT;
	if (d->domid >= 0) {
		rc = cd->hv->ops->pci_unassign(cd->hv, (uint32_t)d->domid, bdf);
		if (rc)
			return rc;
	}
	json_array_remove(arr, idx);
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
	events_emit(cd->events, EV_CONSOLE, "console.output", d->id,
		    json_pack("{s:s, s:s}", "id", d->id, "data", clean));
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
	for (unsigned i = 0; i < cd->doms.n; i++) {
		struct domain *d = cd->doms.v[i];
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
	for (unsigned i = 0; i < cd->doms.n; i++)
		out[cd->doms.v[i]->state]++;
}

const struct domain *domain_pci_owner(const struct controld *cd, const char *bdf)
{
	size_t idx;

	for (unsigned i = 0; i < cd->doms.n; i++)
		if (find_device(json_object_get(cd->doms.v[i]->spec, "pci"), bdf, &idx))
			return cd->doms.v[i];
	return NULL;
}

unsigned domain_max_vcpus(const struct domain *d)
{
	return (unsigned)spec_uint(d->spec, "max_vcpus");
}

uint64_t domain_memory_mib(const struct domain *d)
{
	return spec_uint(d->spec, "memory_mib");
}

static int load_one(struct controld *cd, const char *id)
{
	char path[128], *val = NULL;
	size_t len;
	json_t *o, *spec;
	json_error_t jerr;
	struct domain *d;
	const char *st;
	int rc;

	snprintf(path, sizeof(path), CONTROLD_ROOT "/domains/%s", id);
	rc = store_read_blob(cd->store, path, &val, &len);
	if (rc == -ENOMEM)
		return rc;
	o = rc ? NULL : json_loadb(val, len, 0, &jerr);
	free(val);
	if (!o || !uuid_valid(id))
		goto bad;
	d = calloc(1, sizeof(*d));
	if (!d) {
		json_decref(o);
		return -ENOMEM;
	}
	str_copy(d->id, id, sizeof(d->id));
	st = json_string_value(json_object_get(o, "state"));
	if (!st || dom_state_parse(st, &d->state)) {
		free(d);
		goto bad;
	}
	d->domid = json_is_integer(json_object_get(o, "domid"))
		       ? (int)json_integer_value(json_object_get(o, "domid"))
		       : -1;
	d->generation = (uint64_t)json_integer_value(json_object_get(o, "generation"));
	str_copy(d->created_at, spec_str(o, "created_at"), sizeof(d->created_at));
	str_copy(d->updated_at, spec_str(o, "updated_at"), sizeof(d->updated_at));
	str_copy(d->job_id, spec_str(o, "job_id"), sizeof(d->job_id));
	spec = json_deep_copy(o);
	const char *const derived[] = {"id",	     "state",	   "domid", "generation",
				       "created_at", "updated_at", "job_id"};
	for (unsigned k = 0; k < ARRAY_SIZE(derived); k++)
		json_object_del(spec, derived[k]);
	d->spec = spec;
	json_decref(o);
	rc = registry_insert(cd, d);
	if (rc) {
		domain_free(d);
		return rc;
	}
	return 0;
bad:
	json_decref(o);
	log_error("store: %s is not a domain record; left alone", path);
	return 0;
}

int domains_load(struct controld *cd)
{
	char **names = NULL;
	unsigned n = 0;
	int rc =
	    cd->store->ops->list(cd->store, STORE_NO_TXN, CONTROLD_ROOT "/domains", &names, &n);

	if (rc == -ENOENT)
		return 0;
	if (rc)
		return rc;
	for (unsigned i = 0; i < n && !rc; i++)
		rc = load_one(cd, names[i]);
	free(names);
	return rc;
}

void domains_free(struct controld *cd)
{
	for (unsigned i = 0; i < cd->doms.n; i++)
		domain_free(cd->doms.v[i]);
	free(cd->doms.v);
	cd->doms.v = NULL;
	cd->doms.n = cd->doms.cap = 0;
}
