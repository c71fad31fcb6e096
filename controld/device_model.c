// SPDX-License-Identifier: MIT
/*
 * device_model.h: each QEMU is a struct dm on cd->dms, with its handles (the process and its
 * stdout and stderr, or for one adopted after a restart a poll on its pidfd; a timer that
 * connects QMP while it starts and later waits to SIGKILL; QMP's connection until "cont";
 * COM1's socket); it is freed once every
 * handle it opened is closed. A domid is looked up among
 * the QEMUs not being stopped: a stopped one may still be exiting when its domid is reused.
 */
#include "device_model.h"
#include "device_model_args.h"
#include "hv.h"
#include "dm_argv.h"
#include "log.h"
#include "model_internal.h"
#include "qmp.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DM_POLL_MS 200
#define DM_LINE	   256

struct dm_out {
	uv_pipe_t pipe;
	struct dm *dm;
	char line[DM_LINE];
	size_t len;
};

/* One connection to QEMU's monitor while it starts (a new one per attempt: QEMU may not
 * listen yet); closed once QEMU took "cont": a running guest's QEMU is not talked to. */
struct dm_qmp {
	uv_pipe_t pipe;
	uv_connect_t req;
	struct dm *dm;
	struct qmp_handshake hs;
};

struct dm_qmp_write {
	uv_write_t req;
	char buf[sizeof(((struct qmp_handshake *)0)->out)];
};

struct dm {
	struct dm *next;
	struct controld *cd;
	int domid;
	char dom_id[37], name[DOM_NAME_MAX + 1];
	char sock[108], qmp_sock[108];
	struct dm_qmp *qmp;
	int pid;
	uv_process_t proc; /* spawned by this controld */
	struct dm_out out, err;
	bool adopted; /* started by an earlier controld: watched through a pidfd */
	int pidfd;
	uv_poll_t pidpoll;
	uv_timer_t timer;
	uv_pipe_t serial;
	uv_connect_t connect;
	unsigned open; /* handles not yet closed */
	bool serial_init, serial_live, running, stopping, exited;
	bool destroy_after; /* the domain is destroyed once QEMU has gone */
	bool limits_failed;
	uint64_t deadline_ms;
};

static struct dm *dm_find(const struct controld *cd, int domid)
{
	for (struct dm *m = cd->dms; m; m = m->next)
		if (m->domid == domid && !m->stopping)
			return m;
	return NULL;
}

static void dm_node_path(char *out, size_t len, int domid)
{
	snprintf(out, len, "/local/domain/0/device-model/%d", domid);
}

/* controld's record of QEMU's pid, for a restarted controld to adopt it. */
static void dm_pid_path(char *out, size_t len, int domid)
{
	snprintf(out, len, CONTROLD_ROOT "/device-models/%d", domid);
}

static int dm_signal(struct dm *m, int sig)
{
	if (m->adopted)
		return syscall(SYS_pidfd_send_signal, m->pidfd, sig, NULL, 0) ? -errno : 0;
	return uv_process_kill(&m->proc, sig);
}

static void dm_unlink(struct dm *m)
{
	for (struct dm **p = &m->cd->dms; *p; p = &(*p)->next)
		if (*p == m) {
			*p = m->next;
			break;
		}
	free(m);
}

static void on_closed(uv_handle_t *h)
{
	struct dm *m = h->data;

	if (--m->open == 0)
		dm_unlink(m);
}

static void close_handle(uv_handle_t *h)
{
	if (!uv_is_closing(h))
		uv_close(h, on_closed);
}

static void qmp_closed(uv_handle_t *h)
{
	struct dm_qmp *q = h->data;
	struct dm *m = q->dm;

	free(q);
	if (--m->open == 0)
		dm_unlink(m);
}

static void qmp_close(struct dm *m)
{
	if (!m->qmp)
		return;
	uv_close((uv_handle_t *)&m->qmp->pipe, qmp_closed);
	m->qmp = NULL;
}

static void out_flush(struct dm_out *o)
{
	if (o->len)
		log_info("domain %s (domid %d): qemu: %.*s", o->dm->name, o->dm->domid, (int)o->len,
			 o->line);
	o->len = 0;
}

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	static char chunk[4096]; /* the loop reads one stream at a time */

	(void)h;
	(void)suggested;
	*buf = uv_buf_init(chunk, sizeof(chunk));
}

/* QEMU's output, a line at a time (a long line in pieces of DM_LINE - 1), printable ASCII. */
static void out_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct dm_out *o = (struct dm_out *)s; /* its first member */

	for (ssize_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf->base[i];
		if (c == '\n' || o->len == DM_LINE - 1)
			out_flush(o);
		/* What QEMU prints may carry a guest's bytes: no control characters in the log. */
		if (c != '\n')
			o->line[o->len++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (n < 0) {
		out_flush(o);
		close_handle((uv_handle_t *)s);
	}
}

static void serial_close(struct dm *m)
{
	m->serial_live = false;
	if (m->serial_init)
		close_handle((uv_handle_t *)&m->serial);
}

/* The guest's COM1: the same console history and stream as a PV console. */
static void serial_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct dm *m = s->data;
	struct domain *d = domain_find(m->cd, m->dom_id);

	if (n > 0 && d && d->domid == m->domid)
		domain_console_append(m->cd, d, buf->base, (size_t)n);
	if (n < 0)
		serial_close(m);
}

static struct domain *dm_domain(struct dm *m)
{
	struct domain *d = domain_find(m->cd, m->dom_id);

	return d && d->domid == m->domid ? d : NULL;
}

/* Stops QEMU: SIGTERM now, SIGKILL if it is still there after DM_KILL_MS. */
static void kill_tick(uv_timer_t *t)
{
	struct dm *m = t->data;

	if (!m->exited) {
		log_warn("domain %s (domid %d): qemu (pid %d) ignored SIGTERM: SIGKILL", m->name,
			 m->domid, m->pid);
		dm_signal(m, SIGKILL);
	}
}

static void dm_kill(struct dm *m)
{
	m->stopping = true;
	qmp_close(m);
	serial_close(m);
	if (m->exited)
		return;
	dm_signal(m, SIGTERM);
	uv_timer_stop(&m->timer);
	uv_timer_start(&m->timer, kill_tick, DM_KILL_MS, 0);
}

static void serial_connected(uv_connect_t *req, int status)
{
	struct dm *m = req->data;
	struct domain *d;

	if (status == 0 && !m->stopping) {
		m->serial_live = true;
		uv_read_start((uv_stream_t *)&m->serial, alloc_cb, serial_read);
	} else {
		if (status)
			log_warn("domain %s (domid %d): COM1 socket %s: %s: no serial console",
				 m->name, m->domid, m->sock, uv_strerror(status));
		serial_close(m);
	}
	if (!m->stopping && !m->adopted && (d = dm_domain(m)))
		domain_dm_ready(m->cd, d);
}

static void serial_connect(struct dm *m)
{
	uv_pipe_init(m->cd->loop, &m->serial, 0);
	m->serial.data = m;
	m->serial_init = true;
	m->open++;
	m->connect.data = m;
	uv_pipe_connect(&m->connect, &m->serial, m->sock, serial_connected);
}

/* The start failed before the guest ran (why says how): the domain's destroy stops QEMU
 * (device_model_stop). */
static void start_failed(struct dm *m, const char *why)
{
	struct domain *d = dm_domain(m);

	log_warn("domain %s (domid %d): qemu (pid %d) did not start: %s", m->name, m->domid, m->pid,
		 why);
	qmp_close(m);
	uv_timer_stop(&m->timer);
	if (d)
		domain_dm_failed(m->cd, d, "the device model did not start", false);
	else
		dm_kill(m);
}

static void qmp_written(uv_write_t *req, int status)
{
	(void)status; /* a failed write ends in a read error or the deadline */
	free(req);
}

static int qmp_send(struct dm_qmp *q)
{
	struct dm_qmp_write *w = malloc(sizeof(*w));
	uv_buf_t b;
	int rc;

	if (!w)
		return UV_ENOMEM;
	str_copy(w->buf, q->hs.out, sizeof(w->buf));
	b = uv_buf_init(w->buf, (unsigned)strlen(w->buf));
	rc = uv_write(&w->req, (uv_stream_t *)&q->pipe, &b, 1, qmp_written);
	if (rc)
		free(w);
	return rc;
}

/* QEMU took "cont": its ioreq server serves the guest, which may run now. */
static void qmp_ready(struct dm *m)
{
	char path[96];

	dm_pid_path(path, sizeof(path), m->domid);
	store_write_str(m->cd->store, STORE_NO_TXN, path, "%d", m->pid);
	qmp_close(m);
	uv_timer_stop(&m->timer);
	m->running = true;
	log_info("domain %s (domid %d): qemu (pid %d) is running (QMP)", m->name, m->domid, m->pid);
	serial_connect(m);
}

/* What QEMU's monitor says, through the bounded handshake (qemu-dm-glue/qmp.h). */
static void qmp_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct dm_qmp *q = s->data;
	struct dm *m = q->dm;
	char why[200];
	int rc;

	if (n < 0) {
		start_failed(m, "QEMU closed its QMP socket");
		return;
	}
	rc = qmp_handshake_feed(&q->hs, buf->base, (size_t)n);
	if (rc == 0 && q->hs.out[0] && qmp_send(q))
		rc = -EIO;
	if (rc == 1) {
		qmp_ready(m);
	} else if (rc < 0) {
		snprintf(why, sizeof(why), "QMP: %s", rc == -EIO ? "cannot write" : q->hs.why);
		start_failed(m, why);
	}
}

static void qmp_connected(uv_connect_t *req, int status)
{
	struct dm_qmp *q = req->data;
	struct dm *m = q->dm;

	if (m->qmp != q)
		return; /* closed meanwhile */
	/* Not listening yet (bound, not listening): again at the next tick. */
	if (status) {
		qmp_close(m);
		return;
	}
	uv_read_start((uv_stream_t *)&q->pipe, alloc_cb, qmp_read);
}

/* Connects to QEMU's monitor once its socket exists. */
static void qmp_connect(struct dm *m)
{
	struct dm_qmp *q;
	struct stat st;

	if (stat(m->qmp_sock, &st) || !(q = malloc(sizeof(*q))))
		return;
	q->dm = m;
	qmp_handshake_init(&q->hs);
	uv_pipe_init(m->cd->loop, &q->pipe, 0);
	q->pipe.data = q;
	q->req.data = q;
	m->open++;
	m->qmp = q;
	uv_pipe_connect(&q->req, &q->pipe, m->qmp_sock, qmp_connected);
}

/* Until QEMU took "cont" over QMP (libxl's dm_restrict start), or the deadline. */
static void poll_tick(uv_timer_t *t)
{
	struct dm *m = t->data;
	char why[96];

	if (m->limits_failed) {
		start_failed(m, "its resource limits could not be set");
		return;
	}
	if (!m->qmp)
		qmp_connect(m);
	if (now_mono_ms() < m->deadline_ms)
		return;
	snprintf(why, sizeof(why), "not ready over QMP within %u s",
		 m->cd->cfg.qemu_start_timeout_s);
	start_failed(m, why);
}

/* QEMU has gone (why says how): its nodes removed; unasked, its guest crashed. */
static void dm_exited(struct dm *m, const char *why)
{
	struct dm *live = dm_find(m->cd, m->domid);
	struct domain *d;
	char path[96];

	m->exited = true;
	uv_timer_stop(&m->timer);
	close_handle((uv_handle_t *)&m->timer);
	qmp_close(m);
	serial_close(m);
	/* Its nodes go, unless its domid already has a new QEMU. */
	if (!live || live == m) {
		dm_node_path(path, sizeof(path), m->domid);
		store_rm(m->cd->store, STORE_NO_TXN, path);
		dm_pid_path(path, sizeof(path), m->domid);
		store_rm(m->cd->store, STORE_NO_TXN, path);
		device_model_root_remove(m->cd, m->domid);
	}
	if (m->stopping) {
		log_info("domain %s (domid %d): %s", m->name, m->domid, why);
		if (m->destroy_after) {
			m->cd->hv->ops->domain_destroy(m->cd->hv, (hv_domid_t)m->domid);
			domain_dm_gone(m->cd, m->dom_id);
		}
		return;
	}
	m->stopping = true;
	log_warn("domain %s (domid %d): %s %s", m->name, m->domid, why,
		 m->running ? "while the guest ran: the guest crashed" : "before it was running");
	if ((d = dm_domain(m)))
		domain_dm_failed(m->cd, d, why, m->running);
}

static void on_qemu_exit(uv_process_t *p, int64_t status, int sig)
{
	struct dm *m = p->data;
	char why[160];

	close_handle((uv_handle_t *)p);
	if (sig)
		snprintf(why, sizeof(why),
			 "the device model (qemu, pid %d) was killed by signal %d", m->pid, sig);
	else
		snprintf(why, sizeof(why),
			 "the device model (qemu, pid %d) exited with status %lld", m->pid,
			 (long long)status);
	dm_exited(m, why);
}

static void pidfd_close(struct dm *m)
{
	if (m->pidfd < 0)
		return;
	uv_poll_stop(&m->pidpoll);
	close(m->pidfd);
	m->pidfd = -1;
	close_handle((uv_handle_t *)&m->pidpoll);
}

/* An adopted QEMU's pidfd is readable once it has exited (not our child: no status). */
static void on_pidfd(uv_poll_t *h, int status, int events)
{
	struct dm *m = h->data;
	char why[160];

	(void)status;
	(void)events;
	pidfd_close(m);
	snprintf(why, sizeof(why), "the device model (qemu, pid %d) exited", m->pid);
	dm_exited(m, why);
}

static int out_open(struct dm *m, struct dm_out *o, uv_stdio_container_t *io)
{
	int rc = uv_pipe_init(m->cd->loop, &o->pipe, 0);

	if (rc)
		return rc;
	o->dm = m;
	o->pipe.data = m;
	m->open++;
	io->flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	io->data.stream = (uv_stream_t *)&o->pipe;
	return 0;
}

int device_model_start(struct controld *cd, const struct domain *d)
{
	struct dm *m = calloc(1, sizeof(*m));
	uv_stdio_container_t io[3] = {{.flags = UV_IGNORE}};
	uv_process_options_t opt = {0};
	struct dm_argv argv = {NULL, 0};
	char path[96];
	int rc;

	if (!m)
		return -ENOMEM;
	m->cd = cd;
	m->domid = d->domid;
	m->pidfd = -1;
	str_copy(m->dom_id, d->id, sizeof(m->dom_id));
	str_copy(m->name, domain_name(d), sizeof(m->name));
	device_model_socket(cd, d->domid, "serial", m->sock, sizeof(m->sock));
	device_model_socket(cd, d->domid, "qmp", m->qmp_sock, sizeof(m->qmp_sock));
	rc = device_model_run_dir(cd);
	if (!rc) {
		unlink(m->sock);
		unlink(m->qmp_sock);
	}
	rc = rc ?: device_model_argv(cd, d, m->sock, m->qmp_sock, &argv);
	if (rc) {
		log_error("domain %s: QEMU's command line: %s", m->name, strerror(-rc));
		free(m);
		return rc;
	}
	dm_node_path(path, sizeof(path), d->domid);
	store_rm(cd->store, STORE_NO_TXN, path);
	m->next = cd->dms;
	cd->dms = m;
	rc = out_open(m, &m->out, &io[1]);
	rc = rc ?: out_open(m, &m->err, &io[2]);
	opt.file = argv.argv[0];
	opt.args = argv.argv;
	opt.stdio = io;
	opt.stdio_count = 3;
	opt.exit_cb = on_qemu_exit;
	/* Its own session: a signal to controld's terminal is not QEMU's. */
	opt.flags = UV_PROCESS_DETACHED;
	m->proc.data = m;
	if (!rc) {
		/* libuv initialises the handle even when the spawn fails: closed either way. */
		rc = uv_spawn(cd->loop, &m->proc, &opt);
		m->open++;
	}
	dm_argv_free(&argv);
	if (rc) {
		log_error("domain %s: starting %s: %s", m->name, cd->cfg.qemu, uv_strerror(rc));
		m->stopping = m->exited = true;
		/* The handles initialised (their loop set) are closed; m goes with the last. */
		if (m->out.pipe.loop)
			close_handle((uv_handle_t *)&m->out.pipe);
		if (m->err.pipe.loop)
			close_handle((uv_handle_t *)&m->err.pipe);
		if (m->proc.loop)
			close_handle((uv_handle_t *)&m->proc);
		if (!m->open)
			dm_unlink(m);
		device_model_root_remove(cd, d->domid);
		return rc == UV_ENOENT ? -ENOENT : rc == UV_EACCES ? -EACCES : -EIO;
	}
	m->pid = m->proc.pid;
	/* QEMU is still our child (its pid cannot be reused) and runs no guest before "cont". */
	rc = device_model_limits(cd, m->pid);
	if (rc)
		log_warn("domain %s (domid %d): qemu's resource limits: %s", m->name, m->domid,
			 strerror(-rc));
	dm_pid_path(path, sizeof(path), d->domid);
	/* "starting" until QEMU took "cont" (a restarted controld must not adopt it as ready). */
	store_write_str(cd->store, STORE_NO_TXN, path, "%d starting", m->pid);
	uv_read_start((uv_stream_t *)&m->out.pipe, alloc_cb, out_read);
	uv_read_start((uv_stream_t *)&m->err.pipe, alloc_cb, out_read);
	uv_timer_init(cd->loop, &m->timer);
	m->timer.data = m;
	m->open++;
	m->deadline_ms = now_mono_ms() + cd->cfg.qemu_start_timeout_s * 1000ull;
	/* A start that failed this late fails at the first tick, off the caller's stack. */
	m->limits_failed = rc != 0;
	uv_timer_start(&m->timer, poll_tick, DM_POLL_MS, DM_POLL_MS);
	log_info("domain %s (domid %d): qemu started (pid %d)", m->name, m->domid, m->pid);
	return 0;
}

bool device_model_stop(struct controld *cd, int domid)
{
	struct dm *m = dm_find(cd, domid);

	if (!m)
		return false;
	m->destroy_after = true;
	dm_kill(m);
	return true;
}

bool device_model_starting(const struct controld *cd, int domid)
{
	const struct dm *m = dm_find(cd, domid);

	return m && !m->running;
}

int device_model_pid(const struct controld *cd, int domid)
{
	const struct dm *m = dm_find(cd, domid);

	return m && !m->exited ? m->pid : 0;
}

long device_model_console_write(struct controld *cd, int domid, const char *data, size_t len)
{
	struct dm *m = dm_find(cd, domid);
	uv_buf_t b = uv_buf_init((char *)data, (unsigned)len);
	int n;

	if (!m || !m->serial_live)
		return -ENOENT;
	n = uv_try_write((uv_stream_t *)&m->serial, &b, 1);
	return n == UV_EAGAIN ? 0 : n < 0 ? -EIO : n;
}

void device_model_free(struct controld *cd)
{
	for (struct dm *m = cd->dms; m; m = m->next) {
		if (m->destroy_after && !m->exited)
			cd->hv->ops->domain_destroy(cd->hv, (hv_domid_t)m->domid);
		m->stopping = true;
		qmp_close(m);
		serial_close(m);
		if (m->adopted) {
			pidfd_close(m);
		} else {
			close_handle((uv_handle_t *)&m->out.pipe);
			close_handle((uv_handle_t *)&m->err.pipe);
		}
		if (!m->exited) {
			close_handle((uv_handle_t *)&m->timer);
			if (!m->adopted)
				close_handle((uv_handle_t *)&m->proc);
		}
	}
}

/* Whether process pid is QEMU for domid: "-xen-domid\0<domid>\0" in its command line. */
static bool is_qemu_of(int pid, int domid)
{
	char path[64], buf[4096], want[32];
	size_t n, wlen;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	if (!(f = fopen(path, "r")))
		return false;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	wlen = (size_t)snprintf(want, sizeof(want), "-xen-domid%c%d", '\0', domid) + 1;
	for (size_t i = 0; i + wlen <= n; i++)
		if ((i == 0 || buf[i - 1] == '\0') && !memcmp(buf + i, want, wlen))
			return true;
	return false;
}

int device_model_adopt(struct controld *cd, const struct domain *d)
{
	struct dm *m;
	char path[96], *v = NULL;
	bool ready;
	int pid, fd, rc;

	dm_pid_path(path, sizeof(path), d->domid);
	rc = store_read(cd->store, STORE_NO_TXN, path, &v, NULL);
	pid = rc ? 0 : atoi(v);
	ready = !rc && !strchr(v, ' ');
	free(v);
	if (pid <= 0)
		return -ENOENT;
	/* The pidfd first: the process it names cannot be another one later. */
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return -errno;
	if (!is_qemu_of(pid, d->domid) || !(m = calloc(1, sizeof(*m)))) {
		close(fd);
		return -ESRCH;
	}
	m->cd = cd;
	m->domid = d->domid;
	m->pid = pid;
	m->pidfd = fd;
	m->adopted = true;
	m->running = ready;
	str_copy(m->dom_id, d->id, sizeof(m->dom_id));
	str_copy(m->name, domain_name(d), sizeof(m->name));
	device_model_socket(cd, d->domid, "serial", m->sock, sizeof(m->sock));
	m->next = cd->dms;
	cd->dms = m;
	uv_poll_init(cd->loop, &m->pidpoll, fd);
	m->pidpoll.data = m;
	m->open++;
	uv_poll_start(&m->pidpoll, UV_READABLE, on_pidfd);
	uv_timer_init(cd->loop, &m->timer);
	m->timer.data = m;
	m->open++;
	if (ready)
		serial_connect(m);
	log_info("domain %s (domid %d): its qemu (pid %d) adopted", m->name, m->domid, pid);
	return 0;
}
