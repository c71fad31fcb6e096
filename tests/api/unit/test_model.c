// SPDX-License-Identifier: MIT
/*
 * controld's model without daemons: an in-memory store behind store.h (mem_store.c) and
 * the hypervisor test double (../doubles/hv_double.c) on a libuv loop of its own. Checks
 * the queries and rules the model owns, that a start or a PATCH is all or nothing, and the
 * lifecycle: actions, graceful shutdown and reboot jobs, a guest that crashes, domains the
 * hypervisor built at boot adopted at start, and domains gone from the hypervisor; and a
 * disk copied on the thread pool (a job), kept whole or not at all.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../../controld/image_disk.h"
#include "../../../controld/model_internal.h"
#include "../doubles/console_double.h"
#include "../doubles/hv_double.h"
#include "model_harness.h"

struct fixture {
	struct controld cd;
	struct mem_store store;
	uv_loop_t loop;
	struct domain *d;
};

static struct dom_spec spec_with(const char *cmdline)
{
	struct dom_spec spec = {.name = "web1",
				.vcpus = 2,
				.max_vcpus = 4,
				.memory_mib = 512,
				.memory_target_mib = 512,
				.weight = 256,
				.boot = {.type = BOOT_PVH, .kernel = "/k"}};

	snprintf(spec.boot.cmdline, sizeof(spec.boot.cmdline), "%s", cmdline);
	return spec;
}

static struct fixture *fixture_new(const char *cmdline)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct dom_spec spec = spec_with(cmdline);

	assert_non_null(f);
	model_harness_open(&f->cd, &f->loop, &f->store);
	f->cd.cfg.shutdown_timeout_s = 1;
	assert_int_equal(domain_create(&f->cd, &spec, &f->d), 0);
	return f;
}

static int setup(void **state)
{
	*state = fixture_new("");
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	model_harness_close(&f->cd, &f->loop, &f->store);
	free(f);
	return 0;
}

/* The hypervisor's view of d. */
static struct hv_domain_info hv_info(struct fixture *f, int domid)
{
	struct hv_domain_info info;

	assert_int_equal(f->cd.hv->ops->domain_info(f->cd.hv, (hv_domid_t)domid, &info), 0);
	return info;
}

static const char *domain_path(struct fixture *f, const char *leaf)
{
	static char path[128];

	snprintf(path, sizeof(path), "/local/domain/%d/%s", f->d->domid, leaf);
	return mem_get(&f->store, path);
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
	assert_int_equal(hv_info(f, f->d->domid).vcpus_online, 2);
	assert_string_equal(domain_path(f, "name"), "web1");
	gen = f->d->generation;
	assert_int_equal(domain_apply_patch(&f->cd, f->d, &p), 0);
	assert_int_equal(hv_info(f, f->d->domid).vcpus_online, 3);
	assert_string_equal(domain_path(f, "cpu/2/availability"), "online");
	assert_string_equal(domain_path(f, "cpu/3/availability"), "offline");
	assert_int_equal(f->d->generation, gen + 1);
}

static const char *domain_perms(struct fixture *f, const char *leaf)
{
	char path[128];
	int i;

	snprintf(path, sizeof(path), "/local/domain/%d%s%s", f->d->domid, *leaf ? "/" : "", leaf);
	i = mem_find(&f->store, path);
	assert_true(i >= 0);
	return f->store.perms[i];
}

/* Start connects what the build set up: the nodes xl writes, then XS_INTRODUCE; destroy
 * releases it. */
static void test_start_introduces(void **state)
{
	struct fixture *f = *state;
	char want[16];

	f->store.introduced = -1;
	assert_int_equal(domain_start(&f->cd, f->d), 0);
	assert_int_equal(f->store.introduced, f->d->domid);
	assert_int_equal(f->store.gfn, 0xfeffc);
	assert_int_equal(f->store.port, 1);
	assert_string_equal(domain_path(f, "store/ring-ref"), "1044476");
	assert_string_equal(domain_path(f, "store/port"), "1");
	assert_string_equal(domain_path(f, "console/ring-ref"), "1044477");
	assert_string_equal(domain_path(f, "console/port"), "2");
	assert_string_equal(domain_path(f, "domid"), "1");
	assert_string_equal(domain_path(f, "memory/target"), "524288");
	assert_string_equal(domain_path(f, "cpu/1/availability"), "online");
	/* The home is dom0's and readable by the guest; the guest owns what it writes. */
	snprintf(want, sizeof(want), "n0,r%d", f->d->domid);
	assert_string_equal(domain_perms(f, ""), want);
	assert_string_equal(domain_perms(f, "control"), want);
	snprintf(want, sizeof(want), "n%d", f->d->domid);
	assert_string_equal(domain_perms(f, "control/shutdown"), want);
	assert_string_equal(domain_perms(f, "control/feature-poweroff"), want);
	assert_string_equal(domain_perms(f, "data"), want);
	assert_int_equal(domain_act(&f->cd, f->d, ACT_DESTROY, 0, &(struct job *){NULL}), 0);
	assert_int_equal(f->store.introduced, -1);
}

/* A build that fails says which part did, and nothing is introduced. */
static void test_start_names_the_failed_part(void **state)
{
	struct fixture *f = *state;
	char path[] = "/tmp/keel-test-model-kernel-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "MZ not an ELF", 13), 13);
	close(fd);
	snprintf(f->d->spec.boot.kernel, sizeof(f->d->spec.boot.kernel), "%s", path);
	f->store.introduced = -1;
	assert_int_equal(domain_start(&f->cd, f->d), -ENOEXEC);
	assert_string_equal(f->d->start_failed, "kernel");
	assert_int_equal(f->d->state, DOM_STOPPED);
	assert_int_equal(f->store.introduced, -1);
	unlink(path);
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
	assert_int_equal(hv_info(f, f->d->domid).vcpus_online, 2);
	assert_int_equal(hv_info(f, f->d->domid).max_memory_kib, 512 * 1024);
	assert_int_equal(f->d->spec.vcpus, 2);
	assert_int_equal(f->d->spec.memory_target_mib, 512);
	assert_string_equal(domain_path(f, "cpu/3/availability"), "offline");
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
	struct hv_domain_info info;
	struct job *j = NULL;
	struct dom_spec spec = spec_with("test.fail_unpause");
	struct domain *d;

	assert_int_equal(domain_create(&f->cd, &spec, &d), -EEXIST);
	snprintf(spec.name, sizeof(spec.name), "flaky");
	assert_int_equal(domain_create(&f->cd, &spec, &d), 0);
	assert_int_equal(domain_act(&f->cd, d, ACT_START, 0, &j), -EIO);
	assert_null(j);
	/* The hypervisor's domain is gone again (the double's first domid is 1). */
	assert_int_equal(f->cd.hv->ops->domain_info(f->cd.hv, 1, &info), -ESRCH);
	assert_int_equal(d->state, DOM_STOPPED);
	assert_int_equal(d->domid, -1);
	/* A quick action answers with a finished job; illegal ones are refused. */
	assert_int_equal(domain_act(&f->cd, f->d, ACT_START, 0, &j), 0);
	assert_int_equal(f->d->state, DOM_RUNNING);
	assert_non_null(j);
	assert_int_equal(j->state, JOB_SUCCEEDED);
	assert_string_equal(j->kind, "domain.start");
	assert_int_equal(domain_act(&f->cd, f->d, ACT_START, 0, &j), -EBUSY);
	assert_int_equal(domain_act(&f->cd, f->d, ACT_PAUSE, 0, &j), 0);
	assert_int_equal(hv_info(f, f->d->domid).state, HV_DOM_PAUSED);
	assert_int_equal(domain_act(&f->cd, f->d, ACT_REBOOT, 5, &j), -EBUSY);
	assert_int_equal(domain_act(&f->cd, f->d, ACT_DESTROY, 0, &j), 0);
	assert_int_equal(f->d->state, DOM_STOPPED);
}

/* A guest that ignores the request is destroyed at the deadline; a reboot starts it again. */
static void test_graceful_shutdown_and_reboot(void **state)
{
	struct fixture *f = *state;
	struct job *j;
	int first;

	assert_int_equal(domain_start(&f->cd, f->d), 0);
	first = f->d->domid;
	assert_int_equal(domain_act(&f->cd, f->d, ACT_REBOOT, 0, &j), 0);
	assert_int_equal(j->state, JOB_RUNNING);
	assert_int_equal(f->d->state, DOM_SHUTTING_DOWN);
	assert_string_equal(domain_path(f, "control/shutdown"), "reboot");
	/* No changes while it shuts down. */
	assert_int_equal(domain_pci_assign(&f->cd, f->d, "0000:03:00.0"), -EBUSY);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(j->state, JOB_SUCCEEDED);
	assert_string_equal(j->message, "guest did not shut down in time: destroyed and restarted");
	assert_int_equal(f->d->state, DOM_RUNNING);
	assert_int_not_equal(f->d->domid, first);
	assert_string_equal(f->d->job_id, "");
	assert_int_equal(domain_act(&f->cd, f->d, ACT_SHUTDOWN, 0, &j), 0);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_string_equal(j->message, "guest did not shut down in time: destroyed");
	assert_int_equal(f->d->state, DOM_STOPPED);
}

static void test_guest_crash(void **state)
{
	struct fixture *f = *state;
	struct dom_spec spec = spec_with("test.crash");
	struct domain *d;

	snprintf(spec.name, sizeof(spec.name), "crashy");
	assert_int_equal(domain_create(&f->cd, &spec, &d), 0);
	assert_int_equal(domain_start(&f->cd, d), 0);
	/* The double's guest printed its boot lines to the console ring. */
	assert_in_range(d->console_len, 20, CONSOLE_RING_BYTES);
	assert_memory_equal(d->console, "Linux version", 13);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(d->state, DOM_CRASHED);
	assert_int_equal(d->domid, -1);
	/* A crashed domain may be deleted. */
	assert_int_equal(domain_delete(&f->cd, d), 0);
	assert_null(domain_find(&f->cd, "crashy"));
}

/* The console service over its device double, its output into the model as main.c does. */
static void console_output(void *opaque, hv_domid_t domid, const char *data, size_t len)
{
	struct hv_event ev = {.type = HV_EV_CONSOLE, .domid = domid, .data = data, .len = len};

	model_on_hv_event(opaque, &ev);
}

static void test_console_served_while_it_runs(void **state)
{
	struct fixture *f = *state;
	struct dom_spec spec = spec_with("test.crash");
	struct domain *d;
	size_t len;
	char *text;
	void *h;
	int domid;

	console_double_open(&h);
	assert_int_equal(consoles_open(&f->loop, &console_double_ops, h, console_output, &f->cd,
				       &f->cd.consoles),
			 0);
	assert_int_equal(domain_console_input(&f->cd, f->d, "x", 1), -EBUSY); /* stopped */
	assert_int_equal(domain_start(&f->cd, f->d), 0);
	domid = f->d->domid;
	assert_non_null(console_double_page((unsigned)domid)); /* attached at start */
	assert_int_equal(domain_console_input(&f->cd, f->d, "hostname\n", 9), 9);
	for (int i = 0; i < 4; i++)
		uv_run(&f->loop, UV_RUN_NOWAIT);
	text = domain_console_text(f->d, &len);
	assert_non_null(strstr(text, "Linux version")); /* the double's own boot lines */
	assert_non_null(strstr(text, "hostname\n"));	/* the echo, through the ring */
	free(text);
	/* Destroyed: unmapped and unbound before the hypervisor destroys it. */
	assert_int_equal(domain_destroy(&f->cd, f->d, DOM_STOPPED), 0);
	assert_null(console_double_page((unsigned)domid));
	assert_int_equal(domain_console_input(&f->cd, f->d, "x", 1), -EBUSY);
	/* A guest that crashes by itself loses its console too. */
	snprintf(spec.name, sizeof(spec.name), "crashy");
	assert_int_equal(domain_create(&f->cd, &spec, &d), 0);
	assert_int_equal(domain_start(&f->cd, d), 0);
	domid = d->domid;
	assert_non_null(console_double_page((unsigned)domid));
	/* The poll handle keeps the loop alive: run until the double's guest has crashed. */
	for (int i = 0; i < 100 && d->state != DOM_CRASHED; i++)
		uv_run(&f->loop, UV_RUN_ONCE);
	assert_int_equal(d->state, DOM_CRASHED);
	assert_null(console_double_page((unsigned)domid));
	consoles_close(f->cd.consoles);
	f->cd.consoles = NULL;
	uv_run(&f->loop, UV_RUN_DEFAULT);
	console_double_close(h);
}

static void test_adopt_boot_domains(void **state)
{
	struct fixture *f = *state;
	struct domain *d0, *g;
	struct job *j;
	unsigned by_state[DOM_NR_STATES];

	hv_double_add_boot_domain(f->cd.hv, 0, "dom0", 2, 1024);
	hv_double_add_boot_domain(f->cd.hv, 5, "web boot!", 1, 256);
	hv_double_add_boot_domain(f->cd.hv, 9, "early", 1, 16);
	hv_double_end_boot_domain(f->cd.hv, 9, HV_DOM_CRASHED);
	domains_adopt(&f->cd);
	domains_adopt(&f->cd); /* known now: not again */
	domains_count_by_state(&f->cd, by_state);
	assert_int_equal(by_state[DOM_RUNNING], 2);
	assert_int_equal(f->cd.doms.items.n, 4);
	/* Crashed before controld started: listed crashed, released in the hypervisor. */
	assert_int_equal(by_state[DOM_CRASHED], 1);
	assert_int_equal(domain_find(&f->cd, "early")->domid, -1);
	assert_int_equal(f->cd.hv->ops->domain_info(f->cd.hv, 9, &(struct hv_domain_info){0}),
			 -ESRCH);

	d0 = domain_find(&f->cd, "Domain-0");
	assert_non_null(d0);
	assert_int_equal(d0->domid, 0);
	assert_int_equal(d0->spec.boot.type, BOOT_TIME);
	assert_int_equal(d0->spec.vcpus, 2);
	assert_int_equal(d0->spec.memory_mib, 1024);
	g = domain_find(&f->cd, "web-boot-");
	assert_non_null(g);
	assert_int_equal(g->domid, 5);
	assert_int_equal(g->state, DOM_RUNNING);
	assert_string_equal(mem_get(&f->store, "/local/domain/5/name"), "web-boot-");
	assert_string_equal(mem_get(&f->store, "/local/domain/5/cpu/0/availability"), "online");

	/* Domain-0 is where controld runs: no action stops it. */
	assert_int_equal(domain_act(&f->cd, d0, ACT_PAUSE, 0, &j), -EBUSY);
	assert_int_equal(domain_act(&f->cd, d0, ACT_SHUTDOWN, 5, &j), -EBUSY);
	assert_int_equal(domain_act(&f->cd, d0, ACT_DESTROY, 0, &j), -EBUSY);
	assert_int_equal(hv_info(f, 0).state, HV_DOM_RUNNING);

	/* Acted on like any other; once stopped, controld cannot build it again. */
	assert_int_equal(domain_act(&f->cd, g, ACT_PAUSE, 0, &j), 0);
	assert_int_equal(hv_info(f, 5).state, HV_DOM_PAUSED);
	assert_int_equal(domain_act(&f->cd, g, ACT_UNPAUSE, 0, &j), 0);
	assert_int_equal(domain_act(&f->cd, g, ACT_DESTROY, 0, &j), 0);
	assert_int_equal(g->state, DOM_STOPPED);
	assert_int_equal(domain_act(&f->cd, g, ACT_START, 0, &j), -ENOSYS);
}

static void test_hypervisor_events(void **state)
{
	struct fixture *f = *state;
	struct domain *g;

	hv_double_add_boot_domain(f->cd.hv, 6, "lost", 1, 64);
	hv_double_add_boot_domain(f->cd.hv, 7, "boom", 1, 64);
	domains_adopt(&f->cd);
	/* Gone without a shutdown seen (destroyed by others): stopped. */
	model_on_hv_event(&f->cd, &(struct hv_event){.type = HV_EV_DOMAIN_GONE, .domid = 6});
	g = domain_find(&f->cd, "lost");
	assert_int_equal(g->state, DOM_STOPPED);
	assert_int_equal(g->domid, -1);
	/* Crashed: crashed; an event for a domid nobody has is ignored. */
	model_on_hv_event(&f->cd, &(struct hv_event){.type = HV_EV_DOMAIN_SHUTDOWN,
						     .domid = 7,
						     .reason = HV_SHUTDOWN_CRASH});
	assert_int_equal(domain_find(&f->cd, "boom")->state, DOM_CRASHED);
	model_on_hv_event(&f->cd, &(struct hv_event){.type = HV_EV_DOMAIN_GONE, .domid = 7});
	assert_int_equal(domain_find(&f->cd, "boom")->state, DOM_CRASHED);
}

/* Runs the loop until job j is over. */
static void job_wait(struct fixture *f, const struct job *j)
{
	for (int i = 0; i < 5000 && j->state == JOB_RUNNING; i++)
		uv_run(&f->loop, UV_RUN_ONCE);
	assert_int_not_equal(j->state, JOB_RUNNING);
}

static void test_disk_copy(void **state)
{
	struct fixture *f = *state;
	char base[] = "/tmp/keel-test-copy-XXXXXX", path[160], cmd[200];
	static char data[1u << 20];
	struct rlimit old, small = {.rlim_cur = 256 * 1024};
	struct image_info im;
	struct job *j;
	FILE *out;

	assert_non_null(mkdtemp(base));
	snprintf(f->cd.cfg.images_dir, sizeof(f->cd.cfg.images_dir), "%s", base);
	f->cd.cfg.image_max_mib = 2;
	assert_int_equal(images_init(&f->cd), 0);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + 1);
	snprintf(path, sizeof(path), "%s/golden", base);
	out = fopen(path, "w");
	assert_int_equal(fwrite(data, 1, sizeof(data), out), sizeof(data));
	fclose(out);

	assert_int_equal(disk_copy_start(&f->cd, "golden", "vol", &j), 0);
	assert_string_equal(j->kind, "image.copy");
	assert_int_equal(disk_copy_start(&f->cd, "golden", "vol", &j), -EEXIST); /* in flight */
	job_wait(f, j);
	assert_int_equal(j->state, JOB_SUCCEEDED);
	assert_int_equal(image_get(&f->cd, "vol", &im), 0);
	assert_true(im.disk);
	assert_int_equal(im.size, sizeof(data));
	snprintf(cmd, sizeof(cmd), "cmp -s %s/golden %s/vol", base, base);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(disk_copy_start(&f->cd, "nosuch", "vol2", &j), -ENOENT);
	assert_int_equal(disk_copy_start(&f->cd, "golden", "vol", &j), -EEXIST);

	/* Writing fails part way (here a file size limit): the job fails, nothing is kept. */
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	small.rlim_max = old.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	assert_int_equal(disk_copy_start(&f->cd, "golden", "cut", &j), 0);
	job_wait(f, j);
	setrlimit(RLIMIT_FSIZE, &old);
	assert_int_equal(j->state, JOB_FAILED);
	assert_true(j->has_error);
	assert_int_equal(j->error.status, 500);
	assert_int_equal(image_get(&f->cd, "cut", &im), -ENOENT);
	snprintf(cmd, sizeof(cmd),
		 "test \"$(ls -A %s)\" = \"$(printf '.vol.disk\\ngolden\\nvol')\"", base);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", base);
	assert_int_equal(system(cmd), 0);
}

static int count_live(void *arg, const struct domain *d, const struct domain_stats *s)
{
	(void)d, (void)s;
	++*(unsigned *)arg;
	return 0;
}

/* Statistics come from the hypervisor at each call: the double's CPU time grows with real
 * time on each vCPU online while the domain runs, not while it is paused. */
static void test_stats(void **state)
{
	struct fixture *f = *state;
	struct domain_stats a, b;
	unsigned live = 0;
	struct job *j;

	assert_int_equal(domain_stats(&f->cd, f->d, &a), -EBUSY);
	assert_int_equal(domains_stats_each(&f->cd, count_live, &live), 0);
	assert_int_equal(live, 0);
	assert_int_equal(domain_start(&f->cd, f->d), 0);
	assert_int_equal(domain_stats(&f->cd, f->d, &a), 0);
	assert_int_equal(a.vcpus_online, 2);
	assert_int_equal(a.memory_kib, 512 * 1024);
	assert_true(a.has_counters);
	assert_false(a.device_model); /* PVH */
	usleep(20000);
	assert_int_equal(domain_stats(&f->cd, f->d, &b), 0);
	assert_true(b.cpu_time_ns - a.cpu_time_ns >= 2 * 20000000ull);
	/* The double's vCPUs exit once per 10 us of their time, on its monotonic clock. */
	assert_true(b.counters.vm_exits - a.counters.vm_exits >= 2 * 2000);
	assert_true(b.counters.now_ns - a.counters.now_ns >= 20000000ull);
	assert_true(b.sampled_wall_ms >= a.sampled_wall_ms + 20);
	assert_int_equal(domains_stats_each(&f->cd, count_live, &live), 0);
	assert_int_equal(live, 1);
	assert_int_equal(domain_act(&f->cd, f->d, ACT_PAUSE, 0, &j), 0);
	assert_int_equal(domain_stats(&f->cd, f->d, &a), 0);
	usleep(20000);
	assert_int_equal(domain_stats(&f->cd, f->d, &b), 0);
	assert_int_equal(b.cpu_time_ns, a.cpu_time_ns);
	assert_int_equal(domain_act(&f->cd, f->d, ACT_DESTROY, 0, &j), 0);
	assert_int_equal(domain_stats(&f->cd, f->d, &a), -EBUSY);
}

/* A Keel before getstats answers EOPNOTSUPP: the statistics it has still come, without the
 * counters. */
static void test_stats_old_keel(void **state)
{
	struct fixture *f = fixture_new("test.old_keel");
	struct domain_stats a;

	(void)state;
	assert_int_equal(domain_start(&f->cd, f->d), 0);
	assert_int_equal(domain_stats(&f->cd, f->d, &a), 0);
	assert_false(a.has_counters);
	assert_int_equal(a.vcpus_online, 2);
	assert_int_equal(a.memory_kib, 512 * 1024);
	model_harness_close(&f->cd, &f->loop, &f->store);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_create_and_query, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_patch_running, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_patch_rolls_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_start_introduces, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_start_names_the_failed_part, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_start_rolls_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_graceful_shutdown_and_reboot, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_guest_crash, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_console_served_while_it_runs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_adopt_boot_domains, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hypervisor_events, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_disk_copy, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stats, setup, teardown),
	    cmocka_unit_test(test_stats_old_keel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
