/* SPDX-License-Identifier: MIT */
/* Shared by the server's request handlers. */
#ifndef KEEL_XS_SERVER_INT_H
#define KEEL_XS_SERVER_INT_H

#include "xs_server.h"

struct xs_conn_txn {
	struct xs_conn_txn *next;
	uint32_t id;
	struct xs_txn *t;
};

/* One request being handled. */
struct xs_req {
	struct xs_conn *c;
	struct xs_server *srv;
	const struct xs_hdr *h;
	const char *payload;
	size_t len;
	struct xs_conn_txn *ct; /* the transaction named by tx_id, or NULL */
};

/* Sends a reply with the request's type, req_id and tx_id. */
void xs_reply(struct xs_req *r, const void *data, size_t len);
void xs_reply_str(struct xs_req *r, const char *s); /* with its NUL */
void xs_reply_error(struct xs_conn *c, const struct xs_hdr *h, int err);
/* Sends a WATCH_EVENT (dropped if longer than the protocol allows). */
void xs_send_event(struct xs_conn *c, const char *path, const char *token);

/* The quota applying to a connection (its domain's, or the server's). */
const struct xs_quota *xs_conn_quota(const struct xs_conn *c);

/* The only argument: payload is exactly one NUL-terminated string. */
const char *xs_onearg(const struct xs_req *r);
/* Resolves a path argument for the connection into out (XS_ABS_PATH_MAX + 1 bytes). */
int xs_req_path(struct xs_req *r, const char *arg, bool allow_special, char *out, bool *relative);
unsigned int xs_access(const struct xs_conn *c, const struct xs_node *n);
/* Begins the write transaction of a request: its own, or an implicit one. */
struct xs_txn *xs_req_wtxn(struct xs_req *r);
/* Ends it: commits an implicit transaction (firing watches). */
int xs_req_wdone(struct xs_req *r, struct xs_txn *t, int ret);
/* Fires watches of a committed change (commit callback). */
void xs_fire(void *srv, const struct xs_event *ev);

/* Handlers: 0 when they replied, or a negative errno for the error reply. */
typedef int (*xs_handler)(struct xs_req *r);
int xs_op_read(struct xs_req *r);
int xs_op_directory(struct xs_req *r);
int xs_op_directory_part(struct xs_req *r);
int xs_op_get_perms(struct xs_req *r);
int xs_op_write(struct xs_req *r);
int xs_op_mkdir(struct xs_req *r);
int xs_op_rm(struct xs_req *r);
int xs_op_set_perms(struct xs_req *r);
int xs_op_watch(struct xs_req *r);
int xs_op_unwatch(struct xs_req *r);
int xs_op_txn_start(struct xs_req *r);
int xs_op_txn_end(struct xs_req *r);
int xs_op_reset_watches(struct xs_req *r);
int xs_op_introduce(struct xs_req *r);
int xs_op_release(struct xs_req *r);
int xs_op_resume(struct xs_req *r);
int xs_op_get_domain_path(struct xs_req *r);
int xs_op_is_domain_introduced(struct xs_req *r);
int xs_op_set_target(struct xs_req *r);
int xs_op_control(struct xs_req *r);
int xs_op_get_quota(struct xs_req *r);
int xs_op_set_quota(struct xs_req *r);

/* Drops the connection's transactions. */
void xs_conn_drop_txns(struct xs_conn *c);

#endif
