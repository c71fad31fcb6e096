/* SPDX-License-Identifier: MIT */
/*
 * What keel's commands share (keel.c): the options, HTTP calls to controld through
 * libcurl, error reports and exit codes.
 */
#ifndef KEEL_CLI_CLIENT_H
#define KEEL_CLI_CLIENT_H

#include <curl/curl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum exit_code {
	EXIT_OK = 0,
	EXIT_ERROR = 1, /* any other API error */
	EXIT_USAGE = 2,
	EXIT_NOT_FOUND = 3,  /* 404 */
	EXIT_CONFLICT = 4,   /* 409, 412: wrong state, name taken, changed meanwhile */
	EXIT_AUTH = 5,	     /* 401, 403 */
	EXIT_CONNECT = 6,    /* controld unreachable */
	EXIT_JOB_FAILED = 7, /* the operation was accepted but failed */
	EXIT_INVALID = 8,    /* 400, 413, 415, 422: the request was refused as invalid */
};

struct cli_options {
	const char *socket;
	const char *url;
	const char *token;
	const char *ca_cert; /* PEM CA bundle for https:// URLs (else the system's) */
	bool json;
	bool quiet;
	bool insecure;
	bool explained; /* a usage error already said what is wrong: no usage text */
};
extern struct cli_options opt;

struct buf {
	char *p;
	size_t len;
};

struct reply {
	long status;
	struct buf body;
	char location[256];
};

/* A usage error with its reason, instead of the whole usage text. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* libcurl write callback appending to a struct buf. */
size_t on_body(char *data, size_t size, size_t n, void *arg);
/* A handle for path with the Accept and Authorization headers in *hdrs. */
CURL *new_handle(const char *path, char *url, size_t urlsize, struct curl_slist **hdrs);
/* Runs c (its headers hdrs) into r, then frees both: 0 or EXIT_CONNECT. */
int perform(CURL *c, struct curl_slist *hdrs, struct reply *r);
/* One request; returns 0 or EXIT_CONNECT. */
int call(const char *method, const char *path, json_t *body, struct reply *r);
/* Prints a problem (or the raw reply) on stderr and maps the status to an exit code. */
int report_error(const struct reply *r);
void reply_free(struct reply *r);
/* Calls and parses the JSON reply; on an error status reports it and returns the code. */
int call_json(const char *method, const char *path, json_t *body, json_t **out);
void print_json(const json_t *j);
const char *str(const json_t *o, const char *k);
long long num(const json_t *o, const char *k);
char *escape_path(const char *s);

/* Follows a job to its end, showing progress on stderr: 0, or EXIT_JOB_FAILED and the like. */
int follow_job(json_t *job, const char *what);

/* image.c: keel image upload|list|download|delete|create|copy|resize. */
int cmd_image(int argc, char **argv);

#endif
