// SPDX-License-Identifier: MIT
/*
 * hvm_op: get/set_param: the callback vector; the xenstore and console pages
 * and ports, which the domain builder sets (0 when there are none), and which
 * the toolstack may read for another domain, as on Xen.
 */
#include <keel/hypercall.h>
#include <keel/errno.h>
#include <keel/guest_mem.h>
#include <public/xen/memory.h>

static long set_param(struct domain *d, u32 index, u64 value)
{
	switch (index) {
	case HVM_PARAM_CALLBACK_IRQ: {
		u64 type = value >> 56;
		u64 vector = value & 0xff;
		if (value == 0) {
			d->callback_vector = 0;
			break;
		}
		/* Only the vector form: Keel has no emulated interrupt controllers. */
		if (type != HVM_PARAM_CALLBACK_TYPE_VECTOR || vector < 0x10 ||
		    (value & ~((0xffULL << 56) | 0xff)))
			return -EINVAL;
		d->callback_vector = (u8)vector;
		break;
	}
	case HVM_PARAM_STORE_PFN:
	case HVM_PARAM_STORE_EVTCHN:
	case HVM_PARAM_CONSOLE_PFN:
	case HVM_PARAM_CONSOLE_EVTCHN:
		return -EPERM; /* set by the toolstack, not the guest */
	case HVM_PARAM_ACPI_IOPORTS_LOCATION:
		/* hvmloader moves the PM timer and PM1a events (arch/x86/hvm/platform.c). */
		if (!d->hvm || value > 1)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	d->hvm_params[index] = value;
	return 0;
}

static long get_param(struct domain *d, u32 index, u64 *value)
{
	switch (index) {
	case HVM_PARAM_CALLBACK_IRQ:
	case HVM_PARAM_STORE_PFN:
	case HVM_PARAM_STORE_EVTCHN:
	case HVM_PARAM_CONSOLE_PFN:
	case HVM_PARAM_CONSOLE_EVTCHN:
	case HVM_PARAM_ACPI_IOPORTS_LOCATION:
		*value = d->hvm_params[index]; /* 0: none yet */
		return 0;
	default:
		return -EINVAL;
	}
}

/* The caller itself, or for a privileged caller reading, any other domain. */
static struct domain *param_domain(struct vcpu *v, u16 domid, bool set, long *err)
{
	struct domain *d;

	if (domid == DOMID_SELF || domid == v->dom->id)
		return v->dom;
	if (set || !v->dom->privileged) {
		*err = -EPERM;
		return NULL;
	}
	d = domain_by_id(domid);
	*err = d ? 0 : -ESRCH;
	return d;
}

long do_hvm_op(struct vcpu *v, const struct hypercall_args *a)
{
	struct xen_hvm_param p;
	struct domain *d;
	long ret = 0;

	switch (a->a1) {
	case HVMOP_set_param:
	case HVMOP_get_param:
		if (copy_from_guest(v, &p, a->a2, sizeof(p)))
			return -EFAULT;
		if (!(d = param_domain(v, p.domid, a->a1 == HVMOP_set_param, &ret)))
			return ret;
		if (p.index >= HVM_NR_PARAMS)
			return -EINVAL;
		if (a->a1 == HVMOP_set_param)
			return set_param(d, p.index, p.value);
		ret = get_param(d, p.index, &p.value);
		if (!ret && copy_to_guest(v, a->a2, &p, sizeof(p)))
			return -EFAULT;
		return ret;
	default:
		return -ENOSYS; /* pagetable_dying and the rest */
	}
}
