/* SPDX-License-Identifier: MIT */
/*
 * The xenstore server: connections (whatever carries their bytes), their requests, the
 * domains known to it and their quotas. Transports feed bytes in with xs_conn_input and
 * drain replies from conn->out when kicked. Single-threaded: one event loop drives it.
 */
#ifndef KEEL_XS_SERVER_H
#define KEEL_XS_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xs_buf.h"
#include "xs_store.h"
#include "xs_watch.h"
#include "xs_wire.h"

/* Limits on unprivileged domains; 0 disables one. Defaults are Xen's. */
struct xs_quota {
	unsigned int nodes;	   /* nodes owned by a domain */
	unsigned int watches;	   /* watches per connection */
	unsigned int transactions; /* open transactions per connection */
	unsigned int node_size;	   /* bytes of value + permissions of a node */
	unsigned int perms;	   /* permission entries per node */
	unsigned int outstanding;  /* replies queued but not yet taken by the client */
	unsigned int txn_nodes;	   /* nodes one transaction may touch */
	unsigned int path_max;	   /* length of a path below /local/domain/<id>/ */
};

#define XS_QUOTA_DEFAULTS                                                                          \
	{                                                                                          \
		.nodes = 1000, .watches = 128, .transactions = 10, .node_size = 2048, .perms = 5,  \
		.outstanding = 20, .txn_nodes = 1024, .path_max = XS_REL_PATH_MAX                  \
	}

/* Names of the quotas as GET_QUOTA/SET_QUOTA and the command line spell them. */
int xs_quota_set(struct xs_quota *q, const char *name, unsigned int value);
int xs_quota_get(const struct xs_quota *q, const char *name, unsigned int *value);
extern const char xs_quota_names[];

struct xs_conn;
struct xs_server;

struct xs_transport {
	/* New bytes wait in conn->out. */
	void (*kick)(struct xs_conn *c);
	/* The server gave up on the connection (protocol violation, domain released). */
	void (*close)(struct xs_conn *c);
};

/* How the server reaches a domain's shared ring: set by the daemon, or by tests. */
struct xs_domain_ops {
	/*
	 * INTRODUCE of a domain not yet known: connect its ring (page gfn, event channel
	 * port) and return its connection in *conn (NULL: introduced, no ring attached).
	 */
	int (*introduce)(struct xs_server *srv, unsigned int domid, uint64_t gfn, unsigned int port,
			 struct xs_conn **conn, void *arg);
	/* INTRODUCE of a known domain: rebind its event channel. */
	int (*rebind)(struct xs_server *srv, struct xs_conn *conn, unsigned int port, void *arg);
	/* The domain was released (its connection already closed): drop its ring. */
	void (*release)(struct xs_server *srv, unsigned int domid, void *arg);
	void *arg;
};

struct xs_conn_txn;

/*
 * What a watch event touches (delivery, queueing, the transport's flush) comes first, in
 * the first cache lines: a write watched by 1000 connections touches 1000 of them, and the
 * 4 KiB request decoder used to sit in between.
 */
struct xs_conn {
	struct xs_server *srv;
	const struct xs_transport *tp;
	void *tp_data;
	unsigned int domid;
	int target; /* domain this one acts for (SET_TARGET), or -1 */
	bool privileged;
	bool dead;		/* closed by the server; the transport frees it */
	unsigned int out_msgs;	/* whole or partly unsent messages in out */
	uint32_t out_head_left; /* bytes of the first of them still to send */
	struct xs_buf out;
	struct xs_watch *watches;
	unsigned int nwatches;
	struct xs_conn_txn *txns;
	unsigned int ntxns;
	uint32_t next_txid;
	struct xs_conn *prev, *next;
	struct xs_decoder dec;
};

struct xs_domain {
	struct xs_domain *next;
	unsigned int domid;
	uint64_t gfn;
	unsigned int port;
	bool shutdown;
	struct xs_conn *conn;
	struct xs_quota quota;
};

struct xs_server {
	struct xs_store st;
	struct xs_watches watches;
	struct xs_conn *conns;
	struct xs_domain *domains;
	struct xs_quota quota; /* for domains introduced from now on, and socket clients */
	struct xs_domain_ops dom_ops;
	bool quiet; /* no log lines on stderr */
};

int xs_server_init(struct xs_server *srv, struct xs_db *db, const struct xs_quota *quota);
void xs_server_fini(struct xs_server *srv);

/* A new connection: dom0 over the socket is privileged, guests are not. */
struct xs_conn *xs_conn_new(struct xs_server *srv, const struct xs_transport *tp, void *tp_data,
			    unsigned int domid, bool privileged);
/* Frees a connection: aborts its transactions, drops its watches. */
void xs_conn_free(struct xs_conn *c);
/*
 * Feeds bytes received from the client. Returns how many were consumed (fewer than len
 * when the client has too many replies outstanding), or -EPROTO when the connection
 * broke the protocol (it is then closed).
 */
long xs_conn_input(struct xs_conn *c, const void *data, size_t len);
/* Handles one decoded request (used by xs_conn_input, tests and fuzzing). */
void xs_conn_handle(struct xs_conn *c, const struct xs_hdr *h, const char *payload);
/* The transport sent n bytes from the front of conn->out. */
void xs_conn_sent(struct xs_conn *c, size_t n);
/* True when an unprivileged connection has too many replies queued to read more. */
bool xs_conn_throttled(const struct xs_conn *c);

struct xs_domain *xs_domain_find(struct xs_server *srv, unsigned int domid);
/*
 * Forgets a domain as RELEASE does: closes its connection, removes the nodes it owns and
 * its entries in other nodes' permissions. Fires nothing. 0 or -ENOENT (not introduced).
 */
int xs_domain_release(struct xs_server *srv, unsigned int domid);
/* Fires the special watch name (@introduceDomain, @releaseDomain) about domid. */
void xs_fire_special(struct xs_server *srv, const char *name, unsigned int domid);
/* A line on stderr unless the server is quiet. */
void xs_log(struct xs_server *srv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
