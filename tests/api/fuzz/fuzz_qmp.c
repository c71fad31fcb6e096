// SPDX-License-Identifier: MIT
/*
 * Fuzz target: what QEMU's monitor sends controld's supervisor during the start handshake
 * (qemu-dm-glue/qmp.c), fed in two pieces split at the first byte's value. Ready is only ever
 * reached after the three commands were asked for, every failure says why, the commands to
 * send are only ever the supervisor's own, and one message parses alone within bounds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "qmp.h"

static struct qmp_handshake h;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cut = size ? data[0] % (size + 1) : 0;
	const char *d = (const char *)data;
	struct qmp_msg m;
	int rc;

	qmp_handshake_init(&h);
	rc = qmp_handshake_feed(&h, d, cut);
	if (h.out[0] && strncmp(h.out, "{\"execute\":\"", 12))
		abort();
	if (!rc)
		rc = qmp_handshake_feed(&h, d + cut, size - cut);
	if (h.out[0] && strncmp(h.out, "{\"execute\":\"", 12))
		abort();
	if (rc == 1 && (h.step != QMP_READY || h.msgs < 4))
		abort();
	if (rc < 0 && (rc != -EPROTO || !h.why[0]))
		abort();
	if (rc == 0 && (h.len > QMP_LINE_MAX || h.msgs > QMP_MSGS_MAX))
		abort();
	if (!qmp_parse_msg(d, size, &m) &&
	    (strlen(m.text) >= sizeof(m.text) || strlen(m.status) >= sizeof(m.status)))
		abort();
	return 0;
}
