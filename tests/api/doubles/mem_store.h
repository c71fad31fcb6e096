/* SPDX-License-Identifier: MIT */
/*
 * TEST DOUBLE of controld's store (controld/store.h) for unit tests: a flat list of
 * (path, value) in memory, parents implied by their children (as xenstore creates them).
 * Transactions always commit; watches are recorded (tests fire them); fail_writes makes
 * every write fail.
 */
#ifndef KEEL_TESTS_MEM_STORE_H
#define KEEL_TESTS_MEM_STORE_H

#include "../../../controld/store.h"

#define MEM_NODES   512
#define MEM_WATCHES 32

struct mem_store {
	struct store s;
	char *path[MEM_NODES], *val[MEM_NODES];
	unsigned n;
	int fail_writes; /* negative errno returned by every write while set */
	int introduced;	 /* the domid of the last XS_INTRODUCE, -1 after its XS_RELEASE */
	uint64_t gfn;
	uint32_t port;
	char perms[MEM_NODES][24]; /* "n0,r5": the permissions last set on path[i] */
	char *watch_path[MEM_WATCHES], *watch_token[MEM_WATCHES];
	unsigned nwatches;
};

void mem_store_init(struct mem_store *m);
void mem_store_free(struct mem_store *m);
int mem_find(struct mem_store *m, const char *path);
/* path's value, NULL if it has none. */
const char *mem_get(struct mem_store *m, const char *path);
/* The token of the watch on path, NULL if none. */
const char *mem_watch_token(struct mem_store *m, const char *path);

#endif
