// SPDX-License-Identifier: MIT
/*
 * A domain's console served in dom0 (consoles.c) as the model sees it: connected when the
 * domain is built or adopted after a restart, disconnected before it is destroyed, input
 * from the API. Its output reaches the model as HV_EV_CONSOLE events, as a hypervisor
 * backend's would (main.c), so history and stream are one path.
 */
#include "consoles.h"
#include "device_model.h"
#include "log.h"
#include "model_internal.h"

#include <errno.h>
#include <string.h>

void domain_console_connect(struct controld *cd, const struct domain *d)
{
	struct hv_build b;
	int rc;

	if (!cd->consoles || !cd->hv->ops->build_info || d->domid < 0)
		return;
	rc = cd->hv->ops->build_info(cd->hv, (hv_domid_t)d->domid, &b);
	if (rc == -ENOENT)
		return; /* not built through domctl: its console is the hypervisor's */
	if (!rc)
		rc = consoles_attach(cd->consoles, (hv_domid_t)d->domid, b.console_gfn,
				     b.console_port);
	if (rc && rc != -EEXIST)
		log_warn("domain %s (domid %d): its console is not served: %s", domain_name(d),
			 d->domid, strerror(-rc));
}

void domain_console_disconnect(struct controld *cd, const struct domain *d)
{
	if (cd->consoles && d->domid >= 0)
		consoles_detach(cd->consoles, (hv_domid_t)d->domid);
}

long domain_console_input(struct controld *cd, struct domain *d, const char *data, size_t len)
{
	long n;

	if (d->domid < 0 || d->state == DOM_CRASHED || d->state == DOM_STOPPED)
		return -EBUSY;
	/* An HVM guest's console is its COM1 (its PV console, if any, prints along). */
	n = device_model_console_write(cd, d->domid, data, len);
	if (n != -ENOENT)
		return n;
	if (!cd->consoles)
		return -ENOENT;
	return consoles_write(cd->consoles, (hv_domid_t)d->domid, data, len);
}
