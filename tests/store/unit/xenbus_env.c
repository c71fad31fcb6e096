// SPDX-License-Identifier: MIT
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xenbus_env.h"

/* cmocka's assertions are not needed here: a broken environment aborts. */
int env_setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	if (!e)
		abort();
	h_env_init(&e->h, NULL);
	e->tools = h_client_new(&e->h, 0, true);
	xd_init(&e->xd);
	uv_loop_init(&e->loop);
	/* The server logs on stderr: keep it in a file the tests read. */
	fflush(stderr);
	e->saved_stderr = dup(2);
	e->log = tmpfile();
	if (!e->log || e->saved_stderr < 0 || dup2(fileno(e->log), 2) < 0)
		abort();
	e->h.srv.quiet = false;
	*state = e;
	return 0;
}

int env_teardown(void **state)
{
	struct env *e = *state;
	int ret;

	if (e->serving_guests)
		xs_guest_rings_fini(&e->guests);
	if (e->started)
		xs_uv_xenbus_stop(&e->xb);
	uv_run(&e->loop, UV_RUN_NOWAIT);
	ret = uv_loop_close(&e->loop);
	fflush(stderr);
	dup2(e->saved_stderr, 2);
	close(e->saved_stderr);
	fclose(e->log);
	h_client_free(e->tools);
	xd_fini(&e->xd);
	h_env_fini(&e->h);
	free(e);
	return ret ? -1 : 0; /* a handle left open fails the test */
}

int env_start(struct env *e)
{
	char err[256] = "";
	int ret =
	    xs_uv_xenbus_start(&e->loop, &e->xb, &e->h.srv, &xd_ops, &e->xd, err, sizeof(err));

	e->started = !ret;
	if (ret)
		fprintf(stderr, "start: %s\n", err);
	return ret;
}

int env_start_guests(struct env *e)
{
	int ret = env_start(e);

	if (ret)
		return ret;
	xs_guest_rings_init(&e->guests, &e->h.srv, &xd_ops, &e->xd);
	e->xb.guests = &e->guests;
	e->serving_guests = true;
	return 0;
}

const char *env_logged(struct env *e)
{
	size_t n;

	fflush(stderr);
	rewind(e->log);
	n = fread(e->logtext, 1, sizeof(e->logtext) - 1, e->log);
	e->logtext[n] = '\0';
	fseek(e->log, 0, SEEK_END);
	return e->logtext;
}

void env_run(struct env *e)
{
	for (int i = 0; i < 4; i++)
		uv_run(&e->loop, UV_RUN_NOWAIT);
}
