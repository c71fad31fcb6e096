// SPDX-License-Identifier: MIT
/*
 * keel image upload FILE [-n NAME] | list | download NAME [-o FILE] | delete NAME |
 * create NAME --size SIZE | copy SRC DST | resize NAME SIZE.
 * Uploads stream the file (libcurl reads it as it sends); downloads stream to FILE.part,
 * renamed to FILE once whole, so a failed download leaves no half file under the name.
 * create, copy and resize make and grow disks (controld/README.md, "Disks"); a copy is a
 * job, followed to its end.
 */
#include "client.h"
#include "size_text.h"

#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int image_path(const char *name, const char *suffix, char *out, size_t size)
{
	char *e = escape_path(name);
	int n = e ? snprintf(out, size, "/v1/images/%s%s", e, suffix) : -1;

	free(e);
	return n < 0 || (size_t)n >= size ? usage_error("image name too long: %s", name) : 0;
}

static void print_image(const json_t *im)
{
	const char *sha = json_is_string(json_object_get(im, "sha256")) ? str(im, "sha256") : "-";

	printf("%-32s %-5s %14lld  %-64s  %s\n", str(im, "name"), str(im, "kind"), num(im, "size"),
	       sha, str(im, "created_at"));
}

/* An image in a reply: printed as --json or -q say; consumed. */
static void show_image(json_t *im)
{
	if (opt.json)
		print_json(im);
	else if (!opt.quiet)
		print_image(im);
	json_decref(im);
}

/* call_json with a body made for the call (consumed). */
static int send_json(const char *method, const char *path, json_t *body, json_t **out)
{
	int rc = body ? call_json(method, path, body, out) : EXIT_ERROR;

	json_decref(body);
	return rc;
}

/* SIZE in bytes, or a usage error saying what a size is. */
static int disk_size(const char *text, json_int_t *out)
{
	uint64_t n;

	if (size_text_parse(text, 0, &n))
		return usage_error("%s: want a size, N[K|M|G|T] (binary units; a bare N is bytes), "
				   "e.g. 10G",
				   text);
	*out = (json_int_t)n;
	return 0;
}

/* keel image create NAME --size SIZE: a blank (sparse) disk. */
static int create(int argc, char **argv)
{
	static const struct option longopts[] = {{"size", required_argument, NULL, 's'},
						 {NULL, 0, NULL, 0}};
	const char *size = NULL;
	json_int_t bytes = 0;
	json_t *im;
	int o, rc;

	/* 0: a fresh scan that takes --size before or after NAME ("create" stays first of
	 * the operands, moved behind the options). */
	optind = 0;
	while ((o = getopt_long(argc, argv, "s:", longopts, NULL)) != -1) {
		if (o != 's')
			return EXIT_USAGE;
		size = optarg;
	}
	if (optind != argc - 2 || !size)
		return EXIT_USAGE;
	if ((rc = disk_size(size, &bytes)) ||
	    (rc = send_json("POST", "/v1/images",
			    json_pack("{s:s, s:I}", "name", argv[optind + 1], "size_bytes", bytes),
			    &im)))
		return rc;
	show_image(im);
	return 0;
}

/* keel image copy SRC DST: a job; its progress on stderr. */
static int copy(const char *src, const char *dst)
{
	char what[160];
	json_t *job;
	int rc = send_json("POST", "/v1/images", json_pack("{s:s, s:s}", "name", dst, "from", src),
			   &job);

	if (rc)
		return rc;
	snprintf(what, sizeof(what), "copy %s to %s", src, dst);
	rc = follow_job(job, what);
	json_decref(job);
	return rc;
}

/* keel image resize NAME SIZE: grows it (controld refuses to shrink). */
static int resize(const char *name, const char *size)
{
	char path[256];
	json_int_t bytes = 0;
	json_t *im;
	int rc = disk_size(size, &bytes);

	if (rc || (rc = image_path(name, "", path, sizeof(path))) ||
	    (rc = send_json("PATCH", path, json_pack("{s:I}", "size_bytes", bytes), &im)))
		return rc;
	show_image(im);
	return 0;
}

static int upload(int argc, char **argv)
{
	const char *file, *name = NULL;
	char path[256], url[1024], *base;
	struct curl_slist *hdrs;
	struct reply r;
	struct stat st;
	CURL *c;
	FILE *f;
	int o, rc;

	optind = 2;
	while ((o = getopt(argc, argv, "n:")) != -1) {
		if (o != 'n')
			return EXIT_USAGE;
		name = optarg;
	}
	if (optind != argc - 1)
		return EXIT_USAGE;
	file = argv[optind];
	f = fopen(file, "rb");
	if (!f || fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "keel: %s: not a readable file\n", file);
		if (f)
			fclose(f);
		return EXIT_ERROR;
	}
	base = strdup(file);
	rc = image_path(name ? name : basename(base), "", path, sizeof(path));
	free(base);
	c = rc ? NULL : new_handle(path, url, sizeof(url), &hdrs);
	if (!c) {
		fclose(f);
		return rc ? rc : EXIT_ERROR;
	}
	memset(&r, 0, sizeof(r));
	hdrs = curl_slist_append(hdrs, "Content-Type: application/octet-stream");
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READDATA, f);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)st.st_size);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
	rc = perform(c, hdrs, &r);
	fclose(f);
	if (!rc && r.status >= 400)
		rc = report_error(&r);
	if (!rc)
		show_image(json_loads(r.body.p ? r.body.p : "", 0, NULL));
	reply_free(&r);
	return rc;
}

/* Bytes of a 200 go to the file; anything else is kept to report. */
struct download {
	CURL *c;
	FILE *f;
	struct buf err;
};

static size_t on_download(char *data, size_t size, size_t n, void *arg)
{
	struct download *d = arg;
	long status = 0;

	curl_easy_getinfo(d->c, CURLINFO_RESPONSE_CODE, &status);
	if (status == 200)
		return fwrite(data, size, n, d->f) * size;
	return on_body(data, size, n, &d->err);
}

static int download(const char *name, const char *out)
{
	char path[256], url[1024], part[4096];
	struct download d = {0};
	struct curl_slist *hdrs;
	struct reply r;
	int rc = image_path(name, "/content", path, sizeof(path));

	if (rc)
		return rc;
	snprintf(part, sizeof(part), "%s.part", out);
	d.f = fopen(part, "wb");
	if (!d.f) {
		fprintf(stderr, "keel: %s: cannot write\n", part);
		return EXIT_ERROR;
	}
	d.c = new_handle(path, url, sizeof(url), &hdrs);
	if (!d.c) {
		fclose(d.f);
		unlink(part);
		return EXIT_ERROR;
	}
	memset(&r, 0, sizeof(r));
	curl_easy_setopt(d.c, CURLOPT_WRITEFUNCTION, on_download);
	curl_easy_setopt(d.c, CURLOPT_WRITEDATA, &d);
	rc = perform(d.c, hdrs, &r);
	if (fclose(d.f) && !rc)
		rc = EXIT_ERROR;
	r.body = d.err;
	if (!rc && r.status != 200)
		rc = report_error(&r);
	if (!rc && rename(part, out))
		rc = EXIT_ERROR;
	if (rc)
		unlink(part);
	reply_free(&r);
	return rc;
}

int cmd_image(int argc, char **argv)
{
	json_t *out, *im;
	size_t i;
	int rc;

	if (argc >= 3 && !strcmp(argv[1], "upload"))
		return upload(argc, argv);
	if (argc >= 3 && !strcmp(argv[1], "create"))
		return create(argc, argv);
	if (argc == 4 && !strcmp(argv[1], "copy"))
		return copy(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "resize"))
		return resize(argv[2], argv[3]);
	if (argc == 2 && !strcmp(argv[1], "list")) {
		if ((rc = call_json("GET", "/v1/images", NULL, &out)))
			return rc;
		if (opt.json)
			print_json(json_object_get(out, "items"));
		else
			json_array_foreach(json_object_get(out, "items"), i, im)
				print_image(im);
		json_decref(out);
		return 0;
	}
	if ((argc == 3 || (argc == 5 && !strcmp(argv[3], "-o"))) && !strcmp(argv[1], "download"))
		return download(argv[2], argc == 5 ? argv[4] : argv[2]);
	if (argc == 3 && !strcmp(argv[1], "delete")) {
		char path[256];
		struct reply r;
		if ((rc = image_path(argv[2], "", path, sizeof(path))) ||
		    (rc = call("DELETE", path, NULL, &r)))
			return rc;
		rc = r.status >= 400 ? report_error(&r) : 0;
		reply_free(&r);
		return rc;
	}
	return EXIT_USAGE;
}
