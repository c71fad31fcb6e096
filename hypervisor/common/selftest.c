// SPDX-License-Identifier: MIT
/* Self-test verdicts: see selftest.h. */
#include <keel/arch.h>
#include <keel/selftest.h>
#include <keel/emu.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <keel/timer.h>

static char test_name[32];
static u32 ended, failed;
static char first_failure[96];
static u32 idle_seconds;
static u64 idle_until;

/* Per domain id: what its module line expects, and what its console said. */
static struct {
	char expect[16];
	bool passed, failed;
} doms[MAX_DOMAINS];

static void watch_console(struct domain *d, const char *line)
{
	if (!strncmp(line, "Test result: PASS", 17))
		doms[d->id].passed = true;
	else if (!strncmp(line, "Test result: FAIL", 17))
		doms[d->id].failed = true;
}

void selftest_init(const char *name, u32 idle)
{
	strlcpy(test_name, name, sizeof(test_name));
	idle_seconds = idle;
	domain_set_console_observer(watch_console);
}

void selftest_domain_created(struct domain *d, const char *expect)
{
	doms[d->id].passed = doms[d->id].failed = false;
	strlcpy(doms[d->id].expect, expect, sizeof(doms[d->id].expect));
}

bool selftest_active(void)
{
	return test_name[0];
}

static void note_failure(struct domain *d, const char *what)
{
	failed++;
	if (!first_failure[0])
		ksnprintf(first_failure, sizeof(first_failure), "domain %s %s", d->name, what);
}

void selftest_domain_ended(struct domain *d)
{
	if (!selftest_active())
		return;
	ended++;
	const char *expect = doms[d->id].expect;
	bool passed = doms[d->id].passed, failed = doms[d->id].failed;
	if (!strcmp(expect, "toolstack")) {
		/* Built by a test guest, which judges it: only a failure counts here. */
		if (d->state == DOM_CRASHED || failed)
			note_failure(d, "built by the toolstack failed");
		return;
	}
	if (!strcmp(expect, "destroyed")) {
		if (!d->killed)
			note_failure(d, "was expected to be destroyed by the toolstack");
		return;
	}
	if (d->killed) {
		note_failure(d, "was destroyed by the toolstack");
		return;
	}
	if (!strcmp(expect, "reboot")) {
		if (d->state != DOM_SHUTDOWN || d->shutdown_reason != SHUTDOWN_reboot)
			note_failure(d, "did not reboot");
		else if (!passed)
			note_failure(d, "ended without reporting PASS");
		return;
	}
	if (!strcmp(expect, "crash")) {
		if (d->state != DOM_CRASHED)
			note_failure(d, "was expected to crash but did not");
		return;
	}
	if (d->state == DOM_CRASHED)
		note_failure(d, "crashed");
	else if (d->shutdown_reason != SHUTDOWN_poweroff)
		note_failure(d, "did not power off");
	else if (failed)
		note_failure(d, "reported FAIL");
	else if (!passed)
		note_failure(d, "ended without reporting PASS");
}

u64 selftest_finish(u64 now)
{
	if (!selftest_active())
		return 0;
	if (idle_seconds && !idle_until) {
		idle_until = now + (u64)idle_seconds * tsc_khz * 1000;
		printk("keel: self-test: idle for %u s after the last domain\n", idle_seconds);
	}
	if (now < idle_until)
		return idle_until;
	if (idle_seconds)
		printk("keel: self-test: idle period over\n");
	if (!ended)
		selftest_fail_now("no domain ran");
	if (failed)
		printk("Test result: FAIL %s: %s\n", test_name, first_failure);
	else
		printk("Test result: PASS %s\n", test_name);
	emu_poweroff();
	printk("keel: halted\n");
	cpu_halt_forever();
}

void selftest_fail_now(const char *why)
{
	printk("Test result: FAIL %s: %s\n", test_name[0] ? test_name : "boot", why);
	emu_poweroff();
	printk("keel: halted\n");
	cpu_halt_forever();
}
