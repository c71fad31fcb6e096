/* SPDX-License-Identifier: MIT */
/*
 * Building a domain for the toolstack in dom0: KEEL_DOMCTL_createdomain,
 * loadkernel, loadinitrd and getbuild (public/keel/domctl.h says what each
 * checks and returns). The caller's buffers are read through its own page
 * tables; the kernel image is staged in frames from the pool and parsed only
 * there, so the caller cannot change it under the ELF checks.
 */
#ifndef KEEL_DOMCTL_BUILD_H
#define KEEL_DOMCTL_BUILD_H

#include <keel/domain.h>
#include <public/keel/domctl.h>

/* On success op->domid is the new domain's; the caller writes op back. */
long domctl_createdomain(struct vcpu *v, struct keel_domctl *op);
long domctl_loadkernel(struct vcpu *v, struct domain *d, const struct keel_load *l);
long domctl_loadinitrd(struct vcpu *v, struct domain *d, const struct keel_load *l);
long domctl_getbuild(const struct domain *d, struct keel_build *b);
/* Unpausing a built domain: -ENOENT before its kernel; from then on its memory is its own. */
long domctl_build_unpause(struct domain *d);

#endif
