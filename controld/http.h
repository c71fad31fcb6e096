/* SPDX-License-Identifier: MIT */
/*
 * controld's HTTP server: libmicrohttpd in external-epoll mode, driven from the libuv loop
 * (a uv_poll on MHD's epoll fd plus a uv_timer for its timeouts), so every request is
 * handled on the loop thread. One listener per socket: a Unix socket and optionally TCP
 * (TLS when a certificate is configured). Bodies are buffered up to a limit, then the
 * handler runs once with the whole request; or, for uploads, the begin callback takes the
 * request when its head is in and its body streams to a sink chunk by chunk. Streams (SSE) are read
 * by MHD through a callback and the connection is suspended while a stream has nothing to say.
 */
#ifndef KEEL_CONTROLD_HTTP_H
#define KEEL_CONTROLD_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <uv.h>

#define HTTP_MAX_BODY	 (1u << 20)
#define HTTP_MAX_HEADERS 8

struct http_request {
	const char *method;
	const char *path; /* without the query string */
	const char *body; /* NUL-terminated copy, body_len bytes */
	size_t body_len;
	bool is_unix;	     /* arrived on the local Unix socket */
	int peer_uid;	     /* the Unix peer's uid (SO_PEERCRED); -1 on TCP or unknown */
	char request_id[24]; /* also sent back as X-Request-Id */
	void *conn;	     /* the MHD connection, for http_header/http_query */
	int scope;	     /* filled in by the API layer's authentication */
	char principal[48];  /* who: "unix" or the token id */
};

/*
 * A producer of bytes for a streaming response (SSE). read() returns the bytes copied,
 * 0 when it has nothing now (the connection is suspended until wake() is called), or -1
 * at the end. close() is called once when the connection goes away.
 */
struct http_stream {
	ssize_t (*read)(struct http_stream *st, char *buf, size_t max);
	void (*close)(struct http_stream *st);
	/* Set by the server; the producer calls http_stream_wake() when it has data. */
	void *conn_ctx;
};
void http_stream_wake(struct http_stream *st);

/*
 * Where a streamed request body goes (an image upload): never held in memory. write() gets
 * each chunk as it arrives (a negative errno: the rest is read and dropped); finish() runs
 * once the whole body is in, with the first write error or 0, and fills the response;
 * abort() runs instead when the connection ends first. Either frees the sink.
 */
struct http_response;
struct http_sink {
	int (*write)(struct http_sink *k, const char *data, size_t len);
	void (*finish)(struct http_sink *k, int rc, struct http_response *resp);
	void (*abort)(struct http_sink *k);
};

struct http_response {
	int status;
	char *body; /* malloc'd, owned by the response */
	size_t body_len;
	const char *content_type;
	int nheaders;
	struct {
		const char *name;
		char value[256];
	} headers[HTTP_MAX_HEADERS];
	struct http_stream *stream; /* instead of body */
	int file_fd;		    /* instead of body when file_size is set: sent, then closed */
	uint64_t file_size;
	bool has_file;
};

void http_resp_header(struct http_response *r, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A file to send as the body (fd is closed by the server). */
void http_resp_file(struct http_response *r, int status, const char *content_type, int fd,
		    uint64_t size);
/* Takes ownership of body (malloc'd). */
void http_resp_body(struct http_response *r, int status, const char *content_type, char *body,
		    size_t len);

/* Request accessors; NULL when absent. Header names are case-insensitive. */
const char *http_header(const struct http_request *req, const char *name);
const char *http_query(const struct http_request *req, const char *name);
/* Calls fn for every query argument (to reject unknown ones). */
int http_query_each(const struct http_request *req,
		    int (*fn)(void *arg, const char *key, const char *value), void *arg);

typedef void (*http_handler_fn)(void *opaque, struct http_request *req, struct http_response *resp);
/*
 * Called when a request's head is in (req->body empty): false to buffer the body and call
 * the handler as usual; true to take it: *sink set to stream the body into, or the
 * response filled to answer at once (the body is then not read).
 */
typedef bool (*http_begin_fn)(void *opaque, struct http_request *req, struct http_response *resp,
			      struct http_sink **sink);

struct http_listen {
	const char *unix_path; /* NULL or "" for none */
	const char *tcp_host;  /* NULL or "" for none */
	unsigned tcp_port;
	const char *tls_cert_pem; /* contents, not paths; NULL for plain TCP */
	const char *tls_key_pem;
	unsigned max_connections;   /* TCP; lowered to fit the file descriptor limit */
	unsigned max_per_client;    /* TCP connections per client address (0: no limit) */
	unsigned request_timeout_s; /* a whole request must arrive within this (0: 10 s) */
	bool request_log;
	http_begin_fn begin; /* NULL: every body is buffered */
};

struct http_stats {
	unsigned long long requests;
	unsigned long long by_class[6];	  /* 1xx..5xx */
	unsigned long long latency_le[8]; /* cumulative histogram buckets, see http.c */
	double latency_sum_s;
	unsigned open_streams;
};

struct http_server;
int http_server_start(struct http_server **out, uv_loop_t *loop, const struct http_listen *l,
		      http_handler_fn fn, void *opaque, char *err, size_t errlen);
/* Which port TCP got (useful with port 0 in tests). */
unsigned http_server_tcp_port(const struct http_server *s);
const struct http_stats *http_server_stats(const struct http_server *s);
extern const double http_latency_buckets[8];
/*
 * Stops accepting, ends streams, waits for requests in flight up to timeout_ms, then stops
 * and calls done. The server is freed after done returns.
 */
void http_server_drain(struct http_server *s, unsigned timeout_ms, void (*done)(void *), void *arg);

#endif
