/* SPDX-License-Identifier: MIT */
/*
 * Self-test mode (hypervisor command line "selftest=NAME"): each boot-time
 * domain's outcome is checked against its "expect=" (pass: it printed
 * "Test result: PASS" and powered off; crash: the hypervisor crashed it).
 * When no domain is left, one "Test result:" line sums up and the emulator
 * is powered off. With "idle=SECONDS" on the command line Keel first idles
 * that long after the last domain, so that a fault in the idle path fails the
 * run too.
 */
#ifndef KEEL_SELFTEST_H
#define KEEL_SELFTEST_H

#include <keel/domain.h>

void selftest_init(const char *name, u32 idle_seconds);
bool selftest_active(void);
/*
 * A domain and the outcome it is expected to have: a boot module's expect= (pass,
 * crash, reboot, destroyed), or "toolstack" for one a test guest built, which that
 * guest judges (only a crash or a FAIL line of its own counts).
 */
void selftest_domain_created(struct domain *d, const char *expect);
/* Records how a domain ended, before it is freed. */
void selftest_domain_ended(struct domain *d);
/*
 * Called by the idle loop once no domain is left. Outside self-test mode
 * returns 0. While the idle period runs returns the TSC deadline to wake up
 * at; after it prints the verdict and powers off.
 */
u64 selftest_finish(u64 now);
/* A boot-time failure in self-test mode: verdict FAIL now. */
__noreturn void selftest_fail_now(const char *why);

#endif
