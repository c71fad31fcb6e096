// SPDX-License-Identifier: MIT
/* api/'s renderers of the typed model (api/job_out.c, api/token_out.c): the contract's bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../api/out.h"

#define ID  "0b3c1c52-5a39-4d67-9e7b-6a8a3e1f4f55"
#define DOM "7d1f4a0e-2c6b-4e59-8a3d-1b2c3d4e5f60"
#define T0  "2026-01-02T03:04:05.678Z"

/* o's compact text (consumed) against the expected bytes. */
static void assert_renders(json_t *o, const char *want)
{
	char *text;

	assert_non_null(o);
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	assert_non_null(text);
	assert_string_equal(text, want);
	free(text);
}

static void fill_job(struct job *j)
{
	memset(j, 0, sizeof(*j));
	strcpy(j->id, ID);
	strcpy(j->kind, "domain.start");
	j->state = JOB_SUCCEEDED;
	j->progress = 100;
	strcpy(j->message, "started");
	strcpy(j->created_at, T0);
	strcpy(j->updated_at, T0);
}

static void job_finished(void **state)
{
	struct job j;

	(void)state;
	fill_job(&j);
	strcpy(j.domain_id, DOM);
	assert_renders(job_out(&j), "{\"id\":\"" ID "\",\"kind\":\"domain.start\",\"state\":"
				    "\"succeeded\",\"progress\":100,\"message\":\"started\","
				    "\"created_at\":\"" T0 "\",\"updated_at\":\"" T0 "\","
				    "\"domain_id\":\"" DOM "\",\"error\":null}");
}

/* No domain: null, not ""; a failure carries its problem, detail only when there is one. */
static void job_failed_without_domain(void **state)
{
	struct job j;

	(void)state;
	fill_job(&j);
	j.state = JOB_FAILED;
	j.has_error = true;
	strcpy(j.error.type, "about:blank");
	strcpy(j.error.title, "Timed out");
	j.error.status = 504;
	assert_renders(job_out(&j), "{\"id\":\"" ID "\",\"kind\":\"domain.start\",\"state\":"
				    "\"failed\",\"progress\":100,\"message\":\"started\","
				    "\"created_at\":\"" T0 "\",\"updated_at\":\"" T0 "\","
				    "\"domain_id\":null,\"error\":{\"type\":\"about:blank\","
				    "\"title\":\"Timed out\",\"status\":504}}");
	strcpy(j.error.detail, "no answer");
	assert_renders(job_out(&j),
		       "{\"id\":\"" ID "\",\"kind\":\"domain.start\",\"state\":"
		       "\"failed\",\"progress\":100,\"message\":\"started\","
		       "\"created_at\":\"" T0 "\",\"updated_at\":\"" T0 "\","
		       "\"domain_id\":null,\"error\":{\"type\":\"about:blank\","
		       "\"title\":\"Timed out\",\"status\":504,\"detail\":\"no answer\"}}");
}

/* A graceful reboot still running: its deadline (ms since the epoch) as RFC 3339, reboot: true. */
static void job_running_reboot(void **state)
{
	struct job j;

	(void)state;
	fill_job(&j);
	j.state = JOB_RUNNING;
	j.progress = 0;
	j.deadline_wall_ms = 1767323045678ull;
	j.reboot = 1;
	assert_renders(job_out(&j), "{\"id\":\"" ID "\",\"kind\":\"domain.start\",\"state\":"
				    "\"running\",\"progress\":0,\"message\":\"started\","
				    "\"created_at\":\"" T0 "\",\"updated_at\":\"" T0 "\","
				    "\"domain_id\":null,\"error\":null,\"deadline\":\"" T0 "\","
				    "\"reboot\":true}");
}

/* The hash is the store's, never the API's; text is escaped, not passed through. */
static void token_without_hash(void **state)
{
	struct token t = {.scope = SCOPE_OPERATE};

	(void)state;
	strcpy(t.id, "0123456789abcdef");
	strcpy(t.name, "ci \"bot\"");
	strcpy(t.hash, "ff");
	strcpy(t.created_at, T0);
	assert_renders(token_out(&t), "{\"id\":\"0123456789abcdef\",\"name\":\"ci \\\"bot\\\"\","
				      "\"scope\":\"operate\",\"created_at\":\"" T0 "\"}");
	t.scope = SCOPE_ADMIN;
	assert_renders(token_out(&t), "{\"id\":\"0123456789abcdef\",\"name\":\"ci \\\"bot\\\"\","
				      "\"scope\":\"admin\",\"created_at\":\"" T0 "\"}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(job_finished),
	    cmocka_unit_test(job_failed_without_domain),
	    cmocka_unit_test(job_running_reboot),
	    cmocka_unit_test(token_without_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
