// SPDX-License-Identifier: MIT
/*
 * keel: the command-line client of controld's REST API (libcurl + jansson).
 * Exit codes scripts can rely on are listed in usage().
 */
#include "client.h"
#include "domain_config.h"

#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

struct cli_options opt;

int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("keel: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (keel --help lists the commands)\n", stderr);
	opt.explained = true;
	return EXIT_USAGE;
}

size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;
	size_t add = size * n;
	char *p = realloc(b->p, b->len + add + 1);

	if (!p)
		return 0;
	memcpy(p + b->len, data, add);
	b->p = p;
	b->len += add;
	b->p[b->len] = '\0';
	return add;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct reply *r = arg;
	size_t len = size * n;

	if (len > 10 && !strncasecmp(data, "Location: ", 10)) {
		size_t v = len - 10;
		while (v && (data[10 + v - 1] == '\r' || data[10 + v - 1] == '\n'))
			v--;
		if (v < sizeof(r->location)) {
			memcpy(r->location, data + 10, v);
			r->location[v] = '\0';
		}
	}
	return len;
}

CURL *new_handle(const char *path, char *url, size_t urlsize, struct curl_slist **hdrs)
{
	CURL *c = curl_easy_init();
	char auth[300];

	if (!c)
		return NULL;
	if (opt.url) {
		snprintf(url, urlsize, "%s%s", opt.url, path);
	} else {
		snprintf(url, urlsize, "http://localhost%s", path);
		curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, opt.socket);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	if (opt.ca_cert)
		curl_easy_setopt(c, CURLOPT_CAINFO, opt.ca_cert);
	if (opt.insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	*hdrs = curl_slist_append(NULL, "Accept: application/json");
	if (opt.token) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", opt.token);
		*hdrs = curl_slist_append(*hdrs, auth);
	}
	return c;
}

int perform(CURL *c, struct curl_slist *hdrs, struct reply *r)
{
	CURLcode rc;

	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		fprintf(stderr, "keel: cannot reach controld at %s: %s\n",
			opt.url ? opt.url : opt.socket, curl_easy_strerror(rc));
		return EXIT_CONNECT;
	}
	return 0;
}

int call(const char *method, const char *path, json_t *body, struct reply *r)
{
	char url[1024], *data = NULL;
	struct curl_slist *hdrs;
	CURL *c = new_handle(path, url, sizeof(url), &hdrs);
	int rc;

	memset(r, 0, sizeof(*r));
	if (!c)
		return EXIT_ERROR;
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body) {
		data = json_dumps(body, JSON_COMPACT);
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, data);
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	rc = perform(c, hdrs, r);
	free(data);
	return rc;
}

static int exit_for(long status)
{
	if (status < 400)
		return EXIT_OK;
	switch (status) {
	case 404:
		return EXIT_NOT_FOUND;
	case 409:
	case 412:
		return EXIT_CONFLICT;
	case 401:
	case 403:
		return EXIT_AUTH;
	case 400:
	case 413:
	case 415:
	case 422:
		return EXIT_INVALID;
	default:
		return EXIT_ERROR;
	}
}

int report_error(const struct reply *r)
{
	json_t *p = r->body.p ? json_loads(r->body.p, 0, NULL) : NULL;

	if (opt.json && r->body.p)
		printf("%s\n", r->body.p);
	else if (p && json_object_get(p, "title")) {
		const char *field = json_string_value(json_object_get(p, "field"));
		fprintf(stderr, "keel: %s: %s%s%s%s\n",
			json_string_value(json_object_get(p, "title")),
			json_string_value(json_object_get(p, "detail"))
			    ? json_string_value(json_object_get(p, "detail"))
			    : "",
			field ? " (" : "", field ? field : "", field ? ")" : "");
	} else {
		fprintf(stderr, "keel: HTTP %ld\n", r->status);
	}
	json_decref(p);
	return exit_for(r->status);
}

void reply_free(struct reply *r)
{
	free(r->body.p);
}

int call_json(const char *method, const char *path, json_t *body, json_t **out)
{
	struct reply r;
	int rc = call(method, path, body, &r);

	*out = NULL;
	if (rc)
		return rc;
	if (r.status >= 400) {
		rc = report_error(&r);
		reply_free(&r);
		return rc;
	}
	if (r.body.len)
		*out = json_loads(r.body.p, 0, NULL);
	reply_free(&r);
	return 0;
}

void print_json(const json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	printf("%s\n", s ? s : "null");
	free(s);
}

const char *str(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "-";
}

long long num(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

char *escape_path(const char *s)
{
	CURL *c = curl_easy_init();
	char *e = c ? curl_easy_escape(c, s, 0) : NULL;
	char *out = e ? strdup(e) : NULL;

	curl_free(e);
	curl_easy_cleanup(c);
	return out;
}

static int cmd_list(int argc, char **argv)
{
	const char *state = NULL, *prefix = NULL;
	char path[512], *cursor = NULL;
	int o, rc = 0;
	json_t *all = json_array();

	optind = 1;
	while ((o = getopt(argc, argv, "s:p:")) != -1) {
		if (o == 's')
			state = optarg;
		else if (o == 'p')
			prefix = optarg;
		else
			return EXIT_USAGE;
	}
	/* Every page, following next_cursor. */
	do {
		json_t *page;
		char *es = state ? escape_path(state) : NULL,
		     *ep = prefix ? escape_path(prefix) : NULL;
		char *ec = cursor ? escape_path(cursor) : NULL;
		snprintf(path, sizeof(path), "/v1/domains?limit=500%s%s%s%s%s%s",
			 es ? "&state=" : "", es ? es : "", ep ? "&name_prefix=" : "", ep ? ep : "",
			 ec ? "&cursor=" : "", ec ? ec : "");
		free(es);
		free(ep);
		free(ec);
		free(cursor);
		cursor = NULL;
		rc = call_json("GET", path, NULL, &page);
		if (rc)
			break;
		json_array_extend(all, json_object_get(page, "items"));
		if (json_is_string(json_object_get(page, "next_cursor")))
			cursor = strdup(json_string_value(json_object_get(page, "next_cursor")));
		json_decref(page);
	} while (cursor);
	if (!rc) {
		size_t i;
		json_t *d;
		if (opt.json) {
			print_json(all);
		} else {
			printf("%-24s %-14s %6s %6s %9s  %s\n", "NAME", "STATE", "DOMID", "VCPUS",
			       "MEM(MiB)", "ID");
			json_array_foreach(all, i, d) {
				char domid[16] = "-";
				if (json_is_integer(json_object_get(d, "domid")))
					snprintf(domid, sizeof(domid), "%lld", num(d, "domid"));
				printf("%-24s %-14s %6s %6lld %9lld  %s\n", str(d, "name"),
				       str(d, "state"), domid, num(d, "vcpus"),
				       num(d, "memory_mib"), str(d, "id"));
			}
		}
	}
	json_decref(all);
	return rc;
}

static int domain_path(const char *name, const char *suffix, char *out, size_t size)
{
	char *e = escape_path(name);

	if (!e)
		return EXIT_ERROR;
	snprintf(out, size, "/v1/domains/%s%s", e, suffix);
	free(e);
	return 0;
}

/* GET of the domain's resource below suffix ("" for the domain itself). */
static int domain_get(const char *name, const char *suffix, json_t **out)
{
	char path[512];
	int rc = domain_path(name, suffix, path, sizeof(path));

	return rc ? rc : call_json("GET", path, NULL, out);
}

static int cmd_show(const char *name)
{
	json_t *d;
	int rc;

	if ((rc = domain_get(name, "", &d)))
		return rc;
	print_json(d);
	json_decref(d);
	return 0;
}

/* What the hypervisor counts for a domain now; CPU use is the difference of two of these. */
static int cmd_stats(const char *name)
{
	json_t *s, *dm;
	int rc;

	if ((rc = domain_get(name, "/stats", &s)))
		return rc;
	if (opt.json) {
		print_json(s);
		json_decref(s);
		return 0;
	}
	printf("%s: cpu %lld.%09lld s, vcpus online %lld, memory %lld KiB, at %s\n", str(s, "name"),
	       num(s, "cpu_time_ns") / 1000000000, num(s, "cpu_time_ns") % 1000000000,
	       num(s, "vcpus_online"), num(s, "memory_kib"), str(s, "sampled_at"));
	/* An older hypervisor does not count these: the lines are left out. */
	if (json_object_get(s, "vm_exits"))
		printf("  vm exits %lld, at hypervisor time %lld ns\n", num(s, "vm_exits"),
		       num(s, "hypervisor_time_ns"));
	if ((dm = json_object_get(s, "device_model")))
		printf("  device model: pio %lld, mmio %lld, pci config %lld, buffered %lld, "
		       "string elements %lld\n",
		       num(dm, "pio"), num(dm, "mmio"), num(dm, "pci_config"), num(dm, "buffered"),
		       num(dm, "string_elements"));
	json_decref(s);
	return 0;
}

static int cmd_create(const char *file)
{
	char buf[65536], err[256];
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	size_t len;
	json_t *body, *d;
	int rc;

	if (!f)
		return usage_error("%s: %s", file, strerror(errno));
	len = fread(buf, 1, sizeof(buf), f);
	if (f != stdin)
		fclose(f);
	if (len == sizeof(buf))
		return usage_error("%s: larger than %zu bytes", file, sizeof(buf));
	body = domain_config_parse(buf, len, err, sizeof(err));
	if (!body)
		return usage_error("%s: %s", file, err);
	rc = call_json("POST", "/v1/domains", body, &d);
	json_decref(body);
	if (rc)
		return rc;
	if (opt.json)
		print_json(d);
	else
		printf("created %s (%s)\n", str(d, "name"), str(d, "id"));
	json_decref(d);
	return 0;
}

int follow_job(json_t *job, const char *what)
{
	char path[128];
	bool tty = isatty(STDERR_FILENO);
	int rc = 0;

	json_incref(job);
	while (!strcmp(str(job, "state"), "running")) {
		json_t *next;
		if (!opt.quiet && !opt.json)
			fprintf(stderr, tty ? "\r%s: %3lld%% %-50s" : "%s: %lld%% %s\n", what,
				num(job, "progress"), str(job, "message"));
		usleep(200 * 1000);
		snprintf(path, sizeof(path), "/v1/jobs/%s", str(job, "id"));
		rc = call_json("GET", path, NULL, &next);
		if (rc) {
			json_decref(job);
			return rc;
		}
		json_decref(job);
		job = next;
	}
	if (tty && !opt.quiet && !opt.json)
		fprintf(stderr, "\r%*s\r", 70, "");
	if (opt.json)
		print_json(job);
	else if (!strcmp(str(job, "state"), "succeeded")) {
		if (!opt.quiet)
			printf("%s: %s\n", what, str(job, "message"));
	} else {
		json_t *e = json_object_get(job, "error");
		fprintf(stderr, "keel: %s failed: %s%s%s\n", what, str(job, "message"),
			e ? ": " : "", e ? str(e, "detail") : "");
		rc = EXIT_JOB_FAILED;
	}
	json_decref(job);
	return rc;
}

static int cmd_action(const char *action, int argc, char **argv)
{
	char path[512], what[160];
	long timeout = -1;
	bool wait = true;
	json_t *body = NULL, *job;
	int o, rc;

	optind = 1;
	while ((o = getopt(argc, argv, "t:n")) != -1) {
		if (o == 't')
			timeout = strtol(optarg, NULL, 10);
		else if (o == 'n')
			wait = false;
		else
			return EXIT_USAGE;
	}
	if (optind != argc - 1)
		return EXIT_USAGE;
	if (timeout >= 0)
		body = json_pack("{s:i}", "timeout_s", (int)timeout);
	snprintf(what, sizeof(what), "%s %s", action, argv[optind]);
	if ((rc = domain_path(argv[optind], "/actions/", path, sizeof(path))))
		return rc;
	strncat(path, action, sizeof(path) - strlen(path) - 1);
	rc = call_json("POST", path, body, &job);
	json_decref(body);
	if (rc)
		return rc;
	if (!wait) {
		if (opt.json)
			print_json(job);
		else
			printf("%s\n", str(job, "id"));
		json_decref(job);
		return 0;
	}
	rc = follow_job(job, what);
	json_decref(job);
	return rc;
}

static int cmd_delete(const char *name)
{
	char path[512];
	struct reply r;
	int rc;

	if ((rc = domain_path(name, "", path, sizeof(path))) ||
	    (rc = call("DELETE", path, NULL, &r)))
		return rc;
	rc = r.status >= 400 ? report_error(&r) : 0;
	reply_free(&r);
	return rc;
}

struct console_stream {
	struct buf pending;
};

static size_t on_console(char *data, size_t size, size_t n, void *arg)
{
	struct console_stream *cs = arg;
	size_t len = size * n;
	char *frame_end;

	if (!on_body(data, size, n, &cs->pending))
		return 0;
	/* One SSE frame per "\n\n"; print the data of console.output events. */
	while ((frame_end = strstr(cs->pending.p, "\n\n"))) {
		char *line = strstr(cs->pending.p, "data: ");
		if (line && line < frame_end && strstr(cs->pending.p, "event: console.output")) {
			json_t *j;
			*frame_end = '\0';
			j = json_loads(line + 6, 0, NULL);
			fputs(str(j, "data"), stdout);
			fflush(stdout);
			json_decref(j);
		}
		memmove(cs->pending.p, frame_end + 2, strlen(frame_end + 2) + 1);
		cs->pending.len = strlen(cs->pending.p);
	}
	return len;
}

/* Sends bytes typed on the console; a full input ring takes the rest a little later. */
static int console_send(const char *path, const char *data, size_t len)
{
	char clean[1024];
	size_t n = 0;

	/* JSON strings carry UTF-8 without NUL: anything else is sent as '?'. */
	for (size_t i = 0; i < len && n < sizeof(clean); i++)
		if (data[i])
			clean[n++] = (unsigned char)data[i] < 0x80 ? data[i] : '?';
	for (int tries = 0; n && tries < 250; tries++) {
		json_t *body = json_pack("{s:s%}", "input", clean, n), *out;
		long taken;
		int rc = call_json("POST", path, body, &out);

		json_decref(body);
		if (rc)
			return rc;
		taken = num(out, "accepted");
		json_decref(out);
		if (taken < 0 || (size_t)taken > n)
			return EXIT_ERROR;
		memmove(clean, clean + taken, n - (size_t)taken);
		n -= (size_t)taken;
		if (n)
			usleep(20000);
	}
	return n ? EXIT_ERROR : 0;
}

#define CONSOLE_ESCAPE 0x1d /* Ctrl-], as xl console */

/*
 * Follows the output stream while sending what is typed: raw keystrokes on a terminal
 * (Ctrl-] ends), else standard input until its end, then a second more of output.
 */
static int console_interactive(CURL *stream, const char *path)
{
	CURLM *m = curl_multi_init();
	struct termios saved, raw;
	bool tty = isatty(0) && !tcgetattr(0, &saved), in_open = true;
	time_t linger = 0;
	int rc = 0, running = 1;

	if (!m)
		return EXIT_ERROR;
	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
		fprintf(stderr, "keel: connected; Ctrl-] leaves\r\n");
	}
	curl_multi_add_handle(m, stream);
	while (!rc && running && (in_open || time(NULL) <= linger)) {
		struct curl_waitfd in = {.fd = 0, .events = CURL_WAIT_POLLIN};
		char buf[512];
		ssize_t n;
		char *esc;

		curl_multi_perform(m, &running);
		curl_multi_poll(m, &in, in_open ? 1 : 0, 200, NULL);
		if (!in_open || !(in.revents & CURL_WAIT_POLLIN))
			continue;
		n = read(0, buf, sizeof(buf));
		if (n <= 0) {
			in_open = false;
			linger = time(NULL) + 1;
			continue;
		}
		esc = tty ? memchr(buf, CONSOLE_ESCAPE, (size_t)n) : NULL;
		rc = console_send(path, buf, esc ? (size_t)(esc - buf) : (size_t)n);
		if (esc)
			break;
	}
	if (tty) {
		tcsetattr(0, TCSANOW, &saved);
		fputc('\n', stderr);
	}
	curl_multi_remove_handle(m, stream);
	curl_multi_cleanup(m);
	return rc;
}

static int cmd_console(int argc, char **argv)
{
	char path[512], url[1024];
	bool follow = false, interactive = false;
	struct reply r;
	int o, rc;

	optind = 1;
	while ((o = getopt(argc, argv, "fi")) != -1) {
		if (o == 'f')
			follow = true;
		else if (o == 'i')
			interactive = true;
		else
			return EXIT_USAGE;
	}
	if (optind != argc - 1)
		return EXIT_USAGE;
	if ((rc = domain_path(argv[optind], "/console", path, sizeof(path))) ||
	    (rc = call("GET", path, NULL, &r)))
		return rc;
	if (r.status >= 400) {
		rc = report_error(&r);
		reply_free(&r);
		return rc;
	}
	fwrite(r.body.p ? r.body.p : "", 1, r.body.len, stdout);
	fflush(stdout);
	reply_free(&r);
	if (follow || interactive) {
		char stream[600];
		struct curl_slist *hdrs;
		struct console_stream cs = {{NULL, 0}};
		CURL *c;

		snprintf(stream, sizeof(stream), "%s/stream", path);
		c = new_handle(stream, url, sizeof(url), &hdrs);
		if (!c)
			return EXIT_ERROR;
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_console);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &cs);
		if (interactive)
			rc = console_interactive(c, path);
		else
			rc = curl_easy_perform(c) == CURLE_OK ? 0 : EXIT_CONNECT;
		curl_slist_free_all(hdrs);
		curl_easy_cleanup(c);
		free(cs.pending.p);
	}
	return rc;
}

static int cmd_pci(int argc, char **argv)
{
	char path[512];
	json_t *out, *body;
	int rc;

	if (argc >= 2 && !strcmp(argv[1], "list")) {
		size_t i;
		json_t *d;
		if ((rc = call_json("GET", "/v1/host/pci", NULL, &out)))
			return rc;
		if (opt.json)
			print_json(json_object_get(out, "items"));
		else {
			printf("%-13s %-7s %-7s %-9s %-10s %s\n", "BDF", "VENDOR", "DEVICE",
			       "CLASS", "DRIVER", "ASSIGNED TO");
			json_array_foreach(json_object_get(out, "items"), i, d)
				printf("%-13s %-7s %-7s %-9s %-10s %s\n", str(d, "bdf"),
				       str(d, "vendor"), str(d, "device"), str(d, "class"),
				       str(d, "driver"), str(d, "assigned_to"));
		}
		json_decref(out);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "assign")) {
		if ((rc = domain_path(argv[2], "/pci", path, sizeof(path))))
			return rc;
		body = json_pack("{s:s}", "bdf", argv[3]);
		rc = call_json("POST", path, body, &out);
		json_decref(body);
	} else if (argc == 4 && !strcmp(argv[1], "unassign")) {
		char suffix[64];
		snprintf(suffix, sizeof(suffix), "/pci/%s", argv[3]);
		if ((rc = domain_path(argv[2], suffix, path, sizeof(path))))
			return rc;
		rc = call_json("DELETE", path, NULL, &out);
	} else {
		return EXIT_USAGE;
	}
	if (!rc && opt.json)
		print_json(out);
	json_decref(out);
	return rc;
}

static int cmd_token(int argc, char **argv)
{
	json_t *out, *body;
	int rc;

	if (argc >= 3 && !strcmp(argv[1], "create")) {
		const char *scope = "read";
		int o;
		optind = 3;
		while ((o = getopt(argc, argv, "s:")) != -1) {
			if (o == 's')
				scope = optarg;
			else
				return EXIT_USAGE;
		}
		body = json_pack("{s:s, s:s}", "name", argv[2], "scope", scope);
		rc = call_json("POST", "/v1/tokens", body, &out);
		json_decref(body);
		if (rc)
			return rc;
		if (opt.json)
			print_json(out);
		else
			/* The secret is shown once: on stdout alone, for scripts to capture. */
			printf("%s\n", str(out, "token"));
		json_decref(out);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "list")) {
		size_t i;
		json_t *t;
		if ((rc = call_json("GET", "/v1/tokens", NULL, &out)))
			return rc;
		if (opt.json)
			print_json(json_object_get(out, "items"));
		else
			json_array_foreach(json_object_get(out, "items"), i, t)
				printf("%s  %-8s %-24s %s\n", str(t, "id"), str(t, "scope"),
				       str(t, "name"), str(t, "created_at"));
		json_decref(out);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "delete")) {
		char path[128];
		struct reply r;
		snprintf(path, sizeof(path), "/v1/tokens/%.32s", argv[2]);
		if ((rc = call("DELETE", path, NULL, &r)))
			return rc;
		rc = r.status >= 400 ? report_error(&r) : 0;
		reply_free(&r);
		return rc;
	}
	return EXIT_USAGE;
}

/* Each command's synopsis, for the full usage and for a usage error of that command. */
static const struct {
	const char *name, *synopsis;
} commands[] = {
    {"list", "list [-s STATES] [-p NAME_PREFIX]   domains (all pages)"},
    {"show", "show DOMAIN                         one domain as JSON"},
    {"stats", "stats DOMAIN                        CPU time, vCPUs, memory, VM exits now"},
    {"create", "create FILE                         from a domain config file ('-': stdin)"},
    {"start", "start|pause|unpause|destroy DOMAIN"},
    {"pause", "start|pause|unpause|destroy DOMAIN"},
    {"unpause", "start|pause|unpause|destroy DOMAIN"},
    {"destroy", "start|pause|unpause|destroy DOMAIN"},
    {"shutdown", "shutdown|reboot [-t SECONDS] [-n] DOMAIN   graceful; -n: print the job id, "
		 "do not wait"},
    {"reboot", "shutdown|reboot [-t SECONDS] [-n] DOMAIN   graceful; -n: print the job id, "
	       "do not wait"},
    {"delete", "delete DOMAIN"},
    {"console", "console [-f|-i] DOMAIN              recent output; -f: then follow it live; "
		"-i: and type (Ctrl-] leaves; stdin when not a terminal)"},
    {"host", "host                                CPUs, memory, hypervisor"},
    {"pci", "pci list | pci assign DOMAIN BDF | pci unassign DOMAIN BDF"},
    {"token", "token create NAME [-s read|operate|admin] | token list | token delete ID"},
    {"image", "image upload FILE [-n NAME] | image list | image download NAME [-o FILE] | "
	      "image delete NAME | image create NAME --size SIZE | image copy SRC DST | "
	      "image resize NAME SIZE   (SIZE: N[K|M|G|T], binary units; a bare N is bytes)"},
};

static void usage(FILE *f)
{
	const char *last = "";

	fprintf(f, "usage: keel [--socket PATH | --url URL] [--token TOKEN] [--json] [-q] COMMAND\n"
		   "commands:\n");
	for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].synopsis, last))
			fprintf(f, "  %s\n", commands[i].synopsis);
		last = commands[i].synopsis;
	}
	fprintf(f,
		"environment: KEEL_SOCKET (default /run/keel/controld.sock), KEEL_URL, KEEL_TOKEN\n"
		"  and KEEL_CA_CERT (the CA certificate of an https:// KEEL_URL)\n"
		"exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 conflict (state, name, ETag),\n"
		"  5 not authorised, 6 controld unreachable, 7 job failed, 8 invalid request\n");
}

/* A usage error of one command: its synopsis, not the whole text. */
static void command_usage(const char *cmd)
{
	for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, cmd)) {
			fprintf(stderr, "usage: keel %s\n", commands[i].synopsis);
			return;
		}
	fprintf(stderr, "keel: unknown command '%s' (keel --help lists the commands)\n", cmd);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"socket", required_argument, NULL, 'S'}, {"url", required_argument, NULL, 'U'},
	    {"token", required_argument, NULL, 'T'},  {"json", no_argument, NULL, 'j'},
	    {"quiet", no_argument, NULL, 'q'},	      {"insecure", no_argument, NULL, 'k'},
	    {"help", no_argument, NULL, 'h'},	      {NULL, 0, NULL, 0},
	};
	const char *cmd;
	int o, rc;

	opt.socket = getenv("KEEL_SOCKET") ? getenv("KEEL_SOCKET") : "/run/keel/controld.sock";
	opt.url = getenv("KEEL_URL");
	opt.token = getenv("KEEL_TOKEN");
	opt.ca_cert = getenv("KEEL_CA_CERT");
	/* Options stop at the command: its own options follow it. */
	while ((o = getopt_long(argc, argv, "+jqkh", opts, NULL)) != -1) {
		switch (o) {
		case 'S':
			opt.socket = optarg;
			opt.url = NULL;
			break;
		case 'U':
			opt.url = optarg;
			break;
		case 'T':
			opt.token = optarg;
			break;
		case 'j':
			opt.json = true;
			break;
		case 'q':
			opt.quiet = true;
			break;
		case 'k':
			opt.insecure = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	cmd = argv[0];
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (!strcmp(cmd, "list"))
		rc = cmd_list(argc, argv);
	else if (!strcmp(cmd, "show") && argc == 2)
		rc = cmd_show(argv[1]);
	else if (!strcmp(cmd, "stats") && argc == 2)
		rc = cmd_stats(argv[1]);
	else if (!strcmp(cmd, "create") && argc == 2)
		rc = cmd_create(argv[1]);
	else if (!strcmp(cmd, "delete") && argc == 2)
		rc = cmd_delete(argv[1]);
	else if (!strcmp(cmd, "start") || !strcmp(cmd, "pause") || !strcmp(cmd, "unpause") ||
		 !strcmp(cmd, "destroy") || !strcmp(cmd, "shutdown") || !strcmp(cmd, "reboot"))
		rc = cmd_action(cmd, argc, argv);
	else if (!strcmp(cmd, "console"))
		rc = cmd_console(argc, argv);
	else if (!strcmp(cmd, "pci"))
		rc = cmd_pci(argc, argv);
	else if (!strcmp(cmd, "token"))
		rc = cmd_token(argc, argv);
	else if (!strcmp(cmd, "image"))
		rc = cmd_image(argc, argv);
	else if (!strcmp(cmd, "host") && argc == 1) {
		json_t *h;
		rc = call_json("GET", "/v1/host", NULL, &h);
		if (!rc) {
			if (opt.json)
				print_json(h);
			else
				printf("cpus %lld, memory %lld MiB (%lld free), hypervisor %s\n",
				       num(h, "cpus"), num(h, "memory_mib"),
				       num(h, "free_memory_mib"),
				       str(json_object_get(h, "hypervisor"), "version"));
		}
		json_decref(h);
	} else
		rc = EXIT_USAGE;
	if (rc == EXIT_USAGE && !opt.explained)
		command_usage(cmd);
	curl_global_cleanup();
	return rc;
}
