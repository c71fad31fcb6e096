// SPDX-License-Identifier: MIT
#include "http.h"
#include "http_target.h"
#include "log.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

const double http_latency_buckets[8] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1.0, 1e300};

/* The Unix socket's own connection slots and file descriptors, kept free of TCP clients. */
#define HTTP_UNIX_CONNECTIONS 64
#define HTTP_FD_RESERVE	      (HTTP_UNIX_CONNECTIONS + 64)

/* One per accepted connection (MHD's socket context). */
struct conn_state {
	struct listener *l;
	uint64_t deadline_ms; /* the whole next request must have arrived by then; 0: none */
	int fd;
	bool refused;	     /* answered before parsing: closed at the next sweep */
	struct req_ctx *ctx; /* the request begun on it, until MHD reports it completed */
	struct conn_state *next, *prev;
};

struct listener {
	struct http_server *srv;
	struct MHD_Daemon *d;
	uv_poll_t poll;
	uv_timer_t timer;
	bool is_unix;
	bool tls;
	bool kicked; /* a run is due (set by listener_kick, cleared when MHD runs) */
	int fd;
	struct conn_state *conns;
};

/* Ties a stream to its connection; owned by the MHD response (freed with it). */
struct stream_glue {
	struct http_stream *st;
	struct MHD_Connection *conn;
	struct listener *l;
	bool suspended;
	bool ending;
	struct stream_glue *next, *prev;
};

struct http_server {
	uv_loop_t *loop;
	http_handler_fn fn;
	http_begin_fn begin;
	void *opaque;
	struct listener lst[2];
	int nlst;
	bool request_log;
	bool draining;
	unsigned tcp_port;
	char unix_path[108];
	struct http_stats stats;
	struct stream_glue *streams;
	uv_timer_t drain_timer;
	uint64_t drain_deadline;
	void (*drain_done)(void *);
	void *drain_arg;
	int handles_open;
	unsigned long long next_id;
	char id_prefix[8];
	unsigned inflight; /* requests begun and not completed (streams included) */
	unsigned request_timeout_ms;
	uv_timer_t sweep_timer; /* closes connections past their request deadline */
};

struct req_ctx {
	char *buf;
	size_t len;
	struct http_sink *sink; /* a streamed body goes here instead of buf */
	int sink_rc;
	bool begun;    /* the handler has seen the request head */
	bool answered; /* refused before MHD parsed the target; the connection closes */
	bool too_big;
	enum http_target_verdict target;
	uint64_t start_ms;
	int status;
	size_t sent;
	char request_id[24];
	char principal[48];
	char method[12];
	char path[200];
};

static void listener_kick(struct listener *l);
static void on_timer(uv_timer_t *t);

void http_resp_header(struct http_response *r, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (r->nheaders >= HTTP_MAX_HEADERS)
		return;
	r->headers[r->nheaders].name = name;
	va_start(ap, fmt);
	vsnprintf(r->headers[r->nheaders].value, sizeof(r->headers[0].value), fmt, ap);
	va_end(ap);
	r->nheaders++;
}

void http_resp_file(struct http_response *r, int status, const char *content_type, int fd,
		    uint64_t size)
{
	r->status = status;
	r->content_type = content_type;
	r->file_fd = fd;
	r->file_size = size;
	r->has_file = true;
}

void http_resp_body(struct http_response *r, int status, const char *content_type, char *body,
		    size_t len)
{
	free(r->body);
	r->status = status;
	r->content_type = content_type;
	r->body = body;
	r->body_len = len;
}

const char *http_header(const struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_query(const struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct query_iter {
	int (*fn)(void *arg, const char *key, const char *value);
	void *arg;
	int rc;
};

static enum MHD_Result query_iter_cb(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	struct query_iter *it = cls;

	(void)kind;
	it->rc = it->fn(it->arg, key, value ? value : "");
	return it->rc ? MHD_NO : MHD_YES;
}

int http_query_each(const struct http_request *req,
		    int (*fn)(void *arg, const char *key, const char *value), void *arg)
{
	struct query_iter it = {fn, arg, 0};

	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, query_iter_cb, &it);
	return it.rc;
}

/* --- streams --- */

static ssize_t stream_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream_glue *g = cls;
	ssize_t n;

	(void)pos;
	if (g->ending)
		return MHD_CONTENT_READER_END_OF_STREAM;
	n = g->st->read(g->st, buf, max);
	if (n < 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n == 0) {
		/* Nothing to send: park the connection until the producer wakes it. */
		g->suspended = true;
		MHD_suspend_connection(g->conn);
	}
	return n;
}

static void stream_free(void *cls)
{
	struct stream_glue *g = cls;
	struct http_server *s = g->l->srv;

	if (g->prev)
		g->prev->next = g->next;
	else
		s->streams = g->next;
	if (g->next)
		g->next->prev = g->prev;
	s->stats.open_streams--;
	g->st->conn_ctx = NULL;
	g->st->close(g->st);
	free(g);
}

void http_stream_wake(struct http_stream *st)
{
	struct stream_glue *g = st->conn_ctx;

	if (!g || !g->suspended)
		return;
	g->suspended = false;
	MHD_resume_connection(g->conn);
	listener_kick(g->l);
}

/* --- requests --- */

static void next_request_id(struct http_server *s, char out[24])
{
	snprintf(out, 24, "%s-%llx", s->id_prefix, ++s->next_id);
}

static int conn_fd(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);

	return ci ? ci->connect_fd : -1;
}

static struct conn_state *conn_state_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

static enum MHD_Result queue_response(struct listener *l, struct MHD_Connection *conn,
				      struct req_ctx *ctx, struct http_response *r)
{
	struct MHD_Response *mr;
	enum MHD_Result ret;
	struct conn_state *cs = conn_state_of(conn);

	if (cs)
		cs->deadline_ms = 0;
	if (r->stream) {
		struct stream_glue *g = calloc(1, sizeof(*g));
		if (!g) {
			r->stream->close(r->stream);
			return MHD_NO;
		}
		g->st = r->stream;
		g->conn = conn;
		g->l = l;
		r->stream->conn_ctx = g;
		mr = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, stream_reader, g,
						       stream_free);
		if (!mr) {
			r->stream->close(r->stream);
			free(g);
			return MHD_NO;
		}
		g->next = l->srv->streams;
		if (g->next)
			g->next->prev = g;
		l->srv->streams = g;
		l->srv->stats.open_streams++;
	} else if (r->has_file) {
		mr = MHD_create_response_from_fd64(r->file_size, r->file_fd);
		if (!mr) {
			close(r->file_fd);
			return MHD_NO;
		}
		ctx->sent = r->file_size;
	} else {
		mr = MHD_create_response_from_buffer(r->body_len, r->body ? r->body : (char *)"",
						     r->body ? MHD_RESPMEM_MUST_FREE
							     : MHD_RESPMEM_PERSISTENT);
		if (!mr) {
			free(r->body);
			return MHD_NO;
		}
		ctx->sent = r->body_len;
	}
	r->body = NULL;
	if (r->content_type)
		MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
	for (int i = 0; i < r->nheaders; i++)
		MHD_add_response_header(mr, r->headers[i].name, r->headers[i].value);
	MHD_add_response_header(mr, "X-Request-Id", ctx->request_id);
	ctx->status = r->status;
	ret = MHD_queue_response(conn, (unsigned)r->status, mr);
	MHD_destroy_response(mr);
	return ret;
}

/* The problem+json body of a refusal made before routing (detail has no quotes). */
static int refusal_body(char *buf, size_t size, int status, const char *detail)
{
	const char *type = status == 413   ? "payload-too-large"
			   : status == 414 ? "uri-too-long"
					   : "bad-request";
	const char *title = status == 413   ? "Request body too large"
			    : status == 414 ? "Request target too long"
					    : "Bad request";

	return snprintf(buf, size,
			"{\"type\":\"urn:keel:problem:%s\",\"title\":\"%s\",\"status\":%d,"
			"\"detail\":\"%s\"}",
			type, title, status, detail);
}

static enum MHD_Result simple_error(struct listener *l, struct MHD_Connection *conn,
				    struct req_ctx *ctx, int status, const char *detail)
{
	struct http_response r = {0};
	char *body = malloc(512);
	int n = body ? refusal_body(body, 512, status, detail) : -1;

	if (n < 0 || n >= 512) {
		free(body);
		return MHD_NO;
	}
	http_resp_body(&r, status, "application/problem+json", body, (size_t)n);
	return queue_response(l, conn, ctx, &r);
}

/*
 * Answers a target that libmicrohttpd must not parse: it stores every query parameter in
 * the connection's memory pool and, when that runs out, closes the connection without a
 * response. The response is written before MHD parses anything, then the write side is
 * shut so that nothing MHD sends afterwards reaches the client.
 */
static void refuse_unparsed(struct listener *l, struct MHD_Connection *conn, struct req_ctx *ctx)
{
	char body[512], msg[1024];
	int status = http_target_status(ctx->target);
	int fd = conn_fd(conn), blen, n;
	ssize_t sent = -1;

	blen = refusal_body(body, sizeof(body), status, http_target_reason(ctx->target));
	n = snprintf(msg, sizeof(msg),
		     "HTTP/1.1 %d %s\r\nContent-Type: application/problem+json\r\n"
		     "Content-Length: %d\r\nX-Request-Id: %s\r\nConnection: close\r\n\r\n%s",
		     status, status == 414 ? "URI Too Long" : "Bad Request", blen, ctx->request_id,
		     body);
	if (l->tls) {
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
		if (ci && ci->tls_session)
			sent = gnutls_record_send(ci->tls_session, msg, (size_t)n);
	} else if (fd >= 0) {
		sent = send(fd, msg, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
	}
	if (fd >= 0)
		shutdown(fd, SHUT_WR);
	ctx->answered = true;
	ctx->status = status;
	ctx->sent = sent > 0 ? (size_t)blen : 0;
}

/* The raw target, as the client sent it: the request's log line shows it, not a decoding. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct listener *l = cls;
	struct http_server *s = l->srv;
	struct req_ctx *ctx = calloc(1, sizeof(*ctx));
	struct conn_state *cs = conn_state_of(conn);
	size_t n;

	if (!ctx)
		return NULL;
	s->inflight++;
	ctx->start_ms = now_mono_ms();
	next_request_id(s, ctx->request_id);
	str_copy(ctx->method, "-", sizeof(ctx->method));
	str_copy(ctx->principal, "-", sizeof(ctx->principal));
	n = strcspn(uri, "?");
	if (n >= sizeof(ctx->path))
		n = sizeof(ctx->path) - 1;
	for (size_t i = 0; i < n; i++)
		ctx->path[i] = (uri[i] > 0x20 && uri[i] < 0x7f) ? uri[i] : '?';
	ctx->target = http_target_check(uri);
	if (cs)
		cs->ctx = ctx;
	if (ctx->target == HTTP_TARGET_TOO_LONG || ctx->target == HTTP_TARGET_TOO_MANY_PARAMS) {
		refuse_unparsed(l, conn, ctx);
		if (cs) {
			cs->refused = true;
			cs->deadline_ms = now_mono_ms();
		}
	}
	return ctx;
}

static enum MHD_Result header_check_cb(void *cls, enum MHD_ValueKind kind, const char *key,
				       const char *value)
{
	bool *bad = cls;

	(void)kind;
	if (!http_field_value_ok(key) || (value && !http_field_value_ok(value))) {
		*bad = true;
		return MHD_NO;
	}
	return MHD_YES;
}

static bool headers_ok(struct MHD_Connection *conn)
{
	bool bad = false;

	MHD_get_connection_values(conn, MHD_HEADER_KIND, header_check_cb, &bad);
	return !bad;
}

static int peer_uid(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (!ci || getsockopt(ci->connect_fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return -1;
	return (int)cred.uid;
}

static void fill_request(struct listener *l, struct MHD_Connection *conn, struct req_ctx *ctx,
			 const char *method, const char *url, struct http_request *req)
{
	memset(req, 0, sizeof(*req));
	req->method = method;
	req->path = url;
	req->body = ctx->buf ? ctx->buf : "";
	req->body_len = ctx->len;
	req->is_unix = l->is_unix;
	req->peer_uid = l->is_unix ? peer_uid(conn) : -1;
	req->conn = conn;
	memcpy(req->request_id, ctx->request_id, sizeof(req->request_id));
}

/* The begin callback's turn, with the request's head: true when it took the request. */
static bool begin_stream(struct listener *l, struct MHD_Connection *conn, struct req_ctx *ctx,
			 const char *method, const char *url, enum MHD_Result *ret)
{
	struct http_server *s = l->srv;
	struct http_request req;
	struct http_response resp;
	struct http_sink *sink = NULL;

	memset(&resp, 0, sizeof(resp));
	fill_request(l, conn, ctx, method, url, &req);
	if (!s->begin(s->opaque, &req, &resp, &sink))
		return false;
	str_copy(ctx->principal, req.principal[0] ? req.principal : "-", sizeof(ctx->principal));
	if (sink) {
		ctx->sink = sink;
		*ret = MHD_YES;
	} else {
		*ret = queue_response(l, conn, ctx, &resp);
	}
	return true;
}

/* A chunk of a streamed body; its connection's deadline moves on (an upload in progress is
 * not a slow client). */
static void sink_chunk(struct listener *l, struct MHD_Connection *conn, struct req_ctx *ctx,
		       const char *data, size_t n)
{
	struct conn_state *cs = conn_state_of(conn);

	if (!ctx->sink_rc)
		ctx->sink_rc = ctx->sink->write(ctx->sink, data, n);
	if (cs && cs->deadline_ms)
		cs->deadline_ms = now_mono_ms() + l->srv->request_timeout_ms;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct listener *l = cls;
	struct http_server *s = l->srv;
	struct req_ctx *ctx = *con_cls;
	struct http_request req;
	struct http_response resp;
	enum MHD_Result ret;

	(void)version;
	if (!ctx)
		return MHD_NO; /* out of memory when the request line arrived */
	if (!ctx->begun) {
		const char *cl;

		ctx->begun = true;
		str_copy(ctx->method, method, sizeof(ctx->method));
		if (ctx->answered)
			return MHD_NO; /* refused already; close */
		if (ctx->target != HTTP_TARGET_OK)
			return simple_error(l, conn, ctx, http_target_status(ctx->target),
					    http_target_reason(ctx->target));
		if (!headers_ok(conn))
			return simple_error(l, conn, ctx, 400,
					    "a header field contains a control character");
		if (s->begin && begin_stream(l, conn, ctx, method, url, &ret))
			return ret;
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > HTTP_MAX_BODY) {
			ctx->too_big = true;
			return simple_error(l, conn, ctx, 413, "the limit is 1 MiB");
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		if (ctx->sink) {
			sink_chunk(l, conn, ctx, upload_data, n);
			return MHD_YES;
		}
		if (ctx->too_big || ctx->len + n > HTTP_MAX_BODY) {
			ctx->too_big = true;
			return MHD_YES;
		}
		char *nb = realloc(ctx->buf, ctx->len + n + 1);
		if (!nb)
			return MHD_NO;
		ctx->buf = nb;
		memcpy(ctx->buf + ctx->len, upload_data, n);
		ctx->len += n;
		ctx->buf[ctx->len] = '\0';
		return MHD_YES;
	}
	if (ctx->too_big)
		return simple_error(l, conn, ctx, 413, "the limit is 1 MiB");

	memset(&resp, 0, sizeof(resp));
	if (ctx->sink) {
		struct http_sink *k = ctx->sink;
		ctx->sink = NULL;
		k->finish(k, ctx->sink_rc, &resp);
		return queue_response(l, conn, ctx, &resp);
	}
	fill_request(l, conn, ctx, method, url, &req);
	if (memchr(req.body, '\0', req.body_len))
		return simple_error(l, conn, ctx, 400, "the request body contains a NUL byte");
	s->fn(s->opaque, &req, &resp);
	str_copy(ctx->principal, req.principal[0] ? req.principal : "-", sizeof(ctx->principal));
	ret = queue_response(l, conn, ctx, &resp);
	return ret;
}

/* Counts and logs a request that is over, answered or not, and frees it. */
static void request_finish(struct listener *l, struct MHD_Connection *conn, struct req_ctx *ctx)
{
	struct http_server *s = l->srv;
	double secs;
	unsigned cls_idx;

	s->inflight--;
	secs = (double)(now_mono_ms() - ctx->start_ms) / 1000.0;
	s->stats.requests++;
	cls_idx = ctx->status >= 100 && ctx->status < 600 ? (unsigned)ctx->status / 100 : 0;
	s->stats.by_class[cls_idx]++;
	s->stats.latency_sum_s += secs;
	for (unsigned i = 0; i < ARRAY_SIZE(http_latency_buckets); i++)
		if (secs <= http_latency_buckets[i])
			s->stats.latency_le[i]++;
	if (s->request_log) {
		char peer[64] = "unix";
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (!l->is_unix && ci && ci->client_addr) {
			const struct sockaddr *sa = ci->client_addr;
			if (sa->sa_family == AF_INET)
				inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
					  peer, sizeof(peer));
			else if (sa->sa_family == AF_INET6)
				inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
					  peer, sizeof(peer));
		}
		log_info("%s %s %03d %zu %.1fms peer=%s who=%s id=%s", ctx->method, ctx->path,
			 ctx->status, ctx->sent, secs * 1000.0, peer, ctx->principal,
			 ctx->request_id);
	}
	/* The connection ended before the whole body of a streamed request arrived. */
	if (ctx->sink)
		ctx->sink->abort(ctx->sink);
	free(ctx->buf);
	free(ctx);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct listener *l = cls;
	struct req_ctx *ctx = *con_cls;
	struct conn_state *cs = conn_state_of(conn);

	(void)toe;
	if (cs) {
		cs->deadline_ms = now_mono_ms() + l->srv->request_timeout_ms;
		cs->ctx = NULL;
	}
	if (!ctx)
		return;
	*con_cls = NULL;
	request_finish(l, conn, ctx);
}

/* --- the MHD daemon on the uv loop --- */

/*
 * MHD_get_timeout does not count connections resumed while MHD_run was running (a stream
 * woken by a request on this listener): only the next MHD_run moves them to its ready
 * list. Its answer must not replace a kick made during the run, or a resumed stream waits
 * for the next timeout of any other connection (an idle one: a minute).
 */
static void listener_run(struct listener *l)
{
	MHD_UNSIGNED_LONG_LONG t;

	if (!l->d)
		return;
	l->kicked = false;
	MHD_run(l->d);
	if (l->kicked)
		return;
	if (MHD_get_timeout(l->d, &t) == MHD_YES)
		uv_timer_start(&l->timer, on_timer, t, 0);
	else
		uv_timer_stop(&l->timer);
}

static void on_timer(uv_timer_t *t)
{
	listener_run(t->data);
}

static void listener_kick(struct listener *l)
{
	l->kicked = true;
	uv_timer_start(&l->timer, on_timer, 0, 0);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct listener *l = cls;
	struct conn_state *cs = *socket_context;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		cs = calloc(1, sizeof(*cs));
		if (!cs)
			return; /* this connection just has no deadline */
		cs->l = l;
		cs->fd = conn_fd(conn);
		cs->deadline_ms = now_mono_ms() + l->srv->request_timeout_ms;
		cs->next = l->conns;
		if (cs->next)
			cs->next->prev = cs;
		l->conns = cs;
		*socket_context = cs;
	} else if (cs) {
		/* MHD drops a request whose query overflowed its pool without reporting it. */
		if (cs->ctx)
			request_finish(l, conn, cs->ctx);
		if (cs->prev)
			cs->prev->next = cs->next;
		else
			l->conns = cs->next;
		if (cs->next)
			cs->next->prev = cs->prev;
		free(cs);
		*socket_context = NULL;
	}
}

/*
 * A request must arrive whole within request_timeout of the connection or of the previous
 * response: MHD's own timeout restarts with every byte, so a client sending a header line
 * every few seconds would keep its slot for ever. Late connections are shut down (MHD then
 * sees the end of the stream and closes them).
 */
static void on_sweep(uv_timer_t *t)
{
	struct http_server *s = t->data;
	uint64_t now = now_mono_ms();
	unsigned late = 0;

	for (int i = 0; i < s->nlst; i++) {
		struct listener *l = &s->lst[i];
		bool shut = false;

		if (!l->d)
			continue;
		for (struct conn_state *cs = l->conns; cs; cs = cs->next) {
			if (!cs->deadline_ms || now < cs->deadline_ms || cs->fd < 0)
				continue;
			cs->deadline_ms = 0;
			shutdown(cs->fd, SHUT_RDWR);
			late += !cs->refused;
			shut = true;
		}
		if (shut)
			listener_kick(l);
	}
	if (late)
		log_info("closed %u connection%s that sent no whole request within "
			 "request_timeout (%u s)",
			 late, late == 1 ? "" : "s", s->request_timeout_ms / 1000);
}

static void on_poll(uv_poll_t *p, int status, int events)
{
	(void)status;
	(void)events;
	listener_run(p->data);
}

static int make_unix_socket(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd, rc;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "unix socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	str_copy(sa.sun_path, path, sizeof(sa.sun_path));
	/* Outside systemd (no RuntimeDirectory) /run/keel may not exist yet: make it root's. */
	char *slash = strrchr(sa.sun_path, '/');
	if (slash && slash != sa.sun_path) {
		*slash = '\0';
		if (mkdir(sa.sun_path, 0700) && errno != EEXIST)
			log_warn("creating %s: %s", sa.sun_path, strerror(errno));
		*slash = '/';
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		goto fail;
	/* A socket file left by a previous run is stale: nothing listens there now. */
	unlink(path);
	/* Only root (the socket's owner) may connect: Unix callers are trusted as admin. */
	mode_t old = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc || listen(fd, 128))
		goto fail;
	return fd;
fail:
	rc = -errno;
	snprintf(err, errlen, "unix socket %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

static int make_tcp_socket(const char *host, unsigned port, unsigned *bound, char *err,
			   size_t errlen)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
	struct addrinfo *ai = NULL;
	char portstr[8];
	int fd = -1, rc, one = 1;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	snprintf(portstr, sizeof(portstr), "%u", port);
	rc = getaddrinfo(host, portstr, &hints, &ai);
	if (rc) {
		snprintf(err, errlen, "listen address %s: %s", host, gai_strerror(rc));
		return -EINVAL;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 511))
		goto fail;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl))
		goto fail;
	*bound = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						: ((struct sockaddr_in *)&ss)->sin_port);
	freeaddrinfo(ai);
	return fd;
fail:
	rc = -errno;
	snprintf(err, errlen, "listen on %s:%u: %s", host, port, strerror(errno));
	if (fd >= 0)
		close(fd);
	freeaddrinfo(ai);
	return rc;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	/* Requests MHD refuses itself (a head larger than its memory pool) get a line too. */
	if (!strncmp(msg, "Error processing request", 24))
		log_info("microhttpd: %s", msg);
	else
		log_debug("microhttpd: %s", msg);
}

static int listener_start(struct http_server *s, struct listener *l, int fd, bool is_unix,
			  const struct http_listen *cfg, unsigned limit, char *err, size_t errlen)
{
	unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	const union MHD_DaemonInfo *info;
	bool tls = !is_unix && cfg->tls_cert_pem && cfg->tls_key_pem;

	l->srv = s;
	l->is_unix = is_unix;
	l->tls = tls;
	l->fd = fd;
	if (tls)
		flags |= MHD_USE_TLS;
	/* Unix callers all share one "address": only TCP clients are counted per address. */
	l->d = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, l, MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, l, MHD_OPTION_NOTIFY_CONNECTION,
	    on_connection, l, MHD_OPTION_URI_LOG_CALLBACK, on_uri, l, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)60, MHD_OPTION_CONNECTION_LIMIT, limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    is_unix ? 0u : cfg->max_per_client, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
	    MHD_OPTION_HTTPS_MEM_KEY, tls ? cfg->tls_key_pem : NULL, MHD_OPTION_HTTPS_MEM_CERT,
	    tls ? cfg->tls_cert_pem : NULL, MHD_OPTION_END);
	if (!l->d) {
		snprintf(err, errlen, "libmicrohttpd refused to start on the %s listener%s",
			 is_unix ? "unix" : "tcp",
			 tls ? " (check the TLS certificate and key)" : "");
		close(fd);
		return -EINVAL;
	}
	info = MHD_get_daemon_info(l->d, MHD_DAEMON_INFO_EPOLL_FD);
	uv_poll_init(s->loop, &l->poll, info->epoll_fd);
	uv_timer_init(s->loop, &l->timer);
	l->poll.data = l;
	l->timer.data = l;
	s->handles_open += 2;
	uv_poll_start(&l->poll, UV_READABLE, on_poll);
	listener_kick(l);
	return 0;
}

/*
 * TCP clients may hold at most the descriptors left after the Unix listener's slots and
 * the daemon's own files: the admin's socket must answer while TCP is full.
 */
static unsigned tcp_connection_limit(unsigned wanted)
{
	struct rlimit rl;
	unsigned avail;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return wanted;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 1000000)
		return wanted;
	avail = rl.rlim_cur > HTTP_FD_RESERVE + 16 ? (unsigned)rl.rlim_cur - HTTP_FD_RESERVE : 16;
	if (avail >= wanted)
		return wanted;
	log_warn("max_connections %u lowered to %u: the file descriptor limit is %llu and %u "
		 "are kept for the Unix socket and the daemon",
		 wanted, avail, (unsigned long long)rl.rlim_cur, HTTP_FD_RESERVE);
	return avail;
}

int http_server_start(struct http_server **out, uv_loop_t *loop, const struct http_listen *cfg,
		      http_handler_fn fn, void *opaque, char *err, size_t errlen)
{
	struct http_server *s = calloc(1, sizeof(*s));
	uint8_t rnd[3];
	int fd, rc;

	if (!s)
		return -ENOMEM;
	s->loop = loop;
	s->fn = fn;
	s->begin = cfg->begin;
	s->opaque = opaque;
	s->request_log = cfg->request_log;
	s->request_timeout_ms = (cfg->request_timeout_s ? cfg->request_timeout_s : 10) * 1000;
	random_bytes(rnd, sizeof(rnd));
	hex_encode(rnd, sizeof(rnd), s->id_prefix);
	uv_timer_init(loop, &s->drain_timer);
	s->drain_timer.data = s;
	if (cfg->unix_path && *cfg->unix_path) {
		fd = make_unix_socket(cfg->unix_path, err, errlen);
		if (fd < 0) {
			rc = fd;
			goto fail;
		}
		str_copy(s->unix_path, cfg->unix_path, sizeof(s->unix_path));
		rc = listener_start(s, &s->lst[s->nlst], fd, true, cfg, HTTP_UNIX_CONNECTIONS, err,
				    errlen);
		if (rc)
			goto fail;
		s->nlst++;
	}
	if (cfg->tcp_host && *cfg->tcp_host) {
		fd = make_tcp_socket(cfg->tcp_host, cfg->tcp_port, &s->tcp_port, err, errlen);
		if (fd < 0) {
			rc = fd;
			goto fail;
		}
		rc = listener_start(s, &s->lst[s->nlst], fd, false, cfg,
				    tcp_connection_limit(cfg->max_connections), err, errlen);
		if (rc)
			goto fail;
		s->nlst++;
	}
	if (!s->nlst) {
		snprintf(err, errlen, "no listener configured (set unix_socket or listen)");
		rc = -EINVAL;
		goto fail;
	}
	uv_timer_init(loop, &s->sweep_timer);
	s->sweep_timer.data = s;
	uv_timer_start(&s->sweep_timer, on_sweep, 250, 250);
	uv_unref((uv_handle_t *)&s->sweep_timer);
	s->handles_open++;
	*out = s;
	return 0;
fail:
	/* Startup failures end the process; the loop is not run again. */
	for (int i = 0; i < s->nlst; i++)
		MHD_stop_daemon(s->lst[i].d);
	free(s);
	return rc;
}

unsigned http_server_tcp_port(const struct http_server *s)
{
	return s->tcp_port;
}

const struct http_stats *http_server_stats(const struct http_server *s)
{
	return &s->stats;
}

static void server_handle_closed(struct http_server *s)
{
	if (--s->handles_open == 0) {
		void (*done)(void *) = s->drain_done;
		void *arg = s->drain_arg;
		free(s);
		done(arg);
	}
}

static void on_listener_handle_closed(uv_handle_t *h)
{
	server_handle_closed(((struct listener *)h->data)->srv);
}

static void on_drain_timer_closed(uv_handle_t *h)
{
	server_handle_closed(h->data);
}

static void drain_finish(struct http_server *s)
{
	for (int i = 0; i < s->nlst; i++) {
		struct listener *l = &s->lst[i];
		MHD_stop_daemon(l->d);
		l->d = NULL;
		uv_close((uv_handle_t *)&l->poll, on_listener_handle_closed);
		uv_close((uv_handle_t *)&l->timer, on_listener_handle_closed);
	}
	uv_close((uv_handle_t *)&s->drain_timer, on_drain_timer_closed);
	uv_close((uv_handle_t *)&s->sweep_timer, on_drain_timer_closed);
}

static void on_drain_tick(uv_timer_t *t)
{
	struct http_server *s = t->data;

	/* Idle keep-alive connections do not hold the exit up: MHD_stop_daemon closes them. */
	if (s->inflight && now_mono_ms() < s->drain_deadline)
		return;
	if (s->inflight)
		log_warn("drain: %u requests still in flight at the deadline; closing them",
			 s->inflight);
	uv_timer_stop(t);
	drain_finish(s);
}

void http_server_drain(struct http_server *s, unsigned timeout_ms, void (*done)(void *), void *arg)
{
	if (s->draining)
		return;
	s->draining = true;
	s->drain_done = done;
	s->drain_arg = arg;
	s->handles_open++; /* the drain timer */
	for (int i = 0; i < s->nlst; i++) {
		int fd = MHD_quiesce_daemon(s->lst[i].d);
		if (fd >= 0)
			close(fd);
	}
	if (s->unix_path[0])
		unlink(s->unix_path);
	/* Streams never end by themselves: end them now so their connections can close. */
	for (struct stream_glue *g = s->streams; g; g = g->next) {
		g->ending = true;
		if (g->suspended) {
			g->suspended = false;
			MHD_resume_connection(g->conn);
		}
	}
	for (int i = 0; i < s->nlst; i++)
		listener_kick(&s->lst[i]);
	s->drain_deadline = now_mono_ms() + timeout_ms;
	uv_timer_start(&s->drain_timer, on_drain_tick, 20, 20);
}
