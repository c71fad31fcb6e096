// SPDX-License-Identifier: MIT
/*
 * keel-controld: the dom0 daemon behind Keel's REST API. One libuv loop runs everything:
 * the HTTP listeners, the store's watch fd, hypervisor events and job timers.
 */
#include "controld.h"
#include "device_model.h"
#include "events.h"
#include "http.h"
#include "hv_backend.h"
#include "images.h"
#include "log.h"
#include "model.h"
#include "model_internal.h"
#include "tls_selfsigned.h"
#include "util.h"
#include "../api/api.h"
#include "../api/out.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_CONFIG "/etc/keel/controld.conf"

static struct controld cd;
static uv_signal_t sig_term, sig_int;
static const char *ready_file;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: keel-controld [options]\n"
		"  -c, --config FILE        settings file (default " DEFAULT_CONFIG " if present)\n"
		"  -s, --unix PATH          Unix socket for local root clients\n"
		"  -l, --listen HOST:PORT   TCP listener (TLS when a certificate is set)\n"
		"      --tls-cert FILE      PEM certificate for TCP\n"
		"      --tls-key FILE       PEM private key for TCP\n"
		"      --set KEY=VALUE      any setting of the config file\n"
		"      --ready-file FILE    write {\"tcp_port\": N} there once serving\n"
		"  -h, --help\n");
}

static char *read_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	if (n < 0 || n > (1 << 20) || !(buf = calloc(1, (size_t)n + 1)) ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		snprintf(err, errlen, "%s: unreadable or too large", path);
		fclose(f);
		return NULL;
	}
	fclose(f);
	return buf;
}

static bool loopback(const char *host)
{
	return !strncmp(host, "127.", 4) || !strcmp(host, "::1") || !strcmp(host, "localhost");
}

static void on_store_watch(void *opaque, const char *path, const char *token)
{
	struct controld *c = opaque;

	if (!strncmp(token, "ev:", 3))
		events_on_store_watch(c->events, path, token);
	else if (!strncmp(token, "hvd:", 4))
		backends_store_watch(path, token);
	else if (!strncmp(token, "dev:", 4))
		devices_on_store_watch(c, path, token);
}

static int exit_status;

static void on_drained(void *arg)
{
	(void)arg;
	cd.http = NULL;
	log_info("drained; exiting");
	uv_stop(cd.loop);
}

static void on_signal(uv_signal_t *h, int signum)
{
	(void)h;
	if (cd.draining)
		return;
	log_info("%s: finishing requests in flight (up to %us), then exiting",
		 signum == SIGTERM ? "SIGTERM" : "SIGINT", cd.cfg.drain_timeout_s);
	cd.draining = true;
	http_server_drain(cd.http, cd.cfg.drain_timeout_s * 1000, on_drained, NULL);
}

/* Without its store controld can change nothing: exit, and let systemd restart it. */
static uv_timer_t lost_timer;

static void on_lost_timer(uv_timer_t *t)
{
	(void)t;
	uv_close((uv_handle_t *)&lost_timer, NULL);
	if (cd.draining)
		return;
	cd.draining = true;
	http_server_drain(cd.http, 1000, on_drained, NULL);
}

static void on_store_lost(void *opaque)
{
	(void)opaque;
	if (exit_status || !cd.http)
		return; /* at startup the failing call itself stops the daemon */
	log_error("lost the connection to keel-xenstored; exiting (state is in the store; a "
		  "restarted controld reloads it)");
	exit_status = 1;
	/* Not from inside the request that noticed: drain on the next loop turn. */
	uv_timer_init(cd.loop, &lost_timer);
	uv_timer_start(&lost_timer, on_lost_timer, 0, 0);
}

enum { OPT_CERT = 256, OPT_KEY, OPT_SET, OPT_READY };

/* One command-line flag onto the configuration (flags override the file). */
static int apply_flag(int o, char *arg, char *err, size_t errlen)
{
	char *eq;

	switch (o) {
	case 'c':
		return 0;
	case 's':
		return config_set(&cd.cfg, "unix_socket", arg, err, errlen);
	case 'l':
		return config_set(&cd.cfg, "listen", arg, err, errlen);
	case OPT_CERT:
		return config_set(&cd.cfg, "tls_cert", arg, err, errlen);
	case OPT_KEY:
		return config_set(&cd.cfg, "tls_key", arg, err, errlen);
	case OPT_SET:
		eq = strchr(arg, '=');
		if (!eq) {
			snprintf(err, errlen, "--set wants KEY=VALUE, got '%s'", arg);
			return -EINVAL;
		}
		*eq = '\0';
		return config_set(&cd.cfg, arg, eq + 1, err, errlen);
	case OPT_READY:
		ready_file = arg;
		return 0;
	case 'h':
		usage(stdout);
		exit(0);
	default:
		usage(stderr);
		exit(2);
	}
}

/* What no single setting can check: TLS in pairs, no plain HTTP off loopback. */
static int check_config(char *err, size_t errlen)
{
	if (!!cd.cfg.tls_cert[0] != !!cd.cfg.tls_key[0]) {
		snprintf(err, errlen, "TLS needs both tls_cert and tls_key");
		return -EINVAL;
	}
	if (cd.cfg.tcp_host[0] && !cd.cfg.tls_cert[0] && !loopback(cd.cfg.tcp_host)) {
		snprintf(err, errlen,
			 "refusing plain HTTP on %s: bearer tokens would cross the network in "
			 "clear; set tls_cert and tls_key, or listen on a loopback address",
			 cd.cfg.tcp_host);
		return -EINVAL;
	}
	return 0;
}

static int parse_args(int argc, char **argv, char *err, size_t errlen)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"unix", required_argument, NULL, 's'},
	    {"listen", required_argument, NULL, 'l'},
	    {"tls-cert", required_argument, NULL, OPT_CERT},
	    {"tls-key", required_argument, NULL, OPT_KEY},
	    {"set", required_argument, NULL, OPT_SET},
	    {"ready-file", required_argument, NULL, OPT_READY},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *config = NULL;
	int o, rc;

	/* The config file first, whatever the order of the flags: flags override it. */
	for (int i = 1; i < argc - 1; i++)
		if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config"))
			config = argv[i + 1];
	if (config || !access(DEFAULT_CONFIG, R_OK)) {
		if (config_load_file(&cd.cfg, config ? config : DEFAULT_CONFIG, err, errlen))
			return -EINVAL;
	}
	while ((o = getopt_long(argc, argv, "c:s:l:h", opts, NULL)) != -1)
		if ((rc = apply_flag(o, optarg, err, errlen)))
			return rc;
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	return check_config(err, errlen);
}

static int write_ready_file(void)
{
	FILE *f;

	if (!ready_file)
		return 0;
	f = fopen(ready_file, "w");
	if (!f)
		return -errno;
	fprintf(f, "{\"tcp_port\": %u, \"pid\": %d}\n", http_server_tcp_port(cd.http),
		(int)getpid());
	return fclose(f) ? -errno : 0;
}

/* A console served in dom0 wrote: the same event a hypervisor backend would send. */
static void on_console_output(void *opaque, hv_domid_t domid, const char *data, size_t len)
{
	struct hv_event ev = {.type = HV_EV_CONSOLE, .domid = domid, .data = data, .len = len};

	model_on_hv_event(opaque, &ev);
}

/* The hypervisor, then the store, then the state kept in it. */
static int open_model(char *err, size_t errlen)
{
	int rc = backends_open_hv(cd.loop, model_on_hv_event, &cd, &cd.hv, err, errlen);

	rc = rc ?: backends_open_store(cd.loop, on_store_watch, &cd, &cd.store, err, errlen);
	if (rc)
		return rc;
	cd.store->on_lost = on_store_lost;
	backends_store_opened(cd.hv, cd.store);
	if (backends_open_consoles(cd.loop, on_console_output, &cd, &cd.consoles, err, errlen)) {
		log_warn("guests' consoles are not served in dom0: %s", err);
		cd.consoles = NULL;
	}
	cd.hotplug = backends_hotplug();
	cd.render = &api_render;
	cd.events = events_new(&cd, &rc);
	if (!cd.events) {
		snprintf(err, errlen, "counting this run's event ids in the store: %s",
			 strerror(-rc));
		return rc;
	}
	rc = tokens_load(&cd);
	rc = rc ?: domains_load(&cd);
	rc = rc ?: jobs_load(&cd);
	rc = rc ?: idem_load(&cd);
	if (rc) {
		snprintf(err, errlen, "loading state from the store: %s", strerror(-rc));
		return rc;
	}
	lifecycle_resume(&cd);
	domains_adopt(&cd);
	rc = images_init(&cd);
	if (rc)
		log_warn("images: %s: %s (uploads will fail)", cd.cfg.images_dir, strerror(-rc));
	return 0;
}

static int start_serving(char *cert, char *key, char *err, size_t errlen)
{
	struct http_listen l = {
	    .unix_path = cd.cfg.unix_socket,
	    .tcp_host = cd.cfg.tcp_host,
	    .tcp_port = cd.cfg.tcp_port,
	    .tls_cert_pem = cert,
	    .tls_key_pem = key,
	    .max_connections = cd.cfg.max_connections,
	    .max_per_client = cd.cfg.max_connections_per_client,
	    .request_timeout_s = cd.cfg.request_timeout_s,
	    .request_log = cd.cfg.request_log,
	    .begin = api_begin,
	};
	int rc = http_server_start(&cd.http, cd.loop, &l, api_handle, &cd, err, errlen);

	if (rc)
		return rc;
	uv_signal_init(cd.loop, &sig_term);
	uv_signal_init(cd.loop, &sig_int);
	uv_signal_start(&sig_term, on_signal, SIGTERM);
	uv_signal_start(&sig_int, on_signal, SIGINT);
	log_info("serving: %u domains, %u tokens; unix %s; tcp %s:%u%s", cd.doms.items.n,
		 cd.tokens.items.n, cd.cfg.unix_socket[0] ? cd.cfg.unix_socket : "off",
		 cd.cfg.tcp_host[0] ? cd.cfg.tcp_host : "off", http_server_tcp_port(cd.http),
		 cert		      ? " (TLS)"
		 : cd.cfg.tcp_host[0] ? " (plain, loopback)"
				      : "");
	rc = write_ready_file();
	if (rc)
		log_warn("ready file %s: %s", ready_file, strerror(-rc));
	return 0;
}

/* Drained: release everything, letting the loop run the close callbacks. */
static void close_all(void)
{
	uv_close((uv_handle_t *)&sig_term, NULL);
	uv_close((uv_handle_t *)&sig_int, NULL);
	jobs_free(&cd);
	devices_free(&cd);
	device_model_free(&cd);
	events_free(cd.events);
	domains_free(&cd);
	domain_cache_clear();
	idem_free(&cd);
	tokens_free(&cd);
	if (cd.consoles)
		backends_close_consoles(cd.consoles);
	cd.hv->ops->close(cd.hv);
	cd.store->ops->close(cd.store);
	uv_run(cd.loop, UV_RUN_DEFAULT);
	uv_loop_close(cd.loop);
}

/*
 * tls_generate: a host installed from the packages serves TLS from its first start; the
 * administrator compares the logged fingerprint with what clients are shown, or replaces the
 * pair with their own.
 */
static int generate_tls(char *err, size_t errlen)
{
	char host[256] = "localhost", fp[TLS_FINGERPRINT_LEN];

	if (gethostname(host, sizeof(host) - 1) || !host[0])
		str_copy(host, "localhost", sizeof(host));
	int rc = tls_selfsigned_ensure(cd.cfg.tls_cert, cd.cfg.tls_key, host, fp, err, errlen);
	if (rc == 1)
		log_info("generated a self-signed TLS certificate %s (key %s) for %s, SHA-256 "
			 "fingerprint %s",
			 cd.cfg.tls_cert, cd.cfg.tls_key, host, fp);
	return rc < 0 ? rc : 0;
}

int main(int argc, char **argv)
{
	char err[1024] = "";
	char *cert = NULL, *key = NULL;

	config_defaults(&cd.cfg);
	if (parse_args(argc, argv, err, sizeof(err))) {
		fprintf(stderr, "keel-controld: %s\n", err);
		return 2;
	}
	log_set_level((enum log_level)cd.cfg.log_level);
	signal(SIGPIPE, SIG_IGN);
	cd.loop = uv_default_loop();
	cd.started_mono = now_mono_ms();
	if (cd.cfg.tls_cert[0] && cd.cfg.tls_generate && generate_tls(err, sizeof(err)))
		goto fail;
	if (cd.cfg.tls_cert[0]) {
		cert = read_file(cd.cfg.tls_cert, err, sizeof(err));
		key = cert ? read_file(cd.cfg.tls_key, err, sizeof(err)) : NULL;
		if (!key)
			goto fail;
	}
	if (open_model(err, sizeof(err)) || start_serving(cert, key, err, sizeof(err)))
		goto fail;
	uv_run(cd.loop, UV_RUN_DEFAULT);
	close_all();
	free(cert);
	free(key);
	return exit_status;
fail:
	log_error("not starting: %s", err);
	free(cert);
	free(key);
	return 1;
}
