// SPDX-License-Identifier: MIT
/* The pure protocol layer: decoder framing, argument splitting, paths, permissions. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "xs_path.h"
#include "xs_perms.h"
#include "xs_wire.h"

static size_t frame(uint8_t *out, uint32_t type, uint32_t req, uint32_t tx, const void *p,
		    uint32_t len)
{
	struct xs_hdr h = {type, req, tx, len};

	xs_hdr_encode(&h, out);
	memcpy(out + XS_HDR_SIZE, p, len);
	return XS_HDR_SIZE + len;
}

static void decoder_frames_split_stream(void **state)
{
	static struct xs_decoder d;
	uint8_t stream[200];
	size_t n = frame(stream, XS_READ, 7, 0, "/a\0", 3);
	const char *payload;
	bool complete;
	int got = 0;

	(void)state;
	n += frame(stream + n, XS_WRITE, 8, 3, "/b\0xy", 5);
	xs_decoder_init(&d);
	/* One byte at a time: every boundary is crossed. */
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(xs_decoder_feed(&d, stream + i, 1, &complete), 1);
		if (complete) {
			const struct xs_hdr *h = xs_decoder_msg(&d, &payload);

			if (got == 0) {
				assert_int_equal(h->type, XS_READ);
				assert_int_equal(h->req_id, 7);
				assert_memory_equal(payload, "/a\0", 3);
			} else {
				assert_int_equal(h->type, XS_WRITE);
				assert_int_equal(h->tx_id, 3);
				assert_int_equal(h->len, 5);
				assert_memory_equal(payload, "/b\0xy", 5);
				assert_int_equal(payload[5], '\0');
			}
			got++;
			xs_decoder_next(&d);
		}
	}
	assert_int_equal(got, 2);
}

static void decoder_stops_after_each_message(void **state)
{
	static struct xs_decoder d;
	uint8_t stream[200];
	size_t n = frame(stream, XS_READ, 1, 0, "/a\0", 3);
	bool complete;

	(void)state;
	n += frame(stream + n, XS_READ, 2, 0, "/b\0", 3);
	xs_decoder_init(&d);
	assert_int_equal(xs_decoder_feed(&d, stream, n, &complete), XS_HDR_SIZE + 3);
	assert_true(complete);
}

static void decoder_rejects_oversized_payload(void **state)
{
	static struct xs_decoder d;
	struct xs_hdr h = {XS_WRITE, 1, 0, XS_PAYLOAD_MAX + 1};
	uint8_t raw[XS_HDR_SIZE];
	bool complete;

	(void)state;
	xs_hdr_encode(&h, raw);
	xs_decoder_init(&d);
	assert_int_equal(xs_decoder_feed(&d, raw, sizeof(raw), &complete), -EPROTO);
	/* Stays broken: the stream cannot be resynchronised. */
	assert_int_equal(xs_decoder_feed(&d, raw, 1, &complete), -EPROTO);
	h.len = XS_PAYLOAD_MAX;
	xs_hdr_encode(&h, raw);
	xs_decoder_init(&d);
	assert_int_equal(xs_decoder_feed(&d, raw, sizeof(raw), &complete), XS_HDR_SIZE);
	assert_false(complete);
}

static void split_args_bounds(void **state)
{
	const char *argv[3];
	size_t tail;

	(void)state;
	assert_int_equal(xs_split_args("a\0bc\0", 5, argv, 3, &tail), 2);
	assert_string_equal(argv[1], "bc");
	assert_int_equal(tail, 5);
	/* An unterminated tail is not an argument. */
	assert_int_equal(xs_split_args("a\0bc", 4, argv, 3, &tail), 1);
	assert_int_equal(tail, 2);
	assert_int_equal(xs_split_args("abc", 3, argv, 3, &tail), 0);
	assert_int_equal(xs_split_args("", 0, argv, 3, &tail), 0);
	assert_int_equal(xs_count_args("a\0\0b\0", 5), 3);
}

static void errno_names(void **state)
{
	(void)state;
	assert_string_equal(xs_errno_name(-EAGAIN), "EAGAIN");
	assert_string_equal(xs_errno_name(ENOENT), "ENOENT");
	assert_string_equal(xs_errno_name(EPERM), "EPERM");
	assert_string_equal(xs_errno_name(ETIMEDOUT), "EIO"); /* not in the protocol */
	assert_int_equal(xs_errno_from_name("E2BIG"), E2BIG);
	assert_int_equal(xs_errno_from_name("EWHATEVER"), 0);
	assert_string_equal(xs_type_name(XS_DIRECTORY_PART), "DIRECTORY_PART");
	assert_null(xs_type_name(20));
	assert_null(xs_type_name(99));
}

static void numbers(void **state)
{
	unsigned long v;
	unsigned int d;

	(void)state;
	assert_int_equal(xs_parse_domid("65535", &d), 0);
	assert_int_equal(d, 65535);
	assert_int_equal(xs_parse_domid("65536", &d), -EINVAL);
	assert_int_equal(xs_parse_domid("", &d), -EINVAL);
	assert_int_equal(xs_parse_domid("-1", &d), -EINVAL);
	assert_int_equal(xs_parse_domid("1x", &d), -EINVAL);
	assert_int_equal(xs_parse_uint("4294967295", 0xffffffffu, &v), 0);
	assert_int_equal(xs_parse_uint("4294967296", 0xffffffffu, &v), -EINVAL);
	assert_int_equal(xs_parse_uint("99999999999999999999999", ~0ul, &v), -EINVAL);
}

static void paths(void **state)
{
	char out[XS_ABS_PATH_MAX + 1], big[XS_ABS_PATH_MAX + 2];
	bool rel;

	(void)state;
	assert_int_equal(xs_path_resolve("/a/b", 3, false, 0, out, sizeof(out), &rel), 0);
	assert_string_equal(out, "/a/b");
	assert_false(rel);
	assert_int_equal(xs_path_resolve("x/y", 3, false, 0, out, sizeof(out), &rel), 0);
	assert_string_equal(out, "/local/domain/3/x/y");
	assert_true(rel);
	assert_int_equal(xs_path_resolve("/", 0, false, 0, out, sizeof(out), &rel), 0);
	assert_int_equal(xs_path_resolve("", 0, false, 0, out, sizeof(out), &rel), -EINVAL);
	assert_int_equal(xs_path_resolve("/a/", 0, false, 0, out, sizeof(out), &rel), -EINVAL);
	assert_int_equal(xs_path_resolve("/a//b", 0, false, 0, out, sizeof(out), &rel), -EINVAL);
	assert_int_equal(xs_path_resolve("/a b", 0, false, 0, out, sizeof(out), &rel), -EINVAL);
	assert_int_equal(xs_path_resolve("/a.b", 0, false, 0, out, sizeof(out), &rel), -EINVAL);
	assert_int_equal(xs_path_resolve("@releaseDomain", 0, false, 0, out, sizeof(out), &rel),
			 -EINVAL);
	assert_int_equal(xs_path_resolve("@releaseDomain", 0, true, 0, out, sizeof(out), &rel), 0);
	/* Found by fuzzing: special paths obey the same "//" and trailing-slash rules. */
	assert_int_equal(xs_path_resolve("@a//b", 0, true, 0, out, sizeof(out), &rel), -EINVAL);
	assert_int_equal(xs_path_resolve("@a/", 0, true, 0, out, sizeof(out), &rel), -EINVAL);
	assert_int_equal(xs_path_resolve("/A-z_0@9", 0, false, 0, out, sizeof(out), &rel), 0);
	/* Length limits: 3072 absolute, and the per-domain limit past /local/domain/<id>/. */
	memset(big, 'a', sizeof(big));
	big[0] = '/';
	big[XS_ABS_PATH_MAX] = '\0';
	assert_int_equal(xs_path_resolve(big, 0, false, 0, out, sizeof(out), &rel), 0);
	big[XS_ABS_PATH_MAX] = 'a';
	big[XS_ABS_PATH_MAX + 1] = '\0';
	assert_int_equal(xs_path_resolve(big, 0, false, 0, out, sizeof(out), &rel), -EINVAL);
	memset(big, 'a', 2049);
	big[2049] = '\0';
	assert_int_equal(xs_path_resolve(big, 4, false, 2048, out, sizeof(out), &rel), -EINVAL);
	big[2048] = '\0';
	assert_int_equal(xs_path_resolve(big, 4, false, 2048, out, sizeof(out), &rel), 0);

	xs_path_parent("/a/b/c", out, sizeof(out));
	assert_string_equal(out, "/a/b");
	xs_path_parent("/a", out, sizeof(out));
	assert_string_equal(out, "/");
	assert_string_equal(xs_path_base("/a/bc"), "bc");
	assert_true(xs_path_is_under("/a/b", "/a"));
	assert_true(xs_path_is_under("/a", "/a"));
	assert_true(xs_path_is_under("/a", "/"));
	assert_false(xs_path_is_under("/ab", "/a"));
	assert_int_equal(xs_path_depth_below("/a/b/c", "/a"), 2);
	assert_int_equal(xs_path_depth_below("/a", "/"), 1);
}

static void perms(void **state)
{
	struct xs_perm p[4];
	char out[64];

	(void)state;
	assert_int_equal(xs_perms_parse("b5\0r0\0n7\0w12\0", 13, p, 4), 4);
	assert_int_equal(p[0].domid, 5);
	assert_int_equal(p[0].flags, XS_PERM_READ | XS_PERM_WRITE);
	assert_int_equal(p[2].flags, XS_PERM_NONE);
	assert_int_equal(p[3].flags, XS_PERM_WRITE);
	assert_int_equal(xs_perms_format(p, 4, out, sizeof(out)), 13);
	assert_memory_equal(out, "b5\0r0\0n7\0w12\0", 13);
	assert_int_equal(xs_perms_parse("x5\0", 3, p, 4), -EINVAL);
	assert_int_equal(xs_perms_parse("r\0", 2, p, 4), -EINVAL);
	assert_int_equal(xs_perms_parse("r70000\0", 7, p, 4), -EINVAL);
	assert_int_equal(xs_perms_parse("r1\0r2", 5, p, 4), -EINVAL); /* unterminated */
	assert_int_equal(xs_perms_parse("", 0, p, 4), -EINVAL);
	assert_int_equal(xs_perms_parse("r1\0r1\0r1\0", 9, p, 2), -EINVAL); /* too many */

	/* n1 r2 w3: owner 1 full, 2 reads, 3 writes, others none; dom0 all. */
	assert_int_equal(xs_perms_parse("n1\0r2\0w3\0", 9, p, 4), 3);
	assert_int_equal(xs_perms_access(p, 3, 1, -1, 0),
			 XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER);
	assert_int_equal(xs_perms_access(p, 3, 2, -1, 0), XS_PERM_READ);
	assert_int_equal(xs_perms_access(p, 3, 3, -1, 0), XS_PERM_WRITE);
	assert_int_equal(xs_perms_access(p, 3, 4, -1, 0), XS_PERM_NONE);
	assert_int_equal(xs_perms_access(p, 3, 4, -1, 1),
			 XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER);
	/* A domain acting for domain 2 (SET_TARGET) gets 2's rights. */
	assert_int_equal(xs_perms_access(p, 3, 9, 2, 0), XS_PERM_READ);
	/* The owner entry's flags are the default for the others. */
	assert_int_equal(xs_perms_parse("r1\0", 3, p, 4), 1);
	assert_int_equal(xs_perms_access(p, 1, 8, -1, 0), XS_PERM_READ);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(decoder_frames_split_stream),
	    cmocka_unit_test(decoder_stops_after_each_message),
	    cmocka_unit_test(decoder_rejects_oversized_payload),
	    cmocka_unit_test(split_args_bounds),
	    cmocka_unit_test(errno_names),
	    cmocka_unit_test(numbers),
	    cmocka_unit_test(paths),
	    cmocka_unit_test(perms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
