// SPDX-License-Identifier: MIT
/*
 * qemu-dm-glue's supervisor in controld (controld/device_model.c) with the model, the
 * in-memory store and the hypervisor double, and a fake QEMU (fake_qemu.py) that serves
 * COM1's socket and QMP: an HVM start waits paused until QEMU took "cont" over QMP (after
 * qmp_capabilities and query-status "prelaunch"), then its COM1 is the console
 * (output and input), QEMU killed while the guest runs crashes the guest and removes the
 * device-model node, a QEMU that never says "running" fails the start and is killed (one
 * that ignores SIGTERM, by SIGKILL), a destroy stops QEMU, then the domain (a reboot starts
 * it again only then), and a restarted
 * controld adopts a running guest's QEMU (or finds the guest crashed when QEMU is gone, or
 * stops one that had not taken "cont" and destroys its domain).
 * A hostile monitor (garbage, silence, death, an error, a flood, an endless line, the wrong
 * status) fails the start cleanly. Deprivileged: a uid per domain, its own chroot, removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../../controld/device_model.h"
#include "../../../controld/device_model_args.h"
#include "../../../controld/hv_domctl.h"
#include "../../../controld/model_internal.h"
#include "../doubles/hv_double.h"
#include "model_harness.h"

struct fixture {
	struct controld cd;
	struct mem_store store;
	uv_loop_t loop;
	uv_timer_t tick;
	struct domain *d;
	char run_dir[64];
};

static void tick(uv_timer_t *t)
{
	(void)t;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct dom_spec spec = {.name = "hvm1",
				.vcpus = 1,
				.max_vcpus = 1,
				.memory_mib = 64,
				.memory_target_mib = 64,
				.weight = 256,
				.boot = {.type = BOOT_HVM, .firmware = FW_SEABIOS}};

	assert_non_null(f);
	model_harness_open(&f->cd, &f->loop, &f->store);
	snprintf(f->run_dir, sizeof(f->run_dir), "/tmp/keel-test-dm-%d", (int)getpid());
	snprintf(f->cd.cfg.qemu, sizeof(f->cd.cfg.qemu), "%s", FAKE_QEMU);
	snprintf(f->cd.cfg.qemu_run_dir, sizeof(f->cd.cfg.qemu_run_dir), "%s", f->run_dir);
	/* Missing files: the hypervisor double simulates the guest. */
	snprintf(f->cd.cfg.hvmloader, sizeof(f->cd.cfg.hvmloader), "/nonexistent/hvmloader");
	snprintf(f->cd.cfg.seabios, sizeof(f->cd.cfg.seabios), "/nonexistent/bios-256k.bin");
	f->cd.cfg.qemu_start_timeout_s = 10;
	assert_int_equal(domain_create(&f->cd, &spec, &f->d), 0);
	uv_timer_init(&f->loop, &f->tick);
	uv_timer_start(&f->tick, tick, 20, 20);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char sock[128];

	/* controld leaves QEMUs running when it goes: a failed test's fake ones too. */
	for (int domid = 1; domid < 8; domid++)
		if (device_model_pid(&f->cd, domid) > 0)
			kill(device_model_pid(&f->cd, domid), SIGKILL);
	uv_close((uv_handle_t *)&f->tick, NULL);
	model_harness_close(&f->cd, &f->loop, &f->store);
	for (int i = 0; i < 8; i++) {
		static const char *const left[] = {"%s/%d-serial.sock", "%s/%d-qmp.sock",
						   "%s/%d-go", "%s/%d-qmp.log"};
		for (unsigned k = 0; k < sizeof(left) / sizeof(left[0]); k++) {
			snprintf(sock, sizeof(sock), left[k], f->run_dir, i);
			unlink(sock);
		}
		snprintf(sock, sizeof(sock), "%s/root-%d", f->run_dir, i);
		rmdir(sock);
	}
	rmdir(f->run_dir);
	free(f);
	return 0;
}

/* Runs the loop until pred holds or ms pass; whether it held. */
static bool run_until(struct fixture *f, bool (*pred)(struct fixture *), unsigned ms)
{
	uint64_t end = uv_now(&f->loop) + ms;

	while (!pred(f) && uv_now(&f->loop) < end)
		uv_run(&f->loop, UV_RUN_ONCE);
	return pred(f);
}

static bool is_running(struct fixture *f)
{
	return f->d->state == DOM_RUNNING;
}

static bool is_crashed(struct fixture *f)
{
	return f->d->state == DOM_CRASHED;
}

static bool is_stopped(struct fixture *f)
{
	return f->d->state == DOM_STOPPED;
}

static bool no_qemu(struct fixture *f)
{
	return f->cd.dms == NULL;
}

static bool console_has(struct fixture *f, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i + n <= f->d->console_len; i++) {
		size_t k = 0;
		while (k < n &&
		       f->d->console[(f->d->console_head + i + k) % CONSOLE_RING_BYTES] == s[k])
			k++;
		if (k == n)
			return true;
	}
	return false;
}

static bool has_hello(struct fixture *f)
{
	return console_has(f, "fake-qemu: hello on COM1");
}

static bool has_echo(struct fixture *f)
{
	return console_has(f, "echo: ping");
}

/* controld's log (stderr) into a file while a test looks at it. */
static int log_to_file(const char *path)
{
	int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(saved >= 0 && fd >= 0);
	fflush(stderr);
	dup2(fd, 2);
	close(fd);
	return saved;
}

static char *log_restore(int saved, const char *path)
{
	static char text[16384];
	FILE *f;
	size_t n;

	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	unlink(path);
	return text;
}

/* The fake QEMU serves its COM1 socket (as QEMU does before it says "running"). */
static bool com1_served(struct fixture *f)
{
	char sock[128];
	struct stat st;

	snprintf(sock, sizeof(sock), "%s/%d-serial.sock", f->run_dir, f->d->domid);
	return !stat(sock, &st);
}

/* Lets the fake QEMU greet on QMP (it waits for RUNDIR/<domid>-go). */
static void qemu_go(struct fixture *f)
{
	char p[128];
	FILE *go;

	snprintf(p, sizeof(p), "%s/%d-go", f->run_dir, f->d->domid);
	go = fopen(p, "w");
	assert_non_null(go);
	fclose(go);
}

static void say_running(struct fixture *f)
{
	assert_true(run_until(f, com1_served, 5000));
	qemu_go(f);
}

/* The QMP commands the fake QEMU got, one a line. */
static const char *qmp_log(struct fixture *f)
{
	static char text[256];
	char p[128];
	FILE *log;
	size_t n;

	snprintf(p, sizeof(p), "%s/%d-qmp.log", f->run_dir, f->d->domid);
	text[0] = '\0';
	if ((log = fopen(p, "r"))) {
		n = fread(text, 1, sizeof(text) - 1, log);
		text[n] = '\0';
		fclose(log);
	}
	return text;
}

static const char *dm_node(struct fixture *f, int domid)
{
	char p[96];

	snprintf(p, sizeof(p), "/local/domain/0/device-model/%d/state", domid);
	return mem_get(&f->store, p);
}

static void test_start_console_crash(void **state)
{
	struct fixture *f = *state;
	struct job *j = NULL;
	char p[96], want[16], logpath[96];
	int domid, pid, saved;

	/* A stale "running" of a domain that had this domid is removed before QEMU starts. */
	snprintf(p, sizeof(p), "/local/domain/0/device-model/%d/state", 1);
	assert_int_equal(store_write_str(f->cd.store, STORE_NO_TXN, p, "running"), 0);
	snprintf(logpath, sizeof(logpath), "%s.log", f->run_dir);
	saved = log_to_file(logpath);
	assert_int_equal(domain_act(&f->cd, f->d, ACT_START, 0, &j), 0);
	domid = f->d->domid;
	assert_int_equal(domid, 1);
	assert_null(dm_node(f, domid));
	/* Paused, the start's job running, until QEMU says "running". */
	assert_int_equal(f->d->state, DOM_PAUSED);
	assert_int_equal(j->state, JOB_RUNNING);
	assert_string_equal(j->kind, "domain.start");
	assert_true(device_model_starting(&f->cd, domid));
	assert_int_equal(domain_unpause(&f->cd, f->d), -EBUSY);
	pid = device_model_pid(&f->cd, domid);
	assert_true(pid > 0);
	/* hvmloader's and QEMU's keys, as libxl writes them. */
	snprintf(p, sizeof(p), "/local/domain/%d/hvmloader/bios", domid);
	assert_string_equal(mem_get(&f->store, p), "seabios");
	snprintf(p, sizeof(p), "/local/domain/%d/platform/device-model", domid);
	assert_string_equal(mem_get(&f->store, p), "qemu_xen");
	snprintf(p, sizeof(p), "/local/domain/%d/hvmloader/generation-id-address", domid);
	assert_non_null(mem_get(&f->store, p));
	snprintf(want, sizeof(want), "n%d", domid);
	assert_string_equal(f->store.perms[mem_find(&f->store, p)], want);
	assert_false(run_until(f, is_running, 300));
	assert_string_equal(qmp_log(f), "");
	say_running(f);
	assert_true(run_until(f, is_running, 5000));
	assert_int_equal(j->state, JOB_SUCCEEDED);
	/* libxl's order: the domain ran only after QEMU took "cont". */
	assert_string_equal(qmp_log(f), "qmp_capabilities\nquery-status\ncont\n");
	assert_int_equal(
	    f->cd.hv->ops->domain_info(f->cd.hv, (hv_domid_t)domid, &(struct hv_domain_info){0}),
	    0);
	/* COM1 is the console: QEMU's output, and input echoed back. */
	assert_true(run_until(f, has_hello, 5000));
	/* QEMU's stdout and stderr, a line each in the log with the domain; no control bytes. */
	char *log = log_restore(saved, logpath);
	fputs(log, stderr);
	assert_non_null(strstr(log, "domain hvm1 (domid 1): qemu: fake-qemu: domid 1, "));
	assert_non_null(strstr(log, "domain hvm1 (domid 1): qemu: fake-qemu: on stderr ?[2J?\n"));
	assert_null(strchr(log, '\x1b'));
	assert_int_equal(domain_console_input(&f->cd, f->d, "ping\n", 5), 5);
	assert_true(run_until(f, has_echo, 5000));
	/* QEMU killed under a running guest: the guest crashed, its node gone. */
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_true(run_until(f, is_crashed, 5000));
	assert_int_equal(f->d->domid, -1);
	assert_null(dm_node(f, domid));
	assert_true(run_until(f, no_qemu, 5000));
	struct hv_domain_info info;
	int rc = f->cd.hv->ops->domain_info(f->cd.hv, (hv_domid_t)domid, &info);
	assert_true(rc == -ESRCH || !hv_domain_alive(&info));
	/* Started again, destroyed: QEMU goes with it (SIGTERM). */
	assert_int_equal(domain_act(&f->cd, f->d, ACT_START, 0, &j), 0);
	say_running(f);
	assert_true(run_until(f, is_running, 5000));
	pid = device_model_pid(&f->cd, f->d->domid);
	domid = f->d->domid;
	assert_int_equal(domain_act(&f->cd, f->d, ACT_DESTROY, 0, &j), 0);
	assert_int_equal(f->d->state, DOM_STOPPED);
	/* The hypervisor's domain goes once QEMU has (QEMU maps its memory until then). */
	assert_int_equal(f->cd.hv->ops->domain_info(f->cd.hv, (hv_domid_t)domid, &info), 0);
	assert_true(hv_domain_alive(&info));
	assert_true(run_until(f, no_qemu, 5000));
	assert_int_equal(kill(pid, 0), -1);
	rc = f->cd.hv->ops->domain_info(f->cd.hv, (hv_domid_t)domid, &info);
	assert_true(rc == -ESRCH || !hv_domain_alive(&info));
}

static bool has_pong(struct fixture *f)
{
	return console_has(f, "echo: pong");
}

/* controld exits (its QEMU left running) after checking QEMU's record, "PID" + tail, whose
 * store path goes into p (96 bytes). */
static void controld_goes(struct fixture *f, char *p, int domid, const char *tail)
{
	char want[32];

	snprintf(p, 96, "/keel/controld/device-models/%d", domid);
	snprintf(want, sizeof(want), "%d%s", device_model_pid(&f->cd, domid), tail);
	assert_string_equal(mem_get(&f->store, p), want);
	device_model_free(&f->cd);
	assert_true(run_until(f, no_qemu, 2000));
}

/* A restarted controld adopts a running guest's QEMU: its COM1 again, its death a crash. */
static void test_adopted_after_restart(void **state)
{
	struct fixture *f = *state;
	struct job *j = NULL;
	char p[96];
	int domid, pid;

	assert_int_equal(domain_act(&f->cd, f->d, ACT_START, 0, &j), 0);
	domid = f->d->domid;
	pid = device_model_pid(&f->cd, domid);
	say_running(f);
	assert_true(run_until(f, is_running, 5000));
	assert_true(run_until(f, has_hello, 5000));
	/* controld goes: QEMU stays, as its guest does. */
	controld_goes(f, p, domid, "");
	assert_int_equal(kill(pid, 0), 0);
	/* controld is back: the same QEMU, COM1 connected again. */
	lifecycle_resume(&f->cd);
	assert_int_equal(f->d->state, DOM_RUNNING);
	assert_int_equal(device_model_pid(&f->cd, domid), pid);
	assert_false(device_model_starting(&f->cd, domid));
	for (int i = 0; i < 100 && domain_console_input(&f->cd, f->d, "pong\n", 5) != 5; i++)
		run_until(f, no_qemu, 20);
	assert_true(run_until(f, has_pong, 5000));
	/* Its death is the guest's crash, as for a QEMU this controld started. */
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_true(run_until(f, is_crashed, 5000));
	assert_null(mem_get(&f->store, p));
	assert_true(run_until(f, no_qemu, 2000));
}

/* A restarted controld that finds a running HVM guest's QEMU gone: the guest crashed. */
static void test_gone_after_restart(void **state)
{
	struct fixture *f = *state;
	struct job *j = NULL;
	int pid;

	assert_int_equal(domain_act(&f->cd, f->d, ACT_START, 0, &j), 0);
	pid = device_model_pid(&f->cd, f->d->domid);
	say_running(f);
	assert_true(run_until(f, is_running, 5000));
	device_model_free(&f->cd);
	assert_true(run_until(f, no_qemu, 2000));
	assert_int_equal(kill(pid, SIGKILL), 0);
	usleep(100000);
	lifecycle_resume(&f->cd);
	assert_int_equal(f->d->state, DOM_CRASHED);
	assert_int_equal(f->d->domid, -1);
}

/* controld restarted while QEMU had not taken "cont": the start is over; the restarted
 * controld stops that QEMU and destroys the paused domain rather than adopt it as ready. */
static void test_restart_before_ready(void **state)
{
	struct fixture *f = *state;
	struct hv_domain_info info;
	struct job *j = NULL;
	int domid, pid, st;
	char p[96];

	assert_int_equal(domain_act(&f->cd, f->d, ACT_START, 0, &j), 0);
	domid = f->d->domid;
	pid = device_model_pid(&f->cd, domid);
	assert_true(run_until(f, com1_served, 5000));
	controld_goes(f, p, domid, " starting");
	lifecycle_resume(&f->cd);
	assert_int_equal(f->d->state, DOM_STOPPED);
	assert_int_equal(f->d->domid, -1);
	assert_true(run_until(f, no_qemu, 5000));
	/* Still this process's child (the earlier supervisor's handle is closed): reaped here. */
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	int rc = f->cd.hv->ops->domain_info(f->cd.hv, (hv_domid_t)domid, &info);
	assert_true(rc == -ESRCH || !hv_domain_alive(&info));
	assert_null(mem_get(&f->store, p));
}

static int first_pid;

static bool started_again(struct fixture *f)
{
	int pid = f->d->domid >= 0 ? device_model_pid(&f->cd, f->d->domid) : 0;

	return f->d->state == DOM_PAUSED && pid > 0 && pid != first_pid;
}

/* A guest's reboot: its QEMU goes, then its hypervisor domain (whose name the new one takes),
 * then it is started again with a new QEMU; a start meanwhile is refused. */
static void test_reboot_waits_for_qemu(void **state)
{
	struct fixture *f = *state;
	struct hv_event ev = {.type = HV_EV_DOMAIN_SHUTDOWN, .reason = HV_SHUTDOWN_REBOOT};
	struct job *j = NULL;

	assert_int_equal(domain_act(&f->cd, f->d, ACT_START, 0, &j), 0);
	first_pid = device_model_pid(&f->cd, f->d->domid);
	say_running(f);
	assert_true(run_until(f, is_running, 5000));
	ev.domid = (hv_domid_t)f->d->domid;
	model_on_hv_event(&f->cd, &ev);
	assert_int_equal(f->d->state, DOM_STOPPED);
	assert_true(f->d->hv_destroy_pending && f->d->restart_pending);
	assert_int_equal(domain_act(&f->cd, f->d, ACT_START, 0, &j), -EBUSY);
	assert_true(run_until(f, started_again, 5000));
	assert_false(f->d->hv_destroy_pending || f->d->restart_pending);
	say_running(f);
	assert_true(run_until(f, is_running, 5000));
	assert_int_equal(domain_act(&f->cd, f->d, ACT_DESTROY, 0, &j), 0);
	assert_true(run_until(f, no_qemu, 5000));
}

/* No "running" in time: the start fails, QEMU is killed (SIGKILL when it ignores SIGTERM). */
static void test_start_timeout(void **state)
{
	struct fixture *f = *state;
	struct job *j = NULL;
	int pid;

	f->cd.cfg.qemu_start_timeout_s = 1;
	setenv("FAKE_QEMU_IGNORE_TERM", "1", 1);
	assert_int_equal(domain_act(&f->cd, f->d, ACT_START, 0, &j), 0);
	unsetenv("FAKE_QEMU_IGNORE_TERM");
	pid = device_model_pid(&f->cd, f->d->domid);
	assert_true(pid > 0);
	assert_true(run_until(f, is_stopped, 5000));
	assert_int_equal(j->state, JOB_FAILED);
	assert_int_equal(f->d->domid, -1);
	assert_true(run_until(f, no_qemu, DM_KILL_MS + 3000));
	assert_int_equal(kill(pid, 0), -1);
}

static bool job_failed(struct fixture *f)
{
	return f->d->state == DOM_STOPPED && !f->cd.dms;
}

/* A hostile or broken monitor fails the start cleanly (job failed, QEMU gone, the domain
 * destroyed, its chroot removed) and controld runs on. */
static void test_qmp_hostile(void **state)
{
	static const char *const modes[] = {"garbage", "die",	  "error", "flood",
					    "long",    "running", "silent"};
	static const char *const why[] = {"QMP: a message that is not QMP",
					  "QEMU closed its QMP socket",
					  "QMP: QEMU refused it: no ?",
					  "QMP: more than 32 messages before it was ready",
					  "QMP: a line longer than 8192 bytes",
					  "QMP: query-status said \"running\", not \"prelaunch\"",
					  "not ready over QMP within 2 s"};
	struct fixture *f = *state;
	struct hv_domain_info info;
	struct job *j = NULL;
	char logpath[96], want[160], root[96];
	int domid, pid, saved;

	f->cd.cfg.qemu_start_timeout_s = 2;
	/* Deprivileged (the fake ignores -runas): a chroot per start, removed after. */
	snprintf(f->cd.cfg.qemu_user_base, sizeof(f->cd.cfg.qemu_user_base),
		 "1999999000:1999999000");
	for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		snprintf(logpath, sizeof(logpath), "%s.log", f->run_dir);
		saved = log_to_file(logpath);
		setenv("FAKE_QEMU_QMP", modes[i], 1);
		assert_int_equal(domain_act(&f->cd, f->d, ACT_START, 0, &j), 0);
		unsetenv("FAKE_QEMU_QMP");
		domid = f->d->domid;
		pid = device_model_pid(&f->cd, domid);
		snprintf(root, sizeof(root), "%s/root-%d", f->run_dir, domid);
		assert_int_equal(access(root, F_OK), 0);
		say_running(f);
		assert_true(run_until(f, job_failed, 5000));
		char *log = log_restore(saved, logpath);
		fprintf(stderr, "%s: %s", modes[i], log);
		assert_int_equal(j->state, JOB_FAILED);
		snprintf(want, sizeof(want), "did not start: %s\n", why[i]);
		assert_non_null(strstr(log, want));
		assert_int_equal(kill(pid, 0), -1);
		int rc = f->cd.hv->ops->domain_info(f->cd.hv, (hv_domid_t)domid, &info);
		assert_true(rc == -ESRCH || !hv_domain_alive(&info));
		assert_int_equal(access(root, F_OK), -1);
		snprintf(want, sizeof(want), "%s/%d-go", f->run_dir, domid);
		unlink(want);
	}
}

/* The domain's QEMU command line as domid, one space before each argument, into all (the
 * domain is left without a domid, as before its start). */
static int argv_joined(struct fixture *f, int domid, char *all, size_t size)
{
	struct dm_argv a;
	int rc;

	f->d->domid = domid;
	rc = device_model_argv(&f->cd, f->d, "/run/s.sock", "/run/q.sock", &a);
	f->d->domid = -1;
	all[0] = '\0';
	for (unsigned i = 0; !rc && i < a.argc; i++)
		snprintf(all + strlen(all), size - strlen(all), " %s", a.argv[i]);
	if (!rc)
		dm_argv_free(&a);
	return rc;
}

/* QEMU's command line from the spec: IDE only for writable xvda..xvdd (AHCI: xvda..xvdf),
 * the RAM as built, one tap per NIC, and deprivileged (user and chroot) when qemu_user is
 * set. */
static void test_argv_from_spec(void **state)
{
	struct fixture *f = *state;
	struct dom_spec *sp = &f->d->spec;
	char all[2048], want[160];

	snprintf(f->cd.cfg.images_dir, sizeof(f->cd.cfg.images_dir), "/var/lib/keel/images");
	snprintf(f->cd.cfg.qemu_user, sizeof(f->cd.cfg.qemu_user), "5:6");
	sp->memory_mib = 63;
	sp->ndisks = 3;
	sp->disks[0] = (struct dom_disk){.id = "xvda", .path = "web1", .format = DISK_RAW};
	sp->disks[1] = (struct dom_disk){.id = "xvdb", .path = "/srv/seed.iso", .readonly = true};
	sp->disks[2] = (struct dom_disk){.id = "xvde", .path = "big", .format = DISK_QCOW2};
	sp->nnics = 1;
	sp->nics[0] = (struct dom_nic){.id = "0", .mac = "00:16:3e:00:00:09", .bridge = "xenbr0"};
	assert_int_equal(device_model_run_dir(&f->cd), 0);
	assert_int_equal(argv_joined(f, 3, all, sizeof(all)), 0);
	assert_non_null(strstr(all, " -xen-domid 3 "));
	assert_non_null(strstr(all, " -m 64 "));
	assert_non_null(strstr(all, " -drive file=/var/lib/keel/images/web1,if=ide,index=0,"));
	assert_null(strstr(all, "seed.iso"));
	assert_null(strstr(all, "big"));
	assert_non_null(strstr(all, " -netdev tap,id=net0,ifname=vif3.0-emu,"));
	assert_non_null(strstr(all, "mac=00:16:3e:00:00:09"));
	assert_non_null(strstr(all, " -S -xen-domid-restrict "));
	snprintf(want, sizeof(want), " -runas 5:6 -chroot %s/root-3", f->run_dir);
	assert_non_null(strstr(all, want));
	/* Its own chroot: empty, mode 0000, root's. */
	struct stat st;
	assert_int_equal(stat(want + strlen(" -runas 5:6 -chroot "), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0);
	/* On AHCI: xvde is port 4; the read-only disk is still the PV vbd's alone. */
	sp->boot.disk_controller = DC_AHCI;
	assert_int_equal(argv_joined(f, 3, all, sizeof(all)), 0);
	assert_non_null(strstr(all, " -device ahci,id=ahci0 -drive file=/var/lib/keel/images/web1,"
				    "if=none,id=ahcidisk-0,format=raw,"));
	assert_non_null(strstr(all, " -device ide-hd,bus=ahci0.4,unit=0,drive=ahcidisk-4 "));
	assert_null(strstr(all, "seed.iso"));
	assert_null(strstr(all, "if=ide"));
	/* A uid per domain: base + domid, the base's gid shared (libxl's range base). */
	snprintf(f->cd.cfg.qemu_user_base, sizeof(f->cd.cfg.qemu_user_base), "131072:131072");
	assert_int_equal(argv_joined(f, 7, all, sizeof(all)), 0);
	snprintf(want, sizeof(want), " -runas 131079:131072 -chroot %s/root-7", f->run_dir);
	assert_non_null(strstr(all, want));
	/* A uid that is a user's already is refused: base 0 + domid 1 is Debian's daemon. */
	snprintf(f->cd.cfg.qemu_user_base, sizeof(f->cd.cfg.qemu_user_base), "0:1");
	assert_int_equal(argv_joined(f, 1, all, sizeof(all)), -EEXIST);
	/* Not deprivileged: QMP and -S, but neither restrict nor a user. */
	f->cd.cfg.qemu_user_base[0] = f->cd.cfg.qemu_user[0] = '\0';
	assert_int_equal(argv_joined(f, 1, all, sizeof(all)), 0);
	assert_non_null(strstr(all, "path=/run/q.sock,server=on,wait=off -mon "
				    "chardev=libxl-cmd,mode=control -S "));
	assert_null(strstr(all, "-xen-domid-restrict"));
	assert_null(strstr(all, "-runas"));
}

/* A QEMU that cannot be started fails the start at once; nothing is left. */
static void test_no_qemu(void **state)
{
	struct fixture *f = *state;
	struct job *j = NULL;

	snprintf(f->cd.cfg.qemu, sizeof(f->cd.cfg.qemu), "/nonexistent/qemu");
	assert_int_equal(domain_act(&f->cd, f->d, ACT_START, 0, &j), -ENOENT);
	assert_string_equal(f->d->start_failed, "device-model");
	assert_int_equal(f->d->state, DOM_STOPPED);
	assert_int_equal(f->d->domid, -1);
	assert_true(run_until(f, no_qemu, 2000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_start_console_crash, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_adopted_after_restart, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gone_after_restart, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_restart_before_ready, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reboot_waits_for_qemu, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_start_timeout, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_qmp_hostile, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_qemu, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_argv_from_spec, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
