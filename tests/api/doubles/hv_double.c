// SPDX-License-Identifier: MIT
/*
 * TEST DOUBLE of controld's hypervisor interface (controld/hv.h), linked only into the test
 * daemon. It keeps "domains" in memory and in a JSON file ($KEEL_TEST_HV_STATE) so they
 * outlive a controld restart, as real domains do. Its guests behave like Linux guests:
 * they print a few console lines when first unpaused and, through a store watch, honour
 * control/shutdown ~50 ms after it is written, unless their cmdline has
 * "test.ignore_shutdown". With "test.crash" or "test.halt" in the cmdline a guest crashes
 * or powers itself off ~50 ms after it first runs (hypervisor events controld must handle).
 * "test.nomem" makes domain_create fail with ENOMEM and a kernel file that exists but does
 * not start with an ELF magic fails it with ENOEXEC (a missing one is simulated); and
 * "test.fail_unpause" makes the first unpause fail with EIO, "test.old_keel" makes
 * domain_counters -EOPNOTSUPP as a Keel before getstats, so controld's error paths can be
 * checked. hv_double_add_boot_domain() plays a domain Keel built at boot (Domain-0, a GRUB line).
 * A running guest's vCPUs are all busy: its CPU time grows by the real time passed times its
 * vCPUs online, and stands still while it is paused or ended.
 */
#include "hv_double.h"
#include "../../../controld/hv_image.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_DOMS 4096

struct ddom {
	uint32_t domid;
	char name[32];
	bool used;
	enum hv_dom_state state;
	enum hv_shutdown_reason reason;
	unsigned max_vcpus, online;
	uint64_t mem_mib, target_kib;
	bool booted;
	bool built; /* by domain_create: its console is served in dom0 (build_info) */
	bool ignore_shutdown;
	bool fail_unpause;
	bool old_keel; /* getstats unknown, as on a Keel before it */
	int on_boot;   /* -1, or the hv_shutdown_reason the guest ends with on its own */
	uv_timer_t timer;
	bool timer_init;
	enum hv_shutdown_reason pending;
	uint64_t cpu_ns;       /* CPU time up to run_since_ns */
	uint64_t run_since_ns; /* CLOCK_MONOTONIC when cpu_ns was last brought up to date */
};

struct hv_double {
	struct hv base;
	uv_loop_t *loop;
	struct store *store;
	char state_file[4096];
	struct ddom doms[MAX_DOMS];
	uint32_t next_domid;
};

static struct hv_double *the_double;

static void save(struct hv_double *h)
{
	json_t *arr;
	FILE *f;

	if (!h->state_file[0])
		return;
	arr = json_array();
	for (unsigned i = 0; i < MAX_DOMS; i++) {
		struct ddom *d = &h->doms[i];
		if (d->used)
			json_array_append_new(
			    arr,
			    json_pack(
				"{s:i, s:s, s:i, s:i, s:i, s:i, s:I, s:I, s:b, s:b, s:b, s:I, s:I}",
				"domid", (int)d->domid, "name", d->name, "state", (int)d->state,
				"reason", (int)d->reason, "max_vcpus", (int)d->max_vcpus, "online",
				(int)d->online, "mem_mib", (json_int_t)d->mem_mib, "target_kib",
				(json_int_t)d->target_kib, "booted", d->booted, "ignore_shutdown",
				d->ignore_shutdown, "built", d->built, "cpu_ns",
				(json_int_t)d->cpu_ns, "run_since_ns",
				(json_int_t)d->run_since_ns));
	}
	json_t *o = json_pack("{s:i, s:o}", "next_domid", (int)h->next_domid, "doms", arr);
	f = fopen(h->state_file, "w");
	if (f) {
		json_dumpf(o, f, JSON_COMPACT);
		fclose(f);
	}
	json_decref(o);
}

static void load(struct hv_double *h)
{
	json_t *o = json_load_file(h->state_file, 0, NULL), *d;
	size_t i;

	if (!o)
		return;
	h->next_domid = (uint32_t)json_integer_value(json_object_get(o, "next_domid"));
	json_array_foreach(json_object_get(o, "doms"), i, d) {
		uint32_t id = (uint32_t)json_integer_value(json_object_get(d, "domid"));
		struct ddom *x = &h->doms[id % MAX_DOMS];
		x->used = true;
		x->domid = id;
		snprintf(x->name, sizeof(x->name), "%s",
			 json_string_value(json_object_get(d, "name")) ?: "");
		x->state = (enum hv_dom_state)json_integer_value(json_object_get(d, "state"));
		x->reason =
		    (enum hv_shutdown_reason)json_integer_value(json_object_get(d, "reason"));
		x->max_vcpus = (unsigned)json_integer_value(json_object_get(d, "max_vcpus"));
		x->online = (unsigned)json_integer_value(json_object_get(d, "online"));
		x->mem_mib = (uint64_t)json_integer_value(json_object_get(d, "mem_mib"));
		x->target_kib = (uint64_t)json_integer_value(json_object_get(d, "target_kib"));
		x->booted = json_is_true(json_object_get(d, "booted"));
		x->ignore_shutdown = json_is_true(json_object_get(d, "ignore_shutdown"));
		x->built = json_is_true(json_object_get(d, "built"));
		x->cpu_ns = (uint64_t)json_integer_value(json_object_get(d, "cpu_ns"));
		x->run_since_ns = (uint64_t)json_integer_value(json_object_get(d, "run_since_ns"));
	}
	json_decref(o);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* d's CPU time now: what it had, plus the time since then on each vCPU online if it ran. */
static uint64_t cpu_now(const struct ddom *d, uint64_t now)
{
	if (d->state != HV_DOM_RUNNING || now < d->run_since_ns)
		return d->cpu_ns;
	return d->cpu_ns + (now - d->run_since_ns) * d->online;
}

/* Brings d's CPU time up to date before its state or vCPUs online change. */
static void cpu_settle(struct ddom *d)
{
	uint64_t now = mono_ns();

	d->cpu_ns = cpu_now(d, now);
	d->run_since_ns = now;
}

static struct ddom *get(struct hv *hv, uint32_t domid)
{
	struct hv_double *h = (struct hv_double *)hv;
	struct ddom *d = &h->doms[domid % MAX_DOMS];

	return d->used && d->domid == domid ? d : NULL;
}

static int d_host_info(struct hv *hv, struct hv_host_info *out)
{
	struct hv_double *h = (struct hv_double *)hv;
	uint64_t used = 0;

	for (unsigned i = 0; i < MAX_DOMS; i++)
		if (h->doms[i].used)
			used += h->doms[i].mem_mib;
	out->nr_cpus = 8;
	out->total_mib = 65536;
	out->free_mib = used > 65536 ? 0 : 65536 - used;
	snprintf(out->version, sizeof(out->version), "keel-test-double 0.1");
	return 0;
}

/* A kernel file that exists must look like an ELF; a missing one is a simulated guest's. */
static int check_kernel(const char *path)
{
	struct hv_image img;
	int rc = path && path[0] ? hv_image_map(path, KEEL_MAX_IMAGE, &img) : -ENOENT;

	if (rc)
		return rc == -ENOENT ? 0 : rc;
	rc = img.len >= 4 && !memcmp(img.data, "\177ELF", 4) ? 0 : -ENOEXEC;
	hv_image_unmap(&img);
	return rc;
}

static int d_create(struct hv *hv, const struct hv_domain_config *cfg, hv_domid_t *domid,
		    struct hv_build *build)
{
	struct hv_double *h = (struct hv_double *)hv;
	int rc;

	memset(build, 0, sizeof(*build));
	build->failed = "domain";
	if (cfg->cmdline && strstr(cfg->cmdline, "test.nomem"))
		return -ENOMEM;
	build->failed = "kernel";
	rc = check_kernel(cfg->kernel);
	if (rc)
		return rc;
	build->failed = NULL;
	for (unsigned tries = 0; tries < MAX_DOMS; tries++) {
		uint32_t id = h->next_domid++;
		struct ddom *d;
		if (id == 0 || id >= 0x7ff0 || id >= MAX_DOMS) {
			h->next_domid = 2;
			id = 1;
		}
		d = &h->doms[id % MAX_DOMS];
		if (d->used)
			continue;
		memset(d, 0, sizeof(*d));
		d->used = d->built = true;
		d->domid = id;
		snprintf(d->name, sizeof(d->name), "%s", cfg->name ? cfg->name : "");
		d->state = HV_DOM_PAUSED;
		d->max_vcpus = cfg->max_vcpus;
		d->online = cfg->max_vcpus;
		d->mem_mib = cfg->memory_mib;
		d->target_kib = cfg->memory_mib * 1024;
		d->ignore_shutdown = cfg->cmdline && strstr(cfg->cmdline, "test.ignore_shutdown");
		d->fail_unpause = cfg->cmdline && strstr(cfg->cmdline, "test.fail_unpause");
		d->old_keel = cfg->cmdline && strstr(cfg->cmdline, "test.old_keel");
		d->on_boot = !cfg->cmdline			  ? -1
			     : strstr(cfg->cmdline, "test.crash") ? HV_SHUTDOWN_CRASH
			     : strstr(cfg->cmdline, "test.halt")  ? HV_SHUTDOWN_POWEROFF
								  : -1;
		*domid = (hv_domid_t)id;
		/* Where Keel puts them: the top of the guest's reserved low memory. */
		build->store_gfn = 0xfeffc;
		build->console_gfn = 0xfeffd;
		build->store_port = 1;
		build->console_port = 2;
		save(h);
		return 0;
	}
	return -ENOSPC;
}

static void timer_closed(uv_handle_t *t)
{
	(void)t;
}

static int d_destroy(struct hv *hv, hv_domid_t domid)
{
	struct ddom *d = get(hv, domid);

	if (!d)
		return -ESRCH;
	if (d->timer_init)
		uv_timer_stop(&d->timer);
	d->used = false;
	save((struct hv_double *)hv);
	return 0;
}

static void boot_messages(struct hv_double *h, struct ddom *d)
{
	char line[160];
	struct hv_event ev = {.type = HV_EV_CONSOLE, .domid = d->domid};
	int n = snprintf(line, sizeof(line),
			 "Linux version 6.1.0 (keel test double guest %u)\n"
			 "Booting paravirtualized kernel on Xen PVH\n"
			 "login: \n",
			 d->domid);

	ev.data = line;
	ev.len = (size_t)n;
	h->base.event(h->base.event_opaque, &ev);
}

static void on_guest_acts(uv_timer_t *t);

static void guest_acts_soon(struct hv_double *h, struct ddom *d, enum hv_shutdown_reason r)
{
	d->pending = r;
	if (!d->timer_init) {
		uv_timer_init(h->loop, &d->timer);
		d->timer_init = true;
	}
	d->timer.data = d;
	uv_timer_start(&d->timer, on_guest_acts, 50, 0);
}

static int d_pause(struct hv *hv, hv_domid_t domid)
{
	struct ddom *d = get(hv, domid);

	if (!d)
		return -ESRCH;
	cpu_settle(d);
	d->state = HV_DOM_PAUSED;
	save((struct hv_double *)hv);
	return 0;
}

static int d_unpause(struct hv *hv, hv_domid_t domid)
{
	struct ddom *d = get(hv, domid);

	if (!d)
		return -ESRCH;
	if (d->fail_unpause)
		return -EIO;
	cpu_settle(d);
	if (d->state == HV_DOM_PAUSED)
		d->state = HV_DOM_RUNNING;
	if (!d->booted) {
		d->booted = true;
		boot_messages((struct hv_double *)hv, d);
		if (d->on_boot >= 0)
			guest_acts_soon((struct hv_double *)hv, d,
					(enum hv_shutdown_reason)d->on_boot);
	}
	save((struct hv_double *)hv);
	return 0;
}

static int d_info(struct hv *hv, hv_domid_t domid, struct hv_domain_info *out)
{
	struct ddom *d = get(hv, domid);

	if (!d)
		return -ESRCH;
	memset(out, 0, sizeof(*out));
	out->domid = domid;
	out->state = d->state;
	out->reason = d->reason;
	snprintf(out->name, sizeof(out->name), "%s", d->name);
	out->privileged = domid == 0;
	out->nr_vcpus = d->max_vcpus;
	out->vcpus_online = out->vcpus_target = d->online;
	out->memory_kib = out->cur_memory_kib = d->mem_mib * 1024;
	out->cpu_time_ns = cpu_now(d, mono_ns());
	out->max_memory_kib = d->target_kib;
	out->weight = 256;
	return 0;
}

/* A busy vCPU exits once per 10 us of its time; no device model answers anything. */
static int d_counters(struct hv *hv, hv_domid_t domid, struct hv_domain_counters *out)
{
	struct ddom *d = get(hv, domid);
	uint64_t now = mono_ns();

	if (!d)
		return -ESRCH;
	if (d->old_keel)
		return -EOPNOTSUPP;
	memset(out, 0, sizeof(*out));
	out->vm_exits = cpu_now(d, now) / 10000;
	out->now_ns = now;
	return 0;
}

static int d_next(struct hv *hv, hv_domid_t from, struct hv_domain_info *out)
{
	struct hv_double *h = (struct hv_double *)hv;

	for (unsigned id = from; id < MAX_DOMS; id++)
		if (h->doms[id].used && h->doms[id].domid == id)
			return d_info(hv, (hv_domid_t)id, out);
	return -ESRCH;
}

void hv_double_add_boot_domain(struct hv *hv, hv_domid_t domid, const char *name, unsigned vcpus,
			       uint64_t mem_mib)
{
	struct hv_double *h = (struct hv_double *)hv;
	struct ddom *d = &h->doms[domid % MAX_DOMS];

	memset(d, 0, sizeof(*d));
	d->used = d->booted = true;
	d->domid = domid;
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->state = HV_DOM_RUNNING;
	d->max_vcpus = d->online = vcpus;
	d->mem_mib = mem_mib;
	d->target_kib = mem_mib * 1024;
	d->on_boot = -1;
	d->run_since_ns = mono_ns();
	if (h->next_domid <= domid)
		h->next_domid = domid + 1u;
	save(h);
}

void hv_double_end_boot_domain(struct hv *hv, hv_domid_t domid, enum hv_dom_state state)
{
	struct ddom *d = get(hv, domid);

	if (d) {
		cpu_settle(d);
		d->state = state;
		save((struct hv_double *)hv);
	}
}

static int d_vcpus(struct hv *hv, hv_domid_t domid, unsigned n)
{
	struct ddom *d = get(hv, domid);

	if (!d)
		return -ESRCH;
	if (n < 1 || n > d->max_vcpus)
		return -EINVAL;
	cpu_settle(d);
	d->online = n;
	save((struct hv_double *)hv);
	return 0;
}

static int d_sched(struct hv *hv, hv_domid_t domid, unsigned w, unsigned c)
{
	(void)w, (void)c;
	return get(hv, domid) ? 0 : -ESRCH;
}

static int d_pin(struct hv *hv, hv_domid_t domid, unsigned vcpu, uint64_t mask)
{
	struct ddom *d = get(hv, domid);

	(void)mask;
	if (!d)
		return -ESRCH;
	return vcpu < d->max_vcpus ? 0 : -EINVAL;
}

static int d_mem(struct hv *hv, hv_domid_t domid, uint64_t kib)
{
	struct ddom *d = get(hv, domid);

	if (!d)
		return -ESRCH;
	d->target_kib = kib;
	save((struct hv_double *)hv);
	return 0;
}

static int d_pci(struct hv *hv, hv_domid_t domid, const char *bdf)
{
	(void)bdf;
	return get(hv, domid) ? 0 : -ESRCH;
}

/* Made-up frames and ports: the console double maps by domid. */
static int d_build_info(struct hv *hv, hv_domid_t domid, struct hv_build *out)
{
	struct ddom *d = get(hv, domid);

	if (!d)
		return -ESRCH;
	if (!d->built)
		return -ENOENT;
	*out = (struct hv_build){
	    .store_gfn = 0xfeffc, .console_gfn = 0xfeffd, .store_port = 1, .console_port = 2};
	return 0;
}

static void d_close(struct hv *hv)
{
	struct hv_double *h = (struct hv_double *)hv;

	for (unsigned i = 0; i < MAX_DOMS; i++)
		if (h->doms[i].timer_init)
			uv_close((uv_handle_t *)&h->doms[i].timer, timer_closed);
	if (h->store)
		h->store->ops->unwatch(h->store, "/local/domain", "hvd:guests");
	/* The handles close on the loop's last run; the block is freed at exit. */
	the_double = NULL;
}

static const struct hv_ops double_ops = {
    .host_info = d_host_info,
    .domain_next = d_next,
    .domain_create = d_create,
    .domain_destroy = d_destroy,
    .domain_pause = d_pause,
    .domain_unpause = d_unpause,
    .domain_info = d_info,
    .domain_counters = d_counters,
    .set_vcpus_online = d_vcpus,
    .set_sched = d_sched,
    .pin_vcpu = d_pin,
    .set_memory_target = d_mem,
    .pci_assign = d_pci,
    .pci_unassign = d_pci,
    .build_info = d_build_info,
    .close = d_close,
};

static void on_guest_acts(uv_timer_t *t)
{
	struct ddom *d = t->data;
	struct hv_double *h = the_double;
	struct hv_event ev = {.type = HV_EV_DOMAIN_SHUTDOWN};

	if (!h || !d->used)
		return;
	cpu_settle(d);
	d->state = HV_DOM_SHUTDOWN;
	d->reason = d->pending;
	save(h);
	ev.domid = d->domid;
	ev.reason = d->pending;
	h->base.event(h->base.event_opaque, &ev);
}

void backends_store_watch(const char *path, const char *token)
{
	struct hv_double *h = the_double;
	unsigned domid;
	char tail[64], *val = NULL;
	size_t len;
	struct ddom *d;

	(void)token;
	if (!h || sscanf(path, "/local/domain/%u/%63s", &domid, tail) != 2 ||
	    strcmp(tail, "control/shutdown"))
		return;
	d = get(&h->base, domid);
	if (!d || d->ignore_shutdown || d->state != HV_DOM_RUNNING)
		return;
	if (h->store->ops->read(h->store, 0, path, &val, &len))
		return;
	if (!strcmp(val, "poweroff") || !strcmp(val, "reboot")) {
		/* The guest acknowledges by clearing the node, then shuts down. */
		h->store->ops->write(h->store, 0, path, "", 0);
		guest_acts_soon(h, d,
				!strcmp(val, "reboot") ? HV_SHUTDOWN_REBOOT : HV_SHUTDOWN_POWEROFF);
	}
	free(val);
}

void backends_store_opened(struct hv *hv, struct store *store)
{
	struct hv_double *h = (struct hv_double *)hv;

	h->store = store;
	store->ops->watch(store, "/local/domain", "hvd:guests");
}

int backends_open_hv(uv_loop_t *loop, hv_event_fn fn, void *opaque, struct hv **out, char *err,
		     size_t errlen)
{
	static struct hv_double h;
	const char *file = getenv("KEEL_TEST_HV_STATE");

	(void)err, (void)errlen;
	memset(&h, 0, sizeof(h));
	h.base.ops = &double_ops;
	h.base.event = fn;
	h.base.event_opaque = opaque;
	h.loop = loop;
	h.next_domid = 1;
	if (file)
		snprintf(h.state_file, sizeof(h.state_file), "%s", file);
	load(&h);
	the_double = &h;
	*out = &h.base;
	/* Nobody should mistake this daemon for the real one. */
	fprintf(stderr, "keel-controld: TEST MODE: the hypervisor is a test double; domains "
			"are simulated and nothing runs\n");
	return 0;
}
