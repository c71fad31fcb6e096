// SPDX-License-Identifier: MIT
/* The route table (mirrors openapi.yaml), authentication and Idempotency-Key handling. */
#include "api.h"
#include "headers.h"
#include "problem.h"
#include "static_path.h"
#include "validate.h"
#include "../controld/model.h"
#include "../controld/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct route {
	const char *method;
	const char *pattern; /* "*" matches one segment */
	void (*fn)(struct api_call *c);
	enum scope scope;
};

static const struct route routes[] = {
    {"GET", "/healthz", h_health, SCOPE_NONE},
    {"GET", "/metrics", h_metrics, SCOPE_READ},
    {"GET", "/v1/host", h_host_get, SCOPE_READ},
    {"GET", "/v1/host/pci", h_host_pci, SCOPE_READ},
    {"GET", "/v1/domains", h_domains_list, SCOPE_READ},
    {"POST", "/v1/domains", h_domains_create, SCOPE_ADMIN},
    {"GET", "/v1/domains/*", h_domain_get, SCOPE_READ},
    {"PATCH", "/v1/domains/*", h_domain_patch, SCOPE_OPERATE},
    {"DELETE", "/v1/domains/*", h_domain_delete, SCOPE_ADMIN},
    {"POST", "/v1/domains/*/actions/*", h_domain_action, SCOPE_OPERATE},
    {"GET", "/v1/domains/*/stats", h_domain_stats, SCOPE_READ},
    {"POST", "/v1/domains/*/disks", h_disk_add, SCOPE_OPERATE},
    {"DELETE", "/v1/domains/*/disks/*", h_disk_remove, SCOPE_OPERATE},
    {"POST", "/v1/domains/*/nics", h_nic_add, SCOPE_OPERATE},
    {"DELETE", "/v1/domains/*/nics/*", h_nic_remove, SCOPE_OPERATE},
    {"POST", "/v1/domains/*/pci", h_pci_assign, SCOPE_ADMIN},
    {"DELETE", "/v1/domains/*/pci/*", h_pci_unassign, SCOPE_ADMIN},
    {"GET", "/v1/domains/*/console", h_console_get, SCOPE_OPERATE},
    {"GET", "/v1/domains/*/console/stream", h_console_stream, SCOPE_OPERATE},
    {"POST", "/v1/domains/*/console", h_console_input, SCOPE_OPERATE},
    {"GET", "/v1/jobs", h_jobs_list, SCOPE_READ},
    {"GET", "/v1/jobs/*", h_job_get, SCOPE_READ},
    {"GET", "/v1/events", h_events, SCOPE_READ},
    {"GET", "/v1/images", h_images_list, SCOPE_READ},
    {"POST", "/v1/images", h_images_create, SCOPE_ADMIN},
    {"GET", "/v1/images/*", h_image_get, SCOPE_READ},
    {"PATCH", "/v1/images/*", h_image_patch, SCOPE_ADMIN},
    {"PUT", "/v1/images/*", h_image_put, SCOPE_ADMIN}, /* streamed: see api_begin */
    {"DELETE", "/v1/images/*", h_image_delete, SCOPE_ADMIN},
    {"GET", "/v1/images/*/content", h_image_content, SCOPE_ADMIN},
    {"GET", "/v1/tokens", h_tokens_list, SCOPE_ADMIN},
    {"POST", "/v1/tokens", h_tokens_create, SCOPE_ADMIN},
    {"DELETE", "/v1/tokens/*", h_token_delete, SCOPE_ADMIN},
};

/* Matches path against pattern, collecting the "*" segments into params. */
static bool match(const char *pattern, const char *path, const char *params[API_MAX_PARAMS],
		  char buf[512])
{
	size_t used = 0;
	int np = 0;

	for (;;) {
		const char *pe, *se;
		size_t plen, slen;

		if (*pattern != '/' || *path != '/')
			return *pattern == *path;
		pattern++;
		path++;
		pe = strchrnul(pattern, '/');
		se = strchrnul(path, '/');
		plen = (size_t)(pe - pattern);
		slen = (size_t)(se - path);
		if (plen == 1 && *pattern == '*') {
			if (!slen || np == API_MAX_PARAMS || used + slen + 1 > 512)
				return false;
			memcpy(buf + used, path, slen);
			buf[used + slen] = '\0';
			params[np++] = buf + used;
			used += slen + 1;
		} else if (plen != slen || memcmp(pattern, path, plen)) {
			return false;
		}
		pattern = pe;
		path = se;
		if (!*pattern && !*path)
			return true;
	}
}

static bool is_json_type(const char *ct)
{
	size_t n;

	if (!ct)
		return false;
	n = strcspn(ct, ";");
	while (n && ct[n - 1] == ' ')
		n--;
	return (n == 16 && !strncasecmp(ct, "application/json", 16)) ||
	       (n == 28 && !strncasecmp(ct, "application/merge-patch+json", 28));
}

static enum scope authenticate(struct api_call *c, bool *bad)
{
	const char *h = http_header(c->req, "Authorization");
	const char *tok;
	const struct token *who = NULL;
	enum scope s;

	*bad = false;
	/* Root on the local socket is the admin who bootstraps tokens; anyone else needs one. */
	if (c->req->is_unix && c->req->peer_uid == 0) {
		str_copy(c->req->principal, "unix:root", sizeof(c->req->principal));
		return SCOPE_ADMIN;
	}
	if (!h)
		return SCOPE_NONE;
	if (bearer_parse(h, &tok)) {
		*bad = true;
		return SCOPE_NONE;
	}
	s = token_check(c->cd, tok, &who);
	if (s != SCOPE_NONE)
		snprintf(c->req->principal, sizeof(c->req->principal), "token:%s", who->id);
	return s;
}

static void replay(struct api_call *c, const struct idem_entry *e)
{
	char *body = malloc(e->body_len + 1);

	if (!body) {
		problem(c->resp, 503, "out-of-resources", "Out of resources", NULL, "replay");
		return;
	}
	memcpy(body, e->body, e->body_len + 1);
	http_resp_body(c->resp, e->status,
		       e->status >= 400 ? "application/problem+json" : "application/json", body,
		       e->body_len);
	if (e->location[0])
		http_resp_header(c->resp, "Location", "%s", e->location);
	if (e->etag[0])
		http_resp_header(c->resp, "ETag", "%s", e->etag);
	http_resp_header(c->resp, "Idempotent-Replayed", "true");
}

static void run_idempotent(struct api_call *c, const struct route *r, const char *key)
{
	char key_hash[65], fp[65], *material;
	const char *loc = NULL, *etag = NULL;
	struct idem_entry *e;
	size_t plen = strlen(c->req->path);

	if (idem_key_valid(key)) {
		problem(c->resp, 400, "invalid-header", "Invalid header", "Idempotency-Key",
			"Idempotency-Key must be 1 to %d visible ASCII characters", IDEM_KEY_MAX);
		return;
	}
	/* Keys are per caller: one client cannot replay another's response. */
	if (asprintf(&material, "%s\n%s", c->req->principal, key) < 0)
		return;
	sha256_hex(material, strlen(material), key_hash);
	free(material);
	material = malloc(plen + 1 + c->req->body_len);
	if (!material)
		return;
	memcpy(material, c->req->path, plen);
	material[plen] = '\n';
	memcpy(material + plen + 1, c->req->body, c->req->body_len);
	sha256_hex(material, plen + 1 + c->req->body_len, fp);
	free(material);
	e = idem_find(c->cd, key_hash);
	if (e) {
		if (strcmp(e->fingerprint, fp))
			problem(c->resp, 422, "idempotency-key-reused", "Idempotency-Key reused",
				"Idempotency-Key",
				"this key was used for a different request; use a new key");
		else
			replay(c, e);
		return;
	}
	r->fn(c);
	if (c->resp->status >= 500 || c->resp->stream)
		return;
	for (int i = 0; i < c->resp->nheaders; i++)
		if (!strcmp(c->resp->headers[i].name, "Location"))
			loc = c->resp->headers[i].value;
		else if (!strcmp(c->resp->headers[i].name, "ETag"))
			etag = c->resp->headers[i].value;
	idem_put(c->cd, key_hash, fp, c->resp->status, c->resp->body ? c->resp->body : "",
		 c->resp->body_len, loc, etag);
}

/* The route of c's method and path (its params in c, backed by buf); NULL with a 404 or
 * 405 set. */
static const struct route *route_find(struct api_call *c, char buf[512])
{
	const struct route *found = NULL;
	char allow[64] = "";
	bool path_known = false;

	for (unsigned i = 0; i < ARRAY_SIZE(routes); i++) {
		const char *params[API_MAX_PARAMS] = {0};
		char pbuf[512];
		if (!match(routes[i].pattern, c->req->path, params, pbuf))
			continue;
		path_known = true;
		snprintf(allow + strlen(allow), sizeof(allow) - strlen(allow), "%s%s",
			 allow[0] ? ", " : "", routes[i].method);
		if (!strcmp(routes[i].method, c->req->method) ||
		    (!strcmp(c->req->method, "HEAD") && !strcmp(routes[i].method, "GET"))) {
			found = &routes[i];
			memcpy(buf, pbuf, 512);
			for (int k = 0; k < API_MAX_PARAMS; k++)
				c->params[k] = params[k] ? buf + (params[k] - pbuf) : NULL;
		}
	}
	if (!found && path_known) {
		http_resp_header(c->resp, "Allow", "%s", allow);
		problem(c->resp, 405, "method-not-allowed", "Method not allowed", NULL,
			"%s is not allowed here; allowed: %s", c->req->method, allow);
	} else if (!found) {
		problem(c->resp, 404, "not-found", "Not found", NULL, "no such resource");
	}
	return found;
}

/* Authentication, scope and draining: false with the refusal set. */
static bool admit(struct api_call *c, const struct route *r)
{
	struct http_response *resp = c->resp;
	enum scope have;
	bool bad;

	if (r->scope != SCOPE_NONE) {
		have = authenticate(c, &bad);
		if (have == SCOPE_NONE) {
			http_resp_header(resp, "WWW-Authenticate", "Bearer realm=\"keel\"%s",
					 bad ? ", error=\"invalid_request\"" : "");
			problem(resp, 401, "unauthorized", "Authentication required",
				"Authorization",
				bad ? "the Authorization header must be 'Bearer <token>'"
				    : "a valid bearer token is required");
			return false;
		}
		c->req->scope = (int)have;
		if (have < r->scope) {
			problem(resp, 403, "forbidden", "Insufficient scope", NULL,
				"this operation needs a token with scope '%s'; this one has '%s'",
				scope_name(r->scope), scope_name(have));
			return false;
		}
	}
	if (c->cd->draining && r->fn != h_health) {
		http_resp_header(resp, "Retry-After", "5");
		problem(resp, 503, "shutting-down", "controld is shutting down", NULL,
			"retry in a few seconds");
		return false;
	}
	return true;
}

bool api_begin(void *opaque, struct http_request *req, struct http_response *resp,
	       struct http_sink **sink)
{
	struct api_call c = {.cd = opaque, .req = req, .resp = resp};
	const struct route *r;
	char buf[512];

	/* Only uploads stream; every other request is buffered and routed by api_handle. */
	if (strcmp(req->method, "PUT"))
		return false;
	r = route_find(&c, buf);
	if (r && r->fn != h_image_put)
		return false;
	/* A name with a '/' in it (sent as %2F) is no image's: say so, not "no resource". */
	if (!r && !strncmp(req->path, "/v1/images/", 11))
		problem(resp, 400, "invalid-name", "Invalid image name", "name",
			"an image name has no '/'");
	if (r && admit(&c, r))
		*sink = h_image_upload(&c);
	return true;
}

void api_handle(void *opaque, struct http_request *req, struct http_response *resp)
{
	struct api_call c = {.cd = opaque, .req = req, .resp = resp};
	const struct route *found;
	char buf[512];

	if (static_path_is_ui(req->path)) {
		static_serve(&c);
		return;
	}
	found = route_find(&c, buf);
	if (!found || !admit(&c, found))
		return;
	if (req->body_len && !is_json_type(http_header(req, "Content-Type"))) {
		problem(resp, 415, "unsupported-media-type", "Unsupported media type",
			"Content-Type", "request bodies must be application/json");
		return;
	}
	if (!strcmp(req->method, "POST") && http_header(req, "Idempotency-Key")) {
		run_idempotent(&c, found, http_header(req, "Idempotency-Key"));
		return;
	}
	found->fn(&c);
}

json_t *api_body_object(struct api_call *c)
{
	struct verr e;
	json_t *o = jv_parse_object(c->req->body, c->req->body_len, &e);

	if (!o)
		problem(c->resp, 400, "invalid-body", "Invalid request body", e.pointer, "%s",
			e.detail);
	return o;
}

struct query_check {
	const char *const *allowed;
	const char *bad;
};

static int query_cb(void *arg, const char *key, const char *value)
{
	struct query_check *q = arg;

	(void)value;
	for (unsigned i = 0; q->allowed[i]; i++)
		if (!strcmp(key, q->allowed[i]))
			return 0;
	q->bad = key;
	return 1;
}

int api_query_only(struct api_call *c, const char *const allowed[])
{
	struct query_check q = {allowed, NULL};

	if (http_query_each(c->req, query_cb, &q)) {
		char shown[48];
		snprintf(shown, sizeof(shown), "%.40s", q.bad);
		for (char *p = shown; *p; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
				*p = '?';
		problem(c->resp, 400, "invalid-query", "Invalid query parameter", shown,
			"unknown query parameter '%s'", shown);
		return -1;
	}
	return 0;
}

struct domain *api_domain(struct api_call *c)
{
	struct domain *d = domain_find(c->cd, c->params[0]);

	if (!d)
		problem(c->resp, 404, "not-found", "Not found", NULL,
			"no domain with that id or name");
	return d;
}

void api_etag(struct api_call *c, const struct domain *d)
{
	http_resp_header(c->resp, "ETag", "\"%llu\"", (unsigned long long)d->generation);
}

bool api_if_match(struct api_call *c, const struct domain *d)
{
	const char *h = http_header(c->req, "If-Match");
	bool m;

	if (!h)
		return true;
	if (etag_match(h, d->generation, &m)) {
		problem(c->resp, 400, "invalid-header", "Invalid header", "If-Match",
			"If-Match must be * or a list of quoted entity tags");
		return false;
	}
	if (!m) {
		api_etag(c, d);
		problem(c->resp, 412, "precondition-failed", "Precondition failed", "If-Match",
			"the domain changed since that ETag; fetch it again");
		return false;
	}
	return true;
}
