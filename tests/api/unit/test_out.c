// SPDX-License-Identifier: MIT
/*
 * api/'s renderers of the typed model (api/domain_out.c, domain_cache.c, event_out.c,
 * job_out.c, token_out.c, stats_out.c): the contract's bytes, and cached domains following their
 * revision.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../api/out.h"

#define ID  "0b3c1c52-5a39-4d67-9e7b-6a8a3e1f4f55"
#define DOM "7d1f4a0e-2c6b-4e59-8a3d-1b2c3d4e5f60"
#define T0  "2026-01-02T03:04:05.678Z"

/* o's compact text (consumed) against the expected bytes. */
static void assert_renders(json_t *o, const char *want)
{
	char *text;

	assert_non_null(o);
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	assert_non_null(text);
	assert_string_equal(text, want);
	free(text);
}

static void fill_job(struct job *j)
{
	memset(j, 0, sizeof(*j));
	strcpy(j->id, ID);
	strcpy(j->kind, "domain.start");
	j->state = JOB_SUCCEEDED;
	j->progress = 100;
	strcpy(j->message, "started");
	strcpy(j->created_at, T0);
	strcpy(j->updated_at, T0);
}

static void job_finished(void **state)
{
	struct job j;

	(void)state;
	fill_job(&j);
	strcpy(j.domain_id, DOM);
	assert_renders(job_out(&j), "{\"id\":\"" ID "\",\"kind\":\"domain.start\",\"state\":"
				    "\"succeeded\",\"progress\":100,\"message\":\"started\","
				    "\"created_at\":\"" T0 "\",\"updated_at\":\"" T0 "\","
				    "\"domain_id\":\"" DOM "\",\"error\":null}");
}

/* No domain: null, not ""; a failure carries its problem, detail only when there is one. */
static void job_failed_without_domain(void **state)
{
	struct job j;

	(void)state;
	fill_job(&j);
	j.state = JOB_FAILED;
	j.has_error = true;
	strcpy(j.error.type, "about:blank");
	strcpy(j.error.title, "Timed out");
	j.error.status = 504;
	assert_renders(job_out(&j), "{\"id\":\"" ID "\",\"kind\":\"domain.start\",\"state\":"
				    "\"failed\",\"progress\":100,\"message\":\"started\","
				    "\"created_at\":\"" T0 "\",\"updated_at\":\"" T0 "\","
				    "\"domain_id\":null,\"error\":{\"type\":\"about:blank\","
				    "\"title\":\"Timed out\",\"status\":504}}");
	strcpy(j.error.detail, "no answer");
	assert_renders(job_out(&j),
		       "{\"id\":\"" ID "\",\"kind\":\"domain.start\",\"state\":"
		       "\"failed\",\"progress\":100,\"message\":\"started\","
		       "\"created_at\":\"" T0 "\",\"updated_at\":\"" T0 "\","
		       "\"domain_id\":null,\"error\":{\"type\":\"about:blank\","
		       "\"title\":\"Timed out\",\"status\":504,\"detail\":\"no answer\"}}");
}

/* A graceful reboot still running: its deadline (ms since the epoch) as RFC 3339, reboot: true. */
static void job_running_reboot(void **state)
{
	struct job j;

	(void)state;
	fill_job(&j);
	j.state = JOB_RUNNING;
	j.progress = 0;
	j.deadline_wall_ms = 1767323045678ull;
	j.reboot = 1;
	assert_renders(job_out(&j), "{\"id\":\"" ID "\",\"kind\":\"domain.start\",\"state\":"
				    "\"running\",\"progress\":0,\"message\":\"started\","
				    "\"created_at\":\"" T0 "\",\"updated_at\":\"" T0 "\","
				    "\"domain_id\":null,\"error\":null,\"deadline\":\"" T0 "\","
				    "\"reboot\":true}");
}

/* The hash is the store's, never the API's; text is escaped, not passed through. */
static void token_without_hash(void **state)
{
	struct token t = {.scope = SCOPE_OPERATE};

	(void)state;
	strcpy(t.id, "0123456789abcdef");
	strcpy(t.name, "ci \"bot\"");
	strcpy(t.hash, "ff");
	strcpy(t.created_at, T0);
	assert_renders(token_out(&t), "{\"id\":\"0123456789abcdef\",\"name\":\"ci \\\"bot\\\"\","
				      "\"scope\":\"operate\",\"created_at\":\"" T0 "\"}");
	t.scope = SCOPE_ADMIN;
	assert_renders(token_out(&t), "{\"id\":\"0123456789abcdef\",\"name\":\"ci \\\"bot\\\"\","
				      "\"scope\":\"admin\",\"created_at\":\"" T0 "\"}");
}

/* A stopped PVH domain with one of everything. */
static void fill_domain(struct domain *d)
{
	struct dom_spec *s = &d->spec;

	memset(d, 0, sizeof(*d));
	strcpy(d->id, DOM);
	d->domid = -1;
	d->state = DOM_STOPPED;
	d->generation = 3;
	d->revision = 7;
	strcpy(d->created_at, T0);
	strcpy(d->updated_at, T0);
	strcpy(s->name, "web-1");
	s->vcpus = 2;
	s->max_vcpus = 4;
	s->memory_mib = 512;
	s->memory_target_mib = 256;
	s->weight = 256;
	s->npins = 2;
	s->pins[0].n = 2;
	s->pins[0].cpu[0] = 0;
	s->pins[0].cpu[1] = 1;
	s->boot.type = BOOT_PVH;
	strcpy(s->boot.kernel, "/k");
	strcpy(s->boot.cmdline, "console=hvc0");
	s->ndisks = 1;
	strcpy(s->disks[0].id, "xvda");
	strcpy(s->disks[0].path, "/d.img");
	s->disks[0].format = DISK_QCOW2;
	s->disks[0].readonly = true;
	s->nnics = 1;
	strcpy(s->nics[0].id, "0");
	strcpy(s->nics[0].mac, "00:16:3e:00:00:01");
	strcpy(s->nics[0].bridge, "br0");
	s->npci = 1;
	strcpy(s->pci[0], "0000:03:00.0");
}

#define DOMAIN_SPEC                                                                                \
	"{\"name\":\"web-1\",\"vcpus\":2,\"max_vcpus\":4,\"memory_mib\":512,"                      \
	"\"memory_target_mib\":256,\"sched\":{\"weight\":256,\"cap\":0},"                          \
	"\"pinning\":[[0,1],[]],\"boot\":{\"type\":\"pvh\",\"kernel\":\"/k\",\"cmdline\":"         \
	"\"console=hvc0\",\"initrd\":\"\"},\"disks\":[{\"id\":\"xvda\",\"path\":\"/d.img\","       \
	"\"format\":\"qcow2\",\"readonly\":true}],\"nics\":[{\"id\":\"0\",\"mac\":"                \
	"\"00:16:3e:00:00:01\",\"bridge\":\"br0\"}],\"pci\":[\"0000:03:00.0\"],"

static void domain_stopped(void **state)
{
	static struct domain d;

	(void)state;
	fill_domain(&d);
	assert_renders(domain_out(&d), DOMAIN_SPEC "\"id\":\"" DOM "\",\"state\":\"stopped\","
						   "\"domid\":null,\"generation\":3,\"created_at\":"
						   "\"" T0 "\",\"updated_at\":\"" T0 "\","
						   "\"job_id\":null}");
}

/* Running HVM with a job: domid and job_id are values, firmware replaces kernel and co. */
static void domain_running_hvm(void **state)
{
	static struct domain d;

	(void)state;
	fill_domain(&d);
	d.state = DOM_SHUTTING_DOWN;
	d.domid = 5;
	strcpy(d.job_id, ID);
	d.spec.boot.type = BOOT_HVM;
	d.spec.boot.firmware = FW_OVMF;
	d.spec.boot.disk_controller = DC_AHCI;
	d.spec.npins = 0;
	d.spec.ndisks = d.spec.nnics = d.spec.npci = 0;
	assert_renders(
	    domain_out(&d),
	    "{\"name\":\"web-1\",\"vcpus\":2,\"max_vcpus\":4,\"memory_mib\":512,"
	    "\"memory_target_mib\":256,\"sched\":{\"weight\":256,\"cap\":0},"
	    "\"pinning\":[],\"boot\":{\"type\":\"hvm\",\"firmware\":\"ovmf\","
	    "\"disk_controller\":\"ahci\"},\"disks\":[],\"nics\":[],\"pci\":[],\"id\":\"" DOM
	    "\",\"state\":"
	    "\"shutting_down\",\"domid\":5,\"generation\":3,\"created_at\":\"" T0 "\","
	    "\"updated_at\":\"" T0 "\",\"job_id\":\"" ID "\"}");
}

/* The cache answers the same text while the revision holds, and renders again after. */
/* Counters beyond 32 bits stay whole; sampled_at is T0 with its milliseconds. */
static void stats_rendered(void **state)
{
	static struct domain d;
	struct domain_stats s = {.cpu_time_ns = 12345678901234ull,
				 .vcpus_online = 3,
				 .memory_kib = 5242880,
				 .sampled_wall_ms = 1767323045678ull};

	(void)state;
	fill_domain(&d);
	d.domid = 4;
	d.state = DOM_RUNNING;
	assert_renders(domain_stats_out(&d, &s),
		       "{\"id\":\"" DOM "\",\"name\":\"web-1\",\"cpu_time_ns\":12345678901234,"
		       "\"vcpus_online\":3,\"memory_kib\":5242880,\"sampled_at\":\"" T0 "\"}");
}

static const struct hv_domain_counters counters = {.vm_exits = 9000000000ull,
						   .dm_pio = 1,
						   .dm_mmio = 2,
						   .dm_pci_config = 3,
						   .dm_buffered = 4,
						   .dm_string_elements = 5,
						   .now_ns = 77000000001ull};

/* A hypervisor that counts them adds the VM exits and its clock; an HVM domain its device
 * model's requests too. */
static void stats_with_counters(void **state)
{
	static struct domain d;
	struct domain_stats s = {.cpu_time_ns = 1,
				 .vcpus_online = 1,
				 .memory_kib = 1024,
				 .sampled_wall_ms = 1767323045678ull,
				 .has_counters = true,
				 .counters = counters};

	(void)state;
	fill_domain(&d);
	d.domid = 4;
	d.state = DOM_RUNNING;
#define STATS_HEAD                                                                                 \
	"{\"id\":\"" DOM "\",\"name\":\"web-1\",\"cpu_time_ns\":1,\"vcpus_online\":1,"             \
	"\"memory_kib\":1024,\"sampled_at\":\"" T0 "\",\"vm_exits\":9000000000,"                   \
	"\"hypervisor_time_ns\":77000000001"
	assert_renders(domain_stats_out(&d, &s), STATS_HEAD "}");
	s.device_model = true;
	assert_renders(domain_stats_out(&d, &s),
		       STATS_HEAD ",\"device_model\":{\"pio\":1,\"mmio\":2,\"pci_config\":3,"
				  "\"buffered\":4,\"string_elements\":5}}");
	/* An older Keel: none of them, an HVM domain's neither. */
	s.has_counters = false;
	assert_renders(domain_stats_out(&d, &s),
		       "{\"id\":\"" DOM "\",\"name\":\"web-1\",\"cpu_time_ns\":1,"
		       "\"vcpus_online\":1,\"memory_kib\":1024,\"sampled_at\":\"" T0 "\"}");
#undef STATS_HEAD
}

/* Every family of d's, as /metrics writes them: text, with the counters or without. */
static char *families_text(const struct domain *d, const struct domain_stats *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	for (unsigned k = 0; k < DOMAIN_FAMILIES; k++) {
		domain_family_header(f, (enum domain_family)k);
		domain_family_lines(f, (enum domain_family)k, d, s);
	}
	fclose(f);
	return text;
}

static void metrics_lines(void **state)
{
	static struct domain d;
	struct domain_stats s = {.cpu_time_ns = 12000000005ull,
				 .memory_kib = 2,
				 .has_counters = true,
				 .device_model = true,
				 .counters = counters};
	char *text;

	(void)state;
	fill_domain(&d);
	text = families_text(&d, &s);
	assert_non_null(strstr(text, "\nkeel_domain_cpu_seconds_total{domain=\"web-1\"} "
				     "12.000000005\n"));
	assert_non_null(strstr(text, "\nkeel_domain_memory_bytes{domain=\"web-1\"} 2048\n"));
	assert_non_null(strstr(text, "# TYPE keel_domain_vm_exits_total counter\n"
				     "keel_domain_vm_exits_total{domain=\"web-1\"} 9000000000\n"));
	assert_non_null(strstr(text, "# TYPE keel_domain_device_model_requests_total counter\n"
				     "keel_domain_device_model_requests_total{domain=\"web-1\","
				     "type=\"pio\"} 1\n"
				     "keel_domain_device_model_requests_total{domain=\"web-1\","
				     "type=\"mmio\"} 2\n"
				     "keel_domain_device_model_requests_total{domain=\"web-1\","
				     "type=\"pci_config\"} 3\n"
				     "keel_domain_device_model_requests_total{domain=\"web-1\","
				     "type=\"buffered\"} 4\n"));
	free(text);
	/* PVH: no device model lines; an older Keel: no counter lines, the families' headers
	 * stay. */
	s.device_model = false;
	text = families_text(&d, &s);
	assert_non_null(strstr(text, "keel_domain_vm_exits_total{"));
	assert_null(strstr(text, "keel_domain_device_model_requests_total{"));
	free(text);
	s.has_counters = false;
	s.device_model = true;
	text = families_text(&d, &s);
	assert_null(strstr(text, "keel_domain_vm_exits_total{"));
	assert_null(strstr(text, "keel_domain_device_model_requests_total{"));
	assert_non_null(strstr(text, "# TYPE keel_domain_vm_exits_total counter\n"));
	assert_non_null(strstr(text, "keel_domain_cpu_seconds_total{"));
	free(text);
}

static void domain_cache_follows_revision(void **state)
{
	static struct domain d, other;
	const char *a, *b;
	size_t len;

	(void)state;
	fill_domain(&d);
	fill_domain(&other);
	strcpy(other.spec.name, "db-1");
	a = domain_out_text(&d, &len);
	assert_non_null(a);
	assert_int_equal(len, strlen(a));
	assert_non_null(strstr(a, "\"name\":\"web-1\""));
	b = domain_out_text(&d, &len);
	assert_ptr_equal(a, b);
	d.state = DOM_RUNNING;
	d.domid = 9;
	b = domain_out_text(&d, &len); /* changed without a new revision: still the old text */
	assert_non_null(strstr(b, "\"state\":\"stopped\""));
	d.revision++;
	b = domain_out_text(&d, &len);
	assert_non_null(strstr(b, "\"state\":\"running\",\"domid\":9"));
	assert_int_equal(len, strlen(b));
	/* Another domain with the same revision is never answered from d's slot. */
	b = domain_out_text(&other, &len);
	assert_non_null(strstr(b, "\"name\":\"db-1\""));
	domain_cache_clear();
}

/* Each event's type name and data: the whole Domain or Job, or the small objects. */
static void events_named_and_rendered(void **state)
{
	static struct domain d;
	struct job j;
	const char *type = NULL;
	struct model_event e = {.kind = MEV_DOMAIN_STATE, .domain = &d};

	(void)state;
	fill_domain(&d);
	fill_job(&j);
	e.from = DOM_RUNNING;
	e.to = DOM_CRASHED;
	assert_renders(event_out(&e, &type), "{\"id\":\"" DOM "\",\"name\":\"web-1\",\"from\":"
					     "\"running\",\"to\":\"crashed\"}");
	assert_string_equal(type, "domain.state");
	/* An HVM guest whose device model died: why, too. */
	e.reason = "the device model (qemu, pid 9) was killed by signal 9";
	assert_renders(event_out(&e, &type),
		       "{\"id\":\"" DOM "\",\"name\":\"web-1\",\"from\":\"running\",\"to\":"
		       "\"crashed\",\"reason\":\"the device model (qemu, pid 9) was killed by "
		       "signal 9\"}");
	e.reason = NULL;
	e.kind = MEV_DOMAIN_DELETED;
	assert_renders(event_out(&e, &type), "{\"id\":\"" DOM "\",\"name\":\"web-1\"}");
	assert_string_equal(type, "domain.deleted");
	e.kind = MEV_CONSOLE_OUTPUT;
	e.text = "login: \x1b";
	assert_renders(event_out(&e, &type), "{\"id\":\"" DOM "\",\"data\":\"login: \\u001B\"}");
	assert_string_equal(type, "console.output");
	e.kind = MEV_DOMAIN_UPDATED;
	assert_renders(event_out(&e, &type), DOMAIN_SPEC "\"id\":\"" DOM "\",\"state\":\"stopped\","
							 "\"domid\":null,\"generation\":3,"
							 "\"created_at\":\"" T0 "\",\"updated_at\":"
							 "\"" T0 "\",\"job_id\":null}");
	assert_string_equal(type, "domain.updated");
	e = (struct model_event){.kind = MEV_JOB_FINISHED, .job = &j};
	assert_renders(event_out(&e, &type), "{\"id\":\"" ID "\",\"kind\":\"domain.start\","
					     "\"state\":\"succeeded\",\"progress\":100,\"message\":"
					     "\"started\",\"created_at\":\"" T0 "\",\"updated_at\":"
					     "\"" T0 "\",\"domain_id\":null,\"error\":null}");
	assert_string_equal(type, "job.finished");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(job_finished),
	    cmocka_unit_test(job_failed_without_domain),
	    cmocka_unit_test(job_running_reboot),
	    cmocka_unit_test(token_without_hash),
	    cmocka_unit_test(domain_stopped),
	    cmocka_unit_test(domain_running_hvm),
	    cmocka_unit_test(stats_rendered),
	    cmocka_unit_test(stats_with_counters),
	    cmocka_unit_test(metrics_lines),
	    cmocka_unit_test(domain_cache_follows_revision),
	    cmocka_unit_test(events_named_and_rendered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
