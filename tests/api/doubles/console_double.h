/* SPDX-License-Identifier: MIT */
/*
 * TEST DOUBLE of the console service's devices (controld/consoles.h): each guest's console
 * page is memory of this process, the event channel a socketpair (a 4-byte port per
 * event, as /dev/xen/evtchn hands them to read()). Its guests echo: when dom0 notifies
 * one, it moves what is in its input ring to its output ring and signals back, so typed
 * input comes back as output (the test daemon's guests). Tests may turn the echo off, write
 * the guest's side of a page themselves and inject errors. One instance per process.
 */
#ifndef KEEL_TESTS_CONSOLE_DOUBLE_H
#define KEEL_TESTS_CONSOLE_DOUBLE_H

#include <stdbool.h>

#include "../../../controld/console_ring.h"
#include "../../../controld/consoles.h"

extern const struct console_dev_ops console_double_ops;

struct console_double {
	bool echo;			      /* guests echo their input (default true) */
	int grant_err, foreign_err, bind_err; /* negative errno to inject, 0 = none */
	unsigned maps, unmaps, binds, unbinds, notifies, grant_maps, foreign_maps;
};

/* Opens the double (its state is returned for tests to change); *h is for the ops. */
struct console_double *console_double_open(void **h);
void console_double_close(void *h);
/* The guest's side: its page (NULL if not mapped), and its signal to dom0. */
struct cons_page *console_double_page(unsigned domid);
void console_double_signal(unsigned domid);
/* The guest writes text to its output ring (as much as fits) and signals. */
void console_double_guest_write(unsigned domid, const char *text);

#endif
