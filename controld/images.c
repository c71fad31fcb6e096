// SPDX-License-Identifier: MIT
/* Images in dom0's images directory: see images.h. */
#include "images.h"
#include "log.h"
#include "model_internal.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define UPLOAD_PREFIX ".upload-"
#define MAX_LISTED    4096
#define HASH_CHUNK    (1u << 20)

struct image_upload {
	struct controld *cd;
	char name[IMAGE_NAME_MAX + 1];
	char tmp[PATH_MAX];
	int fd;
	uint64_t size, max;
	gnutls_hash_hd_t hash;
};

uint64_t image_max_bytes(const struct controld *cd)
{
	return (uint64_t)cd->cfg.image_max_mib << 20;
}

static int path_of(const struct controld *cd, const char *name, const char *fmt, char *out,
		   size_t size)
{
	int n = snprintf(out, size, fmt, cd->cfg.images_dir, name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int images_init(struct controld *cd)
{
	DIR *dir;
	struct dirent *e;

	if (mkdir(cd->cfg.images_dir, 0700) && errno != EEXIST)
		return -errno;
	dir = opendir(cd->cfg.images_dir);
	if (!dir)
		return -errno;
	while ((e = readdir(dir)))
		if (!strncmp(e->d_name, UPLOAD_PREFIX, strlen(UPLOAD_PREFIX)) ||
		    !strncmp(e->d_name, IMAGE_NEW_PREFIX, strlen(IMAGE_NEW_PREFIX))) {
			log_info("images: removing %s, an upload or copy that never finished",
				 e->d_name);
			unlinkat(dirfd(dir), e->d_name, 0);
		}
	closedir(dir);
	return 0;
}

static void hex(const unsigned char *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* The SHA-256 of an image put there by other means: read through once, then kept. */
static int hash_file(const char *path, char out[65])
{
	gnutls_hash_hd_t h;
	unsigned char d[32];
	char *buf = malloc(HASH_CHUNK);
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;
	ssize_t n;

	if (fd < 0 || !buf || gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0) {
		rc = fd < 0 ? -errno : -ENOMEM;
		if (fd >= 0)
			close(fd);
		free(buf);
		return rc;
	}
	while ((n = read(fd, buf, HASH_CHUNK)) > 0)
		gnutls_hash(h, buf, (size_t)n);
	if (n < 0)
		rc = -errno;
	gnutls_hash_deinit(h, d);
	hex(d, sizeof(d), out);
	close(fd);
	free(buf);
	return rc;
}

static void write_sidecar(const struct controld *cd, const char *name, const char *sha)
{
	char path[PATH_MAX];
	FILE *f;

	if (path_of(cd, name, "%s/.%s.sha256", path, sizeof(path)))
		return;
	f = fopen(path, "we");
	if (!f)
		return;
	fprintf(f, "%s\n", sha);
	fclose(f);
}

/* The kept SHA-256 when it is not older than the image; else computed and kept. */
static int image_sha(const struct controld *cd, const char *name, const struct stat *st,
		     char out[65])
{
	char path[PATH_MAX], img[PATH_MAX];
	struct stat sst;
	FILE *f;
	int rc;

	rc = path_of(cd, name, "%s/.%s.sha256", path, sizeof(path));
	rc = rc ?: path_of(cd, name, "%s/%s", img, sizeof(img));
	if (rc)
		return rc;
	f = fopen(path, "re");
	if (f && !fstat(fileno(f), &sst) && sst.st_mtime >= st->st_mtime &&
	    fscanf(f, "%64[0-9a-f]", out) == 1 && strlen(out) == 64) {
		fclose(f);
		return 0;
	}
	if (f)
		fclose(f);
	rc = hash_file(img, out);
	if (!rc)
		write_sidecar(cd, name, out);
	return rc;
}

int image_file(const struct controld *cd, const char *name, char path[PATH_MAX])
{
	return image_name_ok(name) ? path_of(cd, name, "%s/%s", path, PATH_MAX) : -EINVAL;
}

int image_aside(const struct controld *cd, const char *prefix, const char *name, const char *suffix,
		char path[PATH_MAX])
{
	int n = snprintf(path, PATH_MAX, "%s/%s%s%s", cd->cfg.images_dir, prefix, name, suffix);

	if (!image_name_ok(name))
		return -EINVAL;
	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

static bool is_disk(const struct controld *cd, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	return !image_aside(cd, ".", name, ".disk", path) && !lstat(path, &st);
}

int image_mark_disk(const struct controld *cd, const char *name)
{
	char path[PATH_MAX];
	int fd, rc = image_aside(cd, ".", name, ".disk", path);

	if (rc)
		return rc;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	close(fd);
	/* Its contents change under the guest: a kept SHA-256 would be a lie. */
	if (!image_aside(cd, ".", name, ".sha256", path))
		unlink(path);
	return 0;
}

int image_get(struct controld *cd, const char *name, struct image_info *out)
{
	char path[PATH_MAX];
	struct stat st;
	int rc = image_file(cd, name, path);

	if (rc)
		return rc;
	/* Regular files only: a link could lead anywhere in dom0. */
	if (lstat(path, &st))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	str_copy(out->name, name, sizeof(out->name));
	out->size = (uint64_t)st.st_size;
	format_time((uint64_t)st.st_mtime * 1000, out->created_at);
	out->disk = is_disk(cd, name);
	return out->disk ? 0 : image_sha(cd, name, &st, out->sha256);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int images_each(struct controld *cd, image_visit_fn fn, void *arg)
{
	DIR *dir = opendir(cd->cfg.images_dir);
	char **names = NULL;
	struct dirent *e;
	unsigned n = 0;
	int rc = 0;

	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	names = calloc(MAX_LISTED, sizeof(*names));
	while (names && n < MAX_LISTED && (e = readdir(dir)))
		if (image_name_ok(e->d_name) && (names[n] = strdup(e->d_name)))
			n++;
	closedir(dir);
	if (!names)
		return -ENOMEM;
	qsort(names, n, sizeof(*names), cmp_names);
	for (unsigned i = 0; i < n; i++) {
		struct image_info im;
		if (!rc && !image_get(cd, names[i], &im))
			rc = fn(arg, &im);
		free(names[i]);
	}
	free(names);
	return rc;
}

int image_open(struct controld *cd, const char *name, int *fd, uint64_t *size)
{
	char path[PATH_MAX];
	struct stat st;
	int rc = image_file(cd, name, path);

	if (rc)
		return rc;
	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (*fd < 0)
		return errno == ELOOP ? -ENOENT : -errno;
	if (fstat(*fd, &st) || !S_ISREG(st.st_mode)) {
		close(*fd);
		return -ENOENT;
	}
	*size = (uint64_t)st.st_size;
	return 0;
}

static bool uses(const struct controld *cd, const char *ref, const char *name)
{
	const char *n = ref[0] ? image_ref_name(cd->cfg.images_dir, ref) : NULL;

	return n && !strcmp(n, name);
}

enum user_kind { ANY_USER, RUNNING_USER, RUNNING_WRITER };

/* The first domain of that kind whose spec uses the image. */
static const struct domain *first_user(struct controld *cd, const char *name, enum user_kind kind)
{
	for (unsigned i = 0; i < cd->doms.items.n; i++) {
		const struct domain *d = dom_at(cd, i);
		const struct dom_spec *sp = &d->spec;
		/* A kernel or initrd is read, never written. */
		bool used = kind != RUNNING_WRITER && sp->boot.type == BOOT_PVH &&
			    (uses(cd, sp->boot.kernel, name) || uses(cd, sp->boot.initrd, name));
		if (kind != ANY_USER && d->domid < 0)
			continue;
		for (unsigned k = 0; k < sp->ndisks && !used; k++)
			used = uses(cd, sp->disks[k].path, name) &&
			       (kind != RUNNING_WRITER || !sp->disks[k].readonly);
		if (used)
			return d;
	}
	return NULL;
}

const struct domain *image_user(struct controld *cd, const char *name)
{
	return first_user(cd, name, ANY_USER);
}

const struct domain *image_running_user(struct controld *cd, const char *name)
{
	return first_user(cd, name, RUNNING_USER);
}

const struct domain *image_running_writer(struct controld *cd, const char *name)
{
	return first_user(cd, name, RUNNING_WRITER);
}

int image_delete(struct controld *cd, const char *name)
{
	char path[PATH_MAX];
	struct image_info im;
	int rc = image_get(cd, name, &im);

	if (rc)
		return rc;
	if (image_user(cd, name))
		return -EBUSY;
	rc = path_of(cd, name, "%s/%s", path, sizeof(path));
	if (rc)
		return rc;
	if (unlink(path))
		return -errno;
	if (!path_of(cd, name, "%s/.%s.sha256", path, sizeof(path)))
		unlink(path);
	if (!image_aside(cd, ".", name, ".disk", path))
		unlink(path);
	log_info("images: deleted %s", name);
	return 0;
}

bool image_taken(const struct controld *cd, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	return (!path_of(cd, name, "%s/%s", path, sizeof(path)) && !lstat(path, &st)) ||
	       (!image_aside(cd, IMAGE_NEW_PREFIX, name, "", path) && !lstat(path, &st));
}

int image_upload_begin(struct controld *cd, const char *name, uint64_t declared,
		       struct image_upload **out)
{
	struct image_upload *u;
	int rc;

	if (!image_name_ok(name))
		return -EINVAL;
	if (image_taken(cd, name))
		return -EEXIST;
	if (declared != UINT64_MAX && declared > image_max_bytes(cd))
		return -EFBIG;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->cd = cd;
	u->max = image_max_bytes(cd);
	str_copy(u->name, name, sizeof(u->name));
	rc = path_of(cd, UPLOAD_PREFIX "XXXXXX", "%s/%s", u->tmp, sizeof(u->tmp));
	if (rc) {
		free(u);
		return rc;
	}
	u->fd = mkostemp(u->tmp, O_CLOEXEC);
	if (u->fd < 0) {
		rc = -errno;
		free(u);
		return rc;
	}
	if (gnutls_hash_init(&u->hash, GNUTLS_DIG_SHA256) < 0) {
		close(u->fd);
		unlink(u->tmp);
		free(u);
		return -ENOMEM;
	}
	*out = u;
	return 0;
}

int image_upload_write(struct image_upload *u, const void *data, size_t len)
{
	const char *p = data;

	if (len > u->max - u->size)
		return -EFBIG;
	gnutls_hash(u->hash, data, len);
	while (len) {
		ssize_t n = write(u->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
		u->size += (uint64_t)n;
	}
	return 0;
}

static void upload_free(struct image_upload *u, bool keep)
{
	unsigned char d[32];

	gnutls_hash_deinit(u->hash, d);
	if (u->fd >= 0)
		close(u->fd);
	if (!keep)
		unlink(u->tmp);
	free(u);
}

void image_upload_abort(struct image_upload *u)
{
	log_info("images: upload of %s stopped after %llu bytes; nothing kept", u->name,
		 (unsigned long long)u->size);
	upload_free(u, false);
}

int image_upload_finish(struct image_upload *u, struct image_info *out)
{
	char path[PATH_MAX];
	unsigned char d[32];
	int rc, dfd;

	rc = path_of(u->cd, u->name, "%s/%s", path, sizeof(path));
	if (!rc && fsync(u->fd))
		rc = -errno;
	/* Never over an image that appeared meanwhile (another upload of the name). */
	if (!rc && renameat2(AT_FDCWD, u->tmp, AT_FDCWD, path, RENAME_NOREPLACE))
		rc = -errno;
	if (rc) {
		upload_free(u, false);
		return rc;
	}
	dfd = open(u->cd->cfg.images_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd); /* the rename itself is durable */
		close(dfd);
	}
	memset(out, 0, sizeof(*out));
	str_copy(out->name, u->name, sizeof(out->name));
	out->size = u->size;
	gnutls_hash_output(u->hash, d);
	hex(d, sizeof(d), out->sha256);
	format_time(now_wall_ms(), out->created_at);
	write_sidecar(u->cd, u->name, out->sha256);
	if (!image_aside(u->cd, ".", u->name, ".disk", path))
		unlink(path); /* a disk's marker a crash left behind */
	log_info("images: %s uploaded, %llu bytes, sha256 %s", u->name, (unsigned long long)u->size,
		 out->sha256);
	upload_free(u, true);
	return 0;
}
