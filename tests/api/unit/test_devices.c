// SPDX-License-Identifier: MIT
/*
 * The dom0 side of guests' disks and NICs (controld/devices.c) over the hotplug double and
 * the in-memory store: start attaches every disk and writes what xen-blkback waits for,
 * watches every NIC's backend; netback's InitWait bridges the NIC (also when its netdev
 * comes late); destroy detaches; a failed start leaves nothing; a restarted controld finds
 * the loop devices and watches again without attaching twice; hot-added devices.
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

#include "../doubles/hotplug_double.h"
#include "../doubles/hv_double.h"
#include "model_harness.h"

struct fixture {
	struct controld cd;
	struct mem_store store;
	struct hotplug_double *hp;
	uv_loop_t loop;
	struct domain *d;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct dom_spec spec = {
	    .name = "web1",
	    .vcpus = 1,
	    .max_vcpus = 1,
	    .memory_mib = 256,
	    .memory_target_mib = 256,
	    .ndisks = 2,
	    .disks = {{.id = "xvda", .path = "/srv/web1.img"},
		      {.id = "xvdb", .path = "seed", .readonly = true}},
	    .nnics = 1,
	    .nics = {{.id = "0", .mac = "00:16:3e:00:00:01", .bridge = "xenbr0"}},
	    .boot = {.type = BOOT_PVH, .kernel = "/k"}};

	assert_non_null(f);
	model_harness_open(&f->cd, &f->loop, &f->store);
	f->hp = hotplug_double_new();
	f->cd.hotplug = &f->hp->hp;
	snprintf(f->cd.cfg.images_dir, sizeof(f->cd.cfg.images_dir), "/var/lib/keel/images");
	assert_int_equal(domain_create(&f->cd, &spec, &f->d), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	model_harness_close(&f->cd, &f->loop, &f->store);
	free(f);
	return 0;
}

/* A node under domid's backend of kind/devid, NULL if missing. */
static const char *be(struct fixture *f, const char *kind, unsigned devid, const char *leaf)
{
	char p[160];

	snprintf(p, sizeof(p), "/local/domain/0/backend/%s/%d/%u/%s", kind, f->d->domid, devid,
		 leaf);
	return mem_get(&f->store, p);
}

static const char *fe(struct fixture *f, const char *kind, unsigned devid, const char *leaf)
{
	char p[160];

	snprintf(p, sizeof(p), "/local/domain/%d/device/%s/%u/%s", f->d->domid, kind, devid, leaf);
	return mem_get(&f->store, p);
}

static char *vif_state_path(struct fixture *f)
{
	static char p[128];

	snprintf(p, sizeof(p), "/local/domain/0/backend/vif/%d/0/state", f->d->domid);
	return p;
}

/* netback writes its state; the store fires the watch. */
static void netback_state(struct fixture *f, const char *state)
{
	const char *token;

	assert_int_equal(store_write_str(&f->store.s, 0, vif_state_path(f), "%s", state), 0);
	token = mem_watch_token(&f->store, vif_state_path(f));
	assert_non_null(token);
	devices_on_store_watch(&f->cd, vif_state_path(f), token);
}

/* Nothing of a running domain is in the store (its record is). */
static void assert_no_running_paths(struct fixture *f)
{
	for (unsigned i = 0; i < f->store.n; i++)
		assert_null(strstr(f->store.path[i], "/local/domain/"));
}

static void test_start_attaches_and_watches(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(domain_start(&f->cd, f->d), 0);
	/* Both disks, the second read-only, the image name resolved to its file. */
	assert_int_equal(f->hp->attaches, 2);
	assert_string_equal(f->hp->disks[0].file, "/srv/web1.img");
	assert_false(f->hp->disks[0].readonly);
	assert_string_equal(f->hp->disks[1].file, "/var/lib/keel/images/seed");
	assert_true(f->hp->disks[1].readonly);
	/* What blkback waits for: major:minor in hex. */
	assert_string_equal(be(f, "vbd", 51712, "physical-device"), "7:0");
	assert_string_equal(be(f, "vbd", 51728, "physical-device"), "7:1");
	assert_string_equal(be(f, "vbd", 51712, "physical-device-path"), "/dev/loop0");
	assert_string_equal(be(f, "vbd", 51712, "hotplug-status"), "connected");
	assert_string_equal(be(f, "vbd", 51728, "mode"), "r");
	assert_string_equal(fe(f, "vbd", 51712, "device-type"), "disk");
	assert_string_equal(fe(f, "vbd", 51712, "virtual-device"), "51712");
	/* What netback and netfront need; the NIC waits for netback. */
	assert_string_equal(be(f, "vif", 0, "handle"), "0");
	assert_string_equal(fe(f, "vif", 0, "handle"), "0");
	assert_string_equal(be(f, "vif", 0, "script"), "");
	assert_string_equal(be(f, "vif", 0, "bridge"), "xenbr0");
	assert_null(be(f, "vif", 0, "hotplug-status"));
	assert_non_null(mem_watch_token(&f->store, vif_state_path(f)));
	assert_int_equal(f->hp->bridge_adds, 0);
}

static void test_initwait_bridges_the_vif(void **state)
{
	struct fixture *f = *state;
	char ifname[24];

	assert_int_equal(domain_start(&f->cd, f->d), 0);
	netback_state(f, "1"); /* not probed yet */
	assert_int_equal(f->hp->bridge_adds, 0);
	netback_state(f, "2");
	snprintf(ifname, sizeof(ifname), "vif%d.0", f->d->domid);
	assert_int_equal(f->hp->nports, 1);
	assert_string_equal(f->hp->ports[0][0], "xenbr0");
	assert_string_equal(f->hp->ports[0][1], ifname);
	assert_string_equal(be(f, "vif", 0, "hotplug-status"), "connected");
	/* Once connected, later states change nothing. */
	netback_state(f, "4");
	assert_int_equal(f->hp->bridge_adds, 1);
}

static void test_late_netdev_is_retried(void **state)
{
	struct fixture *f = *state;

	f->hp->netdev_late = 3;
	assert_int_equal(domain_start(&f->cd, f->d), 0);
	netback_state(f, "2");
	assert_null(be(f, "vif", 0, "hotplug-status"));
	uv_run(&f->loop, UV_RUN_DEFAULT); /* the retry timer stops once it is bridged */
	assert_int_equal(f->hp->bridge_adds, 4);
	assert_int_equal(f->hp->nports, 1);
	assert_string_equal(be(f, "vif", 0, "hotplug-status"), "connected");
}

static void test_bridge_failure_is_reported(void **state)
{
	struct fixture *f = *state;

	f->hp->bridge_add_err = -EPERM;
	assert_int_equal(domain_start(&f->cd, f->d), 0);
	netback_state(f, "2");
	assert_string_equal(be(f, "vif", 0, "hotplug-status"), "error");
	assert_non_null(strstr(be(f, "vif", 0, "hotplug-error"), "xenbr0"));
}

static void test_destroy_detaches(void **state)
{
	struct fixture *f = *state;
	int domid;

	assert_int_equal(domain_start(&f->cd, f->d), 0);
	domid = f->d->domid;
	assert_int_equal(hotplug_double_attached(f->hp), 2);
	assert_int_equal(domain_destroy(&f->cd, f->d, DOM_STOPPED), 0);
	assert_int_equal(hotplug_double_attached(f->hp), 0);
	assert_int_equal(f->hp->detaches, 2);
	assert_int_equal(f->store.nwatches, 0);
	f->d->domid = domid; /* to look where its nodes were */
	assert_null(be(f, "vbd", 51712, "physical-device"));
	assert_null(be(f, "vif", 0, "state"));
	f->d->domid = -1;
}

static void test_failed_disk_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	int domid;

	f->hp->attach_err = -ENOENT;
	f->hp->attach_ok = 1; /* the second disk's file is missing */
	assert_int_equal(domain_start(&f->cd, f->d), -ENOENT);
	assert_string_equal(f->d->start_failed, "disk");
	assert_int_equal(f->d->start_failed_index, 1);
	assert_int_equal(f->d->domid, -1);
	assert_int_equal(f->d->state, DOM_STOPPED);
	assert_int_equal(f->hp->attaches, 1);
	assert_int_equal(hotplug_double_attached(f->hp), 0);
	assert_int_equal(f->store.nwatches, 0);
	assert_no_running_paths(f);
	domid = 1; /* the hypervisor's domain is gone too */
	assert_int_equal(
	    f->cd.hv->ops->domain_info(f->cd.hv, (hv_domid_t)domid, &(struct hv_domain_info){0}),
	    -ESRCH);
}

static void test_missing_bridge_refuses_start(void **state)
{
	struct fixture *f = *state;

	f->hp->bridge_check_err = -ENODEV;
	assert_int_equal(domain_start(&f->cd, f->d), -ENODEV);
	assert_string_equal(f->d->start_failed, "nic");
	assert_int_equal(f->d->start_failed_index, 0);
	assert_int_equal(f->hp->attaches, 0);
	assert_int_equal(f->store.nwatches, 0);
	assert_no_running_paths(f);
}

static void test_restart_finds_again(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(domain_start(&f->cd, f->d), 0);
	netback_state(f, "2");
	/* controld restarts: its watches and memory of them are gone, the store is not. */
	devices_free(&f->cd);
	assert_int_equal(f->store.nwatches, 0);
	lifecycle_resume(&f->cd);
	assert_int_equal(f->hp->finds, 2);
	assert_int_equal(f->hp->attaches, 2); /* not attached twice */
	assert_non_null(mem_watch_token(&f->store, vif_state_path(f)));
	netback_state(f, "4"); /* bridged before the restart: not again */
	assert_int_equal(f->hp->bridge_adds, 1);
	assert_int_equal(domain_destroy(&f->cd, f->d, DOM_STOPPED), 0);
	assert_int_equal(hotplug_double_attached(f->hp), 0);
}

static void test_hot_added_devices(void **state)
{
	struct fixture *f = *state;
	struct dom_disk disk = {.id = "xvdc", .path = "/srv/data.img"};
	struct dom_disk gone = {.id = "xvdd", .path = "/srv/missing.img"};

	assert_int_equal(domain_start(&f->cd, f->d), 0);
	assert_int_equal(domain_disk_add(&f->cd, f->d, &disk), 0);
	assert_int_equal(f->hp->attaches, 3);
	assert_string_equal(be(f, "vbd", 51744, "physical-device"), "7:2");
	/* A disk whose file cannot be attached is not added, nor are its nodes left. */
	f->hp->attach_err = -ENOENT;
	f->hp->attach_ok = 0;
	assert_int_equal(domain_disk_add(&f->cd, f->d, &gone), -ENOENT);
	assert_int_equal(f->d->spec.ndisks, 3);
	assert_null(be(f, "vbd", 51760, "params"));
	assert_null(fe(f, "vbd", 51760, "backend"));
	assert_int_equal(domain_destroy(&f->cd, f->d, DOM_STOPPED), 0);
	assert_int_equal(hotplug_double_attached(f->hp), 0);
}

/* The backend of an unplugged device closes: what xen-blkback writes, the watch fired. */
static void backend_closed(struct fixture *f, const char *kind, unsigned devid)
{
	char p[128], token[48];

	snprintf(p, sizeof(p), "/local/domain/0/backend/%s/%d/%u/state", kind, f->d->domid, devid);
	snprintf(token, sizeof(token), "dev:rm-%s:%d:%u", kind, f->d->domid, devid);
	assert_string_equal(mem_watch_token(&f->store, p), token);
	assert_int_equal(store_write_str(&f->store.s, 0, p, "6"), 0);
	devices_on_store_watch(&f->cd, p, token);
}

static void test_unplug_detaches_once_closed(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(domain_start(&f->cd, f->d), 0);
	assert_int_equal(domain_device_remove(&f->cd, f->d, "vbd", "xvdb"), 0);
	/* Asked to close as libxl asks; the loop device stays until the backend is closed. */
	assert_string_equal(be(f, "vbd", 51728, "online"), "0");
	assert_string_equal(be(f, "vbd", 51728, "state"), "5");
	assert_int_equal(hotplug_double_attached(f->hp), 2);
	/* A restart meanwhile watches it again. */
	devices_free(&f->cd);
	lifecycle_resume(&f->cd);
	backend_closed(f, "vbd", 51728);
	assert_null(be(f, "vbd", 51728, "params"));
	assert_null(fe(f, "vbd", 51728, "backend"));
	assert_int_equal(hotplug_double_attached(f->hp), 1);
	assert_false(f->hp->disks[1].attached);
	/* A NIC removed before netback probed is no longer bridged. */
	assert_int_equal(domain_device_remove(&f->cd, f->d, "vif", "0"), 0);
	netback_state(f, "2");
	assert_int_equal(f->hp->bridge_adds, 0);
	backend_closed(f, "vif", 0);
	assert_null(be(f, "vif", 0, "handle"));
	assert_int_equal(f->store.nwatches, 0);
}

/* A frontend that never closes (no driver in the guest): removed after 10 s, as libxl. */
static void test_unplug_without_frontend_times_out(void **state)
{
	struct fixture *f = *state;
	uint64_t t0;

	assert_int_equal(domain_start(&f->cd, f->d), 0);
	assert_int_equal(domain_device_remove(&f->cd, f->d, "vbd", "xvda"), 0);
	t0 = uv_now(&f->loop);
	uv_run(&f->loop, UV_RUN_DEFAULT); /* nothing else is pending but that timer */
	assert_true(uv_now(&f->loop) - t0 >= 9900);
	assert_null(be(f, "vbd", 51712, "params"));
	assert_false(f->hp->disks[0].attached);
	assert_true(f->hp->disks[1].attached);
}

static void test_qcow2_is_refused(void **state)
{
	struct fixture *f = *state;

	f->d->spec.disks[1].format = DISK_QCOW2;
	assert_int_equal(domain_start(&f->cd, f->d), -EMEDIUMTYPE);
	assert_string_equal(f->d->start_failed, "disk");
	assert_int_equal(f->d->start_failed_index, 1);
	assert_int_equal(hotplug_double_attached(f->hp), 0);
	assert_no_running_paths(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_start_attaches_and_watches, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_initwait_bridges_the_vif, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_late_netdev_is_retried, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bridge_failure_is_reported, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_destroy_detaches, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failed_disk_leaves_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_bridge_refuses_start, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_restart_finds_again, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hot_added_devices, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unplug_detaches_once_closed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unplug_without_frontend_times_out, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_qcow2_is_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
