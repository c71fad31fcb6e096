/* SPDX-License-Identifier: MIT */
/* The console service's devices over dom0's Linux (/dev/xen/evtchn, gntdev, privcmd). */
#ifndef KEEL_CONTROLD_CONSOLE_LINUX_H
#define KEEL_CONTROLD_CONSOLE_LINUX_H

#include "consoles.h"

extern const struct console_dev_ops console_linux_ops;

/* 0, or a negative errno with the reason in err. */
int console_linux_open(void **h, char *err, size_t errlen);
void console_linux_close(void *h);

#endif
