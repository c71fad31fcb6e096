// SPDX-License-Identifier: MIT
/*
 * Jobs: the 202 side of the API. A job records an operation that may take long (graceful
 * shutdown, reboot, start), its progress and its outcome; it lives in the store at
 * /keel/controld/jobs/<id> so a restarted controld resumes or reports it (lifecycle.c
 * decides which). This file keeps the records; what a job does is in lifecycle.c.
 */
#include "events.h"
#include "log.h"
#include "model_internal.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JOBS_KEEP_FINISHED 1000

static const char *const job_state_names[] = {"running", "succeeded", "failed"};

const char *job_state_name(enum job_state s)
{
	return job_state_names[s];
}

int jobs_page(struct controld *cd, const struct job_query *q, job_visit_fn fn, void *arg,
	      bool *more)
{
	bool started = !q->after_id;
	unsigned shown = 0;
	int rc;

	*more = false;
	for (unsigned i = cd->jobs.n; i-- > 0;) {
		const struct job *j = cd->jobs.v[i];
		if (!started) {
			started = !strcmp(j->id, q->after_id);
			continue;
		}
		if (q->domain_id && strcmp(j->domain_id, q->domain_id))
			continue;
		if (q->state_mask && !(q->state_mask & (1u << j->state)))
			continue;
		if (shown == q->limit) {
			*more = true;
			break;
		}
		rc = fn(arg, j);
		if (rc)
			return rc;
		shown++;
	}
	return 0;
}

void jobs_count_by_state(const struct controld *cd, unsigned out[JOB_NR_STATES])
{
	memset(out, 0, JOB_NR_STATES * sizeof(*out));
	for (unsigned i = 0; i < cd->jobs.n; i++)
		out[cd->jobs.v[i]->state]++;
}

json_t *job_to_json(const struct job *j)
{
	json_t *o =
	    json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s}", "id", j->id, "kind", j->kind, "state",
		      job_state_names[j->state], "progress", (int)j->progress, "message",
		      j->message, "created_at", j->created_at, "updated_at", j->updated_at);

	json_object_set_new(o, "domain_id",
			    j->domain_id[0] ? json_string(j->domain_id) : json_null());
	json_object_set_new(o, "error", j->error ? json_incref(j->error) : json_null());
	if (j->deadline_wall_ms) {
		char ts[32];
		format_time(j->deadline_wall_ms, ts);
		json_object_set_new(o, "deadline", json_string(ts));
	}
	if (j->reboot)
		json_object_set_new(o, "reboot", json_true());
	return o;
}

void job_persist(struct controld *cd, const struct job *j)
{
	char path[128];
	json_t *o = job_to_json(j);
	char *s = json_dumps(o, JSON_COMPACT);
	int rc;

	json_decref(o);
	if (!s)
		return;
	snprintf(path, sizeof(path), CONTROLD_ROOT "/jobs/%s", j->id);
	rc = store_write_blob(cd->store, path, s, strlen(s));
	if (rc)
		log_error("store: writing %s: %s", path, strerror(-rc));
	free(s);
}

static void job_closed(uv_handle_t *h)
{
	struct job *j = h->data;

	json_decref(j->error);
	free(j);
}

static void job_release(struct job *j)
{
	if (j->timer_live)
		uv_close((uv_handle_t *)&j->timer, job_closed);
	else
		job_closed((uv_handle_t *)&j->timer);
}

/* Finished jobs beyond the newest JOBS_KEEP_FINISHED are forgotten. */
static void jobs_trim(struct controld *cd)
{
	unsigned finished = 0;

	for (unsigned i = 0; i < cd->jobs.n; i++)
		finished += cd->jobs.v[i]->state != JOB_RUNNING;
	for (unsigned i = 0; i < cd->jobs.n && finished > JOBS_KEEP_FINISHED;) {
		struct job *j = cd->jobs.v[i];
		char path[128];
		if (j->state == JOB_RUNNING) {
			i++;
			continue;
		}
		snprintf(path, sizeof(path), CONTROLD_ROOT "/jobs/%s", j->id);
		store_rm(cd->store, STORE_NO_TXN, path);
		memmove(&cd->jobs.v[i], &cd->jobs.v[i + 1], (cd->jobs.n - i - 1) * sizeof(j));
		cd->jobs.n--;
		finished--;
		job_release(j);
	}
}

static int jobs_append(struct controld *cd, struct job *j)
{
	if (cd->jobs.n == cd->jobs.cap) {
		unsigned cap = cd->jobs.cap ? cd->jobs.cap * 2 : 64;
		struct job **v = realloc(cd->jobs.v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		cd->jobs.v = v;
		cd->jobs.cap = cap;
	}
	cd->jobs.v[cd->jobs.n++] = j;
	return 0;
}

struct job *job_new(struct controld *cd, const char *kind, const struct domain *d)
{
	struct job *j = calloc(1, sizeof(*j));

	if (!j || uuid_new(j->id) || jobs_append(cd, j)) {
		free(j);
		return NULL;
	}
	j->cd = cd;
	str_copy(j->kind, kind, sizeof(j->kind));
	if (d)
		str_copy(j->domain_id, d->id, sizeof(j->domain_id));
	j->state = JOB_RUNNING;
	str_copy(j->message, "started", sizeof(j->message));
	format_time(now_wall_ms(), j->created_at);
	memcpy(j->updated_at, j->created_at, sizeof(j->created_at));
	j->created_mono = now_mono_ms();
	j->timer.data = j;
	job_persist(cd, j);
	events_emit(cd->events, EV_JOB, "job.created", j->domain_id, job_to_json(j));
	return j;
}

void job_progress(struct controld *cd, struct job *j, unsigned pct, const char *msg)
{
	if (pct == j->progress && !strcmp(msg, j->message))
		return;
	j->progress = pct;
	str_copy(j->message, msg, sizeof(j->message));
	format_time(now_wall_ms(), j->updated_at);
	job_persist(cd, j);
	events_emit(cd->events, EV_JOB, "job.progress", j->domain_id, job_to_json(j));
}

void job_finish(struct controld *cd, struct job *j, bool ok, const char *msg, json_t *error)
{
	struct domain *d = j->domain_id[0] ? domain_find(cd, j->domain_id) : NULL;

	if (j->timer_live)
		uv_timer_stop(&j->timer);
	j->state = ok ? JOB_SUCCEEDED : JOB_FAILED;
	if (ok)
		j->progress = 100;
	j->error = error;
	str_copy(j->message, msg, sizeof(j->message));
	format_time(now_wall_ms(), j->updated_at);
	job_persist(cd, j);
	if (d && !strcmp(d->job_id, j->id)) {
		d->job_id[0] = '\0';
		domain_commit(cd, d);
	}
	events_emit(cd->events, EV_JOB, "job.finished", j->domain_id, job_to_json(j));
	jobs_trim(cd);
}

struct job *job_find(struct controld *cd, const char *id)
{
	for (unsigned i = cd->jobs.n; i-- > 0;)
		if (!strcmp(cd->jobs.v[i]->id, id))
			return cd->jobs.v[i];
	return NULL;
}

/* --- restart --- */

static int load_job(struct controld *cd, const char *id)
{
	char path[128], *val = NULL;
	size_t len;
	json_t *o;
	struct job *j;
	const char *st;
	int rc;

	snprintf(path, sizeof(path), CONTROLD_ROOT "/jobs/%s", id);
	rc = store_read_blob(cd->store, path, &val, &len);
	if (rc)
		return rc == -ENOENT ? 0 : rc;
	o = json_loadb(val, len, 0, NULL);
	free(val);
	st = json_string_value(json_object_get(o, "state"));
	if (!o || !st || !uuid_valid(id)) {
		log_error("store: %s is not a job record; left alone", path);
		json_decref(o);
		return 0;
	}
	j = calloc(1, sizeof(*j));
	if (!j || jobs_append(cd, j)) {
		free(j);
		json_decref(o);
		return -ENOMEM;
	}
	j->cd = cd;
	j->timer.data = j;
	str_copy(j->id, id, sizeof(j->id));
	str_copy(j->kind, rec_str(o, "kind"), sizeof(j->kind));
	str_copy(j->domain_id, rec_str(o, "domain_id"), sizeof(j->domain_id));
	j->state = !strcmp(st, "running")     ? JOB_RUNNING
		   : !strcmp(st, "succeeded") ? JOB_SUCCEEDED
					      : JOB_FAILED;
	j->progress = (unsigned)json_integer_value(json_object_get(o, "progress"));
	str_copy(j->message, rec_str(o, "message"), sizeof(j->message));
	str_copy(j->created_at, rec_str(o, "created_at"), sizeof(j->created_at));
	str_copy(j->updated_at, rec_str(o, "updated_at"), sizeof(j->updated_at));
	j->reboot = json_is_true(json_object_get(o, "reboot"));
	if (json_is_object(json_object_get(o, "error")))
		j->error = json_incref(json_object_get(o, "error"));
	json_decref(o);
	return 0;
}

static int job_cmp(const void *a, const void *b)
{
	return strcmp((*(struct job *const *)a)->created_at, (*(struct job *const *)b)->created_at);
}

int jobs_load(struct controld *cd)
{
	char **names = NULL;
	unsigned n = 0;
	int rc = cd->store->ops->list(cd->store, STORE_NO_TXN, CONTROLD_ROOT "/jobs", &names, &n);

	if (rc == -ENOENT)
		return 0;
	if (rc)
		return rc;
	for (unsigned i = 0; i < n && !rc; i++)
		rc = load_job(cd, names[i]);
	free(names);
	if (cd->jobs.n)
		qsort(cd->jobs.v, cd->jobs.n, sizeof(*cd->jobs.v), job_cmp);
	return rc;
}

void jobs_free(struct controld *cd)
{
	for (unsigned i = 0; i < cd->jobs.n; i++)
		job_release(cd->jobs.v[i]);
	free(cd->jobs.v);
	cd->jobs.v = NULL;
	cd->jobs.n = cd->jobs.cap = 0;
}
