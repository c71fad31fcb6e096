// SPDX-License-Identifier: MIT
/*
 * The image store (controld/images.c) in a scratch directory: uploads kept only when
 * complete, two uploads of one name, the size limit, leftovers of a crash, the kept
 * SHA-256, and an image a domain uses.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../../controld/images.h"
#include "../../../controld/model_internal.h"

struct rig {
	struct controld cd;
	char dir[64];
};

static int setup(void **state)
{
	struct rig *r = calloc(1, sizeof(*r));
	char base[] = "/tmp/keel-test-images-XXXXXX";

	assert_non_null(mkdtemp(base));
	snprintf(r->dir, sizeof(r->dir), "%s/images", base);
	snprintf(r->cd.cfg.images_dir, sizeof(r->cd.cfg.images_dir), "%s", r->dir);
	r->cd.cfg.image_max_mib = 1;
	assert_int_equal(images_init(&r->cd), 0);
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'", (int)(strlen(r->dir) - 7), r->dir);
	assert_int_equal(system(cmd), 0);
	collection_clear(&r->cd.doms.items, NULL);
	free(r);
	return 0;
}

/* The directory's entries, hidden ones included, sorted, joined by spaces. */
static const char *listing(struct rig *r)
{
	static char out[512];
	struct dirent **v;
	int n = scandir(r->dir, &v, NULL, alphasort);

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strcmp(v[i]->d_name, ".") && strcmp(v[i]->d_name, ".."))
			snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s",
				 out[0] ? " " : "", v[i]->d_name);
		free(v[i]);
	}
	free(v);
	return out;
}

static void test_upload_whole_or_nothing(void **state)
{
	struct rig *r = *state;
	struct image_upload *a, *b, *c;
	struct image_info im;

	/* "abc": SHA-256 from FIPS 180-2's example. */
	assert_int_equal(image_upload_begin(&r->cd, "k", 3, &a), 0);
	assert_int_equal(image_upload_write(a, "ab", 2), 0);
	assert_int_equal(image_upload_write(a, "c", 1), 0);
	assert_non_null(strstr(listing(r), ".upload-")); /* in progress: hidden */
	assert_int_equal(image_upload_finish(a, &im), 0);
	assert_int_equal(im.size, 3);
	assert_string_equal(im.sha256,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_string_equal(listing(r), ".k.sha256 k");
	assert_int_equal(image_upload_begin(&r->cd, "k", UINT64_MAX, &a), -EEXIST);

	/* Two uploads of one name: the first to finish wins, the other keeps nothing. */
	assert_int_equal(image_upload_begin(&r->cd, "twin", UINT64_MAX, &b), 0);
	assert_int_equal(image_upload_begin(&r->cd, "twin", UINT64_MAX, &c), 0);
	assert_int_equal(image_upload_write(b, "one", 3), 0);
	assert_int_equal(image_upload_write(c, "two", 3), 0);
	assert_int_equal(image_upload_finish(c, &im), 0);
	assert_int_equal(image_upload_finish(b, &im), -EEXIST);
	assert_string_equal(listing(r), ".k.sha256 .twin.sha256 k twin");

	/* Over the limit (1 MiB), declared or written; an abort keeps nothing. */
	assert_int_equal(image_upload_begin(&r->cd, "big", (1u << 20) + 1, &a), -EFBIG);
	assert_int_equal(image_upload_begin(&r->cd, "big", UINT64_MAX, &a), 0);
	{
		static char mib[1u << 20];
		assert_int_equal(image_upload_write(a, mib, sizeof(mib)), 0);
		assert_int_equal(image_upload_write(a, "x", 1), -EFBIG);
	}
	image_upload_abort(a);
	assert_int_equal(image_upload_begin(&r->cd, "../k", UINT64_MAX, &a), -EINVAL);
	assert_string_equal(listing(r), ".k.sha256 .twin.sha256 k twin");
}

static void test_crash_leftovers_and_kept_sha(void **state)
{
	struct rig *r = *state;
	struct image_upload *a;
	struct image_info im;
	char path[160];
	FILE *f;

	/* An upload a crash interrupted is removed at the next start. */
	assert_int_equal(image_upload_begin(&r->cd, "cut", UINT64_MAX, &a), 0);
	assert_int_equal(image_upload_write(a, "partial", 7), 0);
	assert_non_null(strstr(listing(r), ".upload-"));
	assert_int_equal(images_init(&r->cd), 0);
	assert_string_equal(listing(r), "");
	image_upload_abort(a); /* its file is gone already */

	/* An image put there by hand gets its SHA-256 computed and kept. */
	snprintf(path, sizeof(path), "%s/byhand", r->dir);
	f = fopen(path, "w");
	fputs("abc", f);
	fclose(f);
	assert_int_equal(image_get(&r->cd, "byhand", &im), 0);
	assert_string_equal(im.sha256,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_string_equal(listing(r), ".byhand.sha256 byhand");
	assert_int_equal(image_get(&r->cd, ".byhand.sha256", &im), -EINVAL);
	assert_int_equal(image_get(&r->cd, "nosuch", &im), -ENOENT);
	/* A link is not an image: it could lead anywhere in dom0. */
	snprintf(path, sizeof(path), "%s/link", r->dir);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	assert_int_equal(image_get(&r->cd, "link", &im), -ENOENT);
}

static void test_in_use(void **state)
{
	struct rig *r = *state;
	struct domain d = {.domid = -1};
	struct image_upload *a;
	struct image_info im;

	assert_int_equal(image_upload_begin(&r->cd, "vmlinuz", UINT64_MAX, &a), 0);
	assert_int_equal(image_upload_finish(a, &im), 0);
	snprintf(d.spec.name, sizeof(d.spec.name), "web1");
	d.spec.boot.type = BOOT_PVH;
	snprintf(d.spec.boot.kernel, sizeof(d.spec.boot.kernel), "/var/lib/keel/images/vmlinuz");
	assert_int_equal(collection_append(&r->cd.doms.items, &d), 0);
	assert_ptr_equal(image_user(&r->cd, "vmlinuz"), &d);
	assert_int_equal(image_delete(&r->cd, "vmlinuz"), -EBUSY);
	snprintf(d.spec.boot.kernel, sizeof(d.spec.boot.kernel), "/boot/vmlinuz");
	d.spec.ndisks = 1;
	snprintf(d.spec.disks[0].path, sizeof(d.spec.disks[0].path), "vmlinuz");
	assert_int_equal(image_delete(&r->cd, "vmlinuz"), -EBUSY);
	d.spec.ndisks = 0;
	assert_null(image_user(&r->cd, "vmlinuz"));
	assert_int_equal(image_delete(&r->cd, "vmlinuz"), 0);
	assert_string_equal(listing(r), "");
	assert_int_equal(image_delete(&r->cd, "vmlinuz"), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_upload_whole_or_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_crash_leftovers_and_kept_sha, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_in_use, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
