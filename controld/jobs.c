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
	for (unsigned i = cd->jobs.items.n; i-- > 0;) {
		const struct job *j = job_at(cd, i);
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
	for (unsigned i = 0; i < cd->jobs.items.n; i++)
		out[job_at(cd, i)->state]++;
}

static json_t *problem_record(const struct job_problem *p)
{
	json_t *o =
	    json_pack("{s:s, s:s, s:i}", "type", p->type, "title", p->title, "status", p->status);

	if (p->detail[0])
		json_object_set_new(o, "detail", json_string(p->detail));
	return o;
}

static void problem_from_json(const json_t *o, struct job_problem *p)
{
	str_copy(p->type, rec_str(o, "type"), sizeof(p->type));
	str_copy(p->title, rec_str(o, "title"), sizeof(p->title));
	p->status = (int)json_integer_value(json_object_get(o, "status"));
	str_copy(p->detail, rec_str(o, "detail"), sizeof(p->detail));
}

/* The store record of a job (/keel/controld/jobs/<id>), read back by load_job. */
static json_t *job_record_json(const struct job *j)
{
	json_t *o =
	    json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s}", "id", j->id, "kind", j->kind, "state",
		      job_state_names[j->state], "progress", (int)j->progress, "message",
		      j->message, "created_at", j->created_at, "updated_at", j->updated_at);

	json_object_set_new(o, "domain_id",
			    j->domain_id[0] ? json_string(j->domain_id) : json_null());
	json_object_set_new(o, "error", j->has_error ? problem_record(&j->error) : json_null());
	if (j->deadline_wall_ms) {
		char ts[32];
		format_time(j->deadline_wall_ms, ts);
		json_object_set_new(o, "deadline", json_string(ts));
	}
	if (j->reboot)
		json_object_set_new(o, "reboot", json_true());
	return o;
}

#define JOBS_DIR CONTROLD_ROOT "/jobs"

void job_persist(struct controld *cd, const struct job *j)
{
	json_t *o = job_record_json(j);
	char *text = json_dumps(o, JSON_COMPACT);

	json_decref(o);
	if (text)
		record_save(cd->store, JOBS_DIR, j->id, text, true);
	free(text);
}

static void job_closed(uv_handle_t *h)
{
	struct job *j = h->data;

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

	for (unsigned i = 0; i < cd->jobs.items.n; i++)
		finished += job_at(cd, i)->state != JOB_RUNNING;
	for (unsigned i = 0; i < cd->jobs.items.n && finished > JOBS_KEEP_FINISHED;) {
		struct job *j = job_at(cd, i);
		if (j->state == JOB_RUNNING) {
			i++;
			continue;
		}
		record_forget(cd->store, JOBS_DIR, j->id);
		collection_remove(&cd->jobs.items, i);
		finished--;
		job_release(j);
	}
}

struct job *job_new(struct controld *cd, const char *kind, const struct domain *d)
{
	struct job *j = calloc(1, sizeof(*j));

	if (!j || uuid_new(j->id) || collection_append(&cd->jobs.items, j)) {
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
	model_emit(cd, &(struct model_event){.kind = MEV_JOB_CREATED, .job = j});
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
	model_emit(cd, &(struct model_event){.kind = MEV_JOB_PROGRESS, .job = j});
}

void job_finish(struct controld *cd, struct job *j, bool ok, const char *msg,
		const struct job_problem *error)
{
	struct domain *d = j->domain_id[0] ? domain_find(cd, j->domain_id) : NULL;

	if (j->timer_live)
		uv_timer_stop(&j->timer);
	j->state = ok ? JOB_SUCCEEDED : JOB_FAILED;
	if (ok)
		j->progress = 100;
	j->has_error = error != NULL;
	if (error)
		j->error = *error;
	str_copy(j->message, msg, sizeof(j->message));
	format_time(now_wall_ms(), j->updated_at);
	job_persist(cd, j);
	if (d && !strcmp(d->job_id, j->id)) {
		d->job_id[0] = '\0';
		domain_commit(cd, d);
	}
	model_emit(cd, &(struct model_event){.kind = MEV_JOB_FINISHED, .job = j});
	jobs_trim(cd);
}

struct job *job_find(struct controld *cd, const char *id)
{
	for (unsigned i = cd->jobs.items.n; i-- > 0;)
		if (!strcmp(job_at(cd, i)->id, id))
			return job_at(cd, i);
	return NULL;
}

/* --- restart --- */

static int load_job(void *arg, const char *id, const char *text, size_t len)
{
	struct controld *cd = arg;
	json_t *o = json_loadb(text, len, 0, NULL);
	const char *st = json_string_value(json_object_get(o, "state"));
	struct job *j;

	if (!o || !st || !uuid_valid(id)) {
		log_error("store: " JOBS_DIR "/%s is not a job record; left alone", id);
		json_decref(o);
		return 0;
	}
	j = calloc(1, sizeof(*j));
	if (!j || collection_append(&cd->jobs.items, j)) {
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
	j->has_error = json_is_object(json_object_get(o, "error"));
	if (j->has_error)
		problem_from_json(json_object_get(o, "error"), &j->error);
	json_decref(o);
	return 0;
}

static int job_cmp(const void *a, const void *b)
{
	return strcmp((*(struct job *const *)a)->created_at, (*(struct job *const *)b)->created_at);
}

int jobs_load(struct controld *cd)
{
	int rc = records_load(cd->store, JOBS_DIR, true, load_job, cd);

	if (cd->jobs.items.n)
		qsort(cd->jobs.items.v, cd->jobs.items.n, sizeof(*cd->jobs.items.v), job_cmp);
	return rc;
}

/* A collection's free_item. */
static void job_free(void *item)
{
	job_release(item);
}

void jobs_free(struct controld *cd)
{
	collection_clear(&cd->jobs.items, job_free);
}
