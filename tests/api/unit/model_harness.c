// SPDX-License-Identifier: MIT
#include "model_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../../controld/device_model.h"
#include "../doubles/hv_double.h"

void model_harness_open(struct controld *cd, uv_loop_t *loop, struct mem_store *m)
{
	char err[128];

	assert_int_equal(uv_loop_init(loop), 0);
	mem_store_init(m);
	cd->loop = loop;
	cd->store = &m->s;
	assert_int_equal(backends_open_hv(loop, model_on_hv_event, cd, &cd->hv, err, sizeof(err)),
			 0);
}

void model_harness_close(struct controld *cd, uv_loop_t *loop, struct mem_store *m)
{
	devices_free(cd);
	device_model_free(cd);
	jobs_free(cd);
	domains_free(cd);
	cd->hv->ops->close(cd->hv);
	uv_run(loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(loop), 0);
	mem_store_free(m);
}
