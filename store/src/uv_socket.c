// SPDX-License-Identifier: MIT
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "uv_socket.h"

/* The flush loop's fields first: one cache line per client when 1000 get a watch event. */
struct sock_client {
	struct xs_uv_listener *l;
	struct xs_conn *conn;
	struct sock_client *next_dirty;
	bool dirty, closing, writing;
	uv_pipe_t pipe;
	uv_write_t wr;
	struct xs_buf inflight; /* bytes handed to uv_write, stable until it completes */
};

static void client_closed(uv_handle_t *h)
{
	struct sock_client *cl = h->data;

	if (cl->conn)
		xs_conn_free(cl->conn);
	xs_buf_free(&cl->inflight);
	cl->l->nclients--;
	free(cl);
}

static void client_close(struct sock_client *cl)
{
	if (cl->closing)
		return;
	cl->closing = true;
	if (cl->conn)
		cl->conn->dead = true;
	/* Off the dirty list: nothing more will be written. */
	for (struct sock_client **pp = &cl->l->dirty, *prev = NULL; *pp;
	     prev = *pp, pp = &(*pp)->next_dirty) {
		if (*pp == cl) {
			*pp = cl->next_dirty;
			if (cl->l->dirty_tail == cl)
				cl->l->dirty_tail = prev;
			break;
		}
	}
	cl->dirty = false;
	uv_close((uv_handle_t *)&cl->pipe, client_closed);
}

/*
 * Connections are flushed in the order they got something to send: a write's watch events
 * (fired during its commit) go out before its acknowledgement, so once a writer has its
 * reply every watcher has been sent its event, and no connection waits behind later ones.
 */
static void mark_dirty(struct sock_client *cl)
{
	struct xs_uv_listener *l = cl->l;

	if (cl->dirty || cl->closing)
		return;
	cl->dirty = true;
	cl->next_dirty = NULL;
	if (l->dirty_tail)
		l->dirty_tail->next_dirty = cl;
	else
		l->dirty = cl;
	l->dirty_tail = cl;
}

static void flush_client(struct sock_client *cl);

static void write_done(uv_write_t *wr, int status)
{
	struct sock_client *cl = wr->data;

	cl->writing = false;
	xs_buf_consume(&cl->inflight, cl->inflight.len);
	if (status < 0) {
		client_close(cl);
		return;
	}
	if (cl->conn && cl->conn->out.len)
		mark_dirty(cl);
}

static void flush_client(struct sock_client *cl)
{
	struct xs_buf *out = &cl->conn->out;
	uv_buf_t b;
	int n;

	if (cl->writing || !out->len || cl->closing)
		return;
	b = uv_buf_init((char *)xs_buf_head(out), (unsigned int)out->len);
	n = uv_try_write((uv_stream_t *)&cl->pipe, &b, 1);
	if (n == UV_EAGAIN)
		n = 0;
	if (n < 0) {
		client_close(cl);
		return;
	}
	xs_conn_sent(cl->conn, (size_t)n);
	if (!out->len)
		return;
	/* The rest goes asynchronously from a buffer of its own. */
	if (xs_buf_put(&cl->inflight, xs_buf_head(out), out->len)) {
		client_close(cl);
		return;
	}
	xs_conn_sent(cl->conn, out->len);
	b = uv_buf_init((char *)xs_buf_head(&cl->inflight), (unsigned int)cl->inflight.len);
	cl->wr.data = cl;
	cl->writing = true;
	if (uv_write(&cl->wr, (uv_stream_t *)&cl->pipe, &b, 1, write_done) < 0) {
		cl->writing = false;
		client_close(cl);
	}
}

static void flush_all(uv_check_t *h)
{
	struct xs_uv_listener *l = h->data;

	while (l->dirty) {
		struct sock_client *cl = l->dirty;

		l->dirty = cl->next_dirty;
		if (!l->dirty)
			l->dirty_tail = NULL;
		cl->dirty = false;
		flush_client(cl);
	}
}

static void sock_kick(struct xs_conn *c)
{
	mark_dirty(c->tp_data);
}

static void sock_close(struct xs_conn *c)
{
	client_close(c->tp_data);
}

static const struct xs_transport sock_transport = {
    .kick = sock_kick,
    .close = sock_close,
};

static void alloc_buf(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	static char space[65536];

	(void)h;
	(void)suggested;
	*buf = uv_buf_init(space, sizeof(space));
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct sock_client *cl = s->data;

	if (nread < 0) {
		client_close(cl);
		return;
	}
	if (nread > 0 && xs_conn_input(cl->conn, buf->base, (size_t)nread) < 0)
		client_close(cl);
}

static void on_connection(uv_stream_t *server, int status)
{
	struct xs_uv_listener *l = server->data;
	struct sock_client *cl;

	if (status < 0)
		return;
	cl = calloc(1, sizeof(*cl));
	if (!cl)
		return;
	cl->l = l;
	xs_buf_init(&cl->inflight);
	uv_pipe_init(server->loop, &cl->pipe, 0);
	cl->pipe.data = cl;
	l->nclients++;
	if (uv_accept(server, (uv_stream_t *)&cl->pipe) < 0) {
		uv_close((uv_handle_t *)&cl->pipe, client_closed);
		return;
	}
	cl->conn = xs_conn_new(l->srv, &sock_transport, cl, 0, true);
	if (!cl->conn) {
		client_close(cl);
		return;
	}
	uv_read_start((uv_stream_t *)&cl->pipe, alloc_buf, on_read);
}

static int make_dir(const char *path)
{
	char *copy = strdup(path), *dir;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	dir = dirname(copy);
	if (strcmp(dir, ".") && strcmp(dir, "/") && mkdir(dir, 0755) && errno != EEXIST)
		ret = -errno;
	free(copy);
	return ret;
}

int xs_uv_listen(uv_loop_t *loop, struct xs_uv_listener *l, struct xs_server *srv, const char *path,
		 char *err, size_t errsz)
{
	struct stat sb;
	int ret;

	memset(l, 0, sizeof(*l));
	l->srv = srv;
	ret = make_dir(path);
	if (ret) {
		snprintf(err, errsz, "cannot create the directory of %s: %s", path, strerror(-ret));
		return ret;
	}
	/* A socket left by a previous run is replaced; any other file is not ours. */
	if (!lstat(path, &sb)) {
		if (!S_ISSOCK(sb.st_mode)) {
			snprintf(err, errsz, "%s exists and is not a socket", path);
			return -EEXIST;
		}
		unlink(path);
	}
	uv_pipe_init(loop, &l->pipe, 0);
	l->pipe.data = l;
	ret = uv_pipe_bind(&l->pipe, path);
	if (!ret)
		ret = chmod(path, 0600) ? uv_translate_sys_error(errno) : 0;
	if (!ret)
		ret = uv_listen((uv_stream_t *)&l->pipe, 128, on_connection);
	if (ret) {
		snprintf(err, errsz, "cannot listen on %s: %s", path, uv_strerror(ret));
		uv_close((uv_handle_t *)&l->pipe, NULL);
		return ret;
	}
	uv_check_init(loop, &l->flusher);
	l->flusher.data = l;
	uv_check_start(&l->flusher, flush_all);
	return 0;
}

static void close_walk(uv_handle_t *h, void *arg)
{
	struct xs_uv_listener *l = arg;

	if (uv_is_closing(h))
		return;
	if (h == (uv_handle_t *)&l->pipe || h == (uv_handle_t *)&l->flusher)
		uv_close(h, NULL);
	else if (h->type == UV_NAMED_PIPE && h->data)
		client_close(h->data);
}

void xs_uv_close_all(struct xs_uv_listener *l)
{
	uv_walk(l->pipe.loop, close_walk, l);
}
