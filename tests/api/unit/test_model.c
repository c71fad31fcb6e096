// SPDX-License-Identifier: MIT
/*
 * controld's model without daemons: an in-memory store behind store.h and a recording
 * hypervisor double, both defined here. Checks the rules the model owns and that a PATCH is
 * all or nothing.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../controld/model.h"

/* --- the in-memory store: a flat list of (path, value); fail_writes makes writes fail --- */
#define MEM_NODES 512
struct mem_store {
	struct store s;
	char *path[MEM_NODES], *val[MEM_NODES];
	unsigned n;
	int fail_writes; /* negative errno returned by every write while set */
};

static struct mem_store *mem(struct store *s)
{
	return (struct mem_store *)s;
}

static int mem_find(struct mem_store *m, const char *path)
{
	for (unsigned i = 0; i < m->n; i++)
		if (!strcmp(m->path[i], path))
			return (int)i;
	return -1;
}

static int mem_read(struct store *s, uint32_t t, const char *path, char **val, size_t *len)
{
	int i = mem_find(mem(s), path);

	(void)t;
	if (i < 0)
		return -ENOENT;
	*val = strdup(mem(s)->val[i]);
	if (len)
		*len = strlen(*val);
	return 0;
}

static int mem_write(struct store *s, uint32_t t, const char *path, const char *val, size_t len)
{
	struct mem_store *m = mem(s);
	int i = mem_find(m, path);

	(void)t;
	if (m->fail_writes)
		return m->fail_writes;
	if (i < 0) {
		assert_in_range(m->n, 0, MEM_NODES - 1);
		i = (int)m->n++;
		m->path[i] = strdup(path);
		m->val[i] = NULL;
	}
	free(m->val[i]);
	m->val[i] = strndup(val, len);
	return 0;
}

static int mem_rm(struct store *s, uint32_t t, const char *path)
{
	(void)s, (void)t, (void)path;
	return 0;
}

static int mem_txn_start(struct store *s, uint32_t *t)
{
	(void)s;
	*t = 1;
	return 0;
}

static int mem_txn_end(struct store *s, uint32_t t, bool abort)
{
	(void)s, (void)t, (void)abort;
	return 0;
}

static int mem_set_owner(struct store *s, uint32_t t, const char *path, uint32_t domid)
{
	(void)s, (void)t, (void)path, (void)domid;
	return 0;
}

static const struct store_ops mem_ops = {
    .read = mem_read,
    .write = mem_write,
    .rm = mem_rm,
    .txn_start = mem_txn_start,
    .txn_end = mem_txn_end,
    .set_owner = mem_set_owner,
};

static const char *mem_get(struct mem_store *m, const char *path)
{
	int i = mem_find(m, path);

	return i < 0 ? NULL : m->val[i];
}

/* --- the hypervisor double: one domain, its settings recorded --- */
struct rec_hv {
	struct hv hv;
	int fail_unpause; /* negative errno unpause returns while set */
	bool destroyed;
	unsigned vcpus_online;
	uint64_t target_kib;
	unsigned assigned;
};

static struct rec_hv *rec(struct hv *hv)
{
	return (struct rec_hv *)hv;
}

static int h_create(struct hv *hv, const struct hv_domain_config *cfg, uint32_t *domid)
{
	(void)hv, (void)cfg;
	*domid = 7;
	return 0;
}

static int h_ok(struct hv *hv, uint32_t domid)
{
	(void)hv, (void)domid;
	return 0;
}

static int h_unpause(struct hv *hv, uint32_t domid)
{
	(void)domid;
	return rec(hv)->fail_unpause;
}

static int h_destroy(struct hv *hv, uint32_t domid)
{
	(void)domid;
	rec(hv)->destroyed = true;
	return 0;
}

static int h_vcpus(struct hv *hv, uint32_t domid, unsigned n)
{
	(void)domid;
	rec(hv)->vcpus_online = n;
	return 0;
}

static int h_sched(struct hv *hv, uint32_t domid, unsigned w, unsigned c)
{
	(void)hv, (void)domid, (void)w, (void)c;
	return 0;
}

static int h_pin(struct hv *hv, uint32_t domid, unsigned vcpu, uint64_t mask)
{
	(void)hv, (void)domid, (void)vcpu, (void)mask;
	return 0;
}

static int h_mem(struct hv *hv, uint32_t domid, uint64_t kib)
{
	(void)domid;
	rec(hv)->target_kib = kib;
	return 0;
}

static int h_pci(struct hv *hv, uint32_t domid, const char *bdf)
{
	(void)domid, (void)bdf;
	rec(hv)->assigned++;
	return 0;
}

static const struct hv_ops rec_ops = {
    .domain_create = h_create,
    .domain_destroy = h_destroy,
    .domain_pause = h_ok,
    .domain_unpause = h_unpause,
    .set_vcpus_online = h_vcpus,
    .set_sched = h_sched,
    .pin_vcpu = h_pin,
    .set_memory_target = h_mem,
    .pci_assign = h_pci,
    .pci_unassign = h_pci,
};

struct fixture {
	struct controld cd;
	struct mem_store store;
	struct rec_hv hv;
	struct domain *d;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct dom_spec spec = {.name = "web1",
				.vcpus = 2,
				.max_vcpus = 4,
				.memory_mib = 512,
				.memory_target_mib = 512,
				.weight = 256,
				.boot = {.type = BOOT_PVH, .kernel = "/k"}};

	f->store.s.ops = &mem_ops;
	f->hv.hv.ops = &rec_ops;
	f->cd.store = &f->store.s;
	f->cd.hv = &f->hv.hv;
	assert_int_equal(domain_create(&f->cd, &spec, &f->d), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	domains_free(&f->cd);
	for (unsigned i = 0; i < f->store.n; i++) {
		free(f->store.path[i]);
		free(f->store.val[i]);
	}
	free(f);
	return 0;
}

static void test_create_and_query(void **state)
{
	struct fixture *f = *state;
	unsigned by_state[DOM_NR_STATES];
	char path[128];

	assert_ptr_equal(domain_find(&f->cd, "web1"), f->d);
	assert_ptr_equal(domain_find(&f->cd, f->d->id), f->d);
	assert_string_equal(domain_name(f->d), "web1");
	domains_count_by_state(&f->cd, by_state);
	assert_int_equal(by_state[DOM_STOPPED], 1);
	assert_int_equal(by_state[DOM_RUNNING], 0);
	/* Written through: the record is a blob of one chunk. */
	snprintf(path, sizeof(path), "/keel/controld/domains/%s", f->d->id);
	assert_string_equal(mem_get(&f->store, path), "1");
	snprintf(path, sizeof(path), "/vm/%s/name", f->d->id);
	assert_string_equal(mem_get(&f->store, path), "web1");
}

static void test_patch_running(void **state)
{
	struct fixture *f = *state;
	struct dom_patch p = {.has_vcpus = true, .vcpus = 3};
	uint64_t gen;

	assert_int_equal(domain_start(&f->cd, f->d), 0);
	assert_int_equal(f->d->state, DOM_RUNNING);
	assert_int_equal(f->hv.vcpus_online, 2);
	gen = f->d->generation;
	assert_int_equal(domain_apply_patch(&f->cd, f->d, &p), 0);
	assert_int_equal(f->hv.vcpus_online, 3);
	assert_string_equal(mem_get(&f->store, "/local/domain/7/cpu/2/availability"), "online");
	assert_string_equal(mem_get(&f->store, "/local/domain/7/cpu/3/availability"), "offline");
	assert_int_equal(f->d->generation, gen + 1);
}

static void test_patch_rolls_back(void **state)
{
	struct fixture *f = *state;
	struct dom_patch p = {
	    .has_vcpus = true, .vcpus = 4, .has_memory_target = true, .memory_target_mib = 256};

	assert_int_equal(domain_start(&f->cd, f->d), 0);
	f->store.fail_writes = -EIO;
	assert_int_equal(domain_apply_patch(&f->cd, f->d, &p), -EIO);
	f->store.fail_writes = 0;
	/* The hypervisor got the new values, then the old ones back. */
	assert_int_equal(f->hv.vcpus_online, 2);
	assert_int_equal(f->hv.target_kib, 512 * 1024);
	assert_int_equal(f->d->spec.vcpus, 2);
	assert_int_equal(f->d->spec.memory_target_mib, 512);
	assert_string_equal(mem_get(&f->store, "/local/domain/7/cpu/3/availability"), "offline");
}

static void test_rules(void **state)
{
	struct fixture *f = *state;
	struct dom_patch p = {.has_vcpus = true, .vcpus = 5};
	char bdf[16];

	/* Beyond max_vcpus: refused before anything changes. */
	assert_int_equal(domain_apply_patch(&f->cd, f->d, &p), -EINVAL);
	for (unsigned i = 0; i < DOM_MAX_PCI; i++) {
		snprintf(bdf, sizeof(bdf), "0000:0%u:00.0", i);
		assert_int_equal(domain_pci_assign(&f->cd, f->d, bdf), 0);
	}
	assert_int_equal(domain_pci_assign(&f->cd, f->d, "0000:09:00.0"), -ENOSPC);
	assert_ptr_equal(domain_pci_owner(&f->cd, "0000:03:00.0"), f->d);
	assert_null(domain_pci_owner(&f->cd, "0000:09:00.0"));
	/* A shutting-down domain takes no changes; a paused one cannot reboot. */
	f->d->state = DOM_SHUTTING_DOWN;
	p.vcpus = 1;
	assert_int_equal(domain_apply_patch(&f->cd, f->d, &p), -EBUSY);
	assert_int_equal(domain_pci_unassign(&f->cd, f->d, "0000:03:00.0"), -EBUSY);
	f->d->state = DOM_PAUSED;
	assert_int_equal(domain_shutdown(&f->cd, f->d, true, 5, &(struct job *){NULL}), -EBUSY);
	f->d->state = DOM_STOPPED;
}

static void test_start_rolls_back(void **state)
{
	struct fixture *f = *state;
	struct job *j = NULL;

	f->hv.fail_unpause = -EIO;
	assert_int_equal(domain_act(&f->cd, f->d, ACT_START, 0, &j), -EIO);
	assert_null(j);
	assert_true(f->hv.destroyed);
	assert_int_equal(f->d->state, DOM_STOPPED);
	assert_int_equal(f->d->domid, -1);
	f->hv.fail_unpause = 0;
	assert_int_equal(domain_act(&f->cd, f->d, ACT_START, 0, &j), 0);
	assert_int_equal(f->d->state, DOM_RUNNING);
	assert_int_equal(f->d->domid, 7);
	/* A quick action answers with a finished job. */
	assert_non_null(j);
	assert_int_equal(j->state, JOB_SUCCEEDED);
	assert_string_equal(j->kind, "domain.start");
	assert_int_equal(domain_act(&f->cd, f->d, ACT_START, 0, &j), -EBUSY);
	assert_int_equal(domain_act(&f->cd, f->d, ACT_PAUSE, 0, &j), 0);
	assert_int_equal(f->d->state, DOM_PAUSED);
	assert_int_equal(domain_act(&f->cd, f->d, ACT_REBOOT, 5, &j), -EBUSY);
	assert_int_equal(domain_act(&f->cd, f->d, ACT_DESTROY, 0, &j), 0);
	assert_int_equal(f->d->state, DOM_STOPPED);
	jobs_free(&f->cd);
}

static void test_guest_crash(void **state)
{
	struct fixture *f = *state;
	struct hv_event ev = {
	    .type = HV_EV_DOMAIN_SHUTDOWN, .domid = 7, .reason = HV_SHUTDOWN_CRASH};

	assert_int_equal(domain_start(&f->cd, f->d), 0);
	model_on_hv_event(&f->cd, &ev);
	assert_int_equal(f->d->state, DOM_CRASHED);
	assert_int_equal(f->d->domid, -1);
	/* Console output of an unknown domain is dropped; of a known one it is kept. */
	assert_int_equal(domain_start(&f->cd, f->d), 0);
	ev = (struct hv_event){.type = HV_EV_CONSOLE, .domid = 7, .data = "hi\x01", .len = 3};
	model_on_hv_event(&f->cd, &ev);
	ev.domid = 8;
	model_on_hv_event(&f->cd, &ev);
	assert_int_equal(f->d->console_len, 3);
	assert_memory_equal(f->d->console, "hi?", 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_create_and_query, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_patch_running, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_patch_rolls_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_start_rolls_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_guest_crash, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
