/* SPDX-License-Identifier: MIT */
/*
 * The REST layer: routes each request of openapi.yaml to its handler after authentication
 * (bearer tokens on TCP; the root-only Unix socket is trusted as admin), Content-Type and
 * Idempotency-Key handling.
 */
#ifndef KEEL_API_API_H
#define KEEL_API_API_H

#include "../controld/controld.h"
#include "../controld/http.h"

#define API_MAX_PARAMS 3

struct api_call {
	struct controld *cd;
	struct http_request *req;
	struct http_response *resp;
	const char *params[API_MAX_PARAMS]; /* the {..} path segments, in order */
};

/* The http_handler_fn controld's HTTP server calls; opaque is the struct controld. */
void api_handle(void *opaque, struct http_request *req, struct http_response *resp);
/* Its http_begin_fn: takes uploads (PUT /v1/images/{name}) when their head is in. */
bool api_begin(void *opaque, struct http_request *req, struct http_response *resp,
	       struct http_sink **sink);

/* Handlers (one file per resource). */
void h_health(struct api_call *c);
void h_metrics(struct api_call *c);
void h_host_get(struct api_call *c);
void h_host_pci(struct api_call *c);
void h_domains_list(struct api_call *c);
void h_domains_create(struct api_call *c);
void h_domain_get(struct api_call *c);
void h_domain_patch(struct api_call *c);
void h_domain_delete(struct api_call *c);
void h_domain_action(struct api_call *c);
void h_domain_stats(struct api_call *c);
void h_disk_add(struct api_call *c);
void h_disk_remove(struct api_call *c);
void h_nic_add(struct api_call *c);
void h_nic_remove(struct api_call *c);
void h_pci_assign(struct api_call *c);
void h_pci_unassign(struct api_call *c);
void h_console_get(struct api_call *c);
void h_console_stream(struct api_call *c);
void h_console_input(struct api_call *c);
void h_jobs_list(struct api_call *c);
void h_job_get(struct api_call *c);
void h_events(struct api_call *c);
void h_images_list(struct api_call *c);
void h_image_get(struct api_call *c);
void h_image_content(struct api_call *c);
void h_image_delete(struct api_call *c);
/* POST /v1/images: a blank disk (201) or a copy of an image (202, a job). */
void h_images_create(struct api_call *c);
/* PATCH /v1/images/{name}: grows a disk. */
void h_image_patch(struct api_call *c);
/* The upload's sink, or NULL with the response set (the body is then not read). */
struct http_sink *h_image_upload(struct api_call *c);
/* PUT /v1/images/{name} reaching the buffered path (a server without api_begin): a 500. */
void h_image_put(struct api_call *c);
void h_tokens_list(struct api_call *c);
void h_tokens_create(struct api_call *c);
void h_token_delete(struct api_call *c);
/* The web dashboard's files under /ui/ (static_files.c); no authentication. */
void static_serve(struct api_call *c);

/* Helpers shared by handlers. */
json_t *api_body_object(struct api_call *c); /* NULL: a 400 has been set */
/* Rejects query parameters not in allowed (NULL-terminated). */
int api_query_only(struct api_call *c, const char *const allowed[]);
/* Looks up {id} (param 0); NULL: a 404 has been set. */
struct domain *api_domain(struct api_call *c);
/* Checks If-Match against the domain's ETag; false: a 412/400 has been set. */
bool api_if_match(struct api_call *c, const struct domain *d);
void api_etag(struct api_call *c, const struct domain *d);

#endif
