// SPDX-License-Identifier: MIT
/*
 * Domains: the in-memory registry (sorted by name), its write-through to the store, the
 * Xen-tool paths of running domains, and the lifecycle transitions.
 *
 * Store layout:
 *   /keel/controld/domains/<uuid>  the domain as JSON (spec, state, domid, generation)
 *   /vm/<uuid>/{uuid,name,image/ostype}
 *   /local/domain/<domid>/ name, domid, vm, memory/{static-max,target},
 *       cpu/<n>/availability, control/shutdown, device/{vbd,vif}/<devid>/...  while it runs
 *   /local/domain/0/backend/{vbd,vif}/<domid>/<devid>/...  the backends' halves
 */
#include "events.h"
#include "log.h"
#include "model.h"
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

static const char *dom_name(const struct domain *d)
{
	return spec_str(d->spec, "name");
}

static int name_index(struct controld *cd, const char *name, bool *found)
{
	unsigned lo = 0, hi = cd->doms.n;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		int c = strcmp(dom_name(cd->doms.v[mid]), name);
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
	int i = name_index(cd, dom_name(d), &found);

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

static void set_state(struct controld *cd, struct domain *d, enum dom_state st)
{
	enum dom_state old = d->state;

	changed(cd, d);
	d->state = st;
	if (old != st)
		events_emit(cd->events, EV_DOMAIN, "domain.state", d->id,
			    json_pack("{s:s, s:s, s:s, s:s}", "id", d->id, "name", dom_name(d),
				      "from", dom_state_name(old), "to", dom_state_name(st)));
}

int domain_create(struct controld *cd, json_t *spec, struct domain **out)
{
	struct domain *d = calloc(1, sizeof(*d));
	char path[128];
	int rc;
	uint32_t t;

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
	for (int tries = 0; tries < 5; tries++) {
		rc = cd->store->ops->txn_start(cd->store, &t);
		if (rc)
			break;
		snprintf(path, sizeof(path), "/vm/%s/uuid", d->id);
		rc = store_write_str(cd->store, t, path, "%s", d->id);
		snprintf(path, sizeof(path), "/vm/%s/name", d->id);
		rc = rc ?: store_write_str(cd->store, t, path, "%s", dom_name(d));
		snprintf(path, sizeof(path), "/vm/%s/image/ostype", d->id);
		rc = rc
			 ?: store_write_str(cd->store, t, path, "%s",
					    spec_str(json_object_get(d->spec, "boot"), "type"));
		rc = cd->store->ops->txn_end(cd->store, t, rc != 0) ?: rc;
		if (rc != -EAGAIN)
			break;
	}
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
		    json_pack("{s:s, s:s}", "id", d->id, "name", dom_name(d)));
	domain_free(d);
	return 0;
}

/* Linux's xvd major is 202; each disk gets 16 minors. */
static unsigned vbd_devid(const char *vdev)
{
	return 202u * 256u + (unsigned)(vdev[3] - 'a') * 16u;
}

static int write_device(struct controld *cd, uint32_t t, struct domain *d, const char *kind,
			const json_t *dev, unsigned devid)
{
	char fe[160], be[160], p[256];
	int rc;

	snprintf(fe, sizeof(fe), "/local/domain/%d/device/%s/%u", d->domid, kind, devid);
	snprintf(be, sizeof(be), "/local/domain/0/backend/%s/%d/%u", kind, d->domid, devid);
#define W(base, leaf, ...)                                                                         \
	do {                                                                                       \
		snprintf(p, sizeof(p), "%s/%s", base, leaf);                                       \
		rc = store_write_str(cd->store, t, p, __VA_ARGS__);                                \
		if (rc)                                                                            \
			return rc;                                                                 \
	} while (0)
	W(fe, "backend", "%s", be);
	W(fe, "backend-id", "0");
	W(fe, "state", "1");
	W(be, "frontend", "%s", fe);
	W(be, "frontend-id", "%d", d->domid);
	W(be, "online", "1");
	W(be, "state", "1");
	if (!strcmp(kind, "vbd")) {
		W(fe, "virtual-device", "%u", devid);
		W(be, "params", "%s", spec_str(dev, "path"));
		W(be, "type", "%s", "phy");
		W(be, "mode", "%s", json_is_true(json_object_get(dev, "readonly")) ? "r" : "w");
		W(be, "dev", "%s", spec_str(dev, "id"));
	} else {
		W(fe, "mac", "%s", spec_str(dev, "mac"));
		W(be, "mac", "%s", spec_str(dev, "mac"));
		W(be, "bridge", "%s", spec_str(dev, "bridge"));
	}
#undef W
	return 0;
}

static int device_devid(const char *kind, const json_t *dev)
{
	const char *id = spec_str(dev, "id");

	return !strcmp(kind, "vbd") ? (int)vbd_devid(id) : atoi(id);
}

static int write_running_paths(struct controld *cd, struct domain *d)
{
	char base[64], p[160];
	const json_t *spec = d->spec;
	uint64_t max_kib = spec_uint(spec, "memory_mib") * 1024;
	uint64_t tgt_kib = spec_uint(spec, "memory_target_mib") * 1024;
	unsigned maxv = (unsigned)spec_uint(spec, "max_vcpus");
	unsigned online = (unsigned)spec_uint(spec, "vcpus");
	size_t i;
	json_t *dev;
	uint32_t t;
	int rc;

	snprintf(base, sizeof(base), "/local/domain/%d", d->domid);
	for (int tries = 0; tries < 5; tries++) {
		rc = cd->store->ops->txn_start(cd->store, &t);
		if (rc)
			return rc;
		rc = store_write(cd->store, t, base, "", 0);
		rc = rc ?: cd->store->ops->set_owner(cd->store, t, base, (uint32_t)d->domid);
#define W(leaf, ...)                                                                               \
	do {                                                                                       \
		snprintf(p, sizeof(p), "%s/%s", base, leaf);                                       \
		rc = rc ?: store_write_str(cd->store, t, p, __VA_ARGS__);                          \
	} while (0)
		W("name", "%s", dom_name(d));
		W("domid", "%d", d->domid);
		W("vm", "/vm/%s", d->id);
		W("memory/static-max", "%llu", (unsigned long long)max_kib);
		W("memory/target", "%llu", (unsigned long long)tgt_kib);
		W("control/shutdown", "%s", "");
		for (unsigned c = 0; c < maxv; c++) {
			char leaf[48];
			snprintf(leaf, sizeof(leaf), "cpu/%u/availability", c);
			W(leaf, "%s", c < online ? "online" : "offline");
		}
#undef W
		json_array_foreach(json_object_get(spec, "disks"), i, dev)
			rc = rc
				 ?: write_device(cd, t, d, "vbd", dev,
						 (unsigned)device_devid("vbd", dev));
		json_array_foreach(json_object_get(spec, "nics"), i, dev)
			rc = rc
				 ?: write_device(cd, t, d, "vif", dev,
						 (unsigned)device_devid("vif", dev));
		rc = cd->store->ops->txn_end(cd->store, t, rc != 0) ?: rc;
		if (rc != -EAGAIN)
			break;
	}
	return rc;
}

static void remove_running_paths(struct controld *cd, int domid)
{
	char p[96];

	snprintf(p, sizeof(p), "/local/domain/%d", domid);
	store_rm(cd->store, STORE_NO_TXN, p);
	snprintf(p, sizeof(p), "/local/domain/0/backend/vbd/%d", domid);
	store_rm(cd->store, STORE_NO_TXN, p);
	snprintf(p, sizeof(p), "/local/domain/0/backend/vif/%d", domid);
	store_rm(cd->store, STORE_NO_TXN, p);
}

static int apply_vcpu_settings(struct controld *cd, struct domain *d)
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

int domain_start(struct controld *cd, struct domain *d)
{
	const json_t *boot = json_object_get(d->spec, "boot");
	struct hv_domain_config cfg = {
	    .uuid = d->id,
	    .name = dom_name(d),
	    .max_vcpus = (unsigned)spec_uint(d->spec, "max_vcpus"),
	    .memory_mib = spec_uint(d->spec, "memory_mib"),
	    .hvm = !strcmp(spec_str(boot, "type"), "hvm"),
	    .kernel = spec_str(boot, "kernel"),
	    .cmdline = spec_str(boot, "cmdline"),
	    .initrd = spec_str(boot, "initrd"),
	    .firmware = spec_str(boot, "firmware"),
	};
	uint32_t domid;
	size_t i;
	json_t *bdf;
	int rc;

	if (d->state != DOM_STOPPED && d->state != DOM_CRASHED)
		return -EBUSY;
	rc = cd->hv->ops->domain_create(cd->hv, &cfg, &domid);
	if (rc)
		return rc;
	d->domid = (int)domid;
	rc = cd->hv->ops->set_vcpus_online(cd->hv, domid, (unsigned)spec_uint(d->spec, "vcpus"));
	rc = rc
		 ?: cd->hv->ops->set_memory_target(cd->hv, domid,
						   spec_uint(d->spec, "memory_target_mib") * 1024);
	rc = rc ?: apply_vcpu_settings(cd, d);
	json_array_foreach(json_object_get(d->spec, "pci"), i, bdf)
		rc = rc ?: cd->hv->ops->pci_assign(cd->hv, domid, json_string_value(bdf));
	rc = rc ?: write_running_paths(cd, d);
	/* Recorded before it runs: a restart after this point finds and adopts it. */
	d->console_len = d->console_head = 0;
	set_state(cd, d, DOM_PAUSED);
	rc = rc ?: domain_commit(cd, d);
	rc = rc ?: cd->hv->ops->domain_unpause(cd->hv, domid);
	if (rc) {
		cd->hv->ops->domain_destroy(cd->hv, domid);
		remove_running_paths(cd, d->domid);
		d->domid = -1;
		set_state(cd, d, DOM_STOPPED);
		domain_commit(cd, d);
		return rc;
	}
	set_state(cd, d, DOM_RUNNING);
	return domain_commit(cd, d);
}

int domain_pause(struct controld *cd, struct domain *d)
{
	int rc;

	if (d->state != DOM_RUNNING)
		return -EBUSY;
	rc = cd->hv->ops->domain_pause(cd->hv, (uint32_t)d->domid);
	if (rc)
		return rc;
	set_state(cd, d, DOM_PAUSED);
	return domain_commit(cd, d);
}

int domain_unpause(struct controld *cd, struct domain *d)
{
	int rc;

	if (d->state != DOM_PAUSED)
		return -EBUSY;
	rc = cd->hv->ops->domain_unpause(cd->hv, (uint32_t)d->domid);
	if (rc)
		return rc;
	set_state(cd, d, DOM_RUNNING);
	return domain_commit(cd, d);
}

int domain_destroy(struct controld *cd, struct domain *d, enum dom_state after)
{
	int rc;

	if (d->state == DOM_STOPPED || d->domid < 0)
		return d->state == DOM_CRASHED ? 0 : -EBUSY;
	rc = cd->hv->ops->domain_destroy(cd->hv, (uint32_t)d->domid);
	if (rc && rc != -ESRCH)
		return rc;
	remove_running_paths(cd, d->domid);
	d->domid = -1;
	set_state(cd, d, after);
	return domain_commit(cd, d);
}

int domain_apply_patch(struct controld *cd, struct domain *d, json_t *patch)
{
	bool running = d->domid >= 0;
	json_t *v;
	int rc = 0;

	if ((v = json_object_get(patch, "vcpus"))) {
		if (running) {
			rc = cd->hv->ops->set_vcpus_online(cd->hv, (uint32_t)d->domid,
							   (unsigned)json_integer_value(v));
			for (unsigned c = 0; !rc && c < spec_uint(d->spec, "max_vcpus"); c++) {
				char p[96];
				snprintf(p, sizeof(p), "/local/domain/%d/cpu/%u/availability",
					 d->domid, c);
				rc = store_write_str(cd->store, STORE_NO_TXN, p, "%s",
						     c < json_integer_value(v) ? "online"
									       : "offline");
			}
			if (rc)
				return rc;
		}
		json_object_set(d->spec, "vcpus", v);
	}
	if ((v = json_object_get(patch, "memory_target_mib"))) {
		if (running) {
			char p[96];
			uint64_t kib = (uint64_t)json_integer_value(v) * 1024;
			rc = cd->hv->ops->set_memory_target(cd->hv, (uint32_t)d->domid, kib);
			snprintf(p, sizeof(p), "/local/domain/%d/memory/target", d->domid);
			rc = rc
				 ?: store_write_str(cd->store, STORE_NO_TXN, p, "%llu",
						    (unsigned long long)kib);
			if (rc)
				return rc;
		}
		json_object_set(d->spec, "memory_target_mib", v);
	}
	if ((v = json_object_get(patch, "sched")))
		json_object_update(json_object_get(d->spec, "sched"), v);
	if ((v = json_object_get(patch, "pinning")))
		json_object_set(d->spec, "pinning", v);
	if (running && (json_object_get(patch, "sched") || json_object_get(patch, "pinning"))) {
		rc = apply_vcpu_settings(cd, d);
		if (rc)
			return rc;
	}
	return domain_commit(cd, d);
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

int domain_device_add(struct controld *cd, struct domain *d, const char *kind, json_t *dev)
{
	json_t *arr = json_object_get(d->spec, !strcmp(kind, "vbd") ? "disks" : "nics");
	size_t idx;
	int rc;

	if (find_device(arr, spec_str(dev, "id"), &idx))
		return -EEXIST;
	if (d->domid >= 0) {
		uint32_t t;
		rc = cd->store->ops->txn_start(cd->store, &t);
		if (rc)
			return rc;
		rc = write_device(cd, t, d, kind, dev, (unsigned)device_devid(kind, dev));
		rc = cd->store->ops->txn_end(cd->store, t, rc != 0) ?: rc;
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
	size_t idx;
	int rc;

	if (find_device(arr, bdf, &idx))
		return -EEXIST;
	/* One owner per device. */
	for (unsigned k = 0; k < cd->doms.n; k++)
		if (find_device(json_object_get(cd->doms.v[k]->spec, "pci"), bdf, &idx))
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

/* A guest that shut itself down (or crashed) without being asked. */
static void on_guest_shutdown(struct controld *cd, struct domain *d, enum hv_shutdown_reason r)
{
	struct job *j = d->job_id[0] ? job_find(cd, d->job_id) : NULL;

	if (j && j->state == JOB_RUNNING) {
		shutdown_job_check(cd, j);
		return;
	}
	log_info("domain %s (domid %d) %s", dom_name(d), d->domid,
		 r == HV_SHUTDOWN_CRASH	   ? "crashed"
		 : r == HV_SHUTDOWN_REBOOT ? "rebooted"
					   : "powered off");
	domain_destroy(cd, d, r == HV_SHUTDOWN_CRASH ? DOM_CRASHED : DOM_STOPPED);
	if (r == HV_SHUTDOWN_REBOOT)
		domain_start(cd, d);
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
	rc = cd->hv->ops->domain_info(cd->hv, (uint32_t)d->domid, &info);
	if (rc == -ESRCH) {
		log_warn("domain %s: domid %d is gone; marking it stopped", dom_name(d), d->domid);
		remove_running_paths(cd, d->domid);
		d->domid = -1;
		d->state = DOM_STOPPED;
		domain_commit(cd, d);
		return;
	}
	if (rc)
		return;
	if (info.state == HV_DOM_SHUTDOWN) {
		on_guest_shutdown(cd, d, info.reason);
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

void domains_reconcile(struct controld *cd)
{
	for (unsigned i = 0; i < cd->doms.n; i++)
		reconcile(cd, cd->doms.v[i]);
}

void domains_free(struct controld *cd)
{
	for (unsigned i = 0; i < cd->doms.n; i++)
		domain_free(cd->doms.v[i]);
	free(cd->doms.v);
	cd->doms.v = NULL;
	cd->doms.n = cd->doms.cap = 0;
}
