// SPDX-License-Identifier: MIT
/*
 * keel-xenstore-bench: throughput of keel-xenstored over its Unix socket (reads, writes,
 * directory listings, committed transactions, watch events) with 1 and 16 clients, next to
 * the same workload on raw SQLite, and the latency of one write watched by 1000 watchers.
 * Starts its own daemon on a temporary socket and database. Prints numbers; asserts nothing.
 *
 * usage: keel-xenstore-bench [--daemon PATH] [--ops N] [--writes N] [--slow MS]
 *                            [--only read|watch|fanout]
 *   --writes: watched writes per fan-out measurement (default 100); --slow: explain each
 *   write whose last event came more than MS after its acknowledgement; --only fanout: just
 *   the 1000 connections x 1 watch case (for repeated runs and profiling).
 */
#include <errno.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "xs_wire.h"

static char sock_path[100], dir[] = "/tmp/keel-xs-bench-XXXXXX";
static long nops = 20000;
static const char *only = ""; /* "watch": only the fan-out part (for profiling) */
static int fan_writes = 100;  /* watched writes per fan-out measurement */
static double slow_ms;	      /* explain writes slower than this after the ack (--slow) */

enum { FAN_WRITES_MAX = 10000 };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this thread: how much of a fan-out's latency is the benchmark reading. */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int xs_connect(void)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	memcpy(a.sun_path, sock_path, strlen(sock_path) + 1);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("connect");
		exit(1);
	}
	return fd;
}

static void full_write(int fd, const void *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w <= 0) {
			perror("write");
			exit(1);
		}
		p = (const char *)p + w;
		n -= (size_t)w;
	}
}

static void full_read(int fd, void *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);

		if (r <= 0) {
			perror("read");
			exit(1);
		}
		p = (char *)p + r;
		n -= (size_t)r;
	}
}

/* One request, one reply (watch events are skipped). Returns the reply type. */
static uint32_t call(int fd, uint32_t type, uint32_t tx, const void *payload, size_t len,
		     char *reply)
{
	uint8_t raw[XS_HDR_SIZE + XS_PAYLOAD_MAX];
	struct xs_hdr h = {type, 1, tx, (uint32_t)len};

	xs_hdr_encode(&h, raw);
	memcpy(raw + XS_HDR_SIZE, payload, len);
	full_write(fd, raw, XS_HDR_SIZE + len);
	for (;;) {
		full_read(fd, raw, XS_HDR_SIZE);
		xs_hdr_decode(raw, &h);
		full_read(fd, reply, h.len);
		reply[h.len] = '\0';
		if (h.type != XS_WATCH_EVENT)
			return h.type;
	}
}

static size_t args(char *buf, const char *a, const char *b)
{
	size_t la = strlen(a) + 1, lb = b ? strlen(b) : 0;

	memcpy(buf, a, la);
	if (b)
		memcpy(buf + la, b, lb);
	return la + lb;
}

enum workload { W_READ, W_WRITE, W_DIR, W_TXN, W_COUNT };
static const char *const wname[W_COUNT] = {"read", "write", "directory", "transaction"};

struct job {
	enum workload w;
	int id;
	long ops;
	long done;
};

static void *xs_worker(void *arg)
{
	struct job *j = arg;
	char buf[XS_PAYLOAD_MAX + 1], reply[XS_PAYLOAD_MAX + 1], path[64], val[32];
	int fd = xs_connect();

	for (long i = 0; i < j->ops; i++) {
		size_t n;

		snprintf(path, sizeof(path), "/bench/k%ld", (i * 16 + j->id) % 100);
		switch (j->w) {
		case W_READ:
			n = args(buf, path, NULL);
			j->done += call(fd, XS_READ, 0, buf, n, reply) == XS_READ;
			break;
		case W_WRITE:
			snprintf(val, sizeof(val), "v%ld", i);
			n = args(buf, path, val);
			j->done += call(fd, XS_WRITE, 0, buf, n, reply) == XS_WRITE;
			break;
		case W_DIR:
			n = args(buf, "/bench", NULL);
			j->done += call(fd, XS_DIRECTORY, 0, buf, n, reply) == XS_DIRECTORY;
			break;
		case W_TXN: {
			uint32_t tx;

			snprintf(path, sizeof(path), "/bench/t%d", j->id);
			if (call(fd, XS_TRANSACTION_START, 0, "", 1, reply) != XS_TRANSACTION_START)
				break;
			tx = (uint32_t)strtoul(reply, NULL, 10);
			n = args(buf, path, NULL);
			call(fd, XS_READ, tx, buf, n, reply);
			snprintf(val, sizeof(val), "v%ld", i);
			n = args(buf, path, val);
			call(fd, XS_WRITE, tx, buf, n, reply);
			j->done +=
			    call(fd, XS_TRANSACTION_END, tx, "T", 2, reply) == XS_TRANSACTION_END;
			break;
		}
		default:
			break;
		}
	}
	close(fd);
	return NULL;
}

/* One client keeping 32 READs in flight: what the server does when the round trip is hidden. */
static double pipelined_reads(void)
{
	enum { WINDOW = 32 };
	uint8_t msg[XS_HDR_SIZE + 64], rbuf[65536];
	size_t have = 0;
	long sent = 0, got = 0;
	int fd = xs_connect();
	double t0 = now();

	while (got < nops) {
		while (sent < nops && sent - got < WINDOW) {
			char path[32];
			int n = snprintf(path, sizeof(path), "/bench/k%ld", sent % 100) + 1;
			struct xs_hdr h = {XS_READ, (uint32_t)sent, 0, (uint32_t)n};

			xs_hdr_encode(&h, msg);
			memcpy(msg + XS_HDR_SIZE, path, (size_t)n);
			full_write(fd, msg, XS_HDR_SIZE + (size_t)n);
			sent++;
		}
		{
			ssize_t r = read(fd, rbuf + have, sizeof(rbuf) - have);

			if (r <= 0)
				break;
			have += (size_t)r;
		}
		for (;;) {
			struct xs_hdr h;

			if (have < XS_HDR_SIZE)
				break;
			xs_hdr_decode(rbuf, &h);
			if (have < XS_HDR_SIZE + h.len)
				break;
			got += h.type == XS_READ;
			memmove(rbuf, rbuf + XS_HDR_SIZE + h.len, have - XS_HDR_SIZE - h.len);
			have -= XS_HDR_SIZE + h.len;
		}
	}
	close(fd);
	return (double)got / (now() - t0);
}

/* The same workloads on raw SQLite: a key-value table, WAL, synchronous=NORMAL. */
static void *sql_worker(void *arg)
{
	struct job *j = arg;
	char file[300], path[64], val[32];
	sqlite3_stmt *st;
	sqlite3 *db;
	const char *sql[W_COUNT] = {
	    "SELECT value FROM kv WHERE path = ?1",
	    "INSERT OR REPLACE INTO kv VALUES (?1, '/bench', ?2)",
	    "SELECT path FROM kv WHERE parent = '/bench' ORDER BY path",
	    "INSERT OR REPLACE INTO kv VALUES (?1, '/bench', ?2)",
	};

	snprintf(file, sizeof(file), "%s/raw.db", dir);
	sqlite3_open(file, &db);
	sqlite3_busy_timeout(db, 10000);
	sqlite3_exec(db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
	sqlite3_prepare_v2(db, sql[j->w], -1, &st, NULL);
	for (long i = 0; i < j->ops; i++) {
		snprintf(path, sizeof(path), "/bench/k%ld", (i * 16 + j->id) % 100);
		snprintf(val, sizeof(val), "v%ld", i);
		if (j->w == W_TXN) {
			snprintf(path, sizeof(path), "/bench/t%d", j->id);
			sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		}
		sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
		if (j->w == W_WRITE || j->w == W_TXN)
			sqlite3_bind_text(st, 2, val, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW)
			;
		sqlite3_reset(st);
		if (j->w == W_TXN)
			sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		j->done++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return NULL;
}

static double run(void *(*fn)(void *), enum workload w, int clients)
{
	pthread_t th[16];
	struct job jobs[16];
	long done = 0;
	double t0 = now(), t;

	for (int i = 0; i < clients; i++) {
		jobs[i] = (struct job){.w = w, .id = i, .ops = nops / clients};
		pthread_create(&th[i], NULL, fn, &jobs[i]);
	}
	for (int i = 0; i < clients; i++) {
		pthread_join(th[i], NULL);
		done += jobs[i].done;
	}
	t = now() - t0;
	return (double)done / t;
}

/* Reads whole messages from fd into its buffer; returns the number of watch events. */
static long count_events(int fd, uint8_t *acc, size_t *pending, size_t size)
{
	long got = 0;
	ssize_t rd = read(fd, acc + *pending, size - *pending);

	if (rd <= 0)
		return 0;
	*pending += (size_t)rd;
	for (;;) {
		struct xs_hdr h;

		if (*pending < XS_HDR_SIZE)
			break;
		xs_hdr_decode(acc, &h);
		if (*pending < XS_HDR_SIZE + h.len)
			break;
		got += h.type == XS_WATCH_EVENT;
		memmove(acc, acc + XS_HDR_SIZE + h.len, *pending - XS_HDR_SIZE - h.len);
		*pending -= XS_HDR_SIZE + h.len;
	}
	return got;
}

/* One reader thread of the fan-out benchmark: its share of the connections, own epoll. */
struct fan_reader {
	pthread_t th;
	int ep, first, count, per, writes;
	int *fds;
	pthread_barrier_t *start, *done;
	double *end;   /* when this reader had all its events, per write */
	double *begin; /* when it first woke up with events, per write */
	double *used;  /* its CPU time for the write */
	double cpu;    /* its CPU time spent reading */
	long got;
};

static void *fan_read(void *arg)
{
	struct fan_reader *r = arg;
	size_t *pending = calloc((size_t)r->count, sizeof(size_t));
	uint8_t(*acc)[4096] = calloc((size_t)r->count, sizeof(*acc));
	struct epoll_event evs[256];

	for (int round = 0; round < r->writes; round++) {
		long got = 0;

		pthread_barrier_wait(r->start);
		r->used[round] = cpu_now();
		r->begin[round] = 0;
		while (got < (long)r->count * r->per) {
			int ne = epoll_wait(r->ep, evs, 256, 1000);

			if (!r->begin[round])
				r->begin[round] = now();

			if (ne <= 0) {
				fprintf(stderr, "watch: only %ld events arrived\n", got);
				break;
			}
			for (int k = 0; k < ne; k++) {
				uint32_t i = evs[k].data.u32;
				got += count_events(r->fds[r->first + i], acc[i], &pending[i],
						    sizeof(acc[i]));
			}
		}
		r->end[round] = now();
		r->used[round] = cpu_now() - r->used[round];
		r->cpu += r->used[round];
		r->got += got;
		pthread_barrier_wait(r->done);
	}
	free(pending);
	free(acc);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Mean, median, 99th percentile and worst of n samples (seconds), printed in ms. */
static void print_dist(const char *label, double *v, int n)
{
	double sum = 0;

	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	for (int i = 0; i < n; i++)
		sum += v[i];
	printf("%-34s %8.2f mean %8.2f p50 %8.2f p99 %8.2f worst (ms, %d writes)\n", label,
	       sum / n * 1e3, v[n / 2] * 1e3, v[(n * 99 + 99) / 100 - 1] * 1e3, v[n - 1] * 1e3, n);
}

/*
 * Where a slow write's time went (ms from its request): its acknowledgement, and for each
 * reader thread when it first woke with events, when it had them all, and the CPU it used.
 * A reader that used 1 ms of CPU over 6 ms waited for a CPU.
 */
static void slow_write(int r, double t_req, double t_ack, const struct fan_reader *rd, int readers)
{
	printf("  slow write %d: ack at %.2f", r, (t_ack - t_req) * 1e3);
	for (int t = 0; t < readers; t++)
		printf("; reader %d woke at %.2f, done at %.2f, CPU %.2f", t,
		       (rd[t].begin[r] - t_req) * 1e3, (rd[t].end[r] - t_req) * 1e3,
		       rd[t].used[r] * 1e3);
	printf("\n");
}

/*
 * conns connections with per watches each on one node, read by `readers` threads (watchers
 * are normally many processes): the time from a write's request, and from its
 * acknowledgement, until the last of its conns * per events has been read.
 */
static void watch_bench(int conns, int per, int readers)
{
	const int writes = fan_writes;
	int *fds = calloc((size_t)conns, sizeof(int)), w = xs_connect();
	char buf[128], reply[XS_PAYLOAD_MAX + 1], label[64];
	double *from_ack = calloc((size_t)writes, sizeof(double));
	double *from_req = calloc((size_t)writes, sizeof(double));
	double *to_ack = calloc((size_t)writes, sizeof(double));
	double t_all0, t_all, cpu = 0;
	long events_total = 0;
	struct fan_reader rd[4];
	pthread_barrier_t start, done;

	pthread_barrier_init(&start, NULL, (unsigned)readers + 1);
	pthread_barrier_init(&done, NULL, (unsigned)readers + 1);
	for (int i = 0; i < conns; i++) {
		fds[i] = xs_connect();
		for (int k = 0; k < per; k++) {
			char tok[16];
			size_t n;

			snprintf(tok, sizeof(tok), "t%d", k);
			n = args(buf, "/bench/hot", NULL);
			memcpy(buf + n, tok, strlen(tok) + 1);
			n += strlen(tok) + 1;
			call(fds[i], XS_WATCH, 0, buf, n, reply);
		}
	}
	/* Swallow the events fired at registration. */
	usleep(200000);
	for (int i = 0; i < conns; i++) {
		char junk[4096];
		struct pollfd p = {.fd = fds[i], .events = POLLIN};

		while (poll(&p, 1, 0) > 0 && read(fds[i], junk, sizeof(junk)) > 0)
			;
	}
	for (int t = 0; t < readers; t++) {
		rd[t] =
		    (struct fan_reader){.ep = epoll_create1(0),
					.first = conns * t / readers,
					.count = conns * (t + 1) / readers - conns * t / readers,
					.per = per,
					.writes = writes,
					.fds = fds,
					.start = &start,
					.done = &done,
					.end = calloc((size_t)writes, sizeof(double)),
					.begin = calloc((size_t)writes, sizeof(double)),
					.used = calloc((size_t)writes, sizeof(double))};
		for (int i = 0; i < rd[t].count; i++) {
			struct epoll_event e = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
			epoll_ctl(rd[t].ep, EPOLL_CTL_ADD, fds[rd[t].first + i], &e);
		}
		pthread_create(&rd[t].th, NULL, fan_read, &rd[t]);
	}
	t_all0 = now();
	for (int r = 0; r < writes; r++) {
		size_t n = args(buf, "/bench/hot/x", "1");
		double t_req, t0, last = 0;

		pthread_barrier_wait(&start);
		t_req = now();
		call(w, XS_WRITE, 0, buf, n, reply);
		t0 = now();
		pthread_barrier_wait(&done);
		for (int t = 0; t < readers; t++)
			last = rd[t].end[r] > last ? rd[t].end[r] : last;
		/* Events may all be read before the writer has its acknowledgement. */
		from_ack[r] = last > t0 ? last - t0 : 0;
		from_req[r] = last - t_req;
		to_ack[r] = t0 - t_req;
		if (slow_ms > 0 && from_ack[r] * 1e3 > slow_ms)
			slow_write(r, t_req, t0, rd, readers);
	}
	t_all = now() - t_all0;
	for (int t = 0; t < readers; t++) {
		pthread_join(rd[t].th, NULL);
		close(rd[t].ep);
		free(rd[t].end);
		free(rd[t].begin);
		free(rd[t].used);
		events_total += rd[t].got;
		cpu += rd[t].cpu;
	}
	snprintf(label, sizeof(label), "%d x %d, %d reader%s: ack -> last", conns, per, readers,
		 readers > 1 ? "s" : "");
	print_dist(label, from_ack, writes);
	print_dist("  from the write request", from_req, writes);
	print_dist("  request -> ack (events all sent)", to_ack, writes);
	printf("%-34s %8.2f ms per write\n", "  the benchmark's own reading (CPU)",
	       cpu / writes * 1e3);
	printf("%-34s %8.0f events/s\n", "  watch events delivered", (double)events_total / t_all);
	for (int i = 0; i < conns; i++)
		close(fds[i]);
	close(w);
	free(fds);
	free(from_ack);
	free(from_req);
	free(to_ack);
	pthread_barrier_destroy(&start);
	pthread_barrier_destroy(&done);
}

static void print_load(const char *when)
{
	double la[3];

	if (getloadavg(la, 3) == 3)
		printf("load average %s: %.2f %.2f %.2f\n", when, la[0], la[1], la[2]);
}

int main(int argc, char **argv)
{
	char daemon[512], dbfile[300], exe[512], raw[300];
	pid_t pid;
	ssize_t l;

	l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[l > 0 ? l : 0] = '\0';
	snprintf(daemon, sizeof(daemon), "%.*s/keel-xenstored",
		 (int)(strrchr(exe, '/') ? strrchr(exe, '/') - exe : 1), exe);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--daemon") && i + 1 < argc)
			snprintf(daemon, sizeof(daemon), "%s", argv[++i]);
		else if (!strcmp(argv[i], "--ops") && i + 1 < argc)
			nops = atol(argv[++i]);
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--slow") && i + 1 < argc)
			slow_ms = atof(argv[++i]);
		else if (!strcmp(argv[i], "--writes") && i + 1 < argc && atoi(argv[i + 1]) > 0 &&
			 atoi(argv[i + 1]) <= FAN_WRITES_MAX)
			fan_writes = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: keel-xenstore-bench [--daemon PATH] [--ops N] "
					"[--writes N] [--slow MS] [--only read|watch|fanout]\n");
			return 2;
		}
	}
	{
		struct rlimit rl;

		/* 1000 watching connections, here and in the daemon (which inherits this). */
		if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < 4096) {
			rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	if (!mkdtemp(dir))
		return 1;
	snprintf(sock_path, sizeof(sock_path), "%s/socket", dir);
	snprintf(dbfile, sizeof(dbfile), "%s/store.db", dir);
	pid = fork();
	if (pid == 0) {
		execl(daemon, daemon, "--db", dbfile, "--socket", sock_path, "--quiet", NULL);
		perror(daemon);
		_exit(127);
	}
	for (int i = 0; i < 200 && access(sock_path, F_OK); i++)
		usleep(20000);

	/* Data: 100 nodes under /bench, in both stores. */
	{
		int fd = xs_connect();
		char buf[128], reply[XS_PAYLOAD_MAX + 1], path[64];
		sqlite3 *db;

		snprintf(raw, sizeof(raw), "%s/raw.db", dir);
		sqlite3_open(raw, &db);
		sqlite3_exec(db,
			     "PRAGMA journal_mode = WAL; CREATE TABLE kv (path TEXT PRIMARY KEY, "
			     "parent TEXT, value BLOB) WITHOUT ROWID; CREATE INDEX kv_parent ON kv "
			     "(parent, path);",
			     NULL, NULL, NULL);
		for (int i = 0; i < 100; i++) {
			char sql[200];

			snprintf(path, sizeof(path), "/bench/k%d", i);
			call(fd, XS_WRITE, 0, buf, args(buf, path, "initial"), reply);
			snprintf(sql, sizeof(sql), "INSERT INTO kv VALUES ('%s', '/bench', 'x')",
				 path);
			sqlite3_exec(db, sql, NULL, NULL, NULL);
		}
		sqlite3_close(db);
		close(fd);
	}

	printf("keel-xenstored over its Unix socket vs raw SQLite (WAL, synchronous=NORMAL), "
	       "%ld ops per run\n",
	       nops);
	print_load("at start");
	if (strcmp(only, "watch") && strcmp(only, "fanout"))
		printf("%-26s %10s %10s %10s %10s %10s %10s %6s %6s\n", "operations/s", "xs 1",
		       "xs 8", "xs 16", "sqlite 1", "sqlite 8", "sqlite 16", "1/1", "8/8");
	for (int w = 0; w < W_COUNT && strcmp(only, "watch") && strcmp(only, "fanout"); w++) {
		if (!strcmp(only, "read") && w != W_READ)
			continue;
		double x1 = run(xs_worker, w, 1), x8 = run(xs_worker, w, 8);
		double x16 = run(xs_worker, w, 16), s1 = run(sql_worker, w, 1);
		double s8 = run(sql_worker, w, 8), s16 = run(sql_worker, w, 16);

		printf("%-26s %10.0f %10.0f %10.0f %10.0f %10.0f %10.0f %6.2f %6.2f\n", wname[w],
		       x1, x8, x16, s1, s8, s16, x1 / s1, x8 / s8);
	}
	if (!strcmp(only, "") || !strcmp(only, "read")) {
		printf("%-34s %12.0f\n", "read, 1 client, 32 in flight", pipelined_reads());
		/* The round trip of this machine, for scale: a byte back and forth over a socket.
		 */
		int sv[2];
		char c = 0;
		double t0;
		pid_t p;

		socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
		p = fork();
		if (p == 0) {
			close(sv[0]);
			while (read(sv[1], &c, 1) == 1 && write(sv[1], &c, 1) == 1)
				;
			_exit(0);
		}
		close(sv[1]);
		t0 = now();
		for (long i = 0; i < nops; i++)
			if (write(sv[0], &c, 1) != 1 || read(sv[0], &c, 1) != 1)
				break;
		printf("%-34s %12.0f\n", "bare socket round trips (baseline)",
		       (double)nops / (now() - t0));
		close(sv[0]);
		waitpid(p, NULL, 0);
	}
	if (!strcmp(only, "") || !strcmp(only, "watch"))
		watch_bench(50, 20, 1);
	if (strcmp(only, "read")) {
		watch_bench(1000, 1, 1);
		watch_bench(1000, 1, 2);
	}
	print_load("at end");
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	{
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			return 1;
	}
	return 0;
}
