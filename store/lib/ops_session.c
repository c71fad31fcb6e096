// SPDX-License-Identifier: MIT
/* Requests about the connection itself: watches and transactions. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server_int.h"
#include "xs_path.h"

int xs_op_watch(struct xs_req *r)
{
	const char *argv[3];
	char path[XS_ABS_PATH_MAX + 1], dom[32];
	const struct xs_quota *q = xs_conn_quota(r->c);
	unsigned long depth = 0;
	size_t tail;
	unsigned int n = xs_split_args(r->payload, r->len, argv, 3, &tail);
	bool rel;
	int ret;

	/* path|token| or path|token|depth| (an empty third string means no depth). */
	if (n < 2 || tail != r->len)
		return -EINVAL;
	if (n == 3 && argv[2][0] && xs_parse_uint(argv[2], 1u << 16, &depth))
		return -EINVAL;
	ret = xs_req_path(r, argv[0], true, path, &rel);
	if (ret)
		return ret;
	/*
	 * As Xen's xenstored (tools/xenstored/watch.c, do_watch): a duplicate is EEXIST, then a
	 * watch over the quota is E2BIG (its other quotas answer ENOSPC).
	 */
	if (xs_watch_has(r->c->watches, path, argv[1]))
		return -EEXIST;
	if (!r->c->privileged && q->watches && r->c->nwatches >= q->watches)
		return -E2BIG;
	ret = xs_watch_add(&r->srv->watches, &r->c->watches, r->c, path, argv[1],
			   n == 3 && argv[2][0] ? (int)depth : -1,
			   rel ? xs_domain_path(r->c->domid, dom, sizeof(dom)) + 1 : 0, NULL);
	if (ret)
		return ret;
	r->c->nwatches++;
	xs_reply_str(r, "OK");
	/* A new watch fires once at once, so that the client reads the current state. */
	xs_send_event(r->c, argv[0], argv[1]);
	return 0;
}

int xs_op_unwatch(struct xs_req *r)
{
	const char *argv[3];
	char path[XS_ABS_PATH_MAX + 1];
	size_t tail;
	unsigned int n = xs_split_args(r->payload, r->len, argv, 3, &tail);
	bool rel;
	int ret;

	if (n < 2 || tail != r->len)
		return -EINVAL;
	ret = xs_req_path(r, argv[0], true, path, &rel);
	if (!ret)
		ret = xs_watch_del(&r->srv->watches, &r->c->watches, path, argv[1]);
	if (ret)
		return ret;
	r->c->nwatches--;
	xs_reply_str(r, "OK");
	return 0;
}

int xs_op_reset_watches(struct xs_req *r)
{
	xs_watch_del_all(&r->srv->watches, &r->c->watches);
	r->c->nwatches = 0;
	xs_conn_drop_txns(r->c);
	xs_reply_str(r, "OK");
	return 0;
}

int xs_op_txn_start(struct xs_req *r)
{
	const struct xs_quota *q = xs_conn_quota(r->c);
	struct xs_conn_txn *ct;
	char id[16];

	/* No nesting. */
	if (r->ct)
		return -EBUSY;
	if (!r->c->privileged && q->transactions && r->c->ntxns >= q->transactions)
		return -ENOSPC;
	ct = calloc(1, sizeof(*ct));
	if (!ct)
		return -ENOMEM;
	ct->t = xs_txn_begin(&r->srv->st, true);
	if (!ct->t) {
		free(ct);
		return -ENOMEM;
	}
	/* Ids are per connection; skip 0 (no transaction) and ids still in use. */
	for (;;) {
		struct xs_conn_txn *o;
		uint32_t cand = r->c->next_txid++;

		if (!cand)
			continue;
		for (o = r->c->txns; o && o->id != cand; o = o->next)
			;
		if (!o) {
			ct->id = cand;
			break;
		}
	}
	ct->next = r->c->txns;
	r->c->txns = ct;
	r->c->ntxns++;
	snprintf(id, sizeof(id), "%u", ct->id);
	xs_reply_str(r, id);
	return 0;
}

int xs_op_txn_end(struct xs_req *r)
{
	const char *arg = xs_onearg(r);
	struct xs_conn_txn **pp;
	struct xs_txn *t;
	bool commit;
	int ret;

	if (!arg || (strcmp(arg, "T") && strcmp(arg, "F")))
		return -EINVAL;
	if (!r->ct)
		return -ENOENT;
	commit = arg[0] == 'T';
	for (pp = &r->c->txns; *pp != r->ct; pp = &(*pp)->next)
		;
	*pp = r->ct->next;
	r->c->ntxns--;
	t = r->ct->t;
	free(r->ct);
	r->ct = NULL;
	if (!commit) {
		xs_txn_abort(t);
		xs_reply_str(r, "OK");
		return 0;
	}
	ret = xs_txn_commit(t, xs_fire, r->srv);
	if (ret == -EIO)
		xs_log(r->srv, "database write failed: %s", xs_db_errmsg(r->srv->st.db));
	if (!ret)
		xs_reply_str(r, "OK");
	return ret;
}
