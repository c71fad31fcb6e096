// SPDX-License-Identifier: MIT
/* GET /healthz: up, or 503 while draining. */
#include "api.h"
#include "problem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void h_health(struct api_call *c)
{
	if (c->cd->draining) {
		problem(c->resp, 503, "shutting-down", "controld is shutting down", NULL,
			"no new work is accepted");
		return;
	}
	http_resp_body(c->resp, 200, "text/plain; charset=utf-8", strdup("ok\n"), 3);
}
