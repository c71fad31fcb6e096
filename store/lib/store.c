// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_path.h"
#include "xs_store.h"
#include "xs_wire.h"

struct log_rec {
	struct log_rec *gnext; /* commit order */
	struct log_rec *pnext; /* same path, commit order */
	uint64_t gen;	       /* the commit that changed the node */
	char *path;
	struct xs_node *pre; /* state before that commit; NULL: it did not exist */
	size_t bytes;
};

struct log_path {
	struct log_rec *head, *tail;
};

struct txn_ent {
	struct txn_ent *next; /* first-touch order */
	char *path;
	struct xs_node *node; /* NULL: absent in this transaction's view */
	bool dirty;	      /* changed by the transaction */
	bool wiped;	      /* the committed subtree below was removed by the transaction */
	bool fire;	      /* named by a request: its change raises a watch event */
	bool created;	      /* did not exist before the transaction wrote it */
};

struct xs_txn {
	struct xs_store *st;
	bool explicit_txn;
	uint64_t start_gen;
	struct xs_map ents;
	struct txn_ent *first, *last;
	unsigned int nents, ncreated;
	struct xs_txn *prev_open, *next_open;
};

/* ---- the log of pre-images ---- */

static void log_rec_free(struct log_rec *r)
{
	xs_node_free(r->pre);
	free(r->path);
	free(r);
}

static void log_drop_head(struct xs_store *st)
{
	struct log_rec *r = st->log_head;
	struct log_path *lp = xs_map_get(&st->log_by_path, r->path);

	st->log_head = r->gnext;
	if (!st->log_head)
		st->log_tail = NULL;
	st->log_bytes -= r->bytes;
	if (lp) {
		lp->head = r->pnext;
		if (!lp->head) {
			char parent[XS_ABS_PATH_MAX + 1];
			struct xs_strvec *kids;

			free(xs_map_del(&st->log_by_path, r->path));
			if (!xs_path_is_special(r->path) && strcmp(r->path, "/")) {
				xs_path_parent(r->path, parent, sizeof(parent));
				kids = xs_map_get(&st->log_children, parent);
				if (kids) {
					xs_strvec_remove(kids, r->path);
					if (!kids->n) {
						xs_map_del(&st->log_children, parent);
						xs_strvec_free(kids);
						free(kids);
					}
				}
			}
		}
	}
	log_rec_free(r);
}

/* Forgets what no open transaction can need; dooms the oldest when the log is too big. */
static void log_prune(struct xs_store *st)
{
	uint64_t min_start = UINT64_MAX;

	for (struct xs_txn *t = st->open; t; t = t->next_open)
		if (t->start_gen < min_start)
			min_start = t->start_gen;
	while (st->log_head && st->log_head->gen <= min_start)
		log_drop_head(st);
	while (st->log_head && st->log_bytes > XS_LOG_MAX_BYTES) {
		st->log_floor = st->log_head->gen;
		log_drop_head(st);
	}
}

static int log_append(struct xs_store *st, struct log_rec *r)
{
	struct log_path *lp = xs_map_get(&st->log_by_path, r->path);

	if (!lp) {
		char parent[XS_ABS_PATH_MAX + 1];
		struct xs_strvec *kids;

		lp = calloc(1, sizeof(*lp));
		if (!lp || xs_map_put(&st->log_by_path, r->path, lp)) {
			free(lp);
			return -ENOMEM;
		}
		if (!xs_path_is_special(r->path) && strcmp(r->path, "/")) {
			xs_path_parent(r->path, parent, sizeof(parent));
			kids = xs_map_get(&st->log_children, parent);
			if (!kids) {
				kids = calloc(1, sizeof(*kids));
				if (!kids || xs_map_put(&st->log_children, parent, kids)) {
					free(kids);
					return -ENOMEM;
				}
			}
			if (xs_strvec_push(kids, r->path))
				return -ENOMEM;
		}
	}
	if (lp->tail)
		lp->tail->pnext = r;
	else
		lp->head = r;
	lp->tail = r;
	if (st->log_tail)
		st->log_tail->gnext = r;
	else
		st->log_head = r;
	st->log_tail = r;
	st->log_bytes += r->bytes;
	return 0;
}

/* The first change of path committed after gen, or NULL. */
static const struct log_rec *log_first_after(const struct xs_store *st, const char *path,
					     uint64_t gen)
{
	const struct log_path *lp = xs_map_get(&st->log_by_path, path);

	for (const struct log_rec *r = lp ? lp->head : NULL; r; r = r->pnext)
		if (r->gen > gen)
			return r;
	return NULL;
}

static bool log_changed_after(const struct xs_store *st, const char *path, uint64_t gen)
{
	const struct log_path *lp = xs_map_get(&st->log_by_path, path);

	return lp && lp->tail && lp->tail->gen > gen;
}

/* ---- store ---- */

int xs_store_init(struct xs_store *st, struct xs_db *db)
{
	memset(st, 0, sizeof(*st));
	st->db = db;
	xs_map_init(&st->log_by_path);
	xs_map_init(&st->log_children);
	return xs_db_max_gen(db, &st->gen);
}

static void free_strvec(void *v)
{
	xs_strvec_free(v);
	free(v);
}

void xs_store_fini(struct xs_store *st)
{
	while (st->open)
		xs_txn_abort(st->open);
	while (st->log_head)
		log_drop_head(st);
	xs_map_free(&st->log_by_path, free);
	xs_map_free(&st->log_children, free_strvec);
}

/* ---- transactions ---- */

struct xs_txn *xs_txn_begin(struct xs_store *st, bool explicit_txn)
{
	struct xs_txn *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->st = st;
	t->explicit_txn = explicit_txn;
	t->start_gen = st->gen;
	xs_map_init(&t->ents);
	if (explicit_txn) {
		t->next_open = st->open;
		if (st->open)
			st->open->prev_open = t;
		st->open = t;
	}
	return t;
}

static void txn_free(struct xs_txn *t)
{
	struct txn_ent *e, *n;

	if (t->explicit_txn) {
		if (t->prev_open)
			t->prev_open->next_open = t->next_open;
		else
			t->st->open = t->next_open;
		if (t->next_open)
			t->next_open->prev_open = t->prev_open;
		log_prune(t->st);
	}
	for (e = t->first; e; e = n) {
		n = e->next;
		xs_node_free(e->node);
		free(e->path);
		free(e);
	}
	xs_map_free(&t->ents, NULL);
	free(t);
}

void xs_txn_abort(struct xs_txn *t)
{
	if (t)
		txn_free(t);
}

unsigned int xs_txn_size(const struct xs_txn *t)
{
	return t->nents;
}

unsigned int xs_txn_created(const struct xs_txn *t)
{
	return t->ncreated;
}

static struct txn_ent *ent_add(struct xs_txn *t, const char *path, struct xs_node *node)
{
	struct txn_ent *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->path = strdup(path);
	if (!e->path || xs_map_put(&t->ents, path, e)) {
		free(e->path);
		free(e);
		return NULL;
	}
	e->node = node;
	if (t->last)
		t->last->next = e;
	else
		t->first = e;
	t->last = e;
	t->nents++;
	return e;
}

/* The committed state as of the transaction's start (t NULL: now). */
static int snapshot_get(struct xs_store *st, struct xs_txn *t, const char *path,
			struct xs_node **out)
{
	const struct log_rec *r =
	    t && t->explicit_txn ? log_first_after(st, path, t->start_gen) : NULL;

	if (r) {
		if (!r->pre)
			return -ENOENT;
		*out = xs_node_dup(r->pre);
		return *out ? 0 : -ENOMEM;
	}
	return xs_db_get(st->db, path, out);
}

/* True when an ancestor in the overlay hides path: removed, absent, or wiped below. */
static bool hidden_by_ancestor(struct xs_txn *t, const char *path)
{
	char p[XS_ABS_PATH_MAX + 1];

	if (xs_path_is_special(path) || !t->nents)
		return false;
	snprintf(p, sizeof(p), "%s", path);
	while (strcmp(p, "/")) {
		struct txn_ent *e;

		xs_path_parent(p, p, sizeof(p));
		e = xs_map_get(&t->ents, p);
		if (e && (e->wiped || !e->node))
			return true;
	}
	return false;
}

/* The overlay entry for path, reading it into the overlay on first touch. */
static int ent_get(struct xs_txn *t, const char *path, struct txn_ent **out)
{
	struct txn_ent *e = xs_map_get(&t->ents, path);
	struct xs_node *n = NULL;
	int ret;

	if (!e) {
		if (hidden_by_ancestor(t, path)) {
			ret = -ENOENT;
		} else {
			ret = snapshot_get(t->st, t, path, &n);
			if (ret && ret != -ENOENT)
				return ret;
		}
		e = ent_add(t, path, n);
		if (!e) {
			xs_node_free(n);
			return -ENOMEM;
		}
	}
	*out = e;
	return 0;
}

int xs_view_peek(struct xs_store *st, struct xs_txn *t, const char *path,
		 const struct xs_node **out)
{
	struct txn_ent *e;
	int ret;

	if (!t)
		return xs_db_peek(st->db, path, out);
	ret = ent_get(t, path, &e);
	if (ret)
		return ret;
	*out = e->node;
	return e->node ? 0 : -ENOENT;
}

int xs_view_get(struct xs_store *st, struct xs_txn *t, const char *path, struct xs_node **out)
{
	const struct xs_node *n;
	int ret = xs_view_peek(st, t, path, &n);

	if (ret)
		return ret;
	*out = xs_node_dup(n);
	return *out ? 0 : -ENOMEM;
}

int xs_view_exists(struct xs_store *st, struct xs_txn *t, const char *path)
{
	struct txn_ent *e;
	int ret;

	if (!t)
		return xs_db_exists(st->db, path);
	ret = ent_get(t, path, &e);
	if (ret)
		return ret;
	return e->node ? 0 : -ENOENT;
}

static int snapshot_children(struct xs_store *st, struct xs_txn *t, const char *path,
			     struct xs_strvec *out)
{
	const struct xs_strvec *logged;
	int ret = xs_db_children(st->db, path, out);

	if (ret || !t || !t->explicit_txn)
		return ret;
	/* Undo the child creations and removals committed since the transaction started. */
	logged = xs_map_get(&st->log_children, path);
	for (size_t i = 0; logged && i < logged->n; i++) {
		const struct log_rec *r = log_first_after(st, logged->v[i], t->start_gen);
		const char *base = xs_path_base(logged->v[i]);

		if (!r)
			continue;
		if (r->pre && !xs_strvec_contains(out, base))
			ret = xs_strvec_push(out, base);
		else if (!r->pre)
			xs_strvec_remove(out, base);
		if (ret)
			return ret;
	}
	return 0;
}

int xs_view_children(struct xs_store *st, struct xs_txn *t, const char *path, struct xs_strvec *out)
{
	struct txn_ent *self;
	char parent[XS_ABS_PATH_MAX + 1];
	int ret;

	if (!t)
		return xs_db_children(st->db, path, out);
	ret = ent_get(t, path, &self);
	if (ret)
		return ret;
	if (!self->node)
		return -ENOENT;
	if (!self->wiped && !hidden_by_ancestor(t, path)) {
		ret = snapshot_children(st, t, path, out);
		if (ret)
			return ret;
	}
	/* The transaction's own creations and removals. */
	for (struct txn_ent *e = t->first; e; e = e->next) {
		const char *base;

		if (xs_path_is_special(e->path) || !strcmp(e->path, "/"))
			continue;
		xs_path_parent(e->path, parent, sizeof(parent));
		if (strcmp(parent, path))
			continue;
		base = xs_path_base(e->path);
		if (e->node && !xs_strvec_contains(out, base))
			ret = xs_strvec_push(out, base);
		else if (!e->node)
			xs_strvec_remove(out, base);
		if (ret)
			return ret;
	}
	xs_strvec_sort(out);
	return 0;
}

int xs_txn_put(struct xs_txn *t, const struct xs_node *n, bool fire)
{
	struct xs_node *copy;
	struct txn_ent *e;
	int ret = ent_get(t, n->path, &e);

	if (ret)
		return ret;
	copy = xs_node_dup(n);
	if (!copy)
		return -ENOMEM;
	if (!e->node) {
		e->created = true;
		t->ncreated++;
	}
	xs_node_free(e->node);
	e->node = copy;
	e->dirty = true;
	e->fire |= fire;
	return 0;
}

int xs_txn_rm(struct xs_txn *t, const char *path)
{
	struct txn_ent *e;
	int ret = ent_get(t, path, &e);

	if (ret)
		return ret;
	/* Entries below path, read or written earlier, vanish with it. */
	for (struct txn_ent *d = t->first; d; d = d->next) {
		if (d != e && xs_path_is_under(d->path, path) && d->node) {
			xs_node_free(d->node);
			d->node = NULL;
			d->dirty = true;
			d->fire = false;
		}
	}
	xs_node_free(e->node);
	e->node = NULL;
	e->dirty = true;
	e->wiped = true;
	e->fire = true;
	return 0;
}

/* ---- commit ---- */

struct pending_ev {
	struct pending_ev *next;
	struct xs_node *node; /* path and permissions for the event */
	struct xs_node *old;  /* permissions before, for a change */
	bool exact;
};

struct commit_ctx {
	struct xs_txn *t;
	uint64_t gen;
	bool logging;
	struct log_rec *recs, *recs_tail;
	struct pending_ev *evs, *evs_tail;
	bool fire_root;
	const char *root;
};

static int queue_rec(struct commit_ctx *c, const char *path, const struct xs_node *pre)
{
	struct log_rec *r;

	if (!c->logging)
		return 0;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->gen = c->gen;
	r->path = strdup(path);
	r->pre = pre ? xs_node_dup(pre) : NULL;
	if (!r->path || (pre && !r->pre)) {
		log_rec_free(r);
		return -ENOMEM;
	}
	r->bytes = sizeof(*r) + strlen(path) + (pre ? pre->vlen + strlen(pre->path) : 0) + 64;
	if (c->recs_tail)
		c->recs_tail->gnext = r;
	else
		c->recs = r;
	c->recs_tail = r;
	return 0;
}

static int queue_ev(struct commit_ctx *c, const struct xs_node *n, const struct xs_node *old,
		    bool exact)
{
	struct pending_ev *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return -ENOMEM;
	ev->node = xs_node_dup(n);
	ev->old = old ? xs_node_dup(old) : NULL;
	ev->exact = exact;
	if (!ev->node || (old && !ev->old)) {
		xs_node_free(ev->node);
		xs_node_free(ev->old);
		free(ev);
		return -ENOMEM;
	}
	if (c->evs_tail)
		c->evs_tail->next = ev;
	else
		c->evs = ev;
	c->evs_tail = ev;
	return 0;
}

static void free_pending(struct commit_ctx *c)
{
	struct log_rec *r, *rn;
	struct pending_ev *e, *en;

	for (r = c->recs; r; r = rn) {
		rn = r->gnext;
		log_rec_free(r);
	}
	for (e = c->evs; e; e = en) {
		en = e->next;
		xs_node_free(e->node);
		xs_node_free(e->old);
		free(e);
	}
	c->recs = c->recs_tail = NULL;
	c->evs = c->evs_tail = NULL;
}

/* A node's child list changed: new generation, and a pre-image for snapshots. */
static int touch_parent(struct commit_ctx *c, const char *path)
{
	char parent[XS_ABS_PATH_MAX + 1];
	struct xs_node *pn;
	int ret;

	if (xs_path_is_special(path) || !strcmp(path, "/"))
		return 0;
	xs_path_parent(path, parent, sizeof(parent));
	if (c->logging) {
		ret = xs_db_get(c->t->st->db, parent, &pn);
		if (ret)
			return ret == -ENOENT ? 0 : ret;
		ret = queue_rec(c, parent, pn);
		xs_node_free(pn);
		if (ret)
			return ret;
	}
	return xs_db_touch(c->t->st->db, parent, c->gen);
}

static int removed_node(const struct xs_node *n, void *arg)
{
	struct commit_ctx *c = arg;
	bool is_root = !strcmp(n->path, c->root);
	int ret = queue_rec(c, n->path, n);

	if (ret)
		return ret;
	if (is_root && !c->fire_root)
		return 0;
	return queue_ev(c, n, NULL, !is_root);
}

static int depth_cmp(const void *a, const void *b)
{
	const struct txn_ent *x = *(const struct txn_ent *const *)a;
	const struct txn_ent *y = *(const struct txn_ent *const *)b;
	unsigned int dx = xs_path_depth(x->path), dy = xs_path_depth(y->path);

	return dx < dy ? -1 : dx > dy;
}

static bool txn_conflicts(const struct xs_txn *t)
{
	if (!t->explicit_txn)
		return false;
	if (t->start_gen < t->st->log_floor)
		return true;
	for (const struct txn_ent *e = t->first; e; e = e->next)
		if (log_changed_after(t->st, e->path, t->start_gen))
			return true;
	return false;
}

static int apply(struct commit_ctx *c, struct txn_ent **dirty, unsigned int ndirty)
{
	struct xs_db *db = c->t->st->db;
	int ret;

	/* Removals first (shallow first), then writes parents before children. */
	for (unsigned int i = 0; i < ndirty; i++) {
		struct txn_ent *e = dirty[i];

		if (!e->wiped)
			continue;
		ret = xs_db_exists(db, e->path);
		if (ret == -ENOENT)
			continue;
		if (ret)
			return ret;
		c->root = e->path;
		c->fire_root = e->fire;
		ret = xs_db_rm_subtree(db, e->path, removed_node, c);
		if (!ret)
			ret = touch_parent(c, e->path);
		if (ret)
			return ret;
	}
	for (unsigned int i = 0; i < ndirty; i++) {
		struct txn_ent *e = dirty[i];
		struct xs_node *old = NULL;

		if (!e->node)
			continue;
		ret = xs_db_get(db, e->path, &old);
		if (ret && ret != -ENOENT)
			return ret;
		e->node->gen = c->gen;
		ret = queue_rec(c, e->path, old);
		if (!ret)
			ret = xs_db_put(db, e->node);
		if (!ret && !old)
			ret = touch_parent(c, e->path);
		if (!ret && e->fire)
			ret = queue_ev(c, e->node, old, false);
		xs_node_free(old);
		if (ret)
			return ret;
	}
	return 0;
}

int xs_txn_commit(struct xs_txn *t, void (*fire)(void *arg, const struct xs_event *ev), void *arg)
{
	struct xs_store *st = t->st;
	struct commit_ctx c = {.t = t, .gen = st->gen + 1};
	struct txn_ent **dirty = NULL;
	unsigned int ndirty = 0;
	int ret = 0;

	if (txn_conflicts(t)) {
		txn_free(t);
		return -EAGAIN;
	}
	for (struct txn_ent *e = t->first; e; e = e->next)
		ndirty += e->dirty;
	if (!ndirty) {
		txn_free(t);
		return 0;
	}
	dirty = malloc(ndirty * sizeof(*dirty));
	if (!dirty) {
		txn_free(t);
		return -ENOMEM;
	}
	ndirty = 0;
	for (struct txn_ent *e = t->first; e; e = e->next)
		if (e->dirty)
			dirty[ndirty++] = e;
	/* Stable by depth: within one depth, the order of the requests. */
	for (unsigned int i = 1; i < ndirty; i++)
		for (unsigned int j = i; j > 0 && depth_cmp(&dirty[j - 1], &dirty[j]) > 0; j--) {
			struct txn_ent *tmp = dirty[j];

			dirty[j] = dirty[j - 1];
			dirty[j - 1] = tmp;
		}

	/* Other open transactions need the pre-images of what this commit changes. */
	for (struct xs_txn *o = st->open; o; o = o->next_open)
		if (o != t)
			c.logging = true;

	ret = xs_db_begin(st->db);
	if (!ret)
		ret = apply(&c, dirty, ndirty);
	if (!ret)
		ret = xs_db_commit(st->db);
	else
		xs_db_rollback(st->db);
	free(dirty);
	if (ret) {
		free_pending(&c);
		txn_free(t);
		return ret == -ENOMEM ? ret : -EIO;
	}
	st->gen = c.gen;
	for (struct log_rec *r = c.recs, *n; r; r = n) {
		n = r->gnext;
		r->gnext = NULL;
		if (log_append(st, r)) {
			/* Out of memory for the log: open transactions can no longer be checked. */
			st->log_floor = c.gen;
			log_rec_free(r);
		}
	}
	c.recs = c.recs_tail = NULL;
	txn_free(t);
	for (struct pending_ev *e = c.evs; e; e = e->next) {
		struct xs_event ev = {
		    .path = e->node->path,
		    .exact = e->exact,
		    .perms = e->node->perms,
		    .nperms = e->node->nperms,
		    .old_perms = e->old ? e->old->perms : NULL,
		    .old_nperms = e->old ? e->old->nperms : 0,
		};

		if (fire)
			fire(arg, &ev);
	}
	free_pending(&c);
	return 0;
}
