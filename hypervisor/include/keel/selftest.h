/* SPDX-License-Identifier: MIT */
/*
 * Self-test mode (hypervisor command line "selftest=NAME"): each boot-time
 * domain's outcome is checked against its "expect=" (pass: it printed
 * "Test result: PASS" and powered off; crash: the hypervisor crashed it).
 * When no domain is left, one "Test result:" line sums up and the emulator
 * is powered off.
 */
#ifndef KEEL_SELFTEST_H
#define KEEL_SELFTEST_H

#include <keel/domain.h>

void selftest_init(const char *name);
bool selftest_active(void);
/* Records how a domain ended, before it is freed. */
void selftest_domain_ended(struct domain *d);
/* Prints the verdict and powers off; does nothing outside self-test mode. */
void selftest_finish(void);
/* A boot-time failure in self-test mode: verdict FAIL now. */
__noreturn void selftest_fail_now(const char *why);

#endif
