// SPDX-License-Identifier: MIT
/* The shipped daemon's backends: Keel via privcmd, keel-xenstored via libxenstore. */
#include "hv_backend.h"

int backends_open_hv(uv_loop_t *loop, hv_event_fn fn, void *opaque, struct hv **out, char *err,
		     size_t errlen)
{
	return hv_privcmd_open(loop, fn, opaque, out, err, errlen);
}

int backends_open_store(uv_loop_t *loop, store_watch_fn fn, void *opaque, struct store **out,
			char *err, size_t errlen)
{
	return store_xs_open(loop, fn, opaque, out, err, errlen);
}

void backends_store_watch(const char *path, const char *token)
{
	(void)path, (void)token;
}

void backends_store_opened(struct hv *hv, struct store *store)
{
	(void)hv, (void)store;
}
