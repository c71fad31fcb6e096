/* SPDX-License-Identifier: MIT */
/*
 * qemu-dm-glue's supervisor, on controld's loop: one Debian qemu-system-xen per HVM domain
 * (its command line from qemu-dm-glue/dm_argv.h), as libxl runs one:
 *   start: /local/domain/0/device-model/<domid> removed (a reused domid's stale nodes),
 *     QEMU spawned with -S (deprivileged: restricted to its domid, a uid and chroot of its
 *     own, libxl's rlimits), its stdout and stderr logged line by line with the domain's
 *     name; once it took QMP's "cont" (qemu-dm-glue/qmp.h, as libxl's dm_restrict start),
 *     its COM1 socket is connected (the guest's console) and the model is told
 *     (domain_dm_ready), which unpauses the domain. Not ready within qemu_start_timeout, a
 *     QMP failure, or QEMU ending first: the start fails (domain_dm_failed).
 *   QEMU ending unasked while its guest lives: the guest is crashed (domain_dm_failed with
 *     why), never restarted.
 *   stop: SIGTERM (QEMU destroys its ioreq server and exits), SIGKILL after DM_KILL_MS; its
 *     device-model node is removed and the domain destroyed once it is gone.
 */
#ifndef KEEL_CONTROLD_DEVICE_MODEL_H
#define KEEL_CONTROLD_DEVICE_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#define DM_KILL_MS 5000

struct controld;
struct domain;

/* Spawns d's QEMU (d is built and paused). 0, or a negative errno (nothing left running). */
int device_model_start(struct controld *cd, const struct domain *d);
/*
 * Stops domid's QEMU, if it has one (its exit is then no crash), and destroys the domain in
 * the hypervisor once QEMU has gone, as libxl orders it: QEMU maps the guest's memory until
 * it exits. false: domid has no QEMU (the caller destroys the domain).
 */
bool device_model_stop(struct controld *cd, int domid);
/*
 * A restarted controld takes over d's QEMU (alive, d an HVM domain it adopts): found by the
 * pid recorded at its start and checked to be QEMU for d's domid, watched through a pidfd
 * (its exit is d's crash as for one spawned here), its COM1 connected again. -ENOENT: no
 * pid recorded; -ESRCH: that QEMU is gone. One that had not taken "cont" when the earlier
 * controld stopped stays device_model_starting: its start is over (the caller fails it).
 */
int device_model_adopt(struct controld *cd, const struct domain *d);
/* Whether domid's QEMU was started and has not taken "cont" yet. */
bool device_model_starting(const struct controld *cd, int domid);
/* The QEMU's pid, 0 if domid has none (for logs and tests). */
int device_model_pid(const struct controld *cd, int domid);
/* Input for domid's COM1: bytes taken (0 when the socket is full), -ENOENT without one. */
long device_model_console_write(struct controld *cd, int domid, const char *data, size_t len);
/* controld exits: every QEMU is left running (its guest keeps running, as PV guests do; a
 * restarted controld adopts it), handles closed; a domain waiting for its QEMU to go is
 * destroyed now. */
void device_model_free(struct controld *cd);

#endif
