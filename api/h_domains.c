// SPDX-License-Identifier: MIT
/* /v1/domains: list, create, get, patch, delete, actions, disks, NICs, PCI, console. */
#include "api.h"
#include "domain_json.h"
#include "headers.h"
#include "out.h"
#include "problem.h"
#include "../controld/device_model.h"
#include "../controld/events.h"
#include "../controld/model.h"
#include "../controld/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_DEFAULT 100

/* The domain's representation (its cached text) with its ETag. */
static void send_domain(struct api_call *c, struct domain *d, int status)
{
	size_t len;
	const char *js = domain_out_text(d, &len);
	char *body = js ? malloc(len + 1) : NULL;

	if (!body) {
		problem_errno(c->resp, -ENOMEM, "rendering the domain");
		return;
	}
	memcpy(body, js, len + 1);
	api_etag(c, d);
	http_resp_body(c->resp, status, "application/json", body, len);
}
#define LIST_MAX 500

struct page {
	FILE *f;
	unsigned shown;
	const char *last;
};

static int page_item(void *arg, struct domain *d)
{
	struct page *p = arg;
	size_t len;
	const char *js = domain_out_text(d, &len);

	if (!js)
		return -ENOMEM;
	if (p->shown++)
		fputc(',', p->f);
	fwrite(js, 1, len, p->f);
	p->last = domain_name(d);
	return 0;
}

void h_domains_list(struct api_call *c)
{
	static const char *const allowed[] = {"state", "name_prefix", "limit", "cursor", NULL};
	const char *state = http_query(c->req, "state");
	const char *prefix = http_query(c->req, "name_prefix");
	const char *lim = http_query(c->req, "limit");
	const char *cursor = http_query(c->req, "cursor");
	uint64_t limit = LIST_DEFAULT, version;
	size_t plen = prefix ? strlen(prefix) : 0;
	struct domain_query q = {.name_prefix = prefix, .after_name = cursor};
	struct page page = {0};
	unsigned total = 0;
	const char *inm;
	bool m, more = false;
	char *text = NULL;
	size_t len = 0;

	if (api_query_only(c, allowed))
		return;
	if (lim && parse_uint_param(lim, 1, LIST_MAX, &limit)) {
		problem(c->resp, 400, "invalid-query", "Invalid query parameter", "limit",
			"limit must be an integer from 1 to %d", LIST_MAX);
		return;
	}
	const char *states[DOM_NR_STATES];

	for (unsigned k = 0; k < DOM_NR_STATES; k++)
		states[k] = dom_state_name((enum dom_state)k);
	if (state && parse_name_list(state, states, DOM_NR_STATES, &q.state_mask)) {
		problem(c->resp, 400, "invalid-query", "Invalid query parameter", "state",
			"state must be a comma-separated list of: stopped, running, paused, "
			"shutting_down, crashed");
		return;
	}
	bool bad_prefix = prefix && (plen > 63 || !check_printable(prefix));
	if (bad_prefix ||
	    (cursor && (strlen(cursor) > 63 || !*cursor || !check_printable(cursor)))) {
		problem(c->resp, 400, "invalid-query", "Invalid query parameter",
			bad_prefix ? "name_prefix" : "cursor", "%s",
			bad_prefix ? "name_prefix is at most 63 printable characters"
				   : "cursor is 1 to 63 printable characters (a next_cursor)");
		return;
	}
	/* Any change to any domain changes the list's ETag: pollers get 304 until then. */
	inm = http_header(c->req, "If-None-Match");
	version = domains_version(c->cd);
	http_resp_header(c->resp, "ETag", "\"%llu\"", (unsigned long long)version);
	if (inm && !etag_match(inm, version, &m) && m) {
		http_resp_body(c->resp, 304, NULL, NULL, 0);
		return;
	}
	/* Sorted by name; the cursor is the last name of the previous page. Items are the
	 * domains' cached JSON texts, joined: a page costs no JSON encoding. */
	page.f = open_memstream(&text, &len);
	if (!page.f) {
		problem_errno(c->resp, -ENOMEM, "listing domains");
		return;
	}
	fputs("{\"items\":[", page.f);
	q.limit = (unsigned)limit;
	if (domains_page(c->cd, &q, page_item, &page, &total, &more)) {
		fclose(page.f);
		free(text);
		problem_errno(c->resp, -ENOMEM, "listing domains");
		return;
	}
	fprintf(page.f, "],\"total\":%u,\"next_cursor\":", total);
	/* Names are [A-Za-z0-9._-]: nothing to escape. */
	if (more && page.last)
		fprintf(page.f, "\"%s\"}", page.last);
	else
		fputs("null}", page.f);
	fclose(page.f);
	http_resp_body(c->resp, 200, "application/json", text, len);
}

void h_domains_create(struct api_call *c)
{
	json_t *body = api_body_object(c);
	struct dom_spec *spec = malloc(sizeof(*spec));
	struct domain *d;
	struct verr e;
	int rc;

	if (!body || !spec) {
		if (body)
			problem_errno(c->resp, -ENOMEM, "creating the domain");
		goto out;
	}
	if (domain_spec_from_json(body, spec, &e)) {
		problem(c->resp, 400, "invalid-body", "Invalid request body", e.pointer, "%s",
			e.detail);
		goto out;
	}
	rc = domain_create(c->cd, spec, &d);
	if (rc == -EEXIST) {
		problem(c->resp, 409, "name-conflict", "Name already in use", "/name",
			"a domain named '%s' already exists", spec->name);
	} else if (rc) {
		problem_errno(c->resp, rc, "creating the domain");
	} else {
		http_resp_header(c->resp, "Location", "/v1/domains/%s", d->id);
		send_domain(c, d, 201);
	}
out:
	json_decref(body);
	free(spec);
}

void h_domain_get(struct api_call *c)
{
	struct domain *d = api_domain(c);
	const char *inm;
	bool m;

	if (!d)
		return;
	inm = http_header(c->req, "If-None-Match");
	if (inm && !etag_match(inm, d->generation, &m) && m) {
		api_etag(c, d);
		http_resp_body(c->resp, 304, NULL, NULL, 0);
		return;
	}
	send_domain(c, d, 200);
}

void h_domain_patch(struct api_call *c)
{
	struct domain *d = api_domain(c);
	struct dom_patch patch;
	json_t *body;
	struct verr e;
	int rc;

	if (!d || !api_if_match(c, d) || !(body = api_body_object(c)))
		return;
	if (domain_patch_from_json(body, d->spec.max_vcpus, d->spec.memory_mib, &patch, &e)) {
		problem(c->resp, 400, "invalid-body", "Invalid request body", e.pointer, "%s",
			e.detail);
	} else if ((rc = domain_apply_patch(c->cd, d, &patch)) == -EBUSY) {
		problem_errno(c->resp, -EBUSY, "changing a domain that is shutting down");
	} else if (rc) {
		problem_errno(c->resp, rc, "changing the domain");
	} else {
		send_domain(c, d, 200);
	}
	json_decref(body);
}

void h_domain_delete(struct api_call *c)
{
	struct domain *d = api_domain(c);
	int rc;

	if (!d || !api_if_match(c, d))
		return;
	rc = domain_delete(c->cd, d);
	if (rc == -EBUSY)
		problem(c->resp, 409, "invalid-state", "Illegal in the current state", NULL,
			"only a stopped or crashed domain can be deleted; destroy it first");
	else if (rc)
		problem_errno(c->resp, rc, "deleting the domain");
	else
		http_resp_body(c->resp, 204, NULL, NULL, 0);
}

/* dom0 could not set up a disk (its file) or a NIC (its bridge): 422 naming it and its field. */
static bool device_problem(struct api_call *c, bool vbd, const char *id, const char *what,
			   const char *field, int rc)
{
	const char *why = strerror(-rc);

	if (!vbd)
		why = rc == -ENODEV   ? "no such bridge in dom0"
		      : rc == -EINVAL ? "not a bridge"
				      : why;
	else if (rc == -EMEDIUMTYPE)
		why = "only raw disks are served (xen-blkback), not qcow2";
	else if (rc == -ENXIO)
		why = "dom0 has no loop devices (/dev/loop-control)";
	problem(c->resp, 422, "device-unavailable", "Device cannot be set up in dom0", field,
		"%s %s: %s: %s", vbd ? "disk" : "NIC", id, what, why);
	return true;
}

/* An HVM build part that is the host's (controld's config), not the request's: its path. */
static const char *hvm_host_part(const struct controld *cd, const char *part, const char **what)
{
	if (!strcmp(part, "kernel"))
		return *what = "HVM firmware loader", cd->cfg.hvmloader;
	if (!strcmp(part, "firmware"))
		return *what = "firmware", cd->cfg.seabios;
	if (!strcmp(part, "device-model"))
		return *what = "device model", cd->cfg.qemu;
	return NULL;
}

/*
 * A start the hypervisor refused while building (the "Bad input"): 422 naming the
 * image, 507 for memory the host does not have, 409 for a name Keel has already; a disk or
 * NIC dom0 cannot set up, 422 naming it.
 */
static bool start_problem(struct api_call *c, const struct domain *d, int rc)
{
	const char *part = d->start_failed ? d->start_failed : "domain";
	bool image = strcmp(part, "domain") != 0, hvm = d->spec.boot.type == BOOT_HVM;
	const char *path = !strcmp(part, "initrd") ? d->spec.boot.initrd : d->spec.boot.kernel;
	const char *field = !strcmp(part, "initrd") ? "/boot/initrd" : "/boot/kernel";
	const struct domain *other;
	unsigned disk = 0, i = d->start_failed_index;
	const char *host, *what;
	char dev_field[32];

	snprintf(dev_field, sizeof(dev_field), "/%ss/%u/%s", part, i,
		 !strcmp(part, "disk") ? "path" : "bridge");
	/* HVM: hvmloader, SeaBIOS and QEMU are the host's (controld's config), not the request's.
	 */
	if (hvm && !strcmp(part, "firmware") && rc == -ENOSYS)
		problem(c->resp, 501, "not-supported", "Not supported", "/boot/firmware",
			"%s firmware is not supported yet: use seabios",
			dom_firmware_name(d->spec.boot.firmware));
	else if (hvm && (host = hvm_host_part(c->cd, part, &what)))
		problem(c->resp, 500, "host-misconfigured", "The host cannot run HVM guests",
			"/boot/type", "the %s (%s) failed: %s", what, host, strerror(-rc));
	else if (!strcmp(part, "disk"))
		return device_problem(c, true, d->spec.disks[i].id, d->spec.disks[i].path,
				      dev_field, rc);
	if (!strcmp(part, "nic"))
		return device_problem(c, false, d->spec.nics[i].id, d->spec.nics[i].bridge,
				      dev_field, rc);
	if (rc == -ETXTBSY && (other = domain_disk_user(c->cd, d, &disk)))
		problem(c->resp, 409, "disk-in-use", "Disk in use", NULL,
			"disk %s (%s) is used by domain %s, which is %s: a writable disk is never "
			"shared",
			d->spec.disks[disk].id, d->spec.disks[disk].path, domain_name(other),
			dom_state_name(other->state));
	else if (rc == -ENOEXEC)
		problem(c->resp, 422, "invalid-kernel", "kernel is not a PVH ELF", field,
			"%s is not an ELF64 or ELF32 image with a Xen PVH entry note", path);
	else if (rc == -E2BIG)
		problem(c->resp, 422, "image-too-large", "Image does not fit the domain", field,
			"the %s %s does not fit in the domain's %llu MiB", part, path,
			(unsigned long long)d->spec.memory_mib);
	else if (image && (rc == -ENOENT || rc == -EACCES || rc == -EINVAL || rc == -ENODATA))
		problem(c->resp, 422, "invalid-image", "Image cannot be loaded", field,
			"the %s %s: %s", part, path,
			rc == -ENODATA ? "the file is empty" : strerror(-rc));
	else if (rc == -ENOMEM)
		problem(c->resp, 507, "insufficient-memory", "Not enough free memory",
			"/memory_mib",
			"the host has not %llu MiB free for the domain (GET /v1/host)",
			(unsigned long long)d->spec.memory_mib);
	else if (rc == -EEXIST)
		problem(c->resp, 409, "conflict", "Conflict", "/name",
			"the hypervisor already has a domain named %s", d->spec.name);
	else if (rc == -ENOSPC)
		problem(c->resp, 409, "conflict", "Conflict", NULL,
			"the hypervisor has no free domain id");
	else if (rc == -EINVAL && !image)
		problem(c->resp, 422, "invalid-size", "Refused by the hypervisor", "/max_vcpus",
			"the hypervisor refused %u vCPUs and %llu MiB (at most %u vCPUs)",
			d->spec.max_vcpus, (unsigned long long)d->spec.memory_mib, KEEL_MAX_VCPUS);
	else
		return false;
	return true;
}

void h_domain_action(struct api_call *c)
{
	const char *action = c->params[1];
	enum dom_action act;
	struct domain *d;
	json_t *body = NULL;
	struct verr e;
	unsigned timeout;
	struct job *j;
	int rc;

	if (dom_action_parse(action, &act)) {
		problem(c->resp, 404, "not-found", "Not found", NULL,
			"unknown action; one of start, pause, unpause, shutdown, reboot, destroy");
		return;
	}
	if (!(d = api_domain(c)) || !api_if_match(c, d))
		return;
	if (c->req->body_len && !(body = api_body_object(c)))
		return;
	rc = action_options(body, action, c->cd->cfg.shutdown_timeout_s, &timeout, &e);
	json_decref(body);
	if (rc) {
		problem(c->resp, 400, "invalid-body", "Invalid request body", e.pointer, "%s",
			e.detail);
		return;
	}
	rc = domain_act(c->cd, d, act, timeout, &j);
	if (rc == -EBUSY && d->hv_destroy_pending) {
		problem(c->resp, 409, "invalid-state", "Illegal in the current state", NULL,
			"cannot %s the domain yet: its last run's device model is still exiting "
			"(at most %d s)",
			action, DM_KILL_MS / 1000);
		return;
	}
	if (rc == -EBUSY) {
		problem(c->resp, 409, "invalid-state", "Illegal in the current state", NULL,
			"cannot %s a domain that is %s", action, dom_state_name(d->state));
		return;
	}
	if (rc && (act != ACT_START || !start_problem(c, d, rc)))
		problem_errno(c->resp, rc, action);
	if (rc)
		return;
	http_resp_header(c->resp, "Location", "/v1/jobs/%s", j->id);
	resp_json(c->resp, j->state == JOB_RUNNING ? 202 : 200, job_out(j));
}

static void device_add(struct api_call *c, const char *kind)
{
	struct domain *d = api_domain(c);
	bool vbd = !strcmp(kind, "vbd");
	struct dom_disk disk;
	struct dom_nic nic;
	json_t *body;
	struct verr e;
	int rc;

	if (!d || !api_if_match(c, d) || !(body = api_body_object(c)))
		return;
	rc = vbd ? disk_from_json(body, "", &disk, &e) : nic_from_json(body, "", &nic, &e);
	json_decref(body);
	if (rc) {
		problem(c->resp, 400, "invalid-body", "Invalid request body", e.pointer, "%s",
			e.detail);
		return;
	}
	rc = vbd ? domain_disk_add(c->cd, d, &disk) : domain_nic_add(c->cd, d, &nic);
	if (rc == -EEXIST)
		problem(c->resp, 409, "conflict", "Conflict", "/id", "device %s already exists",
			vbd ? disk.id : nic.id);
	else if (rc == -ENOSPC)
		problem(c->resp, 409, "conflict", "Conflict", NULL,
			"the domain has the most devices of this kind it can have");
	else if (rc == -ETXTBSY)
		problem(c->resp, 409, "disk-in-use", "Disk in use", "/path",
			"another running domain has %s, and one of the two would write to it: a "
			"writable disk is never shared",
			disk.path);
	else if (rc && d->domid >= 0 &&
		 (rc == -ENOENT || rc == -ENODEV || rc == -EINVAL || rc == -EACCES ||
		  rc == -EROFS || rc == -EMEDIUMTYPE))
		device_problem(c, vbd, vbd ? disk.id : nic.id, vbd ? disk.path : nic.bridge,
			       vbd ? "/path" : "/bridge", rc);
	else if (rc)
		problem_errno(c->resp, rc, "adding the device");
	else {
		http_resp_header(c->resp, "Location", "/v1/domains/%s/%s/%s", d->id,
				 vbd ? "disks" : "nics", vbd ? disk.id : nic.id);
		send_domain(c, d, 201);
	}
}

static void device_remove(struct api_call *c, const char *kind)
{
	struct domain *d = api_domain(c);
	int rc;

	if (!d || !api_if_match(c, d))
		return;
	rc = domain_device_remove(c->cd, d, kind, c->params[1]);
	if (rc == -ENOENT)
		problem(c->resp, 404, "not-found", "Not found", NULL,
			"the domain has no such device");
	else if (rc)
		problem_errno(c->resp, rc, "removing the device");
	else {
		send_domain(c, d, 200);
	}
}

void h_disk_add(struct api_call *c)
{
	device_add(c, "vbd");
}

void h_disk_remove(struct api_call *c)
{
	device_remove(c, "vbd");
}

void h_nic_add(struct api_call *c)
{
	device_add(c, "vif");
}

void h_nic_remove(struct api_call *c)
{
	device_remove(c, "vif");
}

void h_pci_assign(struct api_call *c)
{
	static const char *const allowed[] = {"bdf", NULL};
	struct domain *d = api_domain(c);
	const char *bdf = NULL;
	json_t *body;
	struct verr e;
	int rc;

	if (!d || !api_if_match(c, d) || !(body = api_body_object(c)))
		return;
	if (jv_only(body, "", allowed, &e) || jv_str(body, "bdf", "", true, 12, check_bdf,
						     "a PCI address like 0000:03:00.0", &bdf, &e)) {
		problem(c->resp, 400, "invalid-body", "Invalid request body", e.pointer, "%s",
			e.detail);
		json_decref(body);
		return;
	}
	rc = domain_pci_assign(c->cd, d, bdf);
	if (rc == -EEXIST || rc == -ENOSPC)
		problem(c->resp, 409, "conflict", "Conflict", "/bdf",
			rc == -ENOSPC ? "the domain has the most PCI devices it can have"
				      : "%s is already assigned to a domain",
			bdf);
	else if (rc)
		problem_errno(c->resp, rc, "assigning the device");
	else {
		send_domain(c, d, 200);
	}
	json_decref(body);
}

void h_pci_unassign(struct api_call *c)
{
	struct domain *d = api_domain(c);
	int rc;

	if (!d || !api_if_match(c, d))
		return;
	rc = domain_pci_unassign(c->cd, d, c->params[1]);
	if (rc == -ENOENT)
		problem(c->resp, 404, "not-found", "Not found", NULL,
			"that device is not assigned to this domain");
	else if (rc)
		problem_errno(c->resp, rc, "unassigning the device");
	else {
		send_domain(c, d, 200);
	}
}

void h_console_get(struct api_call *c)
{
	struct domain *d = api_domain(c);
	size_t len;
	char *text;

	if (!d)
		return;
	text = domain_console_text(d, &len);
	if (!text) {
		problem_errno(c->resp, -ENOMEM, "console");
		return;
	}
	http_resp_body(c->resp, 200, "text/plain; charset=utf-8", text, len);
}

void h_console_stream(struct api_call *c)
{
	struct domain *d = api_domain(c);
	struct event_filter f = {.type_mask = EV_CONSOLE};
	struct http_stream *st;
	int rc;

	if (!d)
		return;
	str_copy(f.domain_id, d->id, sizeof(f.domain_id));
	st = events_subscribe(c->cd->events, &f, 0, &rc);
	if (!st) {
		problem(c->resp, 503, "too-many-streams", "Too many event streams", NULL,
			"try again later");
		return;
	}
	c->resp->status = 200;
	c->resp->content_type = "text/event-stream";
	http_resp_header(c->resp, "Cache-Control", "no-cache");
	c->resp->stream = st;
}
