// SPDX-License-Identifier: MIT
/* POST /v1/domains/{domain}/console: input typed to the guest's console. */
#include "api.h"
#include "console_json.h"
#include "out.h"
#include "problem.h"
#include "../controld/model.h"

#include <errno.h>

void h_console_input(struct api_call *c)
{
	struct domain *d = api_domain(c);
	struct console_input in;
	struct verr e;
	json_t *body;
	long n;

	if (!d || !(body = api_body_object(c)))
		return;
	if (console_input_from_json(body, &in, &e)) {
		problem(c->resp, 400, "invalid-body", "Invalid request body", e.pointer, "%s",
			e.detail);
		goto out;
	}
	n = domain_console_input(c->cd, d, in.data, in.len);
	if (n == -EBUSY)
		problem(c->resp, 409, "invalid-state", "Illegal in the current state", NULL,
			"the domain is not running: its console takes no input");
	else if (n == -ENOENT)
		problem(c->resp, 409, "no-console", "No console served in dom0", NULL,
			"this domain's console is not served in dom0 (a boot-time domain's "
			"console is the hypervisor's)");
	else if (n == -EIO)
		problem(c->resp, 409, "console-broken", "The guest broke its console", NULL,
			"the guest wrote impossible indexes into its console ring; it is no "
			"longer served");
	else if (n < 0)
		problem_errno(c->resp, (int)n, "console input");
	else
		resp_json(c->resp, 200, json_pack("{s:I}", "accepted", (json_int_t)n));
out:
	json_decref(body);
}
