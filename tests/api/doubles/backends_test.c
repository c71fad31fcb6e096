// SPDX-License-Identifier: MIT
/*
 * The TEST daemon's backends: the real store (libxenstore to the keel-xenstored that the
 * test starts, found through $XENSTORED_PATH) and the hypervisor test double (hv_double.c).
 */
#include "../../../controld/hv_backend.h"

int backends_open_store(uv_loop_t *loop, store_watch_fn fn, void *opaque, struct store **out,
			char *err, size_t errlen)
{
	return store_xs_open(loop, fn, opaque, out, err, errlen);
}
