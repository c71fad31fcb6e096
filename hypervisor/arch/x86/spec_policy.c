// SPDX-License-Identifier: MIT
/* The speculation-hardening policy (see spec_ctrl.h). Pure: unit-tested on the host. */
#include <arch/x86/spec_ctrl.h>
#include <keel/printk.h>
#include <keel/string.h>

void spec_policy_decide(const struct spec_caps *c, struct spec_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->ibpb_on_switch = c->ibrs_ibpb;
	/* Return predictions trained by a guest must not reach the hypervisor's returns. */
	p->rsb_fill = true;
	p->l1d_flush_on_entry = c->l1d_flush && !(c->arch_caps & ARCH_CAP_RDCL_NO) &&
				!(c->arch_caps & ARCH_CAP_SKIP_L1DFL);
	/* The L1D flush clears the buffers as well on the parts that need both. */
	p->verw_on_entry =
	    c->md_clear && !(c->arch_caps & ARCH_CAP_MDS_NO) && !p->l1d_flush_on_entry;
	p->guest_spec_ctrl = c->ibrs_ibpb;
	if (p->guest_spec_ctrl)
		p->guest_spec_ctrl_bits = SPEC_CTRL_IBRS | (c->stibp ? SPEC_CTRL_STIBP : 0) |
					  (c->ssbd ? SPEC_CTRL_SSBD : 0);
}

void spec_policy_describe(const struct spec_policy *p, const struct spec_caps *c, char *buf,
			  u32 size)
{
	ksnprintf(buf, size,
		  "IBPB on domain switch %s, RSB fill on exit %s, VERW on entry %s, "
		  "L1D flush on entry %s, guest SPEC_CTRL %s, thunks on",
		  p->ibpb_on_switch ? "on" : "off (no IBPB)", p->rsb_fill ? "on" : "off",
		  p->verw_on_entry		     ? "on"
		  : !c->md_clear		     ? "off (no MD_CLEAR)"
		  : (c->arch_caps & ARCH_CAP_MDS_NO) ? "off (MDS_NO)"
						     : "off (L1D flush does it)",
		  p->l1d_flush_on_entry ? "on"
		  : !c->l1d_flush	? "off (no L1D_FLUSH)"
					: "off (not affected)",
		  p->guest_spec_ctrl ? "on" : "off (no IBRS)");
}
