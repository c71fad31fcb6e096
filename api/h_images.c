// SPDX-License-Identifier: MIT
/*
 * Images: GET/POST /v1/images, PUT/GET/PATCH/DELETE /v1/images/{name},
 * GET /v1/images/{name}/content. An upload's body streams to the image store chunk by chunk
 * (http_sink), never held here. POST makes a disk (blank, or a copy: a job); PATCH grows one.
 */
#include "api.h"
#include "image_json.h"
#include "out.h"
#include "problem.h"
#include "../controld/image_disk.h"
#include "../controld/model.h"
#include "../controld/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static json_t *image_out(const struct image_info *im)
{
	return json_pack("{s:s, s:s, s:I, s:o, s:s, s:s+}", "name", im->name, "kind",
			 im->disk ? "disk" : "image", "size", (json_int_t)im->size, "sha256",
			 im->disk ? json_null() : json_string(im->sha256), "created_at",
			 im->created_at, "path", IMAGE_API_DIR "/", im->name);
}

/* The {name} of the path: false with a 400 set when it is not an image name. */
static bool name_ok(struct api_call *c)
{
	if (image_name_ok(c->params[0]))
		return true;
	problem(c->resp, 400, "invalid-name", "Invalid image name", "name",
		"an image name is 1 to %d of [A-Za-z0-9._-], starting with a letter or digit",
		IMAGE_NAME_MAX);
	return false;
}

static void image_problem(struct api_call *c, int rc)
{
	if (rc == -ENOENT)
		problem(c->resp, 404, "not-found", "Not found", NULL, "no image %s", c->params[0]);
	else
		problem(c->resp, 500, "internal", "Image store failed", NULL, "%s: %s",
			c->params[0], strerror(-rc));
}

static int image_item(void *arg, const struct image_info *im)
{
	return json_array_append_new(arg, image_out(im)) ? -ENOMEM : 0;
}

void h_images_list(struct api_call *c)
{
	json_t *items = json_array();
	int rc = items ? images_each(c->cd, image_item, items) : -ENOMEM;

	if (rc) {
		json_decref(items);
		problem(c->resp, 500, "internal", "Image store failed", NULL, "listing: %s",
			strerror(-rc));
		return;
	}
	resp_json(c->resp, 200, json_pack("{s:o}", "items", items));
}

void h_image_get(struct api_call *c)
{
	struct image_info im;
	int rc;

	if (!name_ok(c))
		return;
	rc = image_get(c->cd, c->params[0], &im);
	if (rc)
		image_problem(c, rc);
	else
		resp_json(c->resp, 200, image_out(&im));
}

void h_image_content(struct api_call *c)
{
	uint64_t size;
	int fd, rc;

	if (!name_ok(c))
		return;
	rc = image_open(c->cd, c->params[0], &fd, &size);
	if (rc) {
		image_problem(c, rc);
		return;
	}
	http_resp_header(c->resp, "Content-Disposition", "attachment; filename=\"%s\"",
			 c->params[0]);
	http_resp_file(c->resp, 200, "application/octet-stream", fd, size);
}

void h_image_delete(struct api_call *c)
{
	const struct domain *user;
	int rc;

	if (!name_ok(c))
		return;
	rc = image_delete(c->cd, c->params[0]);
	if (rc == -EBUSY && (user = image_user(c->cd, c->params[0])))
		problem(c->resp, 409, "in-use", "Image in use", NULL,
			"domain %s uses image %s; change or delete the domain first",
			domain_name(user), c->params[0]);
	else if (rc)
		image_problem(c, rc);
	else
		http_resp_body(c->resp, 204, NULL, NULL, 0);
}

static void upload_problem(struct http_response *resp, const struct controld *cd, const char *name,
			   int rc);

/* The problems of making or growing a disk that uploads do not have. */
static bool disk_problem(struct api_call *c, int rc, const char *name, const char *from)
{
	const struct domain *user;

	if (rc == -EEXIST)
		problem(c->resp, 409, "conflict", "Conflict", "/name",
			"image %s exists or is being made; delete it first or choose another name",
			name);
	else if (rc == -ENOENT)
		problem(c->resp, 404, "not-found", "Not found", from ? "/from" : NULL,
			"no image %s", from ? from : name);
	else if (rc == -ERANGE)
		problem(
		    c->resp, 422, "cannot-shrink", "Disks only grow", "/size_bytes",
		    "%s is larger than that; a disk is never shrunk (its guest's filesystem may "
		    "use the end)",
		    name);
	else if (rc == -ETXTBSY && from && (user = image_running_writer(c->cd, from)))
		problem(c->resp, 409, "in-use", "Image in use", "/from",
			"running domain %s writes to %s; stop it first for a consistent copy",
			domain_name(user), from);
	else if (rc == -ETXTBSY && (user = image_running_user(c->cd, name)))
		problem(c->resp, 409, "in-use", "Image in use", NULL,
			"running domain %s uses %s; stop it first (its backend would not see the "
			"new size)",
			domain_name(user), name);
	else if (rc == -ENOSPC)
		problem(c->resp, 507, "insufficient-storage", "Not enough space", NULL,
			"dom0's images directory has not the room for %s; nothing changed", name);
	else
		return false;
	return true;
}

/* rc, the body's check: false with the 400 set when it failed. */
static bool body_ok(struct api_call *c, int rc, const struct verr *e)
{
	if (rc)
		problem(c->resp, 400, "invalid-body", "Invalid request body", e->pointer, "%s",
			e->detail);
	return !rc;
}

void h_images_create(struct api_call *c)
{
	json_t *body = api_body_object(c);
	struct image_create_req req;
	struct image_info im;
	struct job *j;
	struct verr e;
	int rc;

	if (!body)
		return;
	rc = image_create_from_json(body, &req, &e);
	json_decref(body);
	if (!body_ok(c, rc, &e))
		return;
	rc = req.from[0] ? disk_copy_start(c->cd, req.from, req.name, &j)
			 : disk_create_blank(c->cd, req.name, req.size, &im);
	if (rc && !disk_problem(c, rc, req.name, req.from[0] ? req.from : NULL)) {
		upload_problem(c->resp, c->cd, req.name, rc);
	} else if (!rc && req.from[0]) {
		http_resp_header(c->resp, "Location", "/v1/jobs/%s", j->id);
		resp_json(c->resp, 202, job_out(j)); /* a copy is a job, even one over at once */
	} else if (!rc) {
		http_resp_header(c->resp, "Location", "/v1/images/%s", im.name);
		resp_json(c->resp, 201, image_out(&im));
	}
}

void h_image_patch(struct api_call *c)
{
	json_t *body;
	struct image_info im;
	struct verr e;
	uint64_t size;
	int rc;

	if (!name_ok(c) || !(body = api_body_object(c)))
		return;
	rc = image_resize_from_json(body, &size, &e);
	json_decref(body);
	if (!body_ok(c, rc, &e))
		return;
	rc = disk_resize(c->cd, c->params[0], size, &im);
	if (rc == -ENOENT)
		image_problem(c, rc);
	else if (rc && !disk_problem(c, rc, c->params[0], NULL))
		upload_problem(c->resp, c->cd, c->params[0], rc);
	else if (!rc)
		resp_json(c->resp, 200, image_out(&im));
}

/* --- PUT /v1/images/{name}: the body streams into an image_upload --- */

struct upload_sink {
	struct http_sink base;
	struct controld *cd;
	struct image_upload *up;
	char name[IMAGE_NAME_MAX + 1];
};

static void upload_problem(struct http_response *resp, const struct controld *cd, const char *name,
			   int rc)
{
	if (rc == -EEXIST)
		problem(resp, 409, "conflict", "Conflict", "name",
			"image %s exists; delete it first or choose another name", name);
	else if (rc == -EFBIG)
		problem(resp, 413, "payload-too-large", "Image too large", NULL,
			"an image may be at most %u MiB (image_max_mib)", cd->cfg.image_max_mib);
	else if (rc == -ENOSPC || rc == -EDQUOT)
		problem(resp, 507, "insufficient-storage", "Not enough space", NULL,
			"dom0's images directory is full");
	else
		problem(resp, 500, "internal", "Image store failed", NULL, "%s: %s", name,
			strerror(-rc));
}

static int sink_write(struct http_sink *k, const char *data, size_t len)
{
	return image_upload_write(((struct upload_sink *)k)->up, data, len);
}

static void sink_finish(struct http_sink *k, int rc, struct http_response *resp)
{
	struct upload_sink *u = (struct upload_sink *)k;
	struct image_info im;

	if (rc)
		image_upload_abort(u->up);
	else
		rc = image_upload_finish(u->up, &im);
	if (rc) {
		upload_problem(resp, u->cd, u->name, rc);
	} else {
		http_resp_header(resp, "Location", "/v1/images/%s", im.name);
		resp_json(resp, 201, image_out(&im));
	}
	free(u);
}

static void sink_abort(struct http_sink *k)
{
	struct upload_sink *u = (struct upload_sink *)k;

	image_upload_abort(u->up);
	free(u);
}

static bool is_octet_stream(const char *ct)
{
	size_t n = ct ? strcspn(ct, ";") : 0;

	while (n && ct[n - 1] == ' ')
		n--;
	return n == 24 && !strncasecmp(ct, "application/octet-stream", 24);
}

struct http_sink *h_image_upload(struct api_call *c)
{
	const char *cl = http_header(c->req, "Content-Length");
	uint64_t declared = UINT64_MAX;
	struct upload_sink *u;
	int rc;

	if (!name_ok(c))
		return NULL;
	if (!is_octet_stream(http_header(c->req, "Content-Type"))) {
		problem(c->resp, 415, "unsupported-media-type", "Unsupported media type",
			"Content-Type", "an image is uploaded as application/octet-stream");
		return NULL;
	}
	if (cl) {
		char *end;
		errno = 0;
		declared = strtoull(cl, &end, 10);
		if (errno || end == cl || *end)
			declared = UINT64_MAX;
	}
	u = calloc(1, sizeof(*u));
	if (!u) {
		problem_errno(c->resp, -ENOMEM, "upload");
		return NULL;
	}
	rc = image_upload_begin(c->cd, c->params[0], declared, &u->up);
	if (rc) {
		upload_problem(c->resp, c->cd, c->params[0], rc);
		free(u);
		return NULL;
	}
	u->base.write = sink_write;
	u->base.finish = sink_finish;
	u->base.abort = sink_abort;
	u->cd = c->cd;
	str_copy(u->name, c->params[0], sizeof(u->name));
	return &u->base;
}

void h_image_put(struct api_call *c)
{
	problem(c->resp, 500, "internal", "Uploads need the streaming server", NULL, "%s",
		c->req->path);
}
