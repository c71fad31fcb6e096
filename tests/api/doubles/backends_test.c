// SPDX-License-Identifier: MIT
/*
 * The TEST daemon's store backend: the real libxenstore client when XENSTORED_PATH names a
 * running keel-xenstored, else the in-process store double (a stopgap until the store lands).
 * Its hypervisor is the test double (hv_double.c).
 */
#include "../../../controld/hv_backend.h"

#include <stdlib.h>

int store_double_open(uv_loop_t *loop, store_watch_fn fn, void *opaque, struct store **out);

int backends_open_store(uv_loop_t *loop, store_watch_fn fn, void *opaque, struct store **out,
			char *err, size_t errlen)
{
	if (getenv("XENSTORED_PATH"))
		return store_xs_open(loop, fn, opaque, out, err, errlen);
	return store_double_open(loop, fn, opaque, out);
}
