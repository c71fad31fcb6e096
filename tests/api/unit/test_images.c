// SPDX-License-Identifier: MIT
/*
 * The image store (controld/images.c) in a scratch directory: uploads kept only when
 * complete, two uploads of one name, the size limit, leftovers of a crash, the kept
 * SHA-256, and an image a domain uses; blank disks and growing one (image_disk.c).
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

#include "../../../controld/image_disk.h"
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

static void test_blank_and_grow(void **state)
{
	struct rig *r = *state;
	struct domain d = {.domid = -1};
	struct image_info im;
	char path[160];
	FILE *f;

	assert_int_equal(disk_create_blank(&r->cd, "vol", 512 * 1024, &im), 0);
	assert_true(im.disk);
	assert_int_equal(im.size, 512 * 1024);
	assert_string_equal(im.sha256, "");
	assert_string_equal(listing(r), ".vol.disk vol");
	/* Taken, not whole sectors, over the limit (1 MiB), not a name: nothing made. */
	assert_int_equal(disk_create_blank(&r->cd, "vol", 512, &im), -EEXIST);
	assert_int_equal(disk_create_blank(&r->cd, "odd", 1000, &im), -EINVAL);
	assert_int_equal(disk_create_blank(&r->cd, "odd", 0, &im), -EINVAL);
	assert_int_equal(disk_create_blank(&r->cd, "big", (1u << 20) + 512, &im), -EFBIG);
	assert_int_equal(disk_create_blank(&r->cd, "../x", 512, &im), -EINVAL);
	assert_string_equal(listing(r), ".vol.disk vol");
	/* A name being made (.new-NAME) is taken too, by disks and uploads alike. */
	snprintf(path, sizeof(path), "%s/.new-mid", r->dir);
	f = fopen(path, "w");
	fclose(f);
	assert_int_equal(disk_create_blank(&r->cd, "mid", 512, &im), -EEXIST);
	{
		struct image_upload *u;
		assert_int_equal(image_upload_begin(&r->cd, "mid", 3, &u), -EEXIST);
	}
	/* ...until a crash's leftover is cleared at the next start. */
	assert_int_equal(images_init(&r->cd), 0);
	assert_string_equal(listing(r), ".vol.disk vol");

	/* Growing: never shrinking; not while a running domain uses it. */
	assert_int_equal(disk_resize(&r->cd, "vol", 1u << 20, &im), 0);
	assert_int_equal(im.size, 1u << 20);
	assert_int_equal(disk_resize(&r->cd, "vol", 512, &im), -ERANGE);
	assert_int_equal(disk_resize(&r->cd, "vol", 1000 * 1024 + 1, &im), -EINVAL);
	assert_int_equal(disk_resize(&r->cd, "vol", (1u << 20) + 512, &im), -EFBIG);
	assert_int_equal(disk_resize(&r->cd, "nosuch", 512, &im), -ENOENT);
	snprintf(d.spec.name, sizeof(d.spec.name), "web1");
	d.spec.ndisks = 1;
	snprintf(d.spec.disks[0].path, sizeof(d.spec.disks[0].path), "vol");
	assert_int_equal(collection_append(&r->cd.doms.items, &d), 0);
	assert_int_equal(disk_resize(&r->cd, "vol", 1u << 20, &im), 0); /* defined, stopped */
	d.domid = 3;
	assert_int_equal(disk_resize(&r->cd, "vol", 1u << 20, &im), -ETXTBSY);
	assert_ptr_equal(image_running_writer(&r->cd, "vol"), &d);
	d.spec.disks[0].readonly = true;
	assert_null(image_running_writer(&r->cd, "vol"));
	assert_ptr_equal(image_running_user(&r->cd, "vol"), &d);
	d.domid = -1;
	assert_int_equal(image_delete(&r->cd, "vol"), -EBUSY);
	d.spec.ndisks = 0;
	assert_int_equal(image_delete(&r->cd, "vol"), 0);
	assert_string_equal(listing(r), "");
}

/* An uploaded image grown is a disk: its SHA-256 would no longer say anything. */
static void test_grown_upload_is_a_disk(void **state)
{
	struct rig *r = *state;
	struct image_upload *u;
	struct image_info im;

	assert_int_equal(image_upload_begin(&r->cd, "seed", 3, &u), 0);
	assert_int_equal(image_upload_write(u, "abc", 3), 0);
	assert_int_equal(image_upload_finish(u, &im), 0);
	assert_false(im.disk);
	assert_int_equal(disk_resize(&r->cd, "seed", 4096, &im), 0);
	assert_true(im.disk);
	assert_string_equal(im.sha256, "");
	assert_string_equal(listing(r), ".seed.disk seed");
	assert_int_equal(disk_room(&r->cd, 4096), 0);
	assert_int_equal(disk_room(&r->cd, UINT64_MAX), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_upload_whole_or_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_crash_leftovers_and_kept_sha, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_in_use, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_blank_and_grow, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_grown_upload_is_a_disk, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
