// SPDX-License-Identifier: MIT
/*
 * keel-xenstored: the xenstore daemon. Serves Xen's wire protocol on a Unix socket (dom0's
 * tools) and, in dom0, on its own kernel's ring (/dev/xen/xenbus_backend); keeps the tree in
 * SQLite.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uv.h>

#include "uv_socket.h"
#include "uv_xenbus.h"
#include "xen_linux.h"
#include "xs_db.h"
#include "xs_server.h"

#define DEFAULT_SOCKET "/run/xenstored/socket"
#define DEFAULT_DB     "/var/lib/keel/xenstored.db"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: keel-xenstored [options]\n"
		"  --db FILE          the SQLite database (default " DEFAULT_DB ")\n"
		"  --socket PATH      listen here (default: $XENSTORED_PATH, else " DEFAULT_SOCKET
		")\n"
		"  --sync normal|full SQLite synchronous setting (default normal, see README)\n"
		"  --quota NAME=N     quota for unprivileged domains (0 disables); names:\n"
		"                     %s\n"
		"  -W, --watch-nb N   watches per domain (Xen's option; --quota watches=N)\n"
		"  --no-xenbus        do not serve dom0's kernel even if /dev/xen/xenbus_backend\n"
		"                     exists (by default it is served when it does)\n"
		"  --foreground, -F   accepted for compatibility: the daemon never forks\n"
		"  --quiet            no log lines\n"
		"  --help\n",
		xs_quota_names);
}

/* Sets quota name to the decimal number in value: 0, or -1 when either is not valid. */
static int set_quota(struct xs_quota *q, const char *name, const char *value)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(value, &end, 10);
	if (errno || *end || !*value || *value == '-' || v > 0xffffffffu)
		return -1;
	return xs_quota_set(q, name, (unsigned int)v) ? -1 : 0;
}

/*
 * Without Xen's devices (a plain socket daemon, or dom0's kernel not served) an introduced
 * domain is recorded (watches fire, its quotas apply, RELEASE cleans up) but has no ring.
 */
static int introduce_without_ring(struct xs_server *srv, unsigned int domid, uint64_t gfn,
				  unsigned int port, struct xs_conn **conn, void *arg)
{
	(void)arg;
	xs_log(srv,
	       "domain %u introduced (gfn %llu, port %u); no event channel device: its ring is not "
	       "served",
	       domid, (unsigned long long)gfn, port);
	*conn = NULL;
	return 0;
}

/* mkdir -p of the directory holding file (mode 0700); 0 or -1 with errno. */
static int make_parents(const char *file)
{
	char *copy = strdup(file), *p;
	int ret = 0;

	if (!copy)
		return -1;
	/* Each '/' after the first character ends a directory to create. */
	for (p = copy + 1; !ret && (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(copy, 0700) && errno != EEXIST)
			ret = -1;
		*p = '/';
	}
	free(copy);
	return ret;
}

/*
 * dom0's own kernel waits for a local xenstored on its ring. Whether serving it worked is
 * printed even with --quiet: dom0 without it has no xenbus. Returns the device handle.
 */
static void *serve_kernel(uv_loop_t *loop, struct xs_uv_xenbus *xb, struct xs_server *srv)
{
	char err[256];
	void *xen;

	if (xs_xen_linux_open(&xen, err, sizeof(err))) {
		fprintf(stderr, "keel-xenstored: cannot serve dom0's kernel: %s\n", err);
		return NULL;
	}
	if (xs_uv_xenbus_start(loop, xb, srv, &xs_xen_linux_ops, xen, err, sizeof(err))) {
		fprintf(stderr, "keel-xenstored: cannot serve dom0's kernel: %s\n", err);
		xs_xen_linux_close(xen);
		return NULL;
	}
	fprintf(stderr, "keel-xenstored: serving dom0's kernel on port %u\n", xb->kernel_port);
	return xen;
}

static void on_signal(uv_signal_t *h, int signum)
{
	(void)signum;
	uv_stop(h->loop);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},	{"socket", required_argument, NULL, 's'},
	    {"sync", required_argument, NULL, 'y'},	{"quota", required_argument, NULL, 'q'},
	    {"watch-nb", required_argument, NULL, 'W'}, {"foreground", no_argument, NULL, 'F'},
	    {"quiet", no_argument, NULL, 'Q'},		{"help", no_argument, NULL, 'h'},
	    {"no-xenbus", no_argument, NULL, 'X'},	{NULL, 0, NULL, 0},
	};
	struct xs_quota quota = XS_QUOTA_DEFAULTS;
	const char *dbfile = DEFAULT_DB, *sock = getenv("XENSTORED_PATH");
	enum xs_db_sync sync = XS_DB_SYNC_NORMAL;
	struct xs_uv_listener listener;
	uv_signal_t sigterm, sigint;
	struct xs_server srv;
	struct xs_db *db;
	bool quiet = false, xenbus = true;
	struct xs_uv_xenbus xb = {.serving = false};
	struct xs_guest_rings guests;
	void *xen = NULL;
	char err[512];
	uv_loop_t *loop = uv_default_loop();
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "FhW:", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			dbfile = optarg;
			break;
		case 's':
			sock = optarg;
			break;
		case 'y':
			if (!strcmp(optarg, "normal")) {
				sync = XS_DB_SYNC_NORMAL;
			} else if (!strcmp(optarg, "full")) {
				sync = XS_DB_SYNC_FULL;
			} else {
				fprintf(stderr, "keel-xenstored: --sync takes normal or full\n");
				return 2;
			}
			break;
		case 'q': {
			char *eq = strchr(optarg, '=');

			if (eq)
				*eq = '\0';
			if (!eq || set_quota(&quota, optarg, eq + 1)) {
				fprintf(stderr,
					"keel-xenstored: bad --quota (NAME=N, NAME one of: %s)\n",
					xs_quota_names);
				return 2;
			}
			break;
		}
		case 'W':
			if (set_quota(&quota, "watches", optarg)) {
				fprintf(stderr, "keel-xenstored: bad --watch-nb (a number)\n");
				return 2;
			}
			break;
		case 'F':
			break;
		case 'Q':
			quiet = true;
			break;
		case 'X':
			xenbus = false;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!sock || !*sock)
		sock = DEFAULT_SOCKET;
	signal(SIGPIPE, SIG_IGN);

	/* The database's directory (by default /var/lib/keel) is created on first start. */
	if (make_parents(dbfile))
		fprintf(stderr, "keel-xenstored: cannot create the directory of %s: %s\n", dbfile,
			strerror(errno));
	ret = xs_db_open(dbfile, sync, &db, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "keel-xenstored: cannot use database %s\n", err);
		return 1;
	}
	ret = xs_server_init(&srv, db, &quota);
	if (ret) {
		fprintf(stderr, "keel-xenstored: cannot read database %s: %s\n", dbfile,
			xs_db_errmsg(db));
		xs_db_close(db);
		return 1;
	}
	srv.quiet = quiet;
	srv.dom_ops.introduce = introduce_without_ring;
	ret = xs_uv_listen(loop, &listener, &srv, sock, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "keel-xenstored: %s\n", err);
		xs_server_fini(&srv);
		xs_db_close(db);
		return 1;
	}
	uv_signal_init(loop, &sigterm);
	uv_signal_start(&sigterm, on_signal, SIGTERM);
	uv_signal_init(loop, &sigint);
	uv_signal_start(&sigint, on_signal, SIGINT);
	xs_log(&srv, "serving %s on %s", dbfile, sock);
	if (xenbus && xs_xen_linux_has_ring())
		xen = serve_kernel(loop, &xb, &srv);
	if (xen) {
		/* Guests' rings share the kernel's event channel fd and its poll. */
		xs_guest_rings_init(&guests, &srv, &xs_xen_linux_ops, xen);
		xb.guests = &guests;
	}

	uv_run(loop, UV_RUN_DEFAULT);

	/* Orderly stop: close everything, let the close callbacks run, then the database. */
	xs_uv_close_all(&listener);
	if (xen) {
		xs_guest_rings_fini(&guests);
		xs_uv_xenbus_stop(&xb);
		xs_xen_linux_close(xen);
	}
	uv_close((uv_handle_t *)&sigterm, NULL);
	uv_close((uv_handle_t *)&sigint, NULL);
	uv_run(loop, UV_RUN_DEFAULT);
	unlink(sock);
	xs_server_fini(&srv);
	xs_db_close(db);
	uv_loop_close(loop);
	return 0;
}
