// SPDX-License-Identifier: MIT
/*
 * Serves the web dashboard's built assets under /ui/ from the configured directory
 * (config ui_dir). The path mapping is in static_path.c; this file reads the file and sets
 * the security and cache headers. Assets are small (under 1 MiB each), read whole.
 */
#include "api.h"
#include "problem.h"
#include "static_path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATIC_FILE_MAX (4u << 20)

/*
 * Scripts and connections only from controld itself, nothing framed. Styles may also be set
 * inline: the console's terminal (xterm.js) sizes its cells through <style> elements it
 * builds at run time. Inline script stays forbidden.
 */
#define STATIC_CSP                                                                                 \
	"default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "                \
	"img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; "             \
	"form-action 'none'; frame-ancestors 'none'"

/* Reads a regular file (no symlink as the last component) into a malloc'd buffer. */
static int read_regular(const char *path, char **out, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		rc = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > STATIC_FILE_MAX) {
		rc = -ENOENT;
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}
	n = read(fd, buf, (size_t)st.st_size);
	if (n != st.st_size) {
		rc = n < 0 ? -errno : -EIO;
		goto out;
	}
	*out = buf;
	*len = (size_t)n;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return rc;
}

void static_serve(struct api_call *c)
{
	struct static_file f;
	char path[PATH_MAX];
	char *body = NULL;
	size_t len = 0;
	bool gz = false;
	int rc;

	if (strcmp(c->req->method, "GET") && strcmp(c->req->method, "HEAD")) {
		http_resp_header(c->resp, "Allow", "GET, HEAD");
		problem(c->resp, 405, "method-not-allowed", "Method not allowed", NULL,
			"the dashboard's files are read-only");
		return;
	}
	if (static_path_map(c->req->path, &f) || !c->cd->cfg.ui_dir[0]) {
		problem(c->resp, 404, "not-found", "Not found", NULL, "no such dashboard file");
		return;
	}
	/* The build stores a .gz beside each compressible asset; prefer it when accepted. */
	if (static_accepts_gzip(http_header(c->req, "Accept-Encoding")) &&
	    snprintf(path, sizeof(path), "%s/%s.gz", c->cd->cfg.ui_dir, f.rel) < (int)sizeof(path))
		gz = !read_regular(path, &body, &len);
	if (!gz) {
		if (snprintf(path, sizeof(path), "%s/%s", c->cd->cfg.ui_dir, f.rel) >=
		    (int)sizeof(path))
			rc = -ENAMETOOLONG;
		else
			rc = read_regular(path, &body, &len);
		if (rc) {
			problem(c->resp, rc == -ENOMEM ? 503 : 404,
				rc == -ENOMEM ? "out-of-resources" : "not-found",
				rc == -ENOMEM ? "Out of resources" : "Not found", NULL,
				"dashboard file %s: %s", f.rel, strerror(-rc));
			return;
		}
	}
	http_resp_body(c->resp, 200, f.content_type, body, len);
	http_resp_header(c->resp, "Content-Security-Policy", STATIC_CSP);
	http_resp_header(c->resp, "X-Content-Type-Options", "nosniff");
	http_resp_header(c->resp, "Referrer-Policy", "no-referrer");
	http_resp_header(c->resp, "Cache-Control", "%s",
			 f.immutable ? "public, max-age=31536000, immutable" : "no-cache");
	http_resp_header(c->resp, "Vary", "Accept-Encoding");
	if (gz)
		http_resp_header(c->resp, "Content-Encoding", "gzip");
}
