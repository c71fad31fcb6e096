// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the xenstore message decoder and the argument parsers behind it must frame,
 * split and validate any byte stream without reading outside it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xs_path.h"
#include "xs_perms.h"
#include "xs_wire.h"

static void check_args(const char *payload, size_t len)
{
	const char *argv[8];
	char out[XS_ABS_PATH_MAX + 1];
	struct xs_perm perms[16];
	unsigned int n, domid;
	unsigned long v;
	size_t tail;
	bool rel;

	n = xs_split_args(payload, len, argv, 8, &tail);
	if (tail > len || n > xs_count_args(payload, len))
		abort();
	for (unsigned int i = 0; i < n; i++) {
		if (xs_path_resolve(argv[i], 7, i & 1, i & 2 ? 2048 : 0, out, sizeof(out), &rel) ==
		    0) {
			if (strlen(out) > XS_ABS_PATH_MAX || strstr(out, "//"))
				abort();
		}
		xs_parse_domid(argv[i], &domid);
		xs_parse_uint(argv[i], 0xffffffffu, &v);
	}
	if (xs_perms_parse(payload, len, perms, 16) > 16)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xs_decoder dec;
	/* Exact-size heap copy so ASan sees any read past the end. */
	uint8_t *buf = malloc(size ? size : 1);
	size_t used = 0, step = 1;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	xs_decoder_init(&dec);
	/* Feed in growing chunks: headers and payloads arrive split at every boundary. */
	while (used < size) {
		size_t len = size - used < step ? size - used : step;
		bool complete;
		long n = xs_decoder_feed(&dec, buf + used, len, &complete);

		if (n < 0)
			break;
		if ((size_t)n > len)
			abort();
		used += (size_t)n;
		if (complete) {
			const char *payload;
			const struct xs_hdr *h = xs_decoder_msg(&dec, &payload);

			if (h->len > XS_PAYLOAD_MAX || payload[h->len] != '\0')
				abort();
			check_args(payload, h->len);
			xs_type_name(h->type);
			xs_decoder_next(&dec);
		}
		step = step * 3 + 1;
	}
	free(buf);
	return 0;
}
