// SPDX-License-Identifier: MIT
/* A built domain's console and xenstore pages for dom0: see toolstack_pages.h. */
#include <keel/toolstack_pages.h>
#include <keel/errno.h>
#include <keel/evtchn.h>
#include <keel/grant_table.h>
#include <keel/string.h>

#define TOOLSTACK_DOMID 0 /* the pages' server: dom0, as libxl's console and xenstore domid */

/* One shared page: zeroed, granted to dom0, an unbound port for dom0 to bind. */
static int share_page(struct domain *d, u64 gpa, u32 ref, u32 pfn_param, u32 port_param)
{
	u8 *page = domain_gpa_ptr(d, gpa, PAGE_SIZE);
	int port;

	if (!page)
		return -EINVAL;
	port = evtchn_alloc_unbound_port(d, TOOLSTACK_DOMID);
	if (port < 0)
		return port;
	memset(page, 0, PAGE_SIZE);
	gnttab_seed(d, ref, gpa >> PAGE_SHIFT, TOOLSTACK_DOMID);
	d->hvm_params[pfn_param] = gpa >> PAGE_SHIFT;
	d->hvm_params[port_param] = (u32)port;
	return 0;
}

int toolstack_pages_setup(struct domain *d, u64 console_gpa, u64 store_gpa)
{
	int err = share_page(d, console_gpa, GNTTAB_RESERVED_CONSOLE, HVM_PARAM_CONSOLE_PFN,
			     HVM_PARAM_CONSOLE_EVTCHN);

	return err
		   ?: share_page(d, store_gpa, GNTTAB_RESERVED_XENSTORE, HVM_PARAM_STORE_PFN,
				 HVM_PARAM_STORE_EVTCHN);
}
